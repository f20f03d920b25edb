package seed

import (
	"fmt"
	"slices"
	"time"
)

// slot is one product (and lot) kept in one bin. need counts the units the seeded orders take
// from it; receipts cover need plus a surplus, so no bin can go negative.
type slot struct {
	wh      *warehouse
	bin     *location
	product *product
	lot     int64 // 0 when the product is not lot-tracked
	scarce  bool  // receive exactly what is promised: nothing left to sell
	need    int64
}

// slotProducts decides which warehouse carries which product and in which bins. Best sellers
// are slotted first so they get the first bins of their zone, nearest the start of the path.
func (w *world) slotProducts(r *rng) {
	for wi, wh := range w.warehouses {
		wh.slotOf = make([][2]int, len(w.products))
		for _, p := range w.products {
			wh.slotOf[p.idx] = [2]int{-1, -1}
			if carries(r, wi, wh, p) {
				wh.carried = append(wh.carried, p.idx)
			}
		}
		byRank := slices.Clone(wh.carried)
		slices.SortFunc(byRank, func(a, b int) int { return w.products[a].rank - w.products[b].rank })
		bins := newBinPicker(wh)
		for _, pi := range byRank {
			p := w.products[pi]
			wh.slotOf[pi][0] = w.addSlot(wh, bins.take(true, p.zone, "A", "C", "B", "D"), p, 0)
			if wh.kind == "dc" && p.rank < len(w.products)/4 {
				if bin := bins.take(false, "B", "D", "C", "A"); bin != nil {
					wh.slotOf[pi][1] = w.addSlot(wh, bin, p, 1)
				}
			}
		}
		w.popularity(wh)
	}
}

// carries: the first DC stocks the whole range, other DCs most of it, a store a curated part.
func carries(r *rng, wi int, wh *warehouse, p *product) bool {
	roll := r.IntN(100)
	switch {
	case p.unstocked:
		return false
	case wi == 0:
		return true
	case wh.kind == "store":
		return slices.Contains([]string{"APP", "COS", "COF", "KIT", "HOM", "STA"}, p.cat.code) && roll < 30
	}
	return roll < 85
}

func (w *world) addSlot(wh *warehouse, bin *location, p *product, k int) int {
	s := slot{wh: wh, bin: bin, product: p, scarce: p.scarce}
	if len(p.lots) > 0 {
		s.lot = p.lots[k%len(p.lots)].id // the pick face holds the lot that expires first
	}
	w.slots = append(w.slots, s)
	return len(w.slots) - 1
}

// popularity prepares weighted picks over what the warehouse carries, and makes sure it has
// at least one scarce product so backorders can be shown anywhere.
func (w *world) popularity(wh *warehouse) {
	var total int64
	for _, pi := range wh.carried {
		total += w.products[pi].popularity
		wh.cumPop = append(wh.cumPop, total)
		if w.products[pi].scarce {
			wh.scarce = append(wh.scarce, pi)
		}
	}
	if len(wh.scarce) == 0 && len(wh.carried) > 0 {
		pi := wh.carried[len(wh.carried)/2]
		wh.scarce = append(wh.scarce, pi)
		for _, si := range wh.slotOf[pi] {
			if si >= 0 {
				w.slots[si].scarce = true
			}
		}
	}
}

// binPicker hands out free bins per zone in pick-path order.
type binPicker struct {
	wh     *warehouse
	next   map[string]int
	shared int
}

func newBinPicker(wh *warehouse) *binPicker { return &binPicker{wh: wh, next: map[string]int{}} }

// take returns the next free bin in the first zone that has one. When the racking is full and
// share is set, products share bins (a big catalogue in a small store); otherwise nil.
func (bp *binPicker) take(share bool, zones ...string) *location {
	for _, z := range zones {
		if i := bp.next[z]; i < len(bp.wh.zoneBins[z]) {
			bp.next[z] = i + 1
			return bp.wh.zoneBins[z][i]
		}
	}
	if !share {
		return nil
	}
	bp.shared++
	return bp.wh.bins[(bp.shared*7)%len(bp.wh.bins)]
}

// planDays is the period the orders span, for turning demand into demand per day.
const planDays = int64(maxAge / (24 * time.Hour))

// receiptQty is what a slot receives: exactly its need when scarce, a few units over when the
// product runs low, otherwise need plus two to six weeks of cover.
func receiptQty(r *rng, s *slot) int64 {
	switch {
	case s.scarce:
		return s.need
	case s.product.low:
		return s.need + int64(r.between(1, 3))
	}
	return s.need + s.need*int64(r.between(14, 45))/planDays + int64(r.between(2, 12))
}

// stockRows receives every slot's stock from SUPPLIER into RECEIVING and puts it away, in one
// or two deliveries before the oldest order, so the ledger is in time order too. A few recent
// deliveries still sit in RECEIVING, waiting to be put away.
func (w *world) stockRows(r *rng, next *int64, emit func(row []any) error) error {
	oldest := w.now.Add(-maxAge)
	for si := range w.slots {
		s := &w.slots[si]
		r.reset(w.opts.Seed, streamStock, uint64(si))
		qty := receiptQty(r, s)
		first := qty
		if qty >= 20 {
			first = qty * int64(r.between(55, 70)) / 100
		}
		for k, part := range []int64{first, qty - first} {
			if part <= 0 {
				continue
			}
			at := oldest.Add(-time.Duration(r.between(4*24, 30*24)-k*48) * time.Hour)
			if err := w.receive(r, next, s, s.lot, part, at, true, emit); err != nil {
				return err
			}
		}
		if !s.scarce && !s.product.low && r.chance(30) {
			at := w.now.Add(-time.Duration(r.between(30, 40*60)) * time.Minute)
			if err := w.receive(r, next, s, newestLot(s.product), int64(r.between(12, 48)), at, false, emit); err != nil {
				return err
			}
		}
	}
	return nil
}

func newestLot(p *product) int64 {
	if len(p.lots) == 0 {
		return 0
	}
	return p.lots[len(p.lots)-1].id
}

// receive books one delivery: SUPPLIER → RECEIVING, then (when putAway) RECEIVING → bin.
func (w *world) receive(r *rng, next *int64, s *slot, lotID, qty int64, at time.Time, putAway bool, emit func([]any) error) error {
	clerk := pick(r, s.wh.staff["stock"])
	po := fmt.Sprintf("PO-%s-%05d", s.wh.code, r.IntN(100_000))
	*next++
	err := emit(movementRow(*next, at, clerk, s.product.id, lotID, w.virt["SUPPLIER"], s.wh.receiving,
		qty, "receipt", "", 0, 0, "", "Received against "+po))
	if err != nil || !putAway {
		return err
	}
	*next++
	return emit(movementRow(*next, at.Add(time.Duration(r.between(40, 300))*time.Minute), clerk,
		s.product.id, lotID, s.wh.receiving, s.bin.id, qty, "putaway", "", 0, 0, "",
		"Put away to "+s.bin.code))
}

// movementRow is one stock_movements row in the column order of movementCols.
func movementRow(id int64, at time.Time, actor string, productID, lotID, from, to, qty int64,
	kind, reason string, lineID, rmaLineID int64, terminal, note string) []any {
	return []any{id, at, actor, productID, nullable(lotID), from, to, qty, kind, nullStr(reason),
		nullable(lineID), nullable(rmaLineID), nullStr(terminal), note}
}

var movementCols = []string{"id", "at", "actor", "product_id", "lot_id", "from_location_id",
	"to_location_id", "qty", "kind", "reason_code", "order_line_id", "rma_line_id", "terminal", "note"}
