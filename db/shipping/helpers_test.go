package shipping_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/floortest"

	"rsc.io/pdf"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The floor the tests pack on is floortest's: picked orders in totes, boxes, test-post's card.
func newFloor(t testing.TB) *floortest.Floor { return floortest.New(t) }

func mustExec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustGet(t testing.TB, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// checkClean is oms check and every line's reservations equal to its allocated − shipped.
func checkClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}

// pdfText is every piece of text of a PDF's pages, run together without spaces, as a reader
// (rsc.io/pdf) sees it.
func pdfText(t testing.TB, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the PDF does not read back: %v", err)
	}
	var sb strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		for _, s := range r.Page(i).Content().Text {
			sb.WriteString(s.S)
		}
	}
	return strings.ReplaceAll(sb.String(), " ", "")
}
