package products

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/catalog"
	"oms/db/dbtest"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// list starts the products list on the demo data at w×h, recording the screens it opens.
func list(t *testing.T, d *db.DB, w, h int) (*Screen, *tuitest.Driver, *[]ui.Open) {
	t.Helper()
	c := tuitest.NewContext()
	s := New(c, catalog.New(d))
	opened := &[]ui.Open{}
	drv := tuitest.New(t, s, *c.Keys, w, h)
	drv.Hold = func(msg tea.Msg) bool {
		if o, ok := msg.(ui.Open); ok {
			*opened = append(*opened, o)
			return true
		}
		return false
	}
	return s, drv, opened
}

func skus(s *Screen) []string {
	var out []string
	for _, r := range s.rows {
		out = append(out, r.SKU)
	}
	return out
}

func has(list []string, want string) bool {
	for _, x := range list {
		if x == want {
			return true
		}
	}
	return false
}

func TestProductsListGolden(t *testing.T) {
	d := tuitest.DemoDB(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}} {
		_, drv, _ := list(t, d, size.w, size.h)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "products-list-"+size.name, frame)
	}
}

func TestSearchBySKUPrefixFindsTheProduct(t *testing.T) {
	s, drv, _ := list(t, tuitest.DemoDB(t), 80, 24)
	drv.Press(keymaps.ScopeProducts, "search")
	drv.Type("APP-BNE-N")
	if got := skus(s); len(got) != 1 || got[0] != "APP-BNE-NVY" {
		t.Fatalf("searching APP-BNE-N listed %v, want only APP-BNE-NVY", got)
	}
	drv.Type("X") // no SKU starts with APP-BNE-NX
	if got := skus(s); len(got) != 0 {
		t.Fatalf("searching APP-BNE-NX listed %v, want none", got)
	}
	tuitest.Golden(t, "products-nomatch-80x24", drv.Frame())
}

func TestSearchByPartOfTheNameFindsTheProduct(t *testing.T) {
	s, drv, _ := list(t, tuitest.DemoDB(t), 80, 24)
	drv.Press(keymaps.ScopeProducts, "search")
	drv.Type("forest gr") // any case, any part of the name
	if got := skus(s); !has(got, "APP-BNE-FGR") {
		t.Fatalf("searching 'forest gr' listed %v, want APP-BNE-FGR among them", got)
	}
	for _, r := range s.rows {
		if !containsFold(r.Name, "forest gr") {
			t.Errorf("%s %q does not match 'forest gr'", r.SKU, r.Name)
		}
	}
	tuitest.Golden(t, "products-search-80x24", drv.Frame())
}

func TestScannedGTINOpensTheProduct(t *testing.T) {
	d := tuitest.DemoDB(t)
	s, drv, opened := list(t, d, 20, 16)
	drv.Press(keymaps.ScopeProducts, "search")
	drv.Type("8719327005835") // APP-BNE-FGR's GTIN, as a scanner types it
	if got := skus(s); len(got) != 1 || got[0] != "APP-BNE-FGR" {
		t.Fatalf("the GTIN listed %v, want APP-BNE-FGR", got)
	}
	drv.Press(keymaps.ScopeInput, "submit")
	if len(*opened) != 1 || (*opened)[0].Route != DetailRoute || (*opened)[0].Arg.(Ref).SKU != "APP-BNE-FGR" {
		t.Fatalf("the scan opened %+v, want APP-BNE-FGR's page", *opened)
	}
}

func TestScannedBarcodeOpensItsProduct(t *testing.T) {
	d := tuitest.DemoDB(t)
	var code struct {
		Barcode string `db:"barcode"`
		SKU     string `db:"sku"`
	}
	if err := d.Get(&code, `SELECT b.barcode, p.sku FROM product_barcodes b JOIN products p ON p.id = b.product_id
		ORDER BY b.barcode LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	_, drv, opened := list(t, d, 40, 16)
	drv.Press(keymaps.ScopeProducts, "search")
	drv.Type(code.Barcode)
	drv.Press(keymaps.ScopeInput, "submit")
	if len(*opened) != 1 || (*opened)[0].Arg.(Ref).SKU != code.SKU {
		t.Fatalf("scanning %s opened %+v, want %s", code.Barcode, *opened, code.SKU)
	}
}

// A search that is not a code (a part of a name) leaves the list showing and opens nothing.
func TestSubmittedNameSearchOpensNothing(t *testing.T) {
	s, drv, opened := list(t, tuitest.DemoDB(t), 80, 24)
	drv.Press(keymaps.ScopeProducts, "search")
	drv.Type("beanie")
	drv.Press(keymaps.ScopeInput, "submit")
	if len(*opened) != 0 || len(s.rows) == 0 || s.Capturing() {
		t.Fatalf("opened %+v, %d rows, capturing %v", *opened, len(s.rows), s.Capturing())
	}
}

// Paging down through every product and back keeps SKU order, never holds more than the window,
// and comes back to the first product.
func TestKeysetPagingWalksTheWholeCatalogue(t *testing.T) {
	d := tuitest.DemoDB(t)
	var total int
	if err := d.Get(&total, `SELECT count(*) FROM products`); err != nil {
		t.Fatal(err)
	}
	s, drv, _ := list(t, d, 20, 16)
	first := s.rows[0].SKU
	visited := map[string]bool{first: true}
	seen, last := 1, first
	for i := 0; i < 2*total && seen < total; i++ {
		drv.Press(keymaps.ScopeList, "down")
		sku := s.rows[s.cursor].SKU
		if sku != last {
			if visited[sku] {
				t.Fatalf("after %s came %s again", last, sku)
			}
			visited[sku] = true
			seen++
		}
		last = sku
		if len(s.rows) > s.maxWindow() {
			t.Fatalf("%d rows held, more than the window of %d", len(s.rows), s.maxWindow())
		}
	}
	if seen != total || !s.atEnd {
		t.Fatalf("walked %d of %d products (at end %v)", seen, total, s.atEnd)
	}
	if s.atStart {
		t.Fatalf("the window still holds the first row after %d products", total)
	}
	for i := 0; i < total && s.rows[s.cursor].SKU != first; i++ {
		drv.Press(keymaps.ScopeList, "pageUp")
	}
	if s.rows[s.cursor].SKU != first || !s.atStart {
		t.Fatalf("paging up stopped at %s, want %s", s.rows[s.cursor].SKU, first)
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// l shows only what is low somewhere it is stocked, each row marked ▼ (not colour alone), and
// the search line says so; l again shows everything. The demo's seed leaves some products low.
func TestLowShowsOnlyTheProductsLowSomewhere(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}} {
		s, drv, _ := list(t, tuitest.DemoDB(t), size.w, size.h)
		all, lowAmongAll := len(s.rows), 0
		for _, r := range s.rows {
			if r.Low {
				lowAmongAll++
			}
		}
		if lowAmongAll == 0 || lowAmongAll == all {
			t.Fatalf("the demo's first page has %d low products of %d: the test needs some of each", lowAmongAll, all)
		}
		drv.Press(keymaps.ScopeProducts, "low")
		if len(s.rows) == 0 {
			t.Fatal("low only lists nothing")
		}
		for _, r := range s.rows {
			if !r.Low {
				t.Fatalf("%s is listed as low but is not", r.SKU)
			}
		}
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		if !strings.Contains(frame, "▼") || size.w >= 40 && !strings.Contains(frame, "low only") {
			t.Fatalf("the low-only list does not say so:\n%s", frame)
		}
		tuitest.Golden(t, "products-low-"+size.name, frame)
		drv.Press(keymaps.ScopeProducts, "low")
		if len(s.rows) != all {
			t.Fatalf("l again lists %d, want %d", len(s.rows), all)
		}
	}
}
