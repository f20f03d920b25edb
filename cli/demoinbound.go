package cli

import (
	"context"
	"fmt"
	"time"

	"oms/db"
	"oms/db/catalog"
	"oms/db/inbound"
	"oms/db/replenish"
)

// demoInbound gives the demo's stock clerks work at its home DC, as the people whose work it
// is: the back office orders from a supplier (two open purchase orders, the first announced by
// a notice whose pallet label is printed for scanning), and stock makes one reserve bin and
// sets the pick bin it refills below its minimum, so a replenishment task waits. It answers
// what a person can scan.
func demoInbound(ctx context.Context, people []demoPerson) (string, error) {
	office, err := openAs(ctx, people, "backoffice")
	if err != nil {
		return "", err
	}
	defer office.Close()
	stock, err := openAs(ctx, people, "stock")
	if err != nil {
		return "", err
	}
	defer stock.Close()

	skus, err := catalog.New(office).StockedAt(ctx, demoHome, 1, 40)
	if err != nil || len(skus) < 4 {
		return "", fmt.Errorf("the demo's purchase orders: %d stocked products at %s, %v", len(skus), demoHome, err)
	}
	in := inbound.New(office)
	if err := in.AddSupplier(ctx, "", inbound.Supplier{Code: "NORDTEX", Name: "Nordtex Supplies", Country: "NL", Currency: "EUR"}); err != nil {
		return "", err
	}
	week := time.Now().AddDate(0, 0, 7)
	first, err := in.CreatePO(ctx, "", inbound.PORequest{Supplier: "NORDTEX", Warehouse: demoHome, Expected: time.Now(),
		Lines: []inbound.POLineRequest{{SKU: skus[0], Qty: 24}, {SKU: skus[1], Qty: 12}}})
	if err != nil {
		return "", err
	}
	if _, err := in.CreatePO(ctx, "", inbound.PORequest{Supplier: "NORDTEX", Warehouse: demoHome, Expected: week,
		Lines: []inbound.POLineRequest{{SKU: skus[2], Qty: 48}, {SKU: skus[3], Qty: 6}}}); err != nil {
		return "", err
	}
	const pallet = "387123450000077816"
	if _, err := in.CreateASN(ctx, "", inbound.ASNRequest{PO: first.Number, Number: "DESADV-1001", SSCC: pallet,
		Lines: []inbound.ASNLineRequest{{SKU: skus[0], Qty: 24}, {SKU: skus[1], Qty: 10}}}); err != nil {
		return "", err
	}
	refill, err := demoReplenishment(ctx, catalog.New(stock), replenish.New(stock), skus)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s from NORDTEX is due today (notice DESADV-1001, pallet SSCC %s)%s", first.Number, pallet, refill), nil
}

// demoReplenishment finds a product the home DC holds in two bins, makes the second a reserve
// bin, sets the first's minimum above what it holds and raises the tasks.
func demoReplenishment(ctx context.Context, cat *catalog.Store, rep *replenish.Store, skus []string) (string, error) {
	for _, sku := range skus {
		row, found, err := cat.ProductByCode(ctx, sku)
		if err != nil || !found {
			return "", err
		}
		p, err := cat.ProductDetail(ctx, row.ID)
		if err != nil {
			return "", err
		}
		var bins []catalog.BinStock
		for _, b := range p.Bins {
			if b.Warehouse == demoHome && b.Kind == "bin" && b.Lot == "" && b.OnHand > b.Reserved {
				bins = append(bins, b)
			}
		}
		if len(bins) < 2 {
			continue
		}
		pick, reserve := bins[0], bins[1]
		if err := rep.SetReserve(ctx, "", demoHome, reserve.Code, true); err != nil {
			return "", err
		}
		min := int(pick.OnHand) + 1
		if _, err := rep.SetLevel(ctx, "", replenish.Level{Warehouse: demoHome, Bin: pick.Code, SKU: sku, Min: min, Max: min + int(reserve.OnHand-reserve.Reserved)}); err != nil {
			return "", err
		}
		if _, err := rep.Raise(ctx, "", demoHome); err != nil {
			return "", err
		}
		return fmt.Sprintf("; %s waits to be refilled from reserve bin %s", pick.Code, reserve.Code), nil
	}
	return "", nil
}

// openAs opens the demo database as its first person of job.
func openAs(ctx context.Context, people []demoPerson, job string) (*db.DB, error) {
	for _, p := range people {
		if p.Job == job {
			return db.Open(ctx, db.Config{URL: p.URL, AppName: "oms demo " + job, MaxConns: 1})
		}
	}
	return nil, fmt.Errorf("the demo has no %s person", job)
}
