package export_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"oms/channels"
	"oms/db"
	"oms/db/dbtest"
	dbexport "oms/db/export"
	"oms/db/invoicing"
	"oms/db/orders"
	"oms/db/stock"
	"oms/model"
)

// stockRows reads the stock export of f, per warehouse or per SKU, as "SKU WH on/res/buf=avail".
func stockRows(t *testing.T, d *db.DB, f dbexport.Filter, perWarehouse bool) ([]string, error) {
	t.Helper()
	ctx := context.Background()
	var out []string
	_, err := dbexport.New(d).Run(ctx, f, func(r *dbexport.Reader) error {
		return r.Stock(ctx, perWarehouse, func(s dbexport.StockLevel) error {
			out = append(out, strings.TrimSpace(s.SKU+" "+s.Warehouse)+" "+
				itoa(s.OnHand)+"/"+itoa(s.Reserved)+"/"+itoa(s.Buffer)+"="+itoa(s.Available()))
			return nil
		})
	})
	return out, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// What a channel may sell is on hand − reserved in the active bins of the warehouses that serve
// it, less its safety buffer, never below 0: the closed DC's units, the store's units (for a
// webshop) and the units reserved for an order are not for sale.
func TestStockIsAvailableToSellPerChannel(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	_, line := w.order(t, w.owner, 3)
	if err := stock.New(w.owner).Reserve(ctx, "reserve-ex-000001", stock.Reservation{OrderLine: line, Location: w.binA, Product: w.mug, Qty: 3}); err != nil {
		t.Fatal(err)
	}
	check := func(f dbexport.Filter, perWarehouse bool, want ...string) {
		t.Helper()
		got, err := stockRows(t, w.owner, f, perWarehouse)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("%+v per warehouse %v:\n got  %s\n want %s", f, perWarehouse, strings.Join(got, "; "), strings.Join(want, "; "))
		}
	}
	// web: RTM1 only (the store sells only for its own channel, OLD1 is closed); 15 on hand,
	// 3 reserved, buffer 2. TEA: 1 on hand, buffer 2: 0, not −1.
	check(dbexport.Filter{Channel: "WEB"}, false, "MUG-01 15/3/2=10", "TEA-01 1/0/2=0")
	check(dbexport.Filter{Channel: "web"}, true, "MUG-01 RTM1 15/3/2=10", "TEA-01 RTM1 1/0/2=0")
	// The store channel sells from the DCs and its own store, without a buffer.
	check(dbexport.Filter{Channel: "ams"}, true, "MUG-01 AMS1 4/0/0=4", "MUG-01 RTM1 15/3/0=12", "TEA-01 AMS1 0/0/0=0", "TEA-01 RTM1 1/0/0=1")
	check(dbexport.Filter{Channel: "ams"}, false, "MUG-01 19/3/0=16", "TEA-01 1/0/0=1")
	check(dbexport.Filter{Channel: "ams", Warehouse: "ams1"}, true, "MUG-01 AMS1 4/0/0=4", "TEA-01 AMS1 0/0/0=0")
	// Without a channel: every active warehouse, no buffer.
	check(dbexport.Filter{}, true, "MUG-01 AMS1 4/0/0=4", "MUG-01 RTM1 15/3/0=12", "TEA-01 AMS1 0/0/0=0", "TEA-01 RTM1 1/0/0=1")

	var ie *dbexport.InputError
	if _, err := stockRows(t, w.owner, dbexport.Filter{Channel: "web", Warehouse: "AMS1"}, true); !errors.As(err, &ie) || !strings.Contains(err.Error(), "store") {
		t.Errorf("a store's stock for the webshop: %v, want an input error saying it is a store", err)
	}
	if _, err := stockRows(t, w.owner, dbexport.Filter{Warehouse: "OLD1"}, true); !errors.As(err, &ie) || !strings.Contains(err.Error(), "not active") {
		t.Errorf("a closed warehouse's stock: %v, want an input error", err)
	}

	// After a cursor, only the SKUs whose stock moved.
	var cursor string
	if _, err := dbexport.New(w.owner).Run(ctx, dbexport.Filter{}, func(r *dbexport.Reader) error { cursor = r.Cursor(); return nil }); err != nil {
		t.Fatal(err)
	}
	check(dbexport.Filter{Channel: "web", After: cursor}, false)
	if err := stock.New(w.owner).Post(ctx, "receive-tea-000002", stock.Movement{Product: w.tea, From: w.supplier, To: w.binA, Qty: 5, Kind: model.MoveReceipt}); err != nil {
		t.Fatal(err)
	}
	check(dbexport.Filter{Channel: "web", After: cursor}, false, "TEA-01 6/0/2=4")
}

// A bad channel, warehouse or cursor is an input error that says what would do.
func TestFiltersThatCannotBeUsedAreInputErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for _, c := range []struct {
		f    dbexport.Filter
		want string
	}{
		{dbexport.Filter{Channel: "nope"}, `there is no channel "nope": the channels are ams, web`},
		{dbexport.Filter{Warehouse: "XX9"}, `there is no warehouse "XX9": the warehouses are AMS1, OLD1, RTM1`},
		{dbexport.Filter{After: "yesterday"}, `"yesterday" is not a cursor`},
		{dbexport.Filter{After: "9:3:"}, `"9:3:" is not a cursor`},
		{dbexport.Filter{After: "99999999:99999999:"}, "is ahead of this database"},
	} {
		_, err := dbexport.New(w.owner).Run(ctx, c.f, func(*dbexport.Reader) error { return nil })
		var ie *dbexport.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an input error containing %q", c.f, err, c.want)
		}
	}
}

// The order a channel stated comes back as it was given: the display name, both addresses, the
// lines' own amounts in line order, the hold for payment, the store, the service and the notes;
// and written as oms's json it reads back as the same order.
func TestIncomingOrderIsWhatTheChannelStated(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	ordered := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	var order int64
	mustGet(t, w.owner, &order, `INSERT INTO orders (number, channel_id, external_id, external_name, customer_id, customer_name,
		ship_to_address_id, bill_to_address_id, currency, subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor,
		prices_include_tax, on_hold, hold_reason, pickup_warehouse_id, ship_service, notes, ordered_at, promised_at)
		VALUES ('SO-0000101', $1, '5512345', '#1001', $2, 'Anna de Vries', $3, $4, 'EUR', 2999, 300, 495, 468, 3194,
		        true, true, 'HOLD_PAYMENT', $5, 'express', 'leave at the door', $6, $6::timestamptz + interval '3 days')
		RETURNING id`, w.web, w.customer, w.address, w.billing, w.ams, ordered)
	mustExec(t, w.owner, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, description, unit_price_minor,
		amount_minor, discount_minor, tax_minor, qty_ordered) VALUES
		($1, 2, 'li-2', $3, 'Green tea', 0, 1000, 0, 174, 1),
		($1, 1, 'li-1', $2, 'Stoneware mug', 666, 1999, 300, 294, 3)`, order, w.mug, w.tea)

	got, err := dbexport.IncomingOrder(ctx, w.owner, "WEB", "5512345")
	if err != nil {
		t.Fatal(err)
	}
	want := model.IncomingOrder{
		ExternalID: "5512345", DisplayID: "#1001", Currency: "EUR",
		OrderedAt: ordered, PromisedAt: ordered.Add(72 * time.Hour),
		Customer: model.IncomingCustomer{Name: "Anna de Vries", Email: "anna@example.nl", Phone: "+31 6 1234 5678"},
		ShipTo:   model.Address{Name: "Anna de Vries", Line1: "Keizersgracht 1", City: "Amsterdam", PostalCode: "1015 CJ", Country: "NL"},
		BillTo: &model.Address{Name: "Anna de Vries", Company: "De Vries BV", Line1: "Postbus 12", Line2: "t.a.v. boekhouding",
			City: "Utrecht", Region: "UT", PostalCode: "3500 AA", Country: "NL", Phone: "+31 30 000"},
		Lines: []model.IncomingLine{
			{ExternalLineID: "li-1", SKU: "MUG-01", Description: "Stoneware mug", Qty: 3, AmountMinor: 1999, DiscountMinor: 300, TaxMinor: 294},
			{ExternalLineID: "li-2", SKU: "TEA-01", Description: "Green tea", Qty: 1, AmountMinor: 1000, TaxMinor: 174},
		},
		SubtotalMinor: 2999, ShippingMinor: 495, DiscountMinor: 300, TaxMinor: 468, TotalMinor: 3194, TaxIncluded: true,
		AwaitingPayment: true, Store: "AMS1", ShipService: "express", Notes: "leave at the door",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}

	var b bytes.Buffer
	if err := channels.WriteJSON(&b, got); err != nil {
		t.Fatal(err)
	}
	rd, err := channels.Open("json", &b, channels.Options{File: "export.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := rd.Next()
	if err != nil || p.Reason != "" {
		t.Fatalf("reading the order back: %v %s", err, p.Reason)
	}
	if !reflect.DeepEqual(p.Order, want) {
		t.Fatalf("read back\n%+v\nwant\n%+v", p.Order, want)
	}

	// Without an external name the display id is the external id; without a bill-to, none.
	o2, _ := w.order(t, w.owner, 1)
	var ext string
	mustGet(t, w.owner, &ext, `SELECT external_id FROM orders WHERE id = $1`, o2)
	got, err = dbexport.IncomingOrder(ctx, w.owner, "web", ext)
	if err != nil || got.DisplayID != ext || got.BillTo != nil || got.AwaitingPayment || got.Store != "" {
		t.Fatalf("plain order: %+v, %v", got, err)
	}
	if _, err := dbexport.IncomingOrder(ctx, w.owner, "web", "nope"); !errors.Is(err, dbexport.ErrNoOrder) {
		t.Fatalf("missing order: %v", err)
	}
}

// shipOrder takes an order of qty MUG-01 through reservation, picking, packing, a package with a
// tracking number and shipping, and invoices it. It returns the shipment, the package and the
// invoice.
func (w *world) shipOrder(t *testing.T, qty int64, key string) (order, line, shipment, pkg, invoice int64) {
	t.Helper()
	ctx := context.Background()
	c := w.owner
	ledger := stock.New(c)
	order, line = w.order(t, c, qty)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ledger.Reserve(ctx, "reserve-"+key, stock.Reservation{OrderLine: line, Location: w.binA, Product: w.mug, Qty: qty}))
	must(ledger.Post(ctx, "pick-"+key, stock.Movement{Product: w.mug, From: w.binA, To: w.pack, Qty: qty, Kind: model.MovePick, OrderLine: line}))
	must(orders.New(c).SetPacked(ctx, "pack-"+key, orders.Packed{Line: line, Packed: qty}))
	var service int64
	mustGet(t, c, &service, `SELECT cs.id FROM carrier_services cs JOIN carriers cr ON cr.id = cs.carrier_id WHERE cr.code = 'dhl-x'`)
	mustGet(t, c, &shipment, `INSERT INTO shipments (order_id, warehouse_id, service_id, status) VALUES ($1, $2, $3, 'packed') RETURNING id`, order, w.rtm, service)
	mustGet(t, c, &pkg, `INSERT INTO packages (shipment_id, box_code, weight_g) VALUES ($1, 'BOX-S', 900) RETURNING id`, shipment)
	mustExec(t, c, `INSERT INTO package_lines (package_id, order_line_id, qty) VALUES ($1, $2, $3)`, pkg, line, qty)
	must(ledger.Post(ctx, "ship-"+key, stock.Movement{Product: w.mug, From: w.pack, To: w.customerLoc, Qty: qty, Kind: model.MoveShip, OrderLine: line}))
	mustExec(t, c, `UPDATE packages SET tracking_number = $2 WHERE id = $1`, pkg, "TRK"+key)
	mustExec(t, c, `UPDATE shipments SET status = 'shipped', shipped_at = now() WHERE id = $1`, shipment)
	issued, err := invoicing.New(c).Issue(ctx, "invoice-"+key, invoicing.Document{
		Kind: invoicing.Invoice, Series: "invoice", Order: order, Currency: "EUR", BaseCurrency: "EUR",
		FXRate: "1", FXDate: time.Now().UTC(),
		Lines: []invoicing.Line{{OrderLine: line, Description: "Stoneware mug",
			InvoiceLine: model.InvoiceLine{Qty: qty, UnitMinor: 500, TaxMinor: 105 * qty, TaxRatePPM: 210000}}},
	})
	must(err)
	return order, line, shipment, pkg, issued.ID
}

func addCarrier(t *testing.T, d *db.DB) {
	t.Helper()
	var carrier int64
	mustGet(t, d, &carrier, `INSERT INTO carriers (code, name, tracking_url) VALUES ('dhl-x', 'DHL Express', 'https://dhl.example/track?AWB={tracking}') RETURNING id`)
	mustExec(t, d, `INSERT INTO carrier_services (carrier_id, code, name, max_weight_g, transit_days) VALUES ($1, 'express', 'DHL Express Worldwide', 30000, 1)`, carrier)
}

// Invoices and shipments carry the cursor's stamp (migration 00018): an issued invoice is
// numbered through the append-only guard with its stamp, is exported once, and a shipment comes
// again when it or its package changes. The back office role reads every kind.
func TestInvoicesAndShipmentsFollowTheCursorAsTheBackOffice(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	addCarrier(t, w.owner)
	ctx := context.Background()
	bo := dbtest.LoginAs(t, w.owner, "backoffice")
	store := dbexport.New(bo)

	type seen struct {
		invoices  []string
		shipments []string
	}
	read := func(f dbexport.Filter, shippedOnly bool) (seen, string) {
		t.Helper()
		var s seen
		cursor, err := store.Run(ctx, f, func(r *dbexport.Reader) error {
			if err := r.Invoices(ctx, func(v dbexport.Invoice) error {
				s.invoices = append(s.invoices, v.Number+" "+v.OrderNumber+" "+itoa(v.TotalMinor)+" "+itoa(v.TotalBase))
				return nil
			}); err != nil {
				return err
			}
			if err := r.Shipments(ctx, shippedOnly, func(v dbexport.ShipmentLine) error {
				s.shipments = append(s.shipments, v.OrderNumber+" "+v.Status+" "+v.TrackingNumber+" "+v.TrackingURL+" "+v.SKU+"×"+itoa(v.Qty)+" "+v.Carrier+"/"+v.Service)
				return nil
			}); err != nil {
				return err
			}
			// Every other kind, to prove the grants.
			if err := r.Orders(ctx, func(dbexport.Order) error { return nil }); err != nil {
				return err
			}
			if err := r.Lines(ctx, func(dbexport.Line) error { return nil }); err != nil {
				return err
			}
			if err := r.Movements(ctx, func(dbexport.Movement) error { return nil }); err != nil {
				return err
			}
			return r.Stock(ctx, true, func(dbexport.StockLevel) error { return nil })
		})
		if err != nil {
			t.Fatalf("export as the back office: %v", err)
		}
		return s, cursor
	}
	_, cursor := read(dbexport.Filter{}, false)

	w.shipOrder(t, 2, "ex-0001")
	var stamped bool
	mustGet(t, w.owner, &stamped, `SELECT change_xid = created_xid AND number IS NOT NULL FROM invoices`)
	if !stamped {
		t.Fatal("the invoice's stamp is not its issuing transaction's, or it has no number")
	}

	got, cursor2 := read(dbexport.Filter{After: cursor}, true)
	year := time.Now().UTC().Format("2006")
	wantInv := "INV-" + year + "-0000001 EX-000001 1210 1210"
	wantShip := "EX-000001 shipped TRKex-0001 https://dhl.example/track?AWB=TRKex-0001 MUG-01×2 dhl-x/DHL Express Worldwide"
	if strings.Join(got.invoices, ";") != wantInv || strings.Join(got.shipments, ";") != wantShip {
		t.Fatalf("after the first cursor:\n invoices %q\n want     %q\n shipments %q\n want      %q", got.invoices, wantInv, got.shipments, wantShip)
	}
	got, _ = read(dbexport.Filter{After: cursor2}, false)
	if len(got.invoices) != 0 || len(got.shipments) != 0 {
		t.Fatalf("nothing changed, yet: %+v", got)
	}
	// The package gets a new tracking number (a relabel): the shipment comes again, the invoice not.
	mustExec(t, w.owner, `UPDATE packages SET tracking_number = 'TRK-NEW'`)
	got, cursor3 := read(dbexport.Filter{After: cursor2}, false)
	if len(got.invoices) != 0 || len(got.shipments) != 1 || !strings.Contains(got.shipments[0], "TRK-NEW") {
		t.Fatalf("after a relabel: %+v", got)
	}
	mustExec(t, w.owner, `UPDATE shipments SET status = 'delivered', delivered_at = now()`)
	got, _ = read(dbexport.Filter{After: cursor3}, true)
	if len(got.shipments) != 1 || !strings.Contains(got.shipments[0], "delivered") {
		t.Fatalf("after delivery: %+v", got)
	}
	// An issued invoice still cannot change: the stamp trigger gives the guard nothing new.
	if _, err := w.owner.Exec(`UPDATE invoices SET total_minor = total_minor`); err == nil || !strings.Contains(err.Error(), "cannot be changed") {
		t.Fatalf("updating an issued invoice: %v", err)
	}
}
