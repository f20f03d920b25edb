package simulate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"oms/db/alloc"
	"oms/db/counts"
	"oms/db/picking"
	"oms/db/returns"
	"oms/db/shipping"
	"oms/model"
)

// day parses a YYYY-MM-DD day (today when empty or unreadable).
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return today()
	}
	return t
}

func today() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// intake brings the day's orders in: every few seconds the channel's file of the orders that
// arrived since the last (OrdersPerMinute on average), imported and allocated at once, as
// `oms import` with its allocator does.
func (w *Worker) intake(ctx context.Context) error {
	shop, err := w.newShop(ctx)
	if err != nil {
		return err
	}
	const every = 5 * time.Second
	start := time.Now()
	made := 0
	for w.on(ctx) {
		due := int(float64(w.cfg.OrdersPerMinute) * time.Since(start).Minutes())
		if n := due - made; n > 0 || made == 0 {
			n = max(n, 1)
			f := shop.file(w, n)
			made += n
			numbers, err := importCmd.call(ctx, w, f)
			if fatal(ctx, err) {
				return err
			}
			if len(numbers) > 0 {
				if _, err := allocateCmd.call(ctx, w, numbers); fatal(ctx, err) {
					return err
				}
			}
		}
		w.pause(ctx, every)
	}
	return nil
}

// office releases the allocated orders into pick batches every ten seconds (as `oms waves
// auto` does, faster) and allocates the backorders that stock coming back woke (as `oms
// allocate --follow` does).
func (w *Worker) office(ctx context.Context) error {
	last := time.Time{}
	for w.on(ctx) {
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			if _, err := releaseCmd.call(ctx, w, picking.ReleaseOptions{Warehouse: w.cfg.Warehouse}); fatal(ctx, err) {
				return err
			}
		}
		products, err := read(ctx, w, "wake-ups", func(ctx context.Context) ([]int64, error) { return w.alloc.TakeWakeups(ctx, 100) })
		if fatal(ctx, err) {
			return err
		}
		if len(products) > 0 {
			ids, err := read(ctx, w, "waiting", func(ctx context.Context) ([]int64, error) {
				return w.alloc.Waiting(ctx, alloc.Filter{Products: products, Limit: 128})
			})
			if fatal(ctx, err) {
				return err
			}
			if len(ids) > 0 {
				if _, err := allocateIDsCmd.call(ctx, w, ids); fatal(ctx, err) {
					return err
				}
			}
		}
		w.pause(ctx, 2*time.Second)
	}
	return nil
}

// picker claims batches and picks them scan by scan: about one task in twenty-five short (the
// bin is empty, says the picker), about one scan in fifteen of a wrong item or bin first (the
// database refuses it, or warns where the warehouse only warns). A finished batch's orders go
// to the packers.
func (w *Worker) picker(ctx context.Context) error {
	for _, e := range Undropped(w.old, "batch") { // finished by a predecessor, never handed over
		if err := w.handOver(e.Key, e.Args); err != nil {
			return err
		}
	}
	for n := 1; w.on(ctx); n++ {
		b, err := claimCmd.call(ctx, w, fmt.Sprintf("T%d-%d-%d", w.cfg.Slot, w.gen, n))
		switch {
		case errors.Is(err, picking.ErrNoWork):
			w.pause(ctx, 2*time.Second)
			continue
		case fatal(ctx, err):
			return err
		case err != nil:
			w.pause(ctx, time.Second)
			continue
		}
		var numbers []string
		for _, t := range b.Tasks {
			if !slices.Contains(numbers, t.Order) {
				numbers = append(numbers, t.Order)
			}
		}
		args, _ := json.Marshal(numbers)
		if err := w.j.Write(Entry{T: "batch", Key: b.Code, Args: args}); err != nil {
			return err
		}
		if err := w.pickBatch(ctx, b); err != nil {
			return err
		}
		if !w.on(ctx) {
			break // the day ended with the batch unfinished: the next shift picks it up
		}
		// Claiming again closes the finished batch (and may take the next, kept for the next
		// round); then its orders go to packing.
		if _, err := claimCmd.call(ctx, w, ""); fatal(ctx, err) {
			return err
		}
		if err := w.handOver(b.Code, args); err != nil {
			return err
		}
	}
	return nil
}

func (w *Worker) pickBatch(ctx context.Context, b picking.Batch) error {
	for _, t := range b.Tasks {
		if !t.Open() {
			continue
		}
		if !w.on(ctx) {
			return nil
		}
		if w.rnd.IntN(25) == 0 {
			w.think(ctx)
			_, err := shortCmd.call(ctx, w, shortArgs{Task: t.ID, Reason: "SHORT_EMPTY"})
			if fatal(ctx, err) {
				return err
			}
			if err != nil {
				return nil // the batch is no longer this picker's
			}
			continue
		}
		remaining := t.Remaining()
		for remaining > 0 && w.on(ctx) {
			w.think(ctx)
			if w.rnd.IntN(15) == 0 {
				wrong := picking.Pick{Task: t.ID, Bin: t.Bin, Item: "0000000000017", Qty: 1}
				if w.rnd.IntN(2) == 0 {
					wrong = picking.Pick{Task: t.ID, Bin: "NO-SUCH-BIN", Item: t.SKU, Qty: 1}
				}
				st, err := pickCmd.call(ctx, w, wrong)
				if fatal(ctx, err) {
					return err
				}
				if err == nil { // the warehouse only warns: the unit counts
					remaining = st.Qty - st.Picked
					continue
				}
				w.think(ctx)
			}
			st, err := pickCmd.call(ctx, w, picking.Pick{Task: t.ID, Bin: t.Bin, Item: t.SKU, Lot: t.Lot, Qty: 1})
			if fatal(ctx, err) {
				return err
			}
			if err != nil {
				return nil // the batch is no longer this picker's, or the task was cancelled
			}
			remaining = st.Qty - st.Picked
		}
	}
	return nil
}

// handOver puts a picked batch's orders on the packers' conveyor.
func (w *Worker) handOver(batch string, args json.RawMessage) error {
	var numbers []string
	if err := json.Unmarshal(args, &numbers); err != nil {
		return err
	}
	for _, n := range numbers {
		if err := w.packing.Put(n); err != nil {
			return err
		}
	}
	return w.j.Write(Entry{T: "dropped", Key: batch})
}

// packer takes picked orders off the conveyor (first the ones its predecessor held) and packs
// each: open at station P1, verify every picked unit by scan (now and then a wrong item first,
// which is refused), box the verified units in the box the station suggests, rate-shop and ship.
// About one shipped order in four will come back: it goes to the returns desk.
func (w *Worker) packer(ctx context.Context) error {
	held, err := w.packing.Held(w.cfg.Name())
	if err != nil {
		return err
	}
	for w.on(ctx) {
		var number string
		if len(held) > 0 {
			number, held = held[0], held[1:]
		} else {
			var ok bool
			if number, ok, err = w.packing.Take(w.cfg.Name()); err != nil {
				return err
			}
			if !ok {
				w.pause(ctx, time.Second)
				continue
			}
		}
		if err := w.packOrder(ctx, number); err != nil {
			return err
		}
		if err := w.packing.Done(w.cfg.Name(), number); err != nil {
			return err
		}
	}
	return nil
}

func (w *Worker) packOrder(ctx context.Context, number string) error {
	refs, err := read(ctx, w, "find", func(ctx context.Context) ([]shipping.OrderRef, error) { return w.ship.Find(ctx, number) })
	if err != nil {
		if fatal(ctx, err) {
			return err
		}
		return nil // nothing of it to pack (shipped by another packer, or nothing picked)
	}
	for _, ref := range refs {
		if !w.on(ctx) {
			return nil
		}
		p, err := packOpenCmd.call(ctx, w, openArgs{Order: ref.ID, Station: "P1"})
		if err != nil {
			if fatal(ctx, err) {
				return err
			}
			continue // another packer has it, or there is nothing to pack
		}
		if err := w.packShipment(ctx, p.Shipment, ref.ID); err != nil {
			return err
		}
	}
	return nil
}

func (w *Worker) packShipment(ctx context.Context, shipment, order int64) error {
	packing := func() (shipping.Packing, error) {
		return read(ctx, w, "packing", func(ctx context.Context) (shipping.Packing, error) { return w.ship.Packing(ctx, shipment) })
	}
	p, err := packing()
	if err != nil || p.Status != "open" {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	d := today().Format(time.DateOnly)
	for _, l := range p.Lines {
		for range l.ToVerify() {
			if !w.on(ctx) {
				return nil
			}
			w.think(ctx)
			if w.rnd.IntN(30) == 0 {
				if _, err := verifyCmd.call(ctx, w, verifyArgs{Shipment: shipment, Scan: "0000000000017", Qty: 1, Day: d}); fatal(ctx, err) {
					return err
				}
			}
			if _, err := verifyCmd.call(ctx, w, verifyArgs{Shipment: shipment, Scan: l.SKU, Qty: 1, Day: d}); err != nil {
				if fatal(ctx, err) {
					return err
				}
				return nil // held or cancelled meanwhile, or taken over
			}
		}
	}
	if p, err = packing(); err != nil {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	if p.Unboxed() > 0 {
		box, err := read(ctx, w, "box", func(ctx context.Context) (boxChoice, error) {
			b, ok, err := w.ship.SuggestBox(ctx, p)
			if !ok {
				return boxChoice{}, err
			}
			return boxChoice{b.Code, b.TareWeightG}, err
		})
		if fatal(ctx, err) {
			return err
		}
		if err != nil || box.Code == "" {
			return nil // no box holds it: a person would call a supervisor
		}
		weight := box.TareG
		for _, l := range p.Lines {
			weight += l.Unboxed() * l.WeightG
		}
		if _, err := parcelCmd.call(ctx, w, shipping.ParcelRequest{Shipment: shipment, Box: box.Code, WeightG: max(weight, 1), Confirmed: true}); err != nil {
			if fatal(ctx, err) {
				return err
			}
			return nil
		}
	}
	offers, err := read(ctx, w, "offers", func(ctx context.Context) ([]shipping.Offer, error) { return w.ship.Offers(ctx, shipment, today()) })
	if err != nil || len(offers) == 0 {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	offer := offers[0]
	for _, o := range offers {
		if o.Default {
			offer = o
		}
	}
	if _, err := shipCmd.call(ctx, w, shipping.ShipRequest{Shipment: shipment, Carrier: offer.Carrier, Service: offer.Service, Day: today()}); err != nil {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	if w.rnd.IntN(4) == 0 {
		return w.returned.Put(strconv.FormatInt(order, 10))
	}
	return nil
}

// boxChoice is the box a station suggests, and its tare.
type boxChoice struct {
	Code  string
	TareG int
}

// returnsDesk takes orders customers send back: opens an RMA for a unit of the first line that
// may still come back (a refund, within the return window, so authorised at once), receives the
// parcel, grades the units (most A and restocked, some D and scrapped) and refunds.
func (w *Worker) returnsDesk(ctx context.Context) error {
	reasons, err := read(ctx, w, "reasons", func(ctx context.Context) ([]returns.Reason, error) { return w.ret.Reasons(ctx) })
	if err != nil {
		return err
	}
	reason := ""
	for _, r := range reasons {
		if reason == "" || r.Code == "RET_NO_LONGER_WANTED" {
			reason = r.Code
		}
	}
	held, err := w.returned.Held(w.cfg.Name())
	if err != nil {
		return err
	}
	for w.on(ctx) {
		var item string
		if len(held) > 0 {
			item, held = held[0], held[1:]
		} else {
			var ok bool
			if item, ok, err = w.returned.Take(w.cfg.Name()); err != nil {
				return err
			}
			if !ok {
				w.pause(ctx, 2*time.Second)
				continue
			}
		}
		id, _ := strconv.ParseInt(item, 10, 64)
		if err := w.handleReturn(ctx, id, reason); err != nil {
			return err
		}
		if err := w.returned.Done(w.cfg.Name(), item); err != nil {
			return err
		}
	}
	return nil
}

func (w *Worker) handleReturn(ctx context.Context, order int64, reason string) error {
	o, err := read(ctx, w, "order", func(ctx context.Context) (returns.Order, error) { return w.ret.Order(ctx, order) })
	if err != nil {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	var lines []returns.OpenLine
	for _, l := range o.Lines {
		if l.Returnable > 0 && len(lines) == 0 {
			lines = append(lines, returns.OpenLine{Line: l.ID, Qty: 1, Reason: reason})
		}
	}
	if len(lines) == 0 {
		return nil
	}
	w.think(ctx)
	rma, err := rmaOpenCmd.call(ctx, w, returns.OpenRequest{Order: order, Wish: model.WishRefund, Lines: lines, Day: today()})
	if err != nil {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	w.think(ctx)
	if _, err := receiveCmd.call(ctx, w, receiveArgs{RMA: rma.ID, Scan: rma.Number}); err != nil {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	now, err := read(ctx, w, "rma", func(ctx context.Context) (returns.RMA, error) { return w.ret.RMA(ctx, rma.ID) })
	if err != nil {
		if fatal(ctx, err) {
			return err
		}
		return nil
	}
	for _, l := range now.Lines {
		if n := l.Received - l.Inspected; n > 0 {
			g := returns.Grading{Line: l.ID, Qty: int(n), Grade: "A", Disposition: "restock"}
			if w.rnd.IntN(5) == 0 {
				g.Grade, g.Disposition = "D", "scrap"
			}
			w.think(ctx)
			if _, err := inspectCmd.call(ctx, w, g); err != nil {
				if fatal(ctx, err) {
					return err
				}
				return nil
			}
		}
	}
	if _, err := refundCmd.call(ctx, w, returns.RefundRequest{RMA: rma.ID, Method: "original_payment"}); fatal(ctx, err) {
		return err
	}
	return nil
}

// counter plans a cycle count of five class-A bins due every minute, and counts bin after bin —
// those and the bins short picks flagged (a flag raises its bin's task by itself): what the shelf
// holds (the ledger, for a simulation has no other shelf), recorded under its key; within
// tolerance it posts at once.
func (w *Worker) counter(ctx context.Context) error {
	last := time.Time{}
	for w.on(ctx) {
		if time.Since(last) >= time.Minute {
			last = time.Now()
			if _, err := countPlanCmd.call(ctx, w, counts.PlanRequest{Warehouse: w.cfg.Warehouse, How: "abc", Arg: "A", MaxBins: 5}); fatal(ctx, err) {
				return err
			}
		}
		task, err := countClaimCmd.call(ctx, w, w.cfg.Warehouse)
		if err != nil {
			if fatal(ctx, err) {
				return err
			}
			w.pause(ctx, 3*time.Second)
			continue
		}
		lines, err := read(ctx, w, "shelf", func(ctx context.Context) ([]counts.Line, error) {
			return w.cnt.Shelf(ctx, w.cfg.Warehouse, task.Bin)
		})
		if err != nil {
			if fatal(ctx, err) {
				return err
			}
			continue
		}
		w.think(ctx)
		if _, err := countCmd.call(ctx, w, countArgs{Task: task.ID, Lines: lines}); fatal(ctx, err) {
			return err
		}
	}
	return nil
}
