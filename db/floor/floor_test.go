package floor_test

import (
	"context"
	"testing"
	"time"

	"oms/db/floor"
	"oms/db/orders"
	"oms/db/picking"
)

func stage(t *testing.T, b floor.Board, name string) floor.Stage {
	t.Helper()
	for _, s := range b.Stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no stage %s in %+v", name, b.Stages)
	return floor.Stage{}
}

func person(t *testing.T, b floor.Board, name string) floor.Person {
	t.Helper()
	for _, p := range b.People {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no %s among %+v", name, b.People)
	return floor.Person{}
}

func exceptions(b floor.Board, kind string) []floor.Exception {
	var out []floor.Exception
	for _, e := range b.Exceptions {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func TestWhatIsDueAndLateAndOrdersPerHour(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	y.order(t, "LATE", -60*time.Hour, -13*time.Hour, map[string]int64{"TEE-1": 1}) // late and past its SLA
	y.order(t, "DUE", -time.Hour, time.Hour, map[string]int64{"MUG-1": 1})         // due today
	y.order(t, "LATER", -time.Hour, 48*time.Hour, map[string]int64{"TEE-1": 1})    // not today
	// The same weekday a week ago, at the same hour: an order long since cancelled.
	old, _ := y.order(t, "OLD", -time.Hour, 48*time.Hour, map[string]int64{"TEE-1": 1})
	if err := orders.New(y.Clerk).CancelOrder(ctx, "", old, "CANCEL_CUSTOMER"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, y.Owner, `UPDATE orders SET ordered_at = ordered_at - interval '7 days', promised_at = promised_at - interval '7 days'
		WHERE id = $1`, old)

	b, err := y.sup.Board(ctx, y.window())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Due) != 1 {
		t.Fatalf("due rows %+v, want RTM1 web-eu only", b.Due)
	}
	d := b.Due[0]
	if d.Warehouse != "RTM1" || d.Channel != "web-eu" || d.SLAHours != 48 || d.DueToday != 1 || d.Late != 1 || d.SLABreached != 1 || d.Held {
		t.Errorf("due %+v, want RTM1 web-eu 48 h: 1 due today, 1 late, 1 past its SLA", d)
	}
	if d.Oldest == nil || d.Oldest.Sub(y.now.Add(-13*time.Hour)).Abs() > time.Second {
		t.Errorf("oldest promise %v, want 13 hours ago", d.Oldest)
	}
	// The day began 12 hours ago: DUE and LATER came in at hour 11, OLD at hour 11 a week before.
	if b.Hourly.Today[11] != 2 || b.Hourly.LastWeek[11] != 1 || b.Hourly.Hour != 12 {
		t.Errorf("per hour %+v, want 2 at 11 today and 1 a week ago, now in hour 12", b.Hourly)
	}
	var today, lastWeek int64
	for h := range 24 {
		today += b.Hourly.Today[h]
		lastWeek += b.Hourly.LastWeek[h]
	}
	if today != 2 || lastWeek != 1 {
		t.Errorf("per hour %+v, want two orders today and one a week ago", b.Hourly)
	}

	// Released into batches, the picking stage shows them ready and the oldest batch.
	bs := y.release(t)
	b, err = y.sup.Board(ctx, y.window())
	if err != nil {
		t.Fatal(err)
	}
	p := stage(t, b, "picking")
	if p.Released != int64(len(bs)) || p.Claimed != 0 || p.Done != 0 || p.OldestRef != bs[0].Code || p.OldestID != bs[0].ID || p.Oldest == nil {
		t.Errorf("picking %+v, want %d ready, the oldest %s", p, len(bs), bs[0].Code)
	}
	if _, err := y.pia.Claim(ctx, "", "RTM1", "T1"); err != nil {
		t.Fatal(err)
	}
	b, err = y.sup.Board(ctx, y.window())
	if err != nil {
		t.Fatal(err)
	}
	if p := stage(t, b, "picking"); p.Released != int64(len(bs)-1) || p.Claimed != 1 {
		t.Errorf("picking %+v after a claim, want %d ready and 1 claimed", p, len(bs)-1)
	}
	for _, name := range floor.Stages {
		stage(t, b, name)
	}
	// A floor narrowed to the store sees none of it.
	w := y.window()
	w.Warehouse = "BER-M"
	due, _, stages, err := y.sup.Now(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 0 || stages[0].Released != 0 || stages[0].Claimed != 0 {
		t.Errorf("the store's floor %+v %+v, want nothing", due, stages)
	}
}

func TestPeopleAndExceptions(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	// Rotterdam only warns about a wrong item, so the scan is kept with its warning.
	mustExec(t, y.Owner, `UPDATE warehouses SET verify_item = 'warn', pick_max_orders = 1 WHERE code = 'RTM1'`)
	xID, _ := y.order(t, "X", -2*time.Hour, 5*time.Hour, map[string]int64{"TEE-1": 1, "MUG-1": 1})
	yID, yNumber := y.order(t, "Y", -30*time.Hour, -13*time.Hour, map[string]int64{"TEE-1": 39})
	y.release(t)

	// Piet takes Y's batch (the oldest promise goes first) and finds its bin short: the 39 tees
	// are backordered past Y's promise.
	by, err := y.piet.Claim(ctx, "", "RTM1", "T2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := y.piet.Short(ctx, "", by.Tasks[0].ID, "SHORT_EMPTY"); err != nil {
		t.Fatal(err)
	}
	// Pia picks X's tees with a wrong scan, and holds the batch for its mugs.
	bx, err := y.pia.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	if bx.Tasks[0].OrderID != xID {
		t.Fatalf("Pia got %+v, want X's batch first", bx)
	}
	for _, task := range bx.Tasks {
		if task.SKU == "TEE-1" {
			st, err := y.pia.Confirm(ctx, "", picking.Pick{Task: task.ID, Bin: task.Bin, Item: "MUG-1", Qty: 1})
			if err != nil || len(st.Warnings) != 1 {
				t.Fatalf("a wrong item where RTM1 warns: %+v %v", st, err)
			}
		}
	}
	// Pia's handheld went quiet: her lease ran out a minute ago.
	mustExec(t, y.Owner, `UPDATE pick_batches SET lease_expires_at = now() - interval '1 minute' WHERE id = $1`, bx.ID)
	run := y.reject(t, "no such SKU: CAP-0")

	b, err := y.sup.Board(ctx, y.window())
	if err != nil {
		t.Fatal(err)
	}
	pia := person(t, b, "Pia Picker")
	if pia.Picks != 1 || pia.PicksHour != 1 || pia.WrongScans != 1 || pia.Shorts != 0 || pia.Last == nil ||
		pia.Batch != bx.Code || pia.BatchID != bx.ID || pia.BatchSince == nil || pia.WrongRate() != 1 {
		t.Errorf("Pia %+v, want 1 pick with a wrong scan, holding %s", pia, bx.Code)
	}
	if pia.Last != nil && pia.Last.Sub(y.now).Abs() > time.Minute {
		t.Errorf("Pia's last action %v, want about now (%v)", pia.Last, y.now)
	}
	if r := floor.PerHour(pia.Picks, y.now.Add(-time.Hour), y.now); r < 0.99 || r > 1.01 {
		t.Errorf("Pia's picks an hour over the last hour: %v, want 1", r)
	}
	piet := person(t, b, "Piet Picker")
	if piet.Picks != 0 || piet.Shorts != 1 || piet.Batch != "" || piet.ShortRate() != 1 {
		t.Errorf("Piet %+v, want one short pick, holding nothing", piet)
	}

	short := exceptions(b, floor.ShortPick)
	if len(short) != 1 || short[0].OrderID != yID || short[0].Order != yNumber || short[0].BatchID != by.ID ||
		short[0].Warehouse != "RTM1" || short[0].Text != "short 39 × TEE-1 at A-01 (SHORT_EMPTY)" {
		t.Errorf("short picks %+v, want Y's 39 tees in %s", short, by.Code)
	}
	back := exceptions(b, floor.Backorder)
	if len(back) != 1 || back[0].OrderID != yID || back[0].Order != yNumber {
		t.Errorf("backorders past promise %+v, want Y", back)
	}
	lease := exceptions(b, floor.Lease)
	if len(lease) != 1 || lease[0].BatchID != bx.ID || lease[0].Batch != bx.Code {
		t.Errorf("expired leases %+v, want Pia's %s", lease, bx.Code)
	}
	imp := exceptions(b, floor.ImportRun)
	if len(imp) != 1 || imp[0].RunID != run || imp[0].Text != "import of bad.json (web-eu): 1 rejected" {
		t.Errorf("import rejects %+v, want run %d", imp, run)
	}
	for _, k := range []string{floor.Tracking, floor.Unexpected, floor.CountReview, floor.Adjustment, floor.Authorise, floor.RefundDue} {
		if e := exceptions(b, k); len(e) != 0 {
			t.Errorf("%s exceptions %+v, want none", k, e)
		}
	}
	// The kinds come in their order.
	last := -1
	for _, e := range b.Exceptions {
		i := 0
		for j, k := range floor.Kinds {
			if k == e.Kind {
				i = j
			}
		}
		if i < last {
			t.Errorf("exceptions out of order: %+v", b.Exceptions)
		}
		last = i
	}
	// Each read on its own says the same.
	people, err := y.sup.People(ctx, y.window())
	if err != nil || len(people) != len(b.People) {
		t.Errorf("People %+v %v, want %+v", people, err, b.People)
	}
	exc, err := y.sup.Exceptions(ctx, y.window(), 10)
	if err != nil || len(exc) != len(b.Exceptions) {
		t.Errorf("Exceptions %+v %v, want %+v", exc, err, b.Exceptions)
	}
	if _, err := y.sup.OrdersPerHour(ctx, y.window()); err != nil {
		t.Error(err)
	}
	checkClean(t, y.Owner)
}
