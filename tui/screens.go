package tui

import (
	"context"

	"oms/db"
	"oms/db/alloc"
	"oms/db/catalog"
	dbcounts "oms/db/counts"
	dbinbound "oms/db/inbound"
	"oms/db/invoicing"
	"oms/db/orders"
	dbpicking "oms/db/picking"
	dbreplenish "oms/db/replenish"
	dbreturns "oms/db/returns"
	dbshipping "oms/db/shipping"
	"oms/tui/counts"
	"oms/tui/handover"
	"oms/tui/intake"
	"oms/tui/invoices"
	"oms/tui/neworder"
	"oms/tui/order"
	"oms/tui/packing"
	"oms/tui/picking"
	"oms/tui/products"
	"oms/tui/queue"
	"oms/tui/returns"
	"oms/tui/stockwork"
	"oms/tui/supervisor"
	"oms/tui/ui"
)

// Routes is the route table: every screen the shell can show, the top-level ones (those with
// a key) in menu order. This is the only place the shell names a screen package. Adding a
// screen is a package exporting a Def, one line here, and its key in keymaps (ARCHITECTURE.md
// §5 lists the steps).
func Routes(d *db.DB) []ui.Def {
	ord := orders.New(d)
	cat := catalog.New(d)
	return []ui.Def{
		queue.Def(ord),
		picking.Def(pickData{Store: dbpicking.New(d), orders: ord}),
		packing.Def(dbshipping.New(d)),
		returns.Def(dbreturns.New(d)),
		counts.Def(dbcounts.New(d)),
		supervisor.Def(supervisor.NewData(d)),
		products.Def(cat),
		intake.Def(ord), intake.RunDef(ord),
		handover.Def(ord),
		invoices.Def(invoicing.New(d)), invoices.DocDef(invoicing.New(d)),
		stockwork.Def(stockwork.Stores{Store: dbinbound.New(d), Replenish: dbreplenish.New(d)}),
		order.Def(order.Stores{Store: ord, Alloc: alloc.New(d)}),
		neworder.Def(ord, cat),
		products.DetailDef(cat),
	}
}

// pickData is what the picking screen needs: the picking commands and the short-pick reasons.
type pickData struct {
	*dbpicking.Store
	orders *orders.Store
}

func (p pickData) ShortReasons(ctx context.Context) ([]orders.Reason, error) {
	return p.orders.Reasons(ctx, "short_pick")
}
