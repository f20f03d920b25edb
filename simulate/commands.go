package simulate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"oms/channels"
	"oms/db/alloc"
	"oms/db/counts"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/returns"
	"oms/db/shipping"
)

// The commands the workers send: each is a data-layer command a screen or `oms` command sends,
// under its idempotency key where it takes one. The ones without a key are idempotent by
// themselves: an import of the same file changes nothing (orders are known by channel and
// id, and a statement equal to the stored one is "unchanged"), an allocation of an allocated
// order allocates nothing more, a claim gives a picker the batch they hold.

// importFile is a channel file as it arrived: the channel's code, the file's name and bytes.
type importFile struct {
	Channel string
	Name    string
	Body    string
}

// importCmd imports a file as `oms import` does: parsed by the channel's parser (oms json),
// recorded as an import run, taken in by ImportBatch. It answers the numbers of the orders the
// file holds (new, unchanged or updated), for allocation.
var importCmd = define("import", func(ctx context.Context, w *Worker, _ string, f importFile) ([]string, error) {
	ch, err := w.orders.ChannelByCode(ctx, f.Channel)
	if err != nil {
		return nil, err
	}
	reader, err := channels.Open("json", strings.NewReader(f.Body), channels.Options{File: f.Name, TaxIncluded: ch.TaxIncluded})
	if err != nil {
		return nil, err
	}
	var batch []orders.Incoming
	for {
		p, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		batch = append(batch, orders.Incoming{Order: p.Order, Line: p.Line, Ref: p.ID, Reason: p.Reason})
	}
	sum := sha256.Sum256([]byte(f.Body))
	run, err := w.orders.StartImport(ctx, ch, "json", f.Name, hex.EncodeToString(sum[:]))
	if err != nil {
		return nil, err
	}
	res, err := w.orders.ImportBatch(ctx, run, batch)
	if err != nil {
		return nil, err
	}
	var counts orders.ImportCounts
	var numbers []string
	for _, r := range res {
		switch r.Outcome {
		case orders.OrderNew:
			counts.New++
		case orders.OrderUnchanged:
			counts.Unchanged++
		case orders.OrderUpdated:
			counts.Updated++
		default:
			counts.Rejected++
		}
		if r.Outcome != orders.OrderRejected && r.Number != "" {
			numbers = append(numbers, r.Number)
		}
	}
	return numbers, w.orders.FinishImport(ctx, run, counts)
}, func(_ importFile, numbers []string) int64 { return int64(len(numbers)) })

// allocateCmd allocates the orders of these numbers that still wait for stock.
var allocateCmd = define("allocate", func(ctx context.Context, w *Worker, _ string, numbers []string) (int, error) {
	var ids []int64
	for _, n := range numbers {
		waiting, err := w.alloc.Waiting(ctx, alloc.Filter{Number: n})
		if err != nil {
			return 0, err
		}
		ids = append(ids, waiting...)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := w.alloc.AllocateMany(ctx, ids, false)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range res {
		if r.Outcome == alloc.Allocated {
			n++
		}
	}
	return n, nil
}, func(_ []string, n int) int64 { return int64(n) })

// allocateIDsCmd allocates orders by id (backorders woken by stock coming back).
var allocateIDsCmd = define("allocate-woken", func(ctx context.Context, w *Worker, _ string, ids []int64) (int, error) {
	res, err := w.alloc.AllocateMany(ctx, ids, false)
	n := 0
	for _, r := range res {
		if r.Outcome == alloc.Allocated {
			n++
		}
	}
	return n, err
}, func(_ []int64, n int) int64 { return int64(n) })

var releaseCmd = define("release", func(ctx context.Context, w *Worker, key string, o picking.ReleaseOptions) ([]picking.BatchSummary, error) {
	return w.pick.Release(ctx, key, o)
}, func(_ picking.ReleaseOptions, bs []picking.BatchSummary) int64 { return int64(len(bs)) })

var claimCmd = define("claim", func(ctx context.Context, w *Worker, _ string, tote string) (picking.Batch, error) {
	return w.pick.Claim(ctx, "", w.cfg.Warehouse, tote)
}, nil)

var pickCmd = define("pick", func(ctx context.Context, w *Worker, key string, p picking.Pick) (picking.TaskState, error) {
	return w.pick.Confirm(ctx, key, p)
}, func(p picking.Pick, _ picking.TaskState) int64 { return int64(p.Qty) })

type shortArgs struct {
	Task   int64
	Reason string
}

var shortCmd = define("short", func(ctx context.Context, w *Worker, key string, a shortArgs) (picking.ShortResult, error) {
	return w.pick.Short(ctx, key, a.Task, a.Reason)
}, func(_ shortArgs, r picking.ShortResult) int64 { return int64(r.Short) })

type openArgs struct {
	Order   int64
	Station string
}

var packOpenCmd = define("pack-open", func(ctx context.Context, w *Worker, key string, a openArgs) (shipping.Packing, error) {
	return w.ship.Open(ctx, key, a.Order, a.Station)
}, nil)

type verifyArgs struct {
	Shipment int64
	Scan     string
	Qty      int
	Day      string // YYYY-MM-DD
}

var verifyCmd = define("verify", func(ctx context.Context, w *Worker, key string, a verifyArgs) (shipping.Verified, error) {
	return w.ship.Verify(ctx, key, a.Shipment, a.Scan, a.Qty, day(a.Day))
}, func(a verifyArgs, _ shipping.Verified) int64 { return int64(a.Qty) })

var parcelCmd = define("parcel", func(ctx context.Context, w *Worker, key string, r shipping.ParcelRequest) (shipping.Packing, error) {
	return w.ship.CloseParcel(ctx, key, r)
}, nil)

var shipCmd = define("ship", func(ctx context.Context, w *Worker, key string, r shipping.ShipRequest) (shipping.Shipped, error) {
	return w.ship.Ship(ctx, key, r)
}, func(_ shipping.ShipRequest, s shipping.Shipped) int64 { return int64(len(s.Parcels)) })

var rmaOpenCmd = define("rma-open", func(ctx context.Context, w *Worker, key string, r returns.OpenRequest) (returns.RMA, error) {
	return w.ret.Open(ctx, key, r)
}, nil)

type receiveArgs struct {
	RMA  int64
	Scan string
}

var receiveCmd = define("receive", func(ctx context.Context, w *Worker, key string, a receiveArgs) (returns.Received, error) {
	return w.ret.ReceiveParcel(ctx, key, a.RMA, a.Scan)
}, func(_ receiveArgs, r returns.Received) int64 { return r.Received })

var inspectCmd = define("inspect", func(ctx context.Context, w *Worker, key string, g returns.Grading) (returns.Graded, error) {
	return w.ret.Inspect(ctx, key, g)
}, func(g returns.Grading, _ returns.Graded) int64 { return int64(g.Qty) })

var refundCmd = define("refund", func(ctx context.Context, w *Worker, key string, r returns.RefundRequest) (returns.Refunded, error) {
	return w.ret.Refund(ctx, key, r)
}, nil)

var countPlanCmd = define("count-plan", func(ctx context.Context, w *Worker, key string, p counts.PlanRequest) (counts.Count, error) {
	return w.cnt.Plan(ctx, key, p)
}, func(_ counts.PlanRequest, c counts.Count) int64 { return int64(c.Bins) })

var countClaimCmd = define("count-claim", func(ctx context.Context, w *Worker, _ string, warehouse string) (counts.Task, error) {
	return w.cnt.Claim(ctx, warehouse)
}, nil)

type countArgs struct {
	Task  int64
	Lines []counts.Line
}

var countCmd = define("count", func(ctx context.Context, w *Worker, key string, a countArgs) (counts.Outcome, error) {
	return w.cnt.Record(ctx, key, a.Task, a.Lines)
}, nil)
