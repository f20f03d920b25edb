package picking_test

import (
	"context"
	"testing"

	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/stock"
)

// In cluster mode each order of a batch has its own slot, so its own tote on the cart.
func TestClusterModeGivesEachOrderItsTote(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}, "A-02": {"MUG-1": 10}})
	mustExec(t, s.owner, `UPDATE warehouses SET pick_mode = 'cluster' WHERE code = 'RTM1'`)
	ids := s.orders(t, map[string]int64{"TEE-1": 1, "MUG-1": 1}, map[string]int64{"TEE-1": 2})
	bs := s.release(t, "release-0001", 0)
	if len(bs) != 1 || bs[0].Mode != "cluster" || bs[0].Orders != 2 {
		t.Fatalf("released %+v", bs)
	}
	_, p, _ := s.picker(t)
	b, err := p.Claim(context.Background(), "", "RTM1", "CART4")
	if err != nil {
		t.Fatal(err)
	}
	totes := map[string]string{}
	for _, task := range b.Tasks {
		totes[task.Order+" "+task.SKU] = b.ToteOf(task)
	}
	first, second := orderNumber(t, s, ids[0]), orderNumber(t, s, ids[1])
	want := map[string]string{first + " TEE-1": "CART4-1", first + " MUG-1": "CART4-1", second + " TEE-1": "CART4-2"}
	for k, v := range want {
		if totes[k] != v {
			t.Errorf("%s goes into %q, want %q", k, totes[k], v)
		}
	}
	if done, total := b.Progress(); done != 0 || total != 3 {
		t.Errorf("progress %d/%d", done, total)
	}
}

// Releasing is the back office's and the supervisor's; claiming, confirming and shorting the
// pickers'. A held order's task is refused until the hold is lifted.
func TestWhoMayReleaseAndPickAndHeldOrders(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 1})
	ctx := context.Background()
	_, p, _ := s.picker(t)
	_, err := p.Release(ctx, "release-0001", picking.ReleaseOptions{Warehouse: "RTM1"})
	wantErr(t, err, "permission denied for function oms_pick_release")
	supervisor := picking.New(dbtest.LoginAs(t, s.owner, "supervisor"))
	if bs, err := supervisor.Release(ctx, "release-0002", picking.ReleaseOptions{Warehouse: "RTM1"}); err != nil || len(bs) != 1 {
		t.Fatalf("the supervisor releases: %v, %v", bs, err)
	}
	_, err = s.rel.Claim(ctx, "", "RTM1", "")
	wantErr(t, err, "permission denied for function oms_pick_claim")

	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]
	if err := orders.New(s.clerk).Hold(ctx, "hold-0001", ids[0], "HOLD_ADDRESS"); err != nil {
		t.Fatal(err)
	}
	_, err = p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: "A-01", Item: "TEE-1", Qty: 1})
	wantErr(t, err, "is held (Address needs checking): leave its units in the bin")
	if err := orders.New(s.clerk).Release(ctx, "unhold-0001", ids[0]); err != nil {
		t.Fatal(err)
	}
	if st, err := p.Confirm(ctx, "scan-0002", picking.Pick{Task: task.ID, Bin: "A-01", Item: "TEE-1", Qty: 1}); err != nil || !st.BatchDone() {
		t.Errorf("after the hold is lifted: %+v, %v", st, err)
	}
	checkClean(t, s.owner)
}

// A split order's part in another warehouse is released there, each part once.
func TestASplitOrderIsReleasedInEachWarehouseItHoldsStockIn(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 5}})
	ids := s.orders(t, map[string]int64{"TEE-1": 1, "MUG-1": 1}) // MUG-1 waits: RTM1 has none
	mustExec(t, s.owner, `
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, s.id, b.id, 3, 'receipt' FROM products p, locations s, locations b, warehouses w
		 WHERE p.sku = 'MUG-1' AND s.kind = 'supplier' AND b.code = 'A-01' AND b.warehouse_id = w.id AND w.code = 'BER-M'`)
	var r stock.Reservation
	mustGet(t, s.owner, &r.OrderLine, `SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 AND p.sku = 'MUG-1'`, ids[0])
	mustGet(t, s.owner, &r.Location, `SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = 'BER-M' AND l.code = 'A-01'`)
	mustGet(t, s.owner, &r.Product, `SELECT id FROM products WHERE sku = 'MUG-1'`)
	r.Qty = 1
	if err := stock.New(s.clerk).Reserve(context.Background(), "reserve-0001", r); err != nil {
		t.Fatal(err)
	}
	if st := status(t, s.owner, ids[0]); st != "allocated" {
		t.Fatalf("the order is %s", st)
	}
	here := s.release(t, "release-0001", 0)
	there, err := s.rel.Release(context.Background(), "release-0002", picking.ReleaseOptions{Warehouse: "BER-M"})
	if err != nil {
		t.Fatal(err)
	}
	if len(here) != 1 || here[0].Line() != "B-000001 RTM1 zone A: 1 order, 1 line" ||
		len(there) != 1 || there[0].Line() != "B-000002 BER-M zone A: 1 order, 1 line" {
		t.Errorf("released %v in RTM1 and %v in BER-M", here, there)
	}
	if again := s.release(t, "release-0003", 0); len(again) != 0 {
		t.Errorf("released again: %v", again)
	}
	checkClean(t, s.owner)
}

// Through the SSH server (one pool acting for each person, db.DB.As) a picker claims and picks
// as themselves: the batch and the scan name the person, not the pool.
func TestAPickerThroughTheSSHServerPicksAsThemselves(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 5}})
	s.orders(t, map[string]int64{"TEE-1": 1})
	s.release(t, "release-0001", 0)
	login, _ := dbtest.NewLogin(t, s.owner, dbtest.Staff{Jobs: []string{"picker"}})
	_, poolURL := dbtest.ServerLogin(t, s.owner)
	p := picking.New(dbtest.Open(t, poolURL).As(login, "oms-ssh:test"))
	ctx := context.Background()
	b, err := p.Claim(ctx, login, "RTM1", "T3")
	if err != nil {
		t.Fatal(err)
	}
	if b.Picker != login {
		t.Errorf("the batch is %s's, want %s's", b.Picker, login)
	}
	task := b.Tasks[0]
	if _, err := p.Confirm(ctx, "ssh-scan-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1}); err != nil {
		t.Fatal(err)
	}
	var who struct {
		Actor    string `db:"actor"`
		Terminal string `db:"terminal"`
	}
	mustGet(t, s.owner, &who, `SELECT actor, terminal FROM pick_scans WHERE command_key = 'ssh-scan-0001'`)
	if who.Actor != login || who.Terminal != "oms-ssh:test" {
		t.Errorf("the scan names %+v, want %s at oms-ssh:test", who, login)
	}
	checkClean(t, s.owner)
}
