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

// focusOn moves the form's focus to the field labelled label with tab.
func focusOn(t *testing.T, s *Detail, drv *tuitest.Driver, label string) {
	t.Helper()
	for range formFields {
		if formFields[s.form.focus].label == label {
			return
		}
		drv.Press(keymaps.ScopeProducts, "nextField")
	}
	t.Fatalf("no field %q", label)
}

func TestEditSavesTheBackOfficeFields(t *testing.T) {
	d := tuitest.DemoDB(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}} {
		s, drv := page(t, d, "APP-BNE-FGR", size.w, size.h)
		drv.Press(keymaps.ScopeProducts, "edit")
		retype(drv, "Beanie, Forest")
		tuitest.Exactly(t, drv.Frame(), size.w, size.h)
		tuitest.Golden(t, "product-form-"+size.name, drv.Frame())
		focusOn(t, s, drv, "Active") // the last field scrolls into view
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		if !strings.Contains(frame, ">Active") {
			t.Fatalf("%s: the focused last field is out of view:\n%s", size.name, frame)
		}
		tuitest.Golden(t, "product-form-last-"+size.name, frame)
	}
	s, drv := page(t, d, "APP-BNE-FGR", 80, 24)
	before := s.p.Version
	drv.Press(keymaps.ScopeProducts, "edit")
	if !s.Capturing() || !s.HasUnsavedInput() {
		t.Fatal("the open form should take the keys and hold unsaved input")
	}
	retype(drv, "Ribbed Beanie, Forest Green")
	for _, typed := range []struct{ label, text string }{
		{"Barcodes", "SUP-BNE-77; 036000291452"}, {"Weight (g)", "95"}, {"Length (mm)", "230"},
		{"Width (mm)", "210"}, {"Height (mm)", "35"}, {"Reorder point", "12"}, {"Active", "no"},
	} {
		focusOn(t, s, drv, typed.label)
		retype(drv, typed.text)
	}
	drv.Press(keymaps.ScopeInput, "submit")
	if s.form != nil {
		t.Fatalf("the form is still open after saving:\n%s", drv.Frame())
	}
	var got struct {
		Name     string `db:"name"`
		Weight   int    `db:"weight_g"`
		Dims     string `db:"dims"`
		Barcodes string `db:"barcodes"`
		Reorder  int    `db:"reorder_point"`
		Active   bool   `db:"active"`
		Version  int    `db:"version"`
	}
	if err := d.Get(&got, `SELECT name, weight_g, concat_ws('x', length_mm, width_mm, height_mm) AS dims,
		(SELECT string_agg(barcode || ':' || kind, ' ' ORDER BY barcode) FROM product_barcodes WHERE product_id = p.id) AS barcodes,
		reorder_point, active, version FROM products p WHERE sku = 'APP-BNE-FGR'`); err != nil {
		t.Fatal(err)
	}
	if got.Name != "Ribbed Beanie, Forest Green" || got.Weight != 95 || got.Dims != "230x210x35" ||
		got.Barcodes != "036000291452:upc SUP-BNE-77:supplier" || got.Reorder != 12 || got.Active || got.Version != before+1 {
		t.Fatalf("stored %+v after saving from version %d", got, before)
	}
	frame := drv.Frame()
	for _, want := range []string{"Ribbed Beanie, Forest Green", "Reorder point 12", "230×210×35 mm", "95 g", "SUP-BNE-77", "036000291452"} {
		if !strings.Contains(frame, want) {
			t.Fatalf("the page does not show %q:\n%s", want, frame)
		}
	}
}

// A GTIN with a wrong check digit is refused before anything is sent: the message names the
// field and why, the focus goes to it, and every typed value is kept.
func TestEditRefusesABadGTINKeepingEveryValue(t *testing.T) {
	d := tuitest.DemoDB(t)
	s, drv := page(t, d, "APP-BNE-BLK", 80, 24)
	drv.Press(keymaps.ScopeProducts, "edit")
	typed := map[string]string{"Name": "Beanie, Jet Black", "GTIN": "8719327005836", "Barcodes": "SUP-9;CASE-12",
		"Weight (g)": "101", "Height (mm)": "44", "HS code": "650590", "Origin": "de", "Tax category": "reduced",
		"Reorder point": "8"}
	for _, ff := range formFields {
		if text, ok := typed[ff.label]; ok {
			focusOn(t, s, drv, ff.label)
			retype(drv, text)
		}
	}
	focusOn(t, s, drv, "Name")
	drv.Press(keymaps.ScopeInput, "submit")
	frame := drv.Frame()
	if s.form == nil || s.form.saving || !strings.Contains(frame, `GTIN "8719327005836" is not a GTIN-8, -12, -13`) {
		t.Fatalf("the bad GTIN should be refused, naming the field:\n%s", frame)
	}
	if formFields[s.form.focus].label != "GTIN" {
		t.Errorf("the focus is on %s, want the GTIN", formFields[s.form.focus].label)
	}
	for i, ff := range formFields {
		if text, ok := typed[ff.label]; ok && s.form.fields[i].Value() != text {
			t.Errorf("%s: %q after the refusal, typed %q", ff.label, s.form.fields[i].Value(), text)
		}
	}
	tuitest.Golden(t, "product-form-badgtin-80x24", frame)
	var name string
	if err := d.Get(&name, `SELECT name FROM products WHERE sku = 'APP-BNE-BLK'`); err != nil || name == typed["Name"] {
		t.Fatalf("the refused edit was stored: %q, %v", name, err)
	}
	_, narrow := page(t, d, "APP-BNE-BLK", 40, 16)
	narrow.Press(keymaps.ScopeProducts, "edit")
	narrow.Press(keymaps.ScopeProducts, "nextField")
	retype(narrow, "12345")
	narrow.Press(keymaps.ScopeInput, "submit")
	tuitest.Exactly(t, narrow.Frame(), 40, 16)
	tuitest.Golden(t, "product-form-badgtin-40x16", narrow.Frame())
}

// A product with stock in lots cannot stop being lot-tracked: the database's sentence is shown
// under the field, and the form stays.
func TestEditCannotEndLotTrackingWithStock(t *testing.T) {
	d := tuitest.DemoDB(t)
	var sku string
	if err := d.Get(&sku, `SELECT p.sku FROM products p WHERE p.lot_tracked AND EXISTS (SELECT 1 FROM stock_balances b
		WHERE b.product_id = p.id AND b.lot_id IS NOT NULL AND b.on_hand <> 0) ORDER BY p.sku LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	s, drv := page(t, d, sku, 80, 24)
	drv.Press(keymaps.ScopeProducts, "edit")
	focusOn(t, s, drv, "Lot tracked")
	retype(drv, "no")
	drv.Press(keymaps.ScopeProducts, "nextField")
	retype(drv, "no")
	drv.Press(keymaps.ScopeInput, "submit")
	frame := drv.Frame()
	if s.form == nil || !strings.Contains(frame, "Lot tracked: "+sku+" has stock in lots") ||
		formFields[s.form.focus].label != "Lot tracked" {
		t.Fatalf("ending lot tracking with stock should be refused with the database's sentence:\n%s", frame)
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
	if b.form.fields[fieldOf("name")].Value() != "Beanie, Navy (B)" {
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
	focusOn(t, s, drv, "Reorder point")
	retype(drv, "ten")
	drv.Press(keymaps.ScopeInput, "submit")
	if s.form == nil || s.form.fields[fieldOf("reorder_point")].Value() != "ten" || !strings.Contains(drv.Frame(), `Reorder point "ten" is not a whole`) {
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
