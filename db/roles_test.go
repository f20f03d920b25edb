package db_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/db/counts"
	"oms/db/dbtest"
	"oms/db/invoicing"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/returns"
	"oms/db/stock"
	"oms/model"
)

// jobs are the job roles, in the column order of grantDesign.
var jobs = []string{"picker", "packer", "returns", "stock", "backoffice", "store", "supervisor", "admin"}

// grantDesign is who may do what to each table: S select, s select some columns only (customers:
// not e-mail and phone), I insert, U update, u update some columns only, D delete, - nothing.
// A supervisor holds every operational job and makes pick work; an admin reads everything, sets
// up warehouses (migration 00011) and manages staff through functions. Tables the database keeps
// itself (stock_balances, order_counts, order_count_deltas, invoice_counters) and the audit trail
// (events) are written by no job. A new table must be added here: the test fails until someone
// decides who may use it.
const grantDesign = `
table               picker  packer  returns  stock  backoffice  store  supervisor  admin
addresses           S       S       S        S      SIU         S      SIU         S
allocation_wakeups  -       -       -        -      SuD         -      SuD         S
asn_lines           -       -       -        S      S           -      S           S
asns                -       -       -        S      S           -      S           S
bin_levels          -       -       -        S      S           -      S           S
boxes               S       S       S        SIU    S           S      SIU         S
carrier_rates       S       S       S        S      S           S      S           S
carrier_services    S       S       S        S      SIU         S      SIU         SIU
carriers            S       S       S        S      SIU         S      SIU         SIU
channel_holds       S       S       S        S      S           -      S           S
channels            S       S       S        S      SIU         S      SIU         S
company             S       S       S        S      S           S      S           SIu
count_flags         S       S       S        S      S           S      S           S
count_task_lines    S       S       S        S      S           -      S           S
count_tasks         S       S       S        S      S           -      S           S
currencies          S       S       S        S      S           S      S           S
customers           s       s       S        S      SIU         s      SIU         S
events              S       S       S        S      S           S      S           S
fx_rates            S       S       S        S      SIu         S      SIu         S
goose_db_version    S       S       S        S      S           S      S           S
idempotency_keys    SIu     SIu     SIu      SIu    SIu         SIu    SIu         S
import_rejects      -       -       -        -      SI          -      SI          S
import_runs         -       -       -        -      SIu         -      SIu         S
invoice_counters    -       S       S        -      S           -      S           S
invoice_lines       -       SI      SI       -      SI          -      SI          S
invoice_tax_lines   -       SI      SI       -      SI          -      SI          S
invoices            -       SI      SI       -      SI          -      SI          S
label_voids         -       S       S        S      S           -      S           S
locations           S       S       S        SIU    S           S      SIU         S
lots                S       S       S        SIU    S           S      SIU         S
manifests           -       S       S        S      S           -      S           S
number_series       S       S       S        S      S           S      S           S
order_count_deltas  S       S       S        S      S           S      S           S
order_counts        S       S       S        S      S           S      S           S
order_counts_live   S       S       S        S      S           S      S           S
order_exceptions    -       -       -        -      SIu         -      SIu         S
order_lines         S       Su      S        S      SIU         S      SIU         S
orders              S       S       S        S      SIU         S      SIU         S
pack_stations       -       S       S        S      S           -      S           SIU
package_lines       S       SIUD    S        S      S           S      SIUD        S
packages            S       SIUD    S        S      S           S      SIUD        S
pick_batches        S       S       S        S      S           S      S           S
pick_scans          S       S       S        S      S           S      S           S
pick_tasks          S       S       S        S      S           S      S           S
product_barcodes    S       S       S        SI     SIUD        S      SIUD        S
product_prices      S       S       S        S      SIUD        S      SIUD        S
products            S       S       S        Su     SIU         S      SIU         S
purchase_order_lines -      -       -        S      S           -      S           S
purchase_orders     -       -       -        S      S           -      S           S
rate_card_rates     -       S       S        S      SID         -      SID         SID
rate_card_surcharges -     S       S        S      SID         -      SID         SID
rate_card_transit   -       S       S        S      SID         -      SID         SID
rate_card_zones     -       S       S        S      SID         -      SID         SID
rate_cards          -       S       S        S      SID         -      SID         SID
reason_codes        S       S       S        S      Su          S      Su          S
refunds             -       -       S        -      S           -      S           S
reorder_rules       -       -       -        S      S           -      S           S
replenish_tasks     -       -       -        S      S           -      S           S
reservations        S       S       S        S      SIUD        S      SIUD        S
rma_lines           S       S       S        S      S           S      S           S
rma_receipts        S       S       S        S      S           S      S           S
rma_unexpected      S       S       S        S      S           -      S           S
rmas                S       S       S        S      S           S      S           S
shipments           S       SIU     S        S      S           S      SIU         S
staff               S       S       S        S      S           S      S           S
staff_keys          -       -       -        -      -           -      -           S
stock_adjustments   -       -       -        S      S           -      S           S
stock_balances      S       S       S        S      S           S      S           S
stock_count_lines   S       S       S        S      S           S      S           S
stock_counts        S       S       S        S      S           S      S           S
stock_movements     SI      SI      SI       SI     S           S      SI          S
suppliers           -       -       -        S      SIU         -      SIU         S
tax_categories      S       S       S        S      S           S      S           S
tax_rates           S       S       S        S      SIu         S      SIu         S
tracking_events     -       S       S        S      S           -      S           S
transfer_lines      -       -       -        S      S           -      S           S
transfers           -       -       -        S      S           -      S           S
warehouses          S       S       S        S      S           S      Su          SIU
`

// everyoneMayCall are the functions every client's queries, defaults and guards use; adminMayCall
// are the staff commands. Every other function of the schema (trigger functions and the helpers
// they run as the owner) no job may call.
var (
	everyoneMayCall = []string{"oms_actor", "oms_backdating", "oms_derive_status", "oms_is_owner", "oms_money",
		"oms_movement_job", "oms_order_is_open", "oms_phone_key", "oms_postcode_key", "oms_po_status", "oms_refund_status", "oms_rma_status", "oms_transfer_status",
		"oms_search_fold"}
	adminMayCall = []string{"oms_staff_add", "oms_staff_add_key", "oms_staff_disable", "oms_staff_remove_key",
		"oms_staff_set_jobs"}
	// backofficeMayCall is the intake's (migration 00017), the order history (00021) and releasing pick work (00031); the supervisor holds the job.
	backofficeMayCall = []string{"oms_intake_events", "oms_lock_free_bins", "oms_order_event", "oms_order_events", "oms_sell_at_store", "oms_pick_release", "oms_take_numbers", "oms_try_lock_free_bins",
		"oms_tracking_record", "oms_rma_in_transit", "oms_po_create", "oms_po_close", "oms_po_cancel", "oms_reorder_rule_set", "oms_asn_create"}
	// pickerMayCall is picking's (00031): claim, confirm and short; the supervisor holds the job.
	pickerMayCall = []string{"oms_pick_claim", "oms_pick_confirm", "oms_pick_short"}
	// packerMayCall is packing's (00037): the station's commands, label voids and the manifest.
	packerMayCall = []string{"oms_label_void", "oms_manifest_close", "oms_pack_find", "oms_pack_open", "oms_pack_parcel",
		"oms_pack_verify", "oms_relabel", "oms_ship", "oms_unboxed"}
	// returnsMayCall is the returns desk's (00041): RMAs, receiving, inspecting, refunds and
	// exchanges; the supervisor holds the job, and alone may authorise an RMA outside its window.
	returnsMayCall = []string{"oms_rma_cancel", "oms_rma_close", "oms_rma_decide", "oms_rma_exchange", "oms_rma_inspect",
		"oms_rma_label", "oms_rma_lock", "oms_rma_open", "oms_rma_receive", "oms_rma_receive_all", "oms_rma_refund", "oms_rma_refund_credited",
		"oms_rma_unexpected"}
	// supervisorMayCall is the supervisor's own: authorising RMAs (00041), deciding counts (00042)
	// and adjustments (00043), and the floor's actions (00045): reassign or release a batch, an
	// order's priority, hold and release a channel.
	supervisorMayCall = []string{"oms_rma_authorize", "oms_count_decide", "oms_adjust_approve", "oms_adjust_reject",
		"oms_floor_reassign", "oms_floor_priority", "oms_floor_hold_channel", "oms_floor_release_channel"}
	// stockMayCall is counting's (00042) — plan, claim, record — inbound's (00043): receiving
	// against purchase orders, putaway, moves, transfers and adjustments — and replenishment's
	// (00044); the supervisor holds the job.
	stockMayCall = []string{"oms_count_claim", "oms_count_plan", "oms_count_record", "oms_count_unclaim",
		"oms_po_receive", "oms_putaway_suggest", "oms_putaway", "oms_move", "oms_transfer_create", "oms_transfer_ship",
		"oms_transfer_receive", "oms_transfer_write_off", "oms_adjust", "oms_bin_level_set", "oms_replenish_raise",
		"oms_replenish_cancel", "oms_replenish_claim", "oms_replenish_confirm", "oms_asn_receive"}
	// storeMayCall is the hand-over at a store's counter (00023); the supervisor holds the job.
	storeMayCall = []string{"oms_hand_over"}
)

// TestEveryJobMayDoWhatTheDesignSaysAndNothingElse compares, for every job role, every table and
// view of the schema and every verb, what PostgreSQL grants with grantDesign, and every function
// with who may call it (ARCHITECTURE.md §7).
func TestEveryJobMayDoWhatTheDesignSaysAndNothingElse(t *testing.T) {
	d := dbtest.New(t)
	design := map[string][]string{}
	for i, line := range strings.Split(strings.TrimSpace(grantDesign), "\n") {
		f := strings.Fields(line)
		if len(f) != len(jobs)+1 {
			t.Fatalf("design line %d has %d columns: %q", i+1, len(f), line)
		}
		if i > 0 {
			design[f[0]] = f[1:]
		}
	}

	var got []struct {
		Table string `db:"tbl"`
		Job   string `db:"job"`
		Privs string `db:"privs"`
		Other bool   `db:"other"`
	}
	err := d.Select(&got, `
		SELECT c.relname AS tbl, j AS job,
		       CASE WHEN has_table_privilege(r, c.oid, 'SELECT') THEN 'S'
		            WHEN has_any_column_privilege(r, c.oid, 'SELECT') THEN 's' ELSE '' END ||
		       CASE WHEN has_table_privilege(r, c.oid, 'INSERT') THEN 'I'
		            WHEN has_any_column_privilege(r, c.oid, 'INSERT') THEN 'i' ELSE '' END ||
		       CASE WHEN has_table_privilege(r, c.oid, 'UPDATE') THEN 'U'
		            WHEN has_any_column_privilege(r, c.oid, 'UPDATE') THEN 'u' ELSE '' END ||
		       CASE WHEN has_table_privilege(r, c.oid, 'DELETE') THEN 'D' ELSE '' END AS privs,
		       has_table_privilege(r, c.oid, 'TRUNCATE') OR has_table_privilege(r, c.oid, 'REFERENCES')
		           OR has_table_privilege(r, c.oid, 'TRIGGER') AS other
		  FROM pg_class c CROSS JOIN unnest($1::text[]) j CROSS JOIN LATERAL (SELECT 'oms_' || j AS r) role
		 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
		   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
		 ORDER BY 1`, pq.Array(jobs))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, g := range got {
		seen[g.Table] = true
		row, ok := design[g.Table]
		if !ok {
			t.Errorf("table %s is not in the design: decide what each job may do with it", g.Table)
			continue
		}
		want := row[slices.Index(jobs, g.Job)]
		if want == "-" {
			want = ""
		}
		if g.Privs != want {
			t.Errorf("%-10s on %-18s may %-5q; the design says %q", g.Job, g.Table, g.Privs, want)
		}
		if g.Other {
			t.Errorf("%s may TRUNCATE, REFERENCE or put triggers on %s", g.Job, g.Table)
		}
	}
	for table := range design {
		if !seen[table] {
			t.Errorf("the design names %s, which the schema does not have", table)
		}
	}

	var calls []struct {
		Fn      string `db:"fn"`
		Job     string `db:"job"`
		Execute bool   `db:"execute"`
	}
	if err := d.Select(&calls, `
		SELECT p.proname AS fn, j AS job, has_function_privilege('oms_' || j, p.oid, 'EXECUTE') AS execute
		  FROM pg_proc p CROSS JOIN unnest($1::text[]) j
		 WHERE p.pronamespace = 'public'::regnamespace
		   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')`,
		pq.Array(jobs)); err != nil {
		t.Fatal(err)
	}
	if len(calls) < 50*len(jobs) {
		t.Fatalf("only %d function × job pairs: the schema's functions were not found", len(calls))
	}
	for _, c := range calls {
		want := slices.Contains(everyoneMayCall, c.Fn) || (c.Job == "admin" && slices.Contains(adminMayCall, c.Fn)) ||
			((c.Job == "backoffice" || c.Job == "supervisor") && slices.Contains(backofficeMayCall, c.Fn)) ||
			((c.Job == "store" || c.Job == "supervisor") && slices.Contains(storeMayCall, c.Fn)) ||
			((c.Job == "picker" || c.Job == "supervisor") && slices.Contains(pickerMayCall, c.Fn)) ||
			((c.Job == "packer" || c.Job == "supervisor") && slices.Contains(packerMayCall, c.Fn)) ||
			((c.Job == "returns" || c.Job == "supervisor") && slices.Contains(returnsMayCall, c.Fn)) ||
			((c.Job == "stock" || c.Job == "supervisor") && slices.Contains(stockMayCall, c.Fn)) ||
			(c.Job == "supervisor" && slices.Contains(supervisorMayCall, c.Fn))
		if c.Execute != want {
			t.Errorf("%s may call %s: %v; the design says %v", c.Job, c.Fn, c.Execute, want)
		}
	}
}

// TestTheCatalogHasNoBackDoors: no SECURITY DEFINER function without a search_path that ends in
// pg_temp, none that PUBLIC may call, nothing owned by anyone but the owner role (and the staff
// functions by oms_staff_admin), and no client role with SUPERUSER, BYPASSRLS, CREATEROLE or
// REPLICATION. oms_staff_admin has CREATEROLE, but no login and no members: only its functions
// reach it.
func TestTheCatalogHasNoBackDoors(t *testing.T) {
	d := dbtest.New(t)
	dbtest.LoginAs(t, d, "picker") // a staff login exists, so the role checks see one
	var bad []string
	check := func(what, query string) {
		t.Helper()
		var rows []string
		if err := d.Select(&rows, query); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, r := range rows {
			bad = append(bad, what+": "+r)
		}
	}
	const ours = `p.pronamespace = 'public'::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')`
	check("SECURITY DEFINER without a search_path ending in pg_temp", `
		SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.prosecdef AND `+ours+`
		   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%pg\_temp')`)
	check("a pinned search_path that lets pg_temp go first", `
		SELECT p.oid::regprocedure::text FROM pg_proc p WHERE `+ours+`
		   AND EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%' AND c NOT LIKE '%pg\_temp')`)
	check("SECURITY DEFINER that PUBLIC may call", `
		SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.prosecdef AND `+ours+`
		   AND EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0)`)
	check("a function not owned by oms_owner", `
		SELECT p.oid::regprocedure::text || ' owned by ' || pg_get_userbyid(p.proowner) FROM pg_proc p WHERE `+ours+`
		   AND pg_get_userbyid(p.proowner) <> CASE WHEN p.proname IN ('oms_staff_add', 'oms_staff_set_jobs',
		       'oms_staff_disable', 'oms_staff_add_key', 'oms_staff_remove_key') THEN 'oms_staff_admin' ELSE 'oms_owner' END`)
	check("a table, view, sequence or type not owned by oms_owner", `
		SELECT c.oid::regclass::text || ' owned by ' || pg_get_userbyid(c.relowner) FROM pg_class c
		 WHERE c.relnamespace = 'public'::regnamespace AND pg_get_userbyid(c.relowner) <> 'oms_owner'
		   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
		UNION ALL
		SELECT t.oid::regtype::text || ' owned by ' || pg_get_userbyid(t.typowner) FROM pg_type t
		 WHERE t.typnamespace = 'public'::regnamespace AND pg_get_userbyid(t.typowner) <> 'oms_owner'
		   AND t.typcategory <> 'A' -- an array type goes with its element type
		   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
		   AND NOT EXISTS (SELECT 1 FROM pg_depend e JOIN pg_class x ON x.oid = e.objid
		                    WHERE e.classid = 'pg_class'::regclass AND e.deptype = 'e' AND x.reltype = t.oid)`)
	// Client roles: the job groups, the server and scope groups, and every role that is a member
	// of one of them, however indirectly (a staff login, the test client, a server pool).
	check("a client role with powers beyond its grants", `
		WITH RECURSIVE client(oid) AS (
		    SELECT oid FROM pg_roles WHERE rolname IN ('oms_picker', 'oms_packer', 'oms_returns', 'oms_stock',
		        'oms_backoffice', 'oms_store', 'oms_supervisor', 'oms_admin', 'oms_server', 'oms_sees_all_orders', 'oms_sees_store_orders')
		    UNION
		    SELECT m.member FROM pg_auth_members m JOIN client c ON m.roleid = c.oid)
		SELECT r.rolname FROM pg_roles r JOIN client c ON c.oid = r.oid
		 WHERE r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolreplication`)
	check("a client role that owns something", `
		WITH RECURSIVE client(oid) AS (
		    SELECT oid FROM pg_roles WHERE rolname IN ('oms_picker', 'oms_packer', 'oms_returns', 'oms_stock',
		        'oms_backoffice', 'oms_store', 'oms_supervisor', 'oms_admin', 'oms_server', 'oms_sees_all_orders', 'oms_sees_store_orders')
		    UNION
		    SELECT m.member FROM pg_auth_members m JOIN client c ON m.roleid = c.oid)
		SELECT pg_get_userbyid(s.refobjid) || ' owns ' || pg_describe_object(s.classid, s.objid, s.objsubid)
		  FROM pg_shdepend s JOIN client c ON c.oid = s.refobjid
		 WHERE s.deptype = 'o' AND s.dbid IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))`)
	check("oms_owner or oms_staff_admin can log in, or someone can become oms_staff_admin", `
		SELECT rolname FROM pg_roles WHERE rolname IN ('oms_owner', 'oms_staff_admin')
		   AND (rolcanlogin OR rolsuper OR rolbypassrls OR rolreplication
		        OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = pg_roles.oid AND rolname = 'oms_staff_admin'))`)
	check("anyone may create objects in the schema", `
		SELECT 'PUBLIC' WHERE has_schema_privilege('public', 'public', 'CREATE')`)
	for _, b := range bad {
		t.Error(b)
	}
}

// TestAPickerCannotTamper replays, over a picker's own login, what a person with psql and a
// picker's password might try (issue 8, "Done means"): each is refused with a sentence, nothing
// changes, and the picker's own work still goes through.
func TestAPickerCannotTamper(t *testing.T) {
	s := newShop(t)
	picker := dbtest.LoginAs(t, s.owner, "picker")
	ctx := context.Background()
	before := s.snapshot(t)
	moveSQL := fmt.Sprintf(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, order_line_id%%s)
		VALUES (%d, %d, %d, 1, 'pick', %d%%s)`, s.mug, s.binA, s.pack, s.so2Line)
	attempts := []struct {
		name, stmt, says string
	}{
		{"write a balance", `UPDATE stock_balances SET on_hand = on_hand + 100`,
			"your database role may not do that: permission denied for table stock_balances"},
		{"delete the ledger", `DELETE FROM stock_movements`,
			"your database role may not do that: permission denied for table stock_movements"},
		{"switch triggers off", `SET session_replication_role = replica`,
			`permission denied to set parameter "session_replication_role"`},
		{"backdate a pick", fmt.Sprintf(moveSQL, ", at", ", '2001-01-01'"),
			"stock movements are stamped with the time they are posted: one cannot be dated 2001-01-01"},
		{"pick in someone else's name", fmt.Sprintf(moveSQL, ", actor", ", 'oms_test_client'"),
			"stock movements are stamped with who posts them"},
		{"run a program on the server", `COPY stock_movements TO PROGRAM 'cat > /tmp/oms-stolen'`,
			"must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program"},
		{"read customers' e-mail", `SELECT email FROM customers`,
			"your database role may not do that: permission denied for table customers"},
		{"read customers' phone numbers", `SELECT * FROM customers`,
			"your database role may not do that: permission denied for table customers"},
		{"conjure stock by a receipt", fmt.Sprintf(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			VALUES (%d, %d, %d, 100, 'receipt')`, s.mug, s.supplier, s.binB),
			"a receipt movement is the work of the stock role, which"},
		{"become a supervisor", `SET ROLE oms_supervisor`, `permission denied to set role "oms_supervisor"`},
		{"read invoices", `SELECT * FROM invoices`, "permission denied for table invoices"},
		{"disable the ledger's triggers", `ALTER TABLE stock_movements DISABLE TRIGGER USER`, "must be owner of table stock_movements"},
		{"add themselves a job", `SELECT oms_staff_set_jobs(current_user, '{supervisor}', '{}')`,
			"permission denied for function oms_staff_set_jobs"},
		{"call a trigger helper", `SELECT oms_fold_order_counts()`, "permission denied for function oms_fold_order_counts"},
	}
	for _, a := range attempts {
		err := picker.InTx(ctx, func(tx *sqlx.Tx) error { _, err := tx.Exec(a.stmt); return err })
		if err == nil {
			t.Errorf("%s: the database let a picker do it", a.name)
			continue
		}
		if !strings.Contains(err.Error(), a.says) {
			t.Errorf("%s: refused with %q, want it to say %q", a.name, err, a.says)
		}
	}

	// A temporary table named like a kept table does not fool the owner's trigger functions
	// (their search_path ends in pg_temp): the real balances move with the ledger.
	err := picker.InTx(ctx, func(tx *sqlx.Tx) error {
		for _, stmt := range []string{
			`CREATE TEMP TABLE stock_balances (LIKE public.stock_balances INCLUDING ALL) ON COMMIT DROP`,
			`GRANT ALL ON pg_temp.stock_balances TO PUBLIC`,
			`CREATE TEMP TABLE reservations (LIKE public.reservations INCLUDING ALL) ON COMMIT DROP`,
			`GRANT ALL ON pg_temp.reservations TO PUBLIC`,
		} {
			if _, err := tx.Exec(stmt); err != nil {
				return err
			}
		}
		return stock.PostIn(ctx, tx, "", stock.Movement{Product: s.mug, From: s.binA, To: s.pack, Qty: 1,
			Kind: model.MovePick, OrderLine: s.so2Line})
	})
	if err != nil {
		t.Fatalf("a pick beside temporary look-alike tables: %v", err)
	}
	if after := s.snapshot(t); after == before {
		t.Fatal("the pick left no trace in the real tables")
	}
	var onHand, reserved int64
	if err := s.owner.QueryRow(`SELECT on_hand, reserved FROM stock_balances WHERE location_id = $1 AND product_id = $2`,
		s.pack, s.mug).Scan(&onHand, &reserved); err != nil || onHand != 1 || reserved != 1 {
		t.Fatalf("the packing station holds %d (%d reserved), %v; want the picked unit, reserved", onHand, reserved, err)
	}
	checkAllHold(t, s.owner)
}

// checkAllHold runs `oms check`'s audit and fails on any violation.
func checkAllHold(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Violations {
		t.Errorf("oms check: %s", v.Message)
	}
}

// TestEachJobCanDoItsWork: the commands of db/stock, db/orders and db/invoicing, and the writes
// the screens make, each run by the job whose work it is, over its own login; a few runs by the
// wrong job are refused. Afterwards every invariant holds.
func TestEachJobCanDoItsWork(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	o := s.owner
	var returnsBin int64
	mustGet(t, o, &returnsBin, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'RET-1', 'returns') RETURNING id`, s.warehouse)
	as := map[string]*db.DB{}
	login := map[string]string{}
	for _, j := range []string{"picker", "packer", "returns", "stock", "backoffice"} {
		var u string
		login[j], u = dbtest.NewLogin(t, o, dbtest.Staff{Jobs: []string{j}, Warehouse: "RTM1"})
		as[j] = dbtest.Open(t, u)
	}
	supervisor := s.client
	step := func(who, what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s could not %s: %v", who, what, err)
		}
	}

	// The supervisor makes pick work; the picker claims it and picks a unit, through picking's
	// functions (00031): neither writes pick batches or tasks directly.
	if _, err := picking.New(supervisor).Release(ctx, "job-release-0001", picking.ReleaseOptions{Warehouse: "RTM1"}); err != nil {
		t.Fatalf("a supervisor could not release pick work: %v", err)
	}
	batch, err := picking.New(as["picker"]).Claim(ctx, "", "RTM1", "T1")
	step("a picker", "claim a batch", err)
	task, ok := batch.Next()
	if !ok || task.SKU != "MUG-01" {
		t.Fatalf("the picker's batch holds %+v", batch.Tasks)
	}
	_, err = picking.New(as["picker"]).Confirm(ctx, "job-pick-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1})
	step("a picker", "confirm a pick", err)

	// The packer packs, boxes and ships it.
	step("a packer", "pack", orders.New(as["packer"]).SetPacked(ctx, "job-pack-0001", orders.Packed{Line: s.so2Line, Packed: 1}))
	var shipment, pkg int64
	mustGet(t, as["packer"], &shipment, `INSERT INTO shipments (order_id, warehouse_id) VALUES ($1, $2) RETURNING id`, s.so2, s.warehouse)
	mustGet(t, as["packer"], &pkg, `INSERT INTO packages (shipment_id, box_code, weight_g) VALUES ($1, 'BOX-S', 450) RETURNING id`, shipment)
	_, err = as["packer"].Exec(`INSERT INTO package_lines (package_id, order_line_id, qty) VALUES ($1, $2, 1)`, pkg, s.so2Line)
	step("a packer", "fill a package", err)
	step("a packer", "ship", stock.New(as["packer"]).Post(ctx, "job-ship-0001",
		stock.Movement{Product: s.mug, From: s.pack, To: s.customer, Qty: 1, Kind: model.MoveShip, OrderLine: s.so2Line}))

	// The back office takes an order, allocates it and invoices what shipped.
	bo := as["backoffice"]
	var so3, so3Line int64
	mustGet(t, bo, &so3, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id,
		currency, subtotal_minor, total_minor, ordered_at, promised_at, warehouse_id)
		VALUES ('SO-3', $1, 'SO-3', $2, 'Anna de Vries', $3, 'EUR', 1000, 1000, now(), now() + interval '1 day', $4) RETURNING id`,
		s.channel, s.customer1, s.address, s.warehouse)
	mustGet(t, bo, &so3Line, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
		VALUES ($1, 1, '1', $2, 1000, 1) RETURNING id`, so3, s.mug)
	step("a back-office clerk", "allocate", stock.New(bo).Reserve(ctx, "job-reserve-0001",
		stock.Reservation{OrderLine: so3Line, Location: s.binA, Product: s.mug, Qty: 1}))
	issued, err := invoicing.New(bo).Issue(ctx, "job-invoice-0001", invoicing.Document{
		Kind: invoicing.Invoice, Series: "invoice", Order: s.so2, Currency: "EUR", BaseCurrency: "EUR",
		FXRate: "1", FXDate: time.Now().UTC(),
		Lines: []invoicing.Line{{OrderLine: s.so2Line, Description: "Stoneware mug",
			InvoiceLine: model.InvoiceLine{Qty: 1, UnitMinor: 1000, TaxMinor: 210, TaxRatePPM: 210000}}},
	})
	step("a back-office clerk", "issue an invoice", err)
	if issued.Number == "" {
		t.Fatal("the invoice has no number")
	}

	// The returns desk takes one unit of SO-1 back, inspects it, restocks it and refunds it,
	// through the returns functions (00041): it writes no RMA, inspection or refund directly.
	ret := returns.New(as["returns"])
	rma, err := ret.Open(ctx, "job-rma-0001", returns.OpenRequest{Order: s.so1, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: s.so1Line, Qty: 1, Reason: "RET_SIZE"}}})
	step("the returns desk", "open an RMA", err)
	_, err = ret.ReceiveParcel(ctx, "job-return-0001", rma.ID, rma.Number)
	step("the returns desk", "receive a return", err)
	var binB string
	mustGet(t, o, &binB, `SELECT code FROM locations WHERE id = $1`, s.binB)
	_, err = ret.Inspect(ctx, "job-inspect-0001", returns.Grading{Line: rma.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock", Bin: binB})
	step("the returns desk", "inspect and restock", err)
	_, err = ret.Refund(ctx, "job-refund-0001", returns.RefundRequest{RMA: rma.ID, Method: "original_payment"})
	step("the returns desk", "refund", err)

	// Stock control receives, adjusts and counts; approving the count is the supervisor's.
	sc := as["stock"]
	step("a stock controller", "receive", stock.New(sc).Post(ctx, "job-receive-0001",
		stock.Movement{Product: s.mug, From: s.supplier, To: s.binB, Qty: 6, Kind: model.MoveReceipt}))
	var adjustment int64
	mustGet(t, o, &adjustment, `SELECT id FROM locations WHERE code = 'ADJUSTMENT'`)
	step("a stock controller", "adjust", stock.New(sc).Post(ctx, "job-adjust-0001",
		stock.Movement{Product: s.mug, From: s.binB, To: adjustment, Qty: 1, Kind: model.MoveAdjustment, Reason: "ADJ_DAMAGED"}))
	// Counting goes through the counting functions (00042): the stock controller plans a count
	// of the bin, claims it and records what is there; deciding a count is the supervisor's.
	var binCode string
	var onHand int64
	mustGet(t, o, &binCode, `SELECT code FROM locations WHERE id = $1`, s.binB)
	mustGet(t, o, &onHand, `SELECT on_hand FROM stock_balances WHERE location_id = $1 AND product_id = $2`, s.binB, s.mug)
	cs := counts.New(sc)
	_, err = cs.Plan(ctx, "job-count-plan-0001", counts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: binCode})
	step("a stock controller", "plan a count", err)
	bin, err := cs.Claim(ctx, "RTM1")
	step("a stock controller", "claim a bin to count", err)
	out, err := cs.Record(ctx, "job-count-0001", bin.ID, []counts.Line{{Product: s.mug, Qty: onHand}})
	step("a stock controller", "count", err)
	if out.Outcome != "posted" {
		t.Errorf("a count that matches the books: %s", out.Outcome)
	}
	err = cs.Decide(ctx, "job-count-decide-0001", counts.Decision{Task: bin.ID, Approve: true})
	if err == nil || !strings.Contains(err.Error(), "permission denied for function oms_count_decide") {
		t.Errorf("a stock controller deciding a count: %v", err)
	}
	var countedBy string
	mustGet(t, o, &countedBy, `SELECT s.login FROM count_tasks t JOIN staff s ON s.id = t.counted_by WHERE t.id = $1`, bin.ID)
	if countedBy != login["stock"] {
		t.Errorf("the count says counted by %s; want %s", countedBy, login["stock"])
	}

	// The wrong job is told whose work it is.
	for _, c := range []struct {
		job, what string
		err       error
		says      string
	}{
		{"packer", "issue an invoice", func() error {
			_, err := invoicing.New(as["packer"]).Issue(ctx, "job-invoice-0002", invoicing.Document{Kind: invoicing.Invoice,
				Series: "invoice", Order: so3, Currency: "EUR", BaseCurrency: "EUR", FXRate: "1", FXDate: time.Now().UTC(),
				Lines: []invoicing.Line{{Description: "x", InvoiceLine: model.InvoiceLine{Qty: 1, UnitMinor: 1}}}})
			return err
		}(), "invoicing is the back office's work"},
		{"backoffice", "post a movement", stock.New(bo).Post(ctx, "job-move-0002",
			stock.Movement{Product: s.mug, From: s.binA, To: s.binB, Qty: 1, Kind: model.MoveTransfer}), "permission denied for table stock_movements"},
		{"returns", "ship", stock.New(as["returns"]).Post(ctx, "job-ship-0002",
			stock.Movement{Product: s.mug, From: s.binB, To: s.customer, Qty: 1, Kind: model.MoveShip}), "a ship movement is the work of the packer role"},
		{"picker", "allocate", stock.New(as["picker"]).Reserve(ctx, "job-reserve-0002",
			stock.Reservation{OrderLine: so3Line, Location: s.binB, Product: s.mug, Qty: 1}), "permission denied for table order_lines"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.says) {
			t.Errorf("a %s trying to %s: %v, want %q", c.job, c.what, c.err, c.says)
		}
	}
	checkAllHold(t, o)
}

// TestTheAuditTrailNamesThePersonAndTheTerminal: a movement names who posted it and from which
// terminal, whether they logged in themselves or the SSH server acted for them; a client that
// claims to be someone else through oms.person is still itself.
func TestTheAuditTrailNamesThePersonAndTheTerminal(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	anna, annaURL := dbtest.NewLogin(t, s.owner, dbtest.Staff{Name: "Anna Jansen", Jobs: []string{"picker"}})
	annaDB := dbtest.Open(t, annaURL)
	bert, _ := dbtest.NewLogin(t, s.owner, dbtest.Staff{Name: "Bert Bakker", Jobs: []string{"picker"}})
	_, poolURL := dbtest.ServerLogin(t, s.owner)
	pool := dbtest.Open(t, poolURL)
	pick := func(d *db.DB, key string) error {
		return stock.New(d).Post(ctx, key, stock.Movement{Product: s.mug, From: s.binA, To: s.pack, Qty: 1,
			Kind: model.MovePick, OrderLine: s.so2Line})
	}
	last := func() (actor, terminal string) {
		t.Helper()
		if err := s.owner.QueryRow(`SELECT actor, terminal FROM stock_movements ORDER BY id DESC LIMIT 1`).Scan(&actor, &terminal); err != nil {
			t.Fatal(err)
		}
		return actor, terminal
	}

	if err := pick(annaDB, "audit-pick-0001"); err != nil {
		t.Fatal(err)
	}
	if actor, terminal := last(); actor != anna || terminal != "oms-test" {
		t.Errorf("Anna's own pick names %s at %q; want %s at oms-test", actor, terminal, anna)
	}

	if err := pick(pool.As(bert, "oms-ssh:7f3a"), "audit-pick-0002"); err != nil {
		t.Fatal(err)
	}
	if actor, terminal := last(); actor != bert || terminal != "oms-ssh:7f3a" {
		t.Errorf("a pick the SSH server made for Bert names %s at %q; want %s at oms-ssh:7f3a", actor, terminal, bert)
	}

	err := annaDB.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`SET LOCAL oms.person = ` + pq.QuoteLiteral(bert)); err != nil {
			return err
		}
		return stock.PostIn(ctx, tx, "", stock.Movement{Product: s.mug, From: s.binA, To: s.pack, Qty: 1,
			Kind: model.MovePick, OrderLine: s.so2Line})
	})
	if err != nil {
		t.Fatal(err)
	}
	if actor, _ := last(); actor != anna {
		t.Errorf("Anna naming Bert in oms.person posted as %s; want %s", actor, anna)
	}

	// The staff commands leave events naming the admin who ran them.
	var event struct {
		Actor    string `db:"actor"`
		Terminal string `db:"terminal"`
		Message  string `db:"message"`
	}
	var admin string
	mustGet(t, s.owner, &admin, `SELECT session_user`)
	mustGet(t, s.owner, &event, `SELECT actor, terminal, message FROM events WHERE kind = 'staff.added' AND data->>'login' = $1`, anna)
	if event.Actor != admin || event.Terminal != "oms-test" || !strings.Contains(event.Message, "Anna Jansen") {
		t.Errorf("the event of adding Anna: %+v; want it by %s at oms-test", event, admin)
	}
}

// TestAStoresStaffSeeOnlyTheirStoresOrders: row security on orders. A clerk whose staff row is
// at a store sees, changes and creates only that store's orders, over their own login and through
// the SSH server alike, and cannot escape by becoming a job group; everyone else sees them all.
func TestAStoresStaffSeeOnlyTheirStoresOrders(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	var store int64
	mustGet(t, s.owner, &store, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('BER-M', 'Berlin Mitte', 'store', 'DE', 'Europe/Berlin', 'EUR') RETURNING id`)
	storeOrder, _ := s.newOrder(t, "SO-STORE-1", s.mug, 1, 1000)
	mustExecArgs(t, s.owner, `UPDATE orders SET warehouse_id = $2 WHERE id = $1`, storeOrder, store)
	mustExecArgs(t, s.owner, `UPDATE orders SET warehouse_id = $1 WHERE id IN ($2, $3)`, s.warehouse, s.so1, s.so2)

	clerk, clerkURL := dbtest.NewLogin(t, s.owner, dbtest.Staff{Jobs: []string{"backoffice"}, Warehouse: "BER-M"})
	clerkDB := dbtest.Open(t, clerkURL)
	dcClerk := dbtest.LoginAs(t, s.owner, "backoffice")
	_, poolURL := dbtest.ServerLogin(t, s.owner)
	viaServer := dbtest.Open(t, poolURL).As(clerk, "oms-ssh:store")

	numbers := func(d *db.DB) []string {
		t.Helper()
		var n []string
		if err := d.SelectContext(ctx, &n, `SELECT number FROM orders ORDER BY number`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := numbers(clerkDB); !slices.Equal(got, []string{"SO-STORE-1"}) {
		t.Errorf("the store's clerk sees %v; want only SO-STORE-1", got)
	}
	if got := numbers(viaServer); !slices.Equal(got, []string{"SO-STORE-1"}) {
		t.Errorf("the store's clerk through the SSH server sees %v; want only SO-STORE-1", got)
	}
	if got := numbers(dcClerk); len(got) != 3 {
		t.Errorf("a DC clerk sees %v; want all three orders", got)
	}
	res, err := clerkDB.Exec(`UPDATE orders SET notes = 'mine now' WHERE id = $1`, s.so2)
	if n, _ := res.RowsAffected(); err != nil || n != 0 {
		t.Errorf("the store's clerk changed %d orders of the DC (%v)", n, err)
	}
	_, err = clerkDB.Exec(`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id,
		currency, subtotal_minor, total_minor, ordered_at, promised_at, warehouse_id)
		VALUES ('SO-X', $1, 'SO-X', $2, 'X', $3, 'EUR', 0, 0, now(), now(), $4)`, s.channel, s.customer1, s.address, s.warehouse)
	if err == nil || !strings.Contains(err.Error(), `row-level security policy for table "orders"`) {
		t.Errorf("the store's clerk creating a DC order: %v", err)
	}
	// Becoming the job group does not leave the store's scope: it sees nothing at all.
	err = clerkDB.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`SET LOCAL ROLE oms_backoffice`); err != nil {
			return err
		}
		var n []string
		if err := tx.Select(&n, `SELECT number FROM orders`); err != nil {
			return err
		}
		if len(n) != 0 {
			return fmt.Errorf("as oms_backoffice the store's clerk sees %v", n)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// TestAMigratorNeedNotBeASuperuser: once the roles exist, `oms migrate` runs as a role with
// CREATEROLE that is a member of oms_owner (the admin of an installation), finds the schema
// current, and its `oms check` audits every order (row security on orders lets it see them all).
func TestAMigratorNeedNotBeASuperuser(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	login, _ := dbtest.ServerLogin(t, s.owner) // any fresh login role; made a migrator below
	for _, stmt := range []string{
		`REVOKE oms_server FROM ` + pq.QuoteIdentifier(login),
		`ALTER ROLE ` + pq.QuoteIdentifier(login) + ` CREATEROLE PASSWORD 'migrator-pw'`,
		`GRANT oms_owner TO ` + pq.QuoteIdentifier(login),
	} {
		if _, err := s.owner.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	migrator := dbtest.Open(t, dbtest.UserURL(t, s.owner, login, "migrator-pw"))
	res, err := migrator.Migrate(ctx)
	if err != nil || len(res.Applied) != 0 || res.Version != db.LatestVersion() {
		t.Fatalf("migrate as %s: %+v, %v; want nothing to do at version %d", login, res, err, db.LatestVersion())
	}
	if err := migrator.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	var orders int
	mustGet(t, migrator, &orders, `SELECT count(*) FROM orders`)
	if orders != 2 {
		t.Errorf("the migrator sees %d orders, want the shop's 2", orders)
	}
	checkAllHold(t, migrator)
}
