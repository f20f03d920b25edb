package shippdf

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"rsc.io/pdf"
)

// The tests read the PDFs back with rsc.io/pdf, a PDF reader in Go, and check what a reader of
// the paper would see (the text) and what a scanner would (the bars), so they need no tool
// installed.

func open(t testing.TB, b []byte) *pdf.Reader {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the PDF does not read back: %v", err)
	}
	return r
}

// run is one piece of text shown on a page, at its start in points from the bottom left.
type run struct {
	x, y float64
	s    string
}

// rect is a filled rectangle on a page, in points from the bottom left.
type rect struct{ x, y, w, h float64 }

// pageContent interprets page n's content stream: the text shown (Tj, TJ, decoded with the
// font's encoding, at the position Td and Tm set) and the rectangles filled (re then f).
func pageContent(t testing.TB, r *pdf.Reader, n int) (runs []run, rects []rect) {
	t.Helper()
	p := r.Page(n)
	if p.V.IsNull() {
		t.Fatalf("page %d does not exist", n)
	}
	var enc pdf.TextEncoding
	var x, y float64
	var path []rect
	pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT":
			x, y = 0, 0
		case "Tf":
			enc = p.Font(args[0].Name()).Encoder()
		case "Td":
			x, y = x+args[0].Float64(), y+args[1].Float64()
		case "Tm":
			x, y = args[4].Float64(), args[5].Float64()
		case "Tj":
			runs = append(runs, run{x, y, enc.Decode(args[0].RawString())})
		case "TJ":
			var s strings.Builder
			for i := 0; i < args[0].Len(); i++ {
				if v := args[0].Index(i); v.Kind() == pdf.String {
					s.WriteString(enc.Decode(v.RawString()))
				}
			}
			runs = append(runs, run{x, y, s.String()})
		case "re":
			rx, ry, rw, rh := args[0].Float64(), args[1].Float64(), args[2].Float64(), args[3].Float64()
			if rh < 0 { // fpdf gives the top left corner and a negative height
				ry, rh = ry+rh, -rh
			}
			path = append(path, rect{rx, ry, rw, rh})
		case "f", "F", "f*":
			rects = append(rects, path...)
			path = nil
		case "S", "s", "B", "b", "n":
			path = nil
		}
	})
	return runs, rects
}

// pageLines is the text of page n as lines, top to bottom, pieces on a line left to right
// joined by a space.
func pageLines(t testing.TB, r *pdf.Reader, n int) []string {
	t.Helper()
	runs, _ := pageContent(t, r, n)
	// Top to bottom; pieces whose baselines are within 2 pt share a line (a shrunk value sits
	// a little lower than its neighbours).
	slices.SortStableFunc(runs, func(a, b run) int { return -cmpFloat(a.y, b.y) })
	var lines []string
	for i := 0; i < len(runs); {
		j := i + 1
		for j < len(runs) && runs[i].y-runs[j].y < 2 {
			j++
		}
		group := slices.Clone(runs[i:j])
		slices.SortStableFunc(group, func(a, b run) int { return cmpFloat(a.x, b.x) })
		var parts []string
		for _, g := range group {
			if s := strings.TrimSpace(g.s); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			lines = append(lines, strings.Join(parts, " "))
		}
		i = j
	}
	return lines
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func allText(t testing.TB, r *pdf.Reader) string {
	var pages []string
	for n := 1; n <= r.NumPage(); n++ {
		pages = append(pages, strings.Join(pageLines(t, r, n), "\n"))
	}
	return strings.Join(pages, "\n")
}

// expectText fails for each piece a reader would look for and not find. Pieces are matched
// with any run of white space (a line break included) as one space.
func expectText(t *testing.T, name, text string, want ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("%s: no %q in the text:\n%s", name, w, text)
		}
	}
}

// mediaBox is a page's size in points, from its MediaBox (on the page or inherited).
func mediaBox(t *testing.T, r *pdf.Reader, n int) (w, h float64) {
	t.Helper()
	for v := r.Page(n).V; !v.IsNull(); v = v.Key("Parent") {
		if box := v.Key("MediaBox"); box.Len() == 4 {
			return box.Index(2).Float64() - box.Index(0).Float64(), box.Index(3).Float64() - box.Index(1).Float64()
		}
	}
	t.Fatalf("page %d has no MediaBox", n)
	return 0, 0
}

func expectPageSize(t *testing.T, name string, b []byte, wPt, hPt float64) {
	t.Helper()
	r := open(t, b)
	for n := 1; n <= r.NumPage(); n++ {
		w, h := mediaBox(t, r, n)
		if math.Abs(w-wPt) > 0.5 || math.Abs(h-hPt) > 0.5 {
			t.Errorf("%s: page %d is %.2f×%.2f pt, want %.2f×%.2f", name, n, w, h, wPt, hPt)
		}
	}
}
