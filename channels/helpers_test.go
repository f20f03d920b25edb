package channels

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"oms/model"
)

// want is what a user sees of one order: where it is, its id, and why it was rejected.
type want struct {
	Line   int
	ID     string
	Reason string // "" for an order that is read
}

func readAll(t *testing.T, format string, data []byte, opt Options) []Parsed {
	t.Helper()
	got, err := readAllErr(format, data, opt)
	if err != nil {
		t.Fatalf("%s: %v", opt.File, err)
	}
	return got
}

func readAllErr(format string, data []byte, opt Options) ([]Parsed, error) {
	r, err := Open(format, bytes.NewReader(data), opt)
	if err != nil {
		return nil, err
	}
	var out []Parsed
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readFile(t *testing.T, format, name string, opt Options) []Parsed {
	t.Helper()
	opt.File = name
	return readAll(t, format, testdata(t, name), opt)
}

// checkWants compares what a user notices of each order: FILE:LINE, id and reason.
func checkWants(t *testing.T, got []Parsed, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, p := range got {
			t.Logf("got %d %q %q", p.Line, p.ID, p.Reason)
		}
		t.Fatalf("got %d orders, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := want{got[i].Line, got[i].ID, got[i].Reason}
		if g != w {
			t.Errorf("order %d:\n got %+v\nwant %+v", i+1, g, w)
		}
		if w.Reason == "" && got[i].Order.ExternalID == "" {
			t.Errorf("order %d (%s) is read but empty", i+1, w.ID)
		}
	}
}

// norm makes orders comparable with reflect.DeepEqual: times in UTC.
func norm(o model.IncomingOrder) model.IncomingOrder {
	o.OrderedAt = o.OrderedAt.UTC()
	o.PromisedAt = o.PromisedAt.UTC()
	return o
}

func sameOrder(t *testing.T, got, want model.IncomingOrder) {
	t.Helper()
	if !reflect.DeepEqual(norm(got), norm(want)) {
		t.Errorf("order %s:\n got %+v\nwant %+v", want.DisplayID, describe(got), describe(want))
	}
}

func describe(o model.IncomingOrder) string {
	var b strings.Builder
	_ = WriteJSON(&b, o)
	return b.String()
}

// shuffleColumns reverses the columns of a delimited file and adds an unknown column, keeping
// every record on the lines it had.
func shuffleColumns(t *testing.T, data []byte, comma rune) []byte {
	t.Helper()
	if comma == '\t' {
		var out []string
		for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			cells := strings.Split(line, "\t")
			rev := []string{"x"}
			if i == 0 {
				rev[0] = "Some New Column"
			}
			for j := len(cells) - 1; j >= 0; j-- {
				rev = append(rev, cells[j])
			}
			out = append(out, strings.Join(rev, "\t"))
		}
		return []byte(strings.Join(out, "\n") + "\n")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	for i, rec := range recs {
		rev := []string{"x"}
		if i == 0 {
			rev[0] = "  SOME new column "
		}
		for j := len(rec) - 1; j >= 0; j-- {
			cell := rec[j]
			if i == 0 {
				cell = " " + strings.ToUpper(cell) + " " // names are case-insensitive and trimmed
			}
			rev = append(rev, cell)
		}
		_ = cw.Write(rev)
	}
	cw.Flush()
	return buf.Bytes()
}

// bomCRLF is the file as Windows tools write it: a UTF-8 byte order mark and CRLF line ends.
func bomCRLF(data []byte) []byte {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return []byte("\ufeff" + strings.ReplaceAll(s, "\n", "\r\n"))
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// checkParsed is the fuzz property: every Parsed is either a valid order or a reason.
func checkParsed(t *testing.T, p Parsed) {
	t.Helper()
	if p.Reason == "" {
		if r := validate(&p.Order); r != "" {
			t.Fatalf("order %q at line %d is accepted but invalid: %s", p.ID, p.Line, r)
		}
		if p.Line <= 0 {
			t.Fatalf("order %q has no line", p.ID)
		}
	} else if !reflect.DeepEqual(p.Order, model.IncomingOrder{}) {
		t.Fatalf("rejected order %q carries an order", p.ID)
	}
}
