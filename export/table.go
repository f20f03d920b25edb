package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Type says how a column's cells are written in JSON; CSV-like files write every cell as text.
type Type uint8

const (
	// Text is a JSON string.
	Text Type = iota
	// Int is a JSON number (quantities, ids); an empty cell is null.
	Int
	// Decimal is an amount as a JSON string of its digits ("-12.50"), never a float.
	Decimal
	// Bool is true or false; an empty cell is null.
	Bool
	// Time is an RFC 3339 JSON string; an empty cell is null.
	Time
)

// Column is one column of a file: its name in the header (CSV) or the key (JSON).
type Column struct {
	Name string
	Type Type
}

// Names lists the columns' names.
func Names(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// RowWriter writes rows of cells, one cell per column, in the columns' order.
type RowWriter interface {
	Row(cells ...string) error
}

// CSV writes a header and rows, comma-separated and quoted as spreadsheets read them (RFC 4180),
// every cell neutralised.
type CSV struct {
	w    *csv.Writer
	cols int
}

// NewCSV writes the header of cols to w and returns the writer of the rows.
func NewCSV(w io.Writer, cols []Column) (*CSV, error) {
	c := &CSV{w: csv.NewWriter(w), cols: len(cols)}
	return c, c.Row(Names(cols)...)
}

// Row writes one row. Rows reach w as the csv package's buffer fills; Flush sends the rest.
func (c *CSV) Row(cells ...string) error {
	if len(cells) != c.cols {
		return fmt.Errorf("export: a row of %d cells for %d columns", len(cells), c.cols)
	}
	rec := make([]string, len(cells))
	for i, s := range cells {
		rec[i] = Neutralise(s)
	}
	return c.w.Write(rec)
}

// Flush writes what is buffered and reports any error of the rows written so far.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// TSV writes a tab-separated flat file as Amazon's Seller Central reads it: a header line and
// one line per row, cells unquoted. A cell cannot hold a tab or a line break there, so each is
// written as a space; every cell is neutralised first.
type TSV struct {
	w    io.Writer
	cols int
	buf  []byte
}

// NewTSV writes the header of cols to w and returns the writer of the rows.
func NewTSV(w io.Writer, cols []Column) (*TSV, error) {
	t := &TSV{w: w, cols: len(cols)}
	return t, t.Row(Names(cols)...)
}

var flat = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ")

// Row writes one line.
func (t *TSV) Row(cells ...string) error {
	if len(cells) != t.cols {
		return fmt.Errorf("export: a row of %d cells for %d columns", len(cells), t.cols)
	}
	t.buf = t.buf[:0]
	for i, s := range cells {
		if i > 0 {
			t.buf = append(t.buf, '\t')
		}
		t.buf = append(t.buf, flat.Replace(Neutralise(s))...)
	}
	t.buf = append(t.buf, '\n')
	_, err := t.w.Write(t.buf)
	return err
}

// JSONLines writes one JSON object per row and line, its keys the columns' names in order.
type JSONLines struct {
	w    io.Writer
	cols []Column
	buf  []byte
}

// NewJSONLines returns a writer of rows of cols to w.
func NewJSONLines(w io.Writer, cols []Column) *JSONLines { return &JSONLines{w: w, cols: cols} }

// Row writes one object and a newline.
func (j *JSONLines) Row(cells ...string) error {
	buf, err := Fields(append(j.buf[:0], '{'), j.cols, cells)
	if err != nil {
		return err
	}
	j.buf = append(buf, '}', '\n')
	_, err = j.w.Write(j.buf)
	return err
}

// Fields appends to dst the members `"name":value,…` of cols with cells as their values, as the
// inside of a JSON object without its braces.
func Fields(dst []byte, cols []Column, cells []string) ([]byte, error) {
	if len(cells) != len(cols) {
		return dst, fmt.Errorf("export: a row of %d cells for %d columns", len(cells), len(cols))
	}
	for i, c := range cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, c.Name)
		dst = append(dst, ':')
		v, err := value(c, cells[i])
		if err != nil {
			return dst, err
		}
		dst = append(dst, v...)
	}
	return dst, nil
}

func value(c Column, s string) ([]byte, error) {
	switch c.Type {
	case Int:
		if s == "" {
			return []byte("null"), nil
		}
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return nil, fmt.Errorf("export: column %s: %q is not a whole number", c.Name, s)
		}
		return []byte(s), nil
	case Bool:
		switch s {
		case "":
			return []byte("null"), nil
		case "true", "false":
			return []byte(s), nil
		}
		return nil, fmt.Errorf("export: column %s: %q is not true or false", c.Name, s)
	case Time:
		if s == "" {
			return []byte("null"), nil
		}
	}
	return appendString(nil, s), nil
}

func appendString(dst []byte, s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(dst, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}

// Splice adds members to a JSON object: obj is one object, optionally followed by a newline (as
// channels.WriteJSON writes an order), and the members of cols with cells as their values go in
// at its top level just before the closing brace; the result ends in a newline. The object is
// not parsed (an export splices into every row): the caller names members the object does not
// have, which TopLevelKeys lets a test check.
func Splice(obj []byte, cols []Column, cells []string) ([]byte, error) {
	body := bytes.TrimRight(obj, " \t\r\n")
	if len(body) < 2 || body[0] != '{' || body[len(body)-1] != '}' {
		return nil, errors.New("export: splicing into something that is not a JSON object")
	}
	out := make([]byte, 0, len(body)+64*len(cols)+1)
	out = append(out, body[:len(body)-1]...)
	if len(cols) > 0 && len(bytes.TrimSpace(body[1:len(body)-1])) > 0 {
		out = append(out, ',')
	}
	out, err := Fields(out, cols, cells)
	if err != nil {
		return nil, err
	}
	out = append(out, '}', '\n')
	return out, nil
}

// TopLevelKeys lists the member names of one JSON object, in order, repeats included.
func TopLevelKeys(obj []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("export: not a JSON object")
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
