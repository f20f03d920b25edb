package products

import (
	"strings"
	"testing"

	"oms/db"
	"oms/db/catalog"
	"oms/keymaps"
	"oms/tui/tuitest"
)

// page opens product sku's page on d at w×h.
func page(t *testing.T, d *db.DB, sku string, w, h int) (*Detail, *tuitest.Driver) {
	t.Helper()
	var id int64
	if err := d.Get(&id, `SELECT id FROM products WHERE sku = $1`, sku); err != nil {
		t.Fatal(err)
	}
	c := tuitest.NewContext()
	s := DetailDef(catalog.New(d)).Build(c, Ref{ID: id, SKU: sku}).(*Detail)
	return s, tuitest.New(t, s, *c.Keys, w, h)
}

// retype clears the focused field and types text into it.
func retype(drv *tuitest.Driver, text string) {
	drv.Press(keymaps.ScopeInput, "clear")
	drv.Type(text)
}

func TestEditSavesTheBackOfficeFields(t *testing.T) {
	d := tuitest.DemoDB(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}} {
		_, drv := page(t, d, "APP-BNE-FGR", size.w, size.h)
		drv.Press(keymaps.ScopeProducts, "edit")
		retype(drv, "Beanie, Forest")
		tuitest.Exactly(t, drv.Frame(), size.w, size.h)
		tuitest.Golden(t, "product-form-"+size.name, drv.Frame())
	}
	s, drv := page(t, d, "APP-BNE-FGR", 80, 24)
	before := s.p.Version
	drv.Press(keymaps.ScopeProducts, "edit")
	if !s.Capturing() || !s.HasUnsavedInput() {
		t.Fatal("the open form should take the keys and hold unsaved input")
	}
	retype(drv, "Ribbed Beanie, Forest Green")
	drv.Press(keymaps.ScopeProducts, "nextField")
	retype(drv, "12")
	drv.Press(keymaps.ScopeProducts, "nextField")
	retype(drv, "no")
	drv.Press(keymaps.ScopeInput, "submit")
	if s.form != nil {
		t.Fatalf("the form is still open after saving:\n%s", drv.Frame())
	}
	var got struct {
		Name    string `db:"name"`
		Reorder int    `db:"reorder_point"`
		Active  bool   `db:"active"`
		Version int    `db:"version"`
	}
	if err := d.Get(&got, `SELECT name, reorder_point, active, version FROM products WHERE sku = 'APP-BNE-FGR'`); err != nil {
		t.Fatal(err)
	}
	if got.Name != "Ribbed Beanie, Forest Green" || got.Reorder != 12 || got.Active || got.Version != before+1 {
		t.Fatalf("stored %+v after saving from version %d", got, before)
	}
	if frame := drv.Frame(); !strings.Contains(frame, "Ribbed Beanie, Forest Green") || !strings.Contains(frame, "Reorder point 12") {
		t.Fatalf("the page does not show what was saved:\n%s", frame)
	}
}

// Two people open the same product; the first to save wins, the second is told and keeps what
// they typed, and after reloading saves on top of the first.
func TestEditWhenSomeoneElseSavedFirst(t *testing.T) {
	d := tuitest.DemoDB(t)
	a, first := page(t, d, "APP-BNE-NVY", 80, 24)
	b, second := page(t, d, "APP-BNE-NVY", 80, 24)
	first.Press(keymaps.ScopeProducts, "edit")
	second.Press(keymaps.ScopeProducts, "edit")
	retype(first, "Beanie, Navy (A)")
	first.Press(keymaps.ScopeInput, "submit")
	if a.form != nil {
		t.Fatalf("the first save failed:\n%s", first.Frame())
	}
	retype(second, "Beanie, Navy (B)")
	second.Press(keymaps.ScopeInput, "submit")
	frame := second.Frame()
	if b.form == nil || !strings.Contains(frame, "changed by someone else since you opened it: reload") {
		t.Fatalf("the second save should be refused and say why:\n%s", frame)
	}
	if b.form.fields[0].Value() != "Beanie, Navy (B)" {
		t.Fatalf("the refused save lost the typing: %q", b.form.fields[0].Value())
	}
	tuitest.Golden(t, "product-form-conflict-80x24", frame)
	var name string
	if err := d.Get(&name, `SELECT name FROM products WHERE sku = 'APP-BNE-NVY'`); err != nil || name != "Beanie, Navy (A)" {
		t.Fatalf("stored name %q (%v), want the first save's", name, err)
	}
	second.Press(keymaps.ScopeInput, "cancel")
	second.Press(keymaps.ScopeProducts, "refresh")
	if !strings.Contains(second.Frame(), "Beanie, Navy (A)") {
		t.Fatalf("the reload should show the first save:\n%s", second.Frame())
	}
	second.Press(keymaps.ScopeProducts, "edit")
	retype(second, "Beanie, Navy (B)")
	second.Press(keymaps.ScopeInput, "submit")
	if b.form != nil {
		t.Fatalf("saving after the reload failed:\n%s", second.Frame())
	}
	if err := d.Get(&name, `SELECT name FROM products WHERE sku = 'APP-BNE-NVY'`); err != nil || name != "Beanie, Navy (B)" {
		t.Fatalf("stored name %q (%v), want the second save's", name, err)
	}
}

// A reorder point that is not a number is refused before anything is sent, typing kept.
func TestEditRefusesAReorderPointThatIsNotANumber(t *testing.T) {
	s, drv := page(t, tuitest.DemoDB(t), "APP-BNE-BLK", 40, 16)
	drv.Press(keymaps.ScopeProducts, "edit")
	drv.Press(keymaps.ScopeProducts, "nextField")
	retype(drv, "ten")
	drv.Press(keymaps.ScopeInput, "submit")
	if s.form == nil || s.form.fields[1].Value() != "ten" || !strings.Contains(drv.Frame(), "whole number") {
		t.Fatalf("frame:\n%s", drv.Frame())
	}
}

// Only the back office and supervisors are offered the form.
func TestEditIsOfferedToTheBackOfficeOnly(t *testing.T) {
	d := tuitest.DemoDB(t)
	c := tuitest.NewContext()
	c.Jobs = []string{"stock"}
	var id int64
	if err := d.Get(&id, `SELECT id FROM products WHERE sku = 'APP-BNE-BLK'`); err != nil {
		t.Fatal(err)
	}
	s := DetailDef(catalog.New(d)).Build(c, Ref{ID: id, SKU: "APP-BNE-BLK"}).(*Detail)
	drv := tuitest.New(t, s, *c.Keys, 80, 24)
	drv.Press(keymaps.ScopeProducts, "edit")
	if s.form != nil {
		t.Fatal("stock control was given the form")
	}
}
