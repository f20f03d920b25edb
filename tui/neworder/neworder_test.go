package neworder

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/catalog"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// desk is the small business with a phone channel, catalogue prices for TEE-1 and MUG-1, a
// barcode on MUG-1 and a customer, Ann de Wit, whose last order went to Utrecht; it returns the
// owner and a back-office clerk's connection.
func desk(t *testing.T) (owner, clerk *db.DB) {
	t.Helper()
	owner = dbtest.SmallBusiness(t)
	for _, stmt := range []string{
		`INSERT INTO channels (code, name, kind, currency, sla_hours) VALUES ('phone', 'Phone orders', 'manual', 'EUR', 72)`,
		`INSERT INTO product_prices (product_id, currency, price_minor) SELECT id, 'EUR', 1500 FROM products WHERE sku = 'TEE-1'`,
		`INSERT INTO product_prices (product_id, currency, price_minor) SELECT id, 'EUR', 1200 FROM products WHERE sku = 'MUG-1'`,
		`INSERT INTO product_barcodes (barcode, product_id, kind) SELECT '8712345000017', id, 'ean' FROM products WHERE sku = 'MUG-1'`,
		`INSERT INTO customers (name, email, phone, country, currency) VALUES ('Ann de Wit', 'ann@example.com', '+31 6 5555 0101', 'NL', 'EUR')`,
		`INSERT INTO addresses (customer_id, name, line1, postal_code, city, country)
		 SELECT id, 'Ann de Wit', 'Oudegracht 12', '3511 AB', 'Utrecht', 'NL' FROM customers WHERE name = 'Ann de Wit'`,
	} {
		if _, err := owner.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return owner, dbtest.LoginAs(t, owner, "backoffice")
}

// form opens the form on ord and cat at w×h.
func form(t *testing.T, ord Orders, cat Products, w, h int) (*Screen, *tuitest.Driver) {
	t.Helper()
	c := tuitest.NewContext()
	c.Jobs = []string{"backoffice"}
	s := Def(ord, cat).Build(c, nil).(*Screen)
	return s, tuitest.New(t, s, *c.Keys, w, h)
}

// focusOn tabs to field id.
func focusOn(t *testing.T, s *Screen, drv *tuitest.Driver, id int) {
	t.Helper()
	for range 40 {
		if s.focus == id {
			return
		}
		drv.Press(keymaps.ScopeNewOrder, "nextField")
	}
	t.Fatalf("field %d cannot be reached with tab:\n%s", id, drv.Frame())
}

// fill finds Ann de Wit by part of her name, adds TEE-1 by SKU (3, then changed to 2) and MUG-1
// by its barcode, as a clerk on the phone would.
func fill(t *testing.T, s *Screen, drv *tuitest.Driver) {
	t.Helper()
	drv.Type("de wi")
	if len(s.results) != 1 || !strings.Contains(drv.Frame(), "Ann de Wit") {
		t.Fatalf("typing part of the name does not find the customer:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeNewOrder, "pickDown")
	if s.picked == nil || s.val(fCity) != "Utrecht" || s.val(fLine1) != "Oudegracht 12" {
		t.Fatalf("picking the customer does not fill the ship-to address:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeInput, "submit")
	focusOn(t, s, drv, fItem)
	drv.Type("TEE-1")
	drv.Press(keymaps.ScopeInput, "submit")
	if len(s.lines) != 1 || s.focus != lineBase {
		t.Fatalf("the SKU did not add a line and go to its quantity:\n%s", drv.Frame())
	}
	drv.Type("3") // replaces the 1 it starts with
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Type("8712345000017") // scanned: the scanner ends with enter
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Press(keymaps.ScopeInput, "submit") // quantity 1
	if len(s.lines) != 2 || s.lines[1].sku != "MUG-1" || s.lines[0].qty.Value() != "3" || s.focus != fItem {
		t.Fatalf("the barcode did not add MUG-1:\n%s", drv.Frame())
	}
	// Change the first line's quantity.
	focusOn(t, s, drv, lineBase)
	drv.Press(keymaps.ScopeInput, "clear")
	drv.Type("2")
	focusOn(t, s, drv, fNotes)
	drv.Type("called 10:05, gift wrap")
}

func TestEnterAnOrderByHandSavesItOnce(t *testing.T) {
	owner, clerk := desk(t)
	ord, cat := orders.New(clerk), catalog.New(clerk)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"40x16", 40, 16}} {
		s, drv := form(t, ord, cat, size.w, size.h)
		tuitest.Exactly(t, drv.Frame(), size.w, size.h)
		tuitest.Golden(t, "neworder-empty-"+size.name, drv.Frame())
		fill(t, s, drv)
		focusOn(t, s, drv, lineBase+1)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "neworder-filled-"+size.name, frame)
		if !strings.Contains(frame, "total 42.00 EUR") {
			t.Errorf("the running total is not 2 × 15.00 + 12.00:\n%s", frame)
		}
	}
	s, drv := form(t, ord, cat, 80, 24)
	var opened []ui.Open
	drv.Hold = func(msg tea.Msg) bool {
		open, ok := msg.(ui.Open)
		if ok {
			opened = append(opened, open)
		}
		return ok
	}
	fill(t, s, drv)
	drv.Press(keymaps.ScopeNewOrder, "save")
	frame := drv.Frame()
	if s.done == nil || !strings.Contains(frame, s.done.number+" saved") {
		t.Fatalf("ctrl+s did not save:\n%s", frame)
	}
	tuitest.Exactly(t, frame, 80, 24)
	tuitest.Golden(t, "neworder-saved-80x24", frame)
	number := s.done.number
	drv.Press(keymaps.ScopeNewOrder, "save")
	if s.done == nil || s.done.number != number {
		t.Fatalf("saving again said %v, want %s", s.done, number)
	}
	var got struct {
		Orders   int    `db:"orders"`
		Customer string `db:"customer_name"`
		City     string `db:"city"`
		Total    int64  `db:"total_minor"`
		Lines    string `db:"lines"`
		Notes    string `db:"notes"`
		Channel  string `db:"channel"`
	}
	if err := owner.Get(&got, `
		SELECT (SELECT count(*) FROM orders) AS orders, o.customer_name, a.city, o.total_minor, o.notes, c.code AS channel,
		       (SELECT string_agg(p.sku || ' ' || l.qty_ordered || ' @ ' || l.unit_price_minor, ', ' ORDER BY l.line_no)
		          FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) AS lines
		  FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id JOIN channels c ON c.id = o.channel_id
		 WHERE o.number = $1`, number); err != nil {
		t.Fatal(err)
	}
	want := "TEE-1 2 @ 1500, MUG-1 1 @ 1200"
	if got.Orders != 1 || got.Customer != "Ann de Wit" || got.City != "Utrecht" || got.Total != 4200 || got.Lines != want ||
		got.Notes != "called 10:05, gift wrap" || got.Channel != "phone" {
		t.Errorf("stored %+v; want one order of Ann de Wit to Utrecht in phone, 42.00, %s", got, want)
	}
	var customers int
	if err := owner.Get(&customers, `SELECT count(*) FROM customers`); err != nil || customers != 1 {
		t.Errorf("%d customers (%v): the picked customer should not be made again", customers, err)
	}
	// The form offers to open the order, as the queue opens orders.
	drv.Press(keymaps.ScopeInput, "submit")
	if len(opened) != 1 || opened[0].Route != ui.RouteOrder || opened[0].Arg.(ui.OrderRef).Number != number ||
		opened[0].Arg.(ui.OrderRef).ID == 0 {
		t.Errorf("enter after saving asked for %v, want order %s opened", opened, number)
	}
}

// The store refuses a quantity of 0: the form says why and keeps every field; after fixing the
// quantity it saves. A SKU nobody has is refused as it is typed, the text kept.
func TestRefusalsKeepTheInput(t *testing.T) {
	owner, clerk := desk(t)
	s, drv := form(t, orders.New(clerk), catalog.New(clerk), 40, 16)
	fill(t, s, drv)
	focusOn(t, s, drv, lineBase+2) // MUG-1's quantity
	drv.Press(keymaps.ScopeInput, "clear")
	drv.Type("0")
	drv.Press(keymaps.ScopeNewOrder, "save")
	frame := drv.Frame()
	flat := strings.Join(strings.Fields(frame), " ")
	if s.done != nil || !strings.Contains(flat, "line 2 (MUG-1): the quantity is 0") {
		t.Fatalf("a quantity of 0 is not refused with the store's reason:\n%s", frame)
	}
	tuitest.Exactly(t, frame, 40, 16)
	tuitest.Golden(t, "neworder-refused-40x16", frame)
	if s.lines[1].qty.Value() != "0" || s.lines[0].qty.Value() != "2" || s.picked == nil || s.val(fCity) != "Utrecht" ||
		s.val(fNotes) != "called 10:05, gift wrap" {
		t.Fatalf("the refusal lost input: lines %q %q, city %q, notes %q", s.lines[0].qty.Value(), s.lines[1].qty.Value(),
			s.val(fCity), s.val(fNotes))
	}
	focusOn(t, s, drv, fItem)
	drv.Type("NOPE-9")
	drv.Press(keymaps.ScopeInput, "submit")
	if len(s.lines) != 2 || s.val(fItem) != "NOPE-9" ||
		!strings.Contains(strings.Join(strings.Fields(drv.Frame()), " "), `no product has the SKU, barcode or name "NOPE-9"`) {
		t.Fatalf("an unknown SKU:\n%s", drv.Frame())
	}
	var n int
	if err := owner.Get(&n, `SELECT count(*) FROM orders`); err != nil || n != 0 {
		t.Fatalf("%d orders (%v) after refusals", n, err)
	}
	drv.Press(keymaps.ScopeNewOrder, "removeLine")
	drv.Press(keymaps.ScopeNewOrder, "save")
	if s.done == nil {
		t.Fatalf("saving without the refused line failed:\n%s", drv.Frame())
	}
	if err := owner.Get(&n, `SELECT count(*) FROM orders`); err != nil || n != 1 {
		t.Fatalf("%d orders (%v) after saving", n, err)
	}
}

// lostAnswer saves for real but answers the first save with a time-out, as when the commit
// happened and the answer was lost.
type lostAnswer struct {
	*orders.Store
	calls int
}

func (l *lostAnswer) CreateManualOrder(_ context.Context, key string, m orders.ManualOrder) (string, error) {
	l.calls++
	number, err := l.Store.CreateManualOrder(context.Background(), key, m)
	if l.calls == 1 && err == nil {
		return "", context.DeadlineExceeded
	}
	return number, err
}

// A retry after "did not answer in time" saves one order: the key was made when the form
// opened. A new customer typed into the form is made once, with the order.
func TestRetryAfterATimeOutMakesOneOrder(t *testing.T) {
	owner, clerk := desk(t)
	ord := &lostAnswer{Store: orders.New(clerk)}
	s, drv := form(t, ord, catalog.New(clerk), 80, 24)
	drv.Type("Piet")
	if len(s.results) != 0 || !strings.Contains(drv.Frame(), "no customer found") {
		t.Fatalf("Piet is not a customer yet:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeInput, "submit")
	for _, f := range []struct {
		id   int
		text string
	}{{fCustName, "Piet Bakker"}, {fCustEmail, "piet@example.com"}, {fCustPhone, "+31 6 1234 5678"}, {fShipName, "Piet Bakker"},
		{fLine1, "Dorpsstraat 4"}, {fPostcode, "3511 AB"}, {fCity, "Utrecht"}, {fCountry, "nl"}, {fItem, "Mug"}} {
		focusOn(t, s, drv, f.id)
		drv.Type(f.text)
	}
	drv.Press(keymaps.ScopeInput, "submit") // "Mug" names one product: MUG-1
	if len(s.lines) != 1 || s.lines[0].sku != "MUG-1" || s.lines[0].price.Value() != "12.00" {
		t.Fatalf("a name search did not add MUG-1 at its price:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeNewOrder, "save")
	if s.done != nil || !strings.Contains(drv.Frame(), "did not answer in time") || s.val(fCustName) != "Piet Bakker" {
		t.Fatalf("a lost answer:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeNewOrder, "save")
	if s.done == nil {
		t.Fatalf("the retry did not say the order was saved:\n%s", drv.Frame())
	}
	var n, customers int
	if err := owner.Get(&n, `SELECT count(*) FROM orders`); err != nil || n != 1 {
		t.Fatalf("%d orders (%v) after a lost answer and a retry", n, err)
	}
	if err := owner.Get(&customers, `SELECT count(*) FROM customers WHERE email = 'piet@example.com'`); err != nil || customers != 1 {
		t.Fatalf("%d customers Piet (%v)", customers, err)
	}
}

// Below 40 columns the desk form asks for a wider terminal rather than cutting fields.
func TestNarrowTerminalAsksToWiden(t *testing.T) {
	_, clerk := desk(t)
	_, drv := form(t, orders.New(clerk), catalog.New(clerk), 20, 16)
	frame := drv.Frame()
	tuitest.Exactly(t, frame, 20, 16)
	tuitest.Golden(t, "neworder-20x16", frame)
	if !strings.Contains(strings.Join(strings.Fields(frame), " "), "widen the terminal") {
		t.Fatalf("frame:\n%s", frame)
	}
}

// countingFinder records the customer searches sent.
type countingFinder struct {
	*orders.Store
	asked []string
}

func (c *countingFinder) FindCustomers(ctx context.Context, text string, limit int) ([]orders.CustomerMatch, error) {
	c.asked = append(c.asked, text)
	return c.Store.FindCustomers(ctx, text, limit)
}

// A fast typist's search is one query in flight and the latest text queued; the answer shown
// is the latest text's.
func TestCustomerSearchOneInFlightLatestWins(t *testing.T) {
	_, clerk := desk(t)
	ord := &countingFinder{Store: orders.New(clerk)}
	s, drv := form(t, ord, catalog.New(clerk), 80, 24)
	drv.Hold = func(msg tea.Msg) bool { _, ok := msg.(ui.Result); return ok }
	drv.Type("ann@example.com")
	if len(ord.asked) != 1 {
		t.Fatalf("typing sent %d searches while the first was in flight: %q", len(ord.asked), ord.asked)
	}
	drv.Release()
	if want := []string{"a", "ann@example.com"}; len(ord.asked) != 2 || ord.asked[1] != want[1] {
		t.Fatalf("searches sent %q, want %q", ord.asked, want)
	}
	if len(s.results) != 1 || s.results[0].Name != "Ann de Wit" {
		t.Fatalf("the latest search's answer is not shown:\n%s", drv.Frame())
	}
}
