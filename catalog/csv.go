package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"oms/model"
)

// Rejection is a row that was not imported: FILE:LINE: reason.
type Rejection struct {
	File   string
	Line   int // the physical line (from 1) where the record starts
	Reason string
}

func (r Rejection) String() string { return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason) }

// MissingColumnsError says which required columns a file's header lacks. The command line
// reports it as a usage mistake.
type MissingColumnsError struct {
	File    string
	Kind    string
	Columns []string
}

func (e *MissingColumnsError) Error() string {
	s := ""
	if len(e.Columns) > 1 {
		s = "s"
	}
	return fmt.Sprintf("%s: a %s file needs the column%s %s in its header", e.File, e.Kind, s, strings.Join(e.Columns, ", "))
}

// column is one column of a kind of file; required ones must be in the header.
type column struct {
	name     string
	required bool
}

// record is one data record of a file, its cells looked up by column name. The first problem
// found is kept in err; later lookups return zero values.
type record struct {
	line    int
	cells   []string
	index   map[string]int
	present []string // the columns of the kind that the file has, in the kind's order
	err     error
}

func (r *record) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

// FieldError is a value refused, with the column it was given for; the sentence names it.
type FieldError struct {
	Column string // as a file names it: weight_g, barcodes, tax_category…
	Reason string
}

func (e *FieldError) Error() string { return e.Reason }

// failOn is fail for a problem of one column's value.
func (r *record) failOn(column, format string, args ...any) {
	if r.err == nil {
		r.err = &FieldError{Column: column, Reason: fmt.Sprintf(format, args...)}
	}
}

// has says whether the file has the column.
func (r *record) has(name string) bool {
	_, ok := r.index[name]
	return ok
}

// str is the trimmed cell of a column, "" when the column is absent, without the control
// characters no text from outside may carry (model.CleanText): a product's name with an ESC in
// it would reach every terminal that shows it, and the database refuses it (migration 00050).
func (r *record) str(name string) string {
	i, ok := r.index[name]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(model.CleanText(r.cells[i]))
}

// intIn reads an integer of at least min; "" is def.
func (r *record) intIn(name string, min, def int) int {
	s := r.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min {
		what := "a whole number"
		switch min {
		case 0:
			what = "a whole number of 0 or more"
		case 1:
			what = "a whole number above 0"
		}
		r.failOn(name, "%s %q is not %s", name, s, what)
		return def
	}
	return n
}

// boolean reads true/false, yes/no, 1/0 (any case); "" is def.
func (r *record) boolean(name string, def bool) bool {
	s := strings.ToLower(r.str(name))
	switch s {
	case "":
		return def
	case "true", "yes", "1", "y", "t":
		return true
	case "false", "no", "0", "n", "f":
		return false
	}
	r.failOn(name, "%s %q is not true or false (also yes/no, 1/0)", name, r.str(name))
	return def
}

// float reads a decimal number within [min, max]; "" is nil.
func (r *record) float(name string, min, max float64) *float64 {
	s := r.str(name)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < min || f > max {
		r.failOn(name, "%s %q is not a number from %g to %g", name, s, min, max)
		return nil
	}
	return &f
}

// oneOf reads a lower-case word from the allowed list; "" is def ("" def: required).
func (r *record) oneOf(name, def string, allowed ...string) string {
	s := strings.ToLower(r.str(name))
	if s == "" {
		s = def
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	if s == "" {
		r.failOn(name, "%s is empty: it is one of %s", name, strings.Join(allowed, ", "))
	} else {
		r.failOn(name, "%s %q is not one of %s", name, r.str(name), strings.Join(allowed, ", "))
	}
	return s
}

// required reads a cell that may not be empty.
func (r *record) required(name string) string {
	s := r.str(name)
	if s == "" {
		r.failOn(name, "%s is empty", name)
	}
	return s
}

// readRecords reads a CSV file (UTF-8, optional BOM, LF or CRLF, RFC 4180 quoting), finds the
// columns by name and calls row for each data record. A record that cannot be read or has
// another number of fields than the header is rejected; so is each record row returns an error
// for. A missing required column is a *MissingColumnsError and nothing is read.
func readRecords(file, kind string, data []byte, cols []column, row func(r *record) error) ([]Rejection, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &MissingColumnsError{File: file, Kind: kind, Columns: requiredNames(cols)}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: the header cannot be read: %w", file, err)
	}
	index := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if _, dup := index[name]; dup && name != "" {
			return nil, &DuplicateColumnError{File: file, Column: name}
		}
		index[name] = i
	}
	var missing, present []string
	for _, c := range cols {
		_, ok := index[c.name]
		if c.required && !ok {
			missing = append(missing, c.name)
		}
		if ok {
			present = append(present, c.name)
		}
	}
	if len(missing) > 0 {
		return nil, &MissingColumnsError{File: file, Kind: kind, Columns: missing}
	}
	var rejected []Rejection
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rejected = append(rejected, Rejection{File: file, Line: pe.StartLine, Reason: "not readable as CSV: " + pe.Err.Error()})
			continue
		}
		if err != nil {
			return rejected, fmt.Errorf("%s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		if len(cells) == 1 && strings.TrimSpace(cells[0]) == "" {
			continue // a blank line
		}
		if len(cells) != len(header) {
			rejected = append(rejected, Rejection{File: file, Line: line,
				Reason: fmt.Sprintf("%d fields, but the header has %d", len(cells), len(header))})
			continue
		}
		r := &record{line: line, cells: cells, index: index, present: present}
		if err := row(r); err != nil {
			rejected = append(rejected, Rejection{File: file, Line: line, Reason: err.Error()})
		}
	}
	return rejected, nil
}

// DuplicateColumnError is a header that names a column twice: which one counts is unclear, so
// it is a usage mistake like a missing column.
type DuplicateColumnError struct {
	File, Column string
}

func (e *DuplicateColumnError) Error() string {
	return fmt.Sprintf("%s: the header names the column %s twice", e.File, e.Column)
}

func requiredNames(cols []column) []string {
	var names []string
	for _, c := range cols {
		if c.required {
			names = append(names, c.name)
		}
	}
	return names
}

func columnNames(cols []column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// writeRecords writes the header and the records as CSV with LF line ends.
func writeRecords(w io.Writer, cols []column, records [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(columnNames(cols)); err != nil {
		return err
	}
	if err := cw.WriteAll(records); err != nil {
		return err
	}
	return cw.Error()
}

// seen rejects the second record with the same key in one file.
type seen map[string]int

func (s seen) check(r *record, what, key string) { s.checkOn(r, "", what, key) }

// checkOn is check for a value of one column; a record of no file (line 0) is told the value
// is listed twice.
func (s seen) checkOn(r *record, column, what, key string) {
	if first, ok := s[key]; ok {
		switch {
		case r.line == 0:
			r.failOn(column, "%s %s is listed twice", what, key)
		case column == "":
			r.fail("%s %s is on line %d already", what, key, first)
		default:
			r.failOn(column, "%s %s is on line %d already", what, key, first)
		}
		return
	}
	s[key] = r.line
}

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func formatBool(b bool) string { return strconv.FormatBool(b) }

func formatFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// kinds are the columns of each kind of file, by the name `oms catalog` knows it by.
var kinds = map[string][]column{}

// Columns returns the columns of a kind of file in the order export writes them, and which of
// them a file must have; nil when there is no such kind.
func Columns(kind string) (all, required []string) {
	cols, ok := kinds[kind]
	if !ok {
		return nil, nil
	}
	return columnNames(cols), requiredNames(cols)
}
