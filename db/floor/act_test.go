package floor_test

import (
	"context"
	"testing"
	"time"

	"oms/db/dbtest"
	"oms/db/floor"
	"oms/db/picking"
)

func TestHoldAChannelAndReleaseAWave(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	id, _ := y.order(t, "H1", -time.Hour, 5*time.Hour, map[string]int64{"TEE-1": 2})

	// A picker may not hold a channel.
	if _, err := floor.New(y.piaDB).HoldChannel(ctx, "floor-hold-pia1", "web-eu", "no"); err == nil {
		t.Fatal("a picker held a channel")
	} else {
		wantErr(t, err, "may not do that")
	}
	h, err := y.sup.HoldChannel(ctx, "floor-hold-0001", "web-eu", "carrier strike")
	if err != nil || !h.Held || h.Channel != "web-eu" {
		t.Fatalf("hold: %+v %v", h, err)
	}
	if again, err := y.sup.HoldChannel(ctx, "floor-hold-0001", "web-eu", "carrier strike"); err != nil || again != h {
		t.Errorf("the same key again: %+v %v, want %+v", again, err, h)
	}
	b, err := y.sup.Board(ctx, y.window())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Held) != 1 || b.Held[0].Channel != "web-eu" || b.Held[0].Note != "carrier strike" || len(b.Due) != 1 || !b.Due[0].Held {
		t.Errorf("held %+v, due %+v: want web-eu held", b.Held, b.Due)
	}
	// The supervisor releases a wave: the held channel's order stays allocated, in no batch.
	wave := picking.New(y.supDB)
	bs, err := wave.Release(ctx, "floor-wave-0001", picking.ReleaseOptions{Warehouse: "RTM1"})
	if err != nil || len(bs) != 0 {
		t.Fatalf("a wave while web-eu is held: %+v %v, want nothing released", bs, err)
	}
	var status string
	mustGet(t, y.Owner, &status, `SELECT status FROM orders WHERE id = $1`, id)
	if status != "allocated" {
		t.Errorf("the held channel's order is %s, want allocated", status)
	}

	if _, err := floor.New(y.piaDB).ReleaseChannel(ctx, "floor-rel-pia01", "web-eu"); err == nil {
		t.Fatal("a picker released a channel")
	}
	if r, err := y.sup.ReleaseChannel(ctx, "floor-rel-0001", "web-eu"); err != nil || r.Held {
		t.Fatalf("release: %+v %v", r, err)
	}
	bs, err = wave.Release(ctx, "floor-wave-0002", picking.ReleaseOptions{Warehouse: "RTM1"})
	if err != nil || len(bs) != 1 || bs[0].Orders != 1 {
		t.Fatalf("a wave once web-eu is released: %+v %v, want its order in one batch", bs, err)
	}
	if again, err := wave.Release(ctx, "floor-wave-0002", picking.ReleaseOptions{Warehouse: "RTM1"}); err != nil || len(again) != 1 || again[0] != bs[0] {
		t.Errorf("the wave's key again: %+v %v, want %+v", again, err, bs)
	}
	var hist struct {
		By       string `db:"held_by"`
		Released string `db:"released_by"`
		Open     int    `db:"open"`
	}
	mustGet(t, y.Owner, &hist, `SELECT held_by, coalesce(released_by, '') AS released_by,
		(SELECT count(*) FROM channel_holds WHERE released_at IS NULL) AS open FROM channel_holds`)
	if hist.By == "" || hist.Released != hist.By || hist.Open != 0 {
		t.Errorf("hold history %+v, want held and released by the supervisor", hist)
	}
	if _, err := y.sup.HoldChannel(ctx, "floor-hold-0002", "no-such", ""); err == nil {
		t.Error("held a channel that does not exist")
	} else {
		wantErr(t, err, "there is no channel no-such")
	}
	checkClean(t, y.Owner)
}

func TestReassignAndReleaseABatch(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	y.order(t, "R1", -time.Hour, 5*time.Hour, map[string]int64{"TEE-1": 2, "MUG-1": 1})
	y.release(t)
	b, err := y.pia.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	first := b.Tasks[0]
	if _, err := y.pia.Confirm(ctx, "", picking.Pick{Task: first.ID, Bin: first.Bin, Item: first.SKU, Qty: 1}); err != nil {
		t.Fatal(err)
	}

	if _, err := floor.New(y.piaDB).Reassign(ctx, "floor-re-pia001", b.ID, y.pietName); err == nil {
		t.Fatal("a picker reassigned a batch")
	} else {
		wantErr(t, err, "may not do that")
	}
	r, err := y.sup.Reassign(ctx, "floor-reassign1", b.ID, y.pietName)
	if err != nil || r.Status != "claimed" || r.Picker != y.pietName || r.Was != y.piaName || r.Code != b.Code {
		t.Fatalf("reassign to Piet: %+v %v", r, err)
	}
	if again, err := y.sup.Reassign(ctx, "floor-reassign1", b.ID, y.pietName); err != nil || again != r {
		t.Errorf("the same key again: %+v %v, want %+v", again, err, r)
	}
	// Pia's next scan is refused; Piet's claim finds the batch with Pia's pick kept.
	_, err = y.pia.Confirm(ctx, "", picking.Pick{Task: first.ID, Bin: first.Bin, Item: first.SKU, Qty: 1})
	wantErr(t, err, "no longer yours")
	got, err := y.piet.Claim(ctx, "", "RTM1", "")
	if err != nil || got.ID != b.ID || got.Tasks[0].Picked != 1 {
		t.Fatalf("Piet's claim: %+v %v, want %s with one unit picked", got, err, b.Code)
	}
	// Someone who does not pick cannot be given it.
	packer, _ := dbtest.NewLogin(t, y.Owner, dbtest.Staff{Name: "Paul Packer", Jobs: []string{"packer"}, Warehouse: "RTM1"})
	_, err = y.sup.Reassign(ctx, "floor-reassign2", b.ID, packer)
	wantErr(t, err, "does not pick")

	// Given back to the queue, the next claim takes it.
	r, err = y.sup.ReleaseBatch(ctx, "floor-release01", b.ID)
	if err != nil || r.Status != "ready" || r.Picker != "" || r.Was != y.pietName {
		t.Fatalf("release to the queue: %+v %v", r, err)
	}
	var row struct {
		Status string `db:"status"`
		Held   bool   `db:"held"`
	}
	mustGet(t, y.Owner, &row, `SELECT status, claimed_by IS NOT NULL AS held FROM pick_batches WHERE id = $1`, b.ID)
	if row.Status != "ready" || row.Held {
		t.Errorf("batch after release %+v, want ready and held by nobody", row)
	}
	got, err = y.pia.Claim(ctx, "", "RTM1", "T9")
	if err != nil || got.ID != b.ID || got.Tote != "T9" {
		t.Fatalf("Pia's claim after the release: %+v %v", got, err)
	}
	var events int
	mustGet(t, y.Owner, &events, `SELECT count(*) FROM events WHERE entity = 'batch' AND entity_id = $1
		AND kind IN ('batch.reassigned', 'batch.released_back')`, b.ID)
	if events != 2 {
		t.Errorf("%d batch events, want the reassignment and the release", events)
	}
	if _, err := y.sup.Reassign(ctx, "floor-reassign3", 999999, y.pietName); err == nil {
		t.Error("reassigned a batch that does not exist")
	}
	checkClean(t, y.Owner)
}

func TestAnOrdersPriority(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	id, number := y.order(t, "P1", -time.Hour, 5*time.Hour, map[string]int64{"TEE-1": 1})
	if _, err := floor.New(y.piaDB).SetPriority(ctx, "floor-prio-pia1", id, 5); err == nil {
		t.Fatal("a picker changed a priority")
	} else {
		wantErr(t, err, "may not do that")
	}
	p, err := y.sup.SetPriority(ctx, "floor-priority1", id, 5)
	if err != nil || p.Priority != 5 || p.Was != 0 || p.Number != number {
		t.Fatalf("priority: %+v %v", p, err)
	}
	if again, err := y.sup.SetPriority(ctx, "floor-priority1", id, 5); err != nil || again != p {
		t.Errorf("the same key again: %+v %v", again, err)
	}
	var got struct {
		Priority int `db:"priority"`
		Events   int `db:"events"`
	}
	mustGet(t, y.Owner, &got, `SELECT priority, (SELECT count(*) FROM events WHERE order_id = o.id AND kind = 'order.priority') AS events
		FROM orders o WHERE id = $1`, id)
	if got.Priority != 5 || got.Events != 1 {
		t.Errorf("order after the change %+v, want priority 5 and one event", got)
	}
	_, err = y.sup.SetPriority(ctx, "floor-priority2", id, 10)
	wantErr(t, err, "from -9 to 9")
	_, err = y.sup.SetPriority(ctx, "floor-priority3", 999999, 1)
	wantErr(t, err, "there is no order")
	checkClean(t, y.Owner)
}
