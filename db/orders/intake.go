package orders

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/model"
)

// Channel is a sales channel as an import needs it.
type Channel struct {
	ID          int64  `db:"id"`
	Code        string `db:"code"`
	Name        string `db:"name"`
	Kind        string `db:"kind"`
	Currency    string `db:"currency"`
	SLAHours    int    `db:"sla_hours"`
	TaxIncluded bool   `db:"prices_include_tax"`
	Store       string `db:"store"` // the warehouse code of a store channel's own store
	Active      bool   `db:"active"`
}

// ErrNoChannel means no channel has the code.
var ErrNoChannel = errors.New("no such channel")

// ChannelByCode finds a channel by its code in any case (`--channel WEB-EU`).
func (s *Store) ChannelByCode(ctx context.Context, code string) (Channel, error) {
	var c Channel
	err := s.d.GetContext(ctx, &c, `
		SELECT c.id, c.code, c.name, c.kind, c.currency, c.sla_hours, c.prices_include_tax, c.active,
		       CASE WHEN c.kind = 'store' THEN coalesce(w.code, '') ELSE '' END AS store
		  FROM channels c LEFT JOIN warehouses w ON w.id = c.warehouse_id
		 WHERE c.code = lower($1)`, strings.TrimSpace(code))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: %q", ErrNoChannel, code)
	}
	return c, err
}

// ChannelCodes lists the channels' codes, for a message naming the ones that exist.
func (s *Store) ChannelCodes(ctx context.Context) ([]string, error) {
	var codes []string
	err := s.d.SelectContext(ctx, &codes, `SELECT code FROM channels WHERE active ORDER BY code`)
	return codes, err
}

// ImportRun is one file being imported: what `oms import` records for the Intake screen.
type ImportRun struct {
	ID      int64
	Channel Channel
	Format  string
	File    string
}

// ImportCounts are a run's orders by what became of them.
type ImportCounts struct {
	New, Unchanged, Updated, Rejected int
}

// Add sums two counts.
func (c ImportCounts) Add(o ImportCounts) ImportCounts {
	return ImportCounts{c.New + o.New, c.Unchanged + o.Unchanged, c.Updated + o.Updated, c.Rejected + o.Rejected}
}

// StartImport records that a file is being imported (who and from where the database says).
func (s *Store) StartImport(ctx context.Context, ch Channel, format, file, sha256hex string) (ImportRun, error) {
	run := ImportRun{Channel: ch, Format: format, File: file}
	err := s.d.QueryRowxContext(ctx, `
		INSERT INTO import_runs (channel_id, format, file_name, file_sha256) VALUES ($1, $2, $3, $4)
		RETURNING id`, ch.ID, format, file, sha256hex).Scan(&run.ID)
	return run, db.MapError(err)
}

// FinishImport closes a run with its counts; a run never finished was interrupted.
func (s *Store) FinishImport(ctx context.Context, run ImportRun, c ImportCounts) error {
	_, err := s.d.ExecContext(ctx, `
		UPDATE import_runs SET finished_at = now(), new_orders = $2, unchanged = $3, updated = $4, rejected = $5
		 WHERE id = $1`, run.ID, c.New, c.Unchanged, c.Updated, c.Rejected)
	return db.MapError(err)
}

// Incoming is one order of a file on its way in, or a rejection the parser already made.
type Incoming struct {
	Order  model.IncomingOrder
	Line   int    // first physical line of the order in its file
	Ref    string // the id customers see, for messages
	Reason string // set by the parser: the order is rejected without looking further
}

// Outcome is what became of one incoming order.
type Outcome int

const (
	// OrderRejected orders were not imported; Reason says why.
	OrderRejected Outcome = iota
	// OrderNew orders were created.
	OrderNew
	// OrderUnchanged orders were already there as the file states them.
	OrderUnchanged
	// OrderUpdated orders were changed to what the channel now states.
	OrderUpdated
	// OrderException orders were changed by the channel after work started; nothing was changed,
	// an exception was recorded for the back office, and Reason says what.
	OrderException
)

// Result is the outcome of one incoming order, in the batch's order.
type Result struct {
	Outcome Outcome
	OrderID int64  // the order created or changed (0 for the others)
	Number  string // oms's order number, for orders that exist
	Reason  string // why it was rejected, or what the exception is about
}

// Hash is the fingerprint of an order as a channel states it: equal statements, equal hashes.
// Every field is written with its length, so no two statements run together the same way; times
// count as instants (a channel restating the same moment in another offset changes nothing).
func Hash(o model.IncomingOrder) string {
	var f fingerprint
	f.str("oms-intake-1")
	f.str(o.ExternalID)
	f.str(o.DisplayID)
	f.str(string(o.Currency))
	f.time(o.OrderedAt)
	f.time(o.PromisedAt)
	f.str(o.Customer.Name)
	f.str(o.Customer.Email)
	f.str(o.Customer.Phone)
	f.address(&o.ShipTo)
	f.flag(o.BillTo != nil)
	if o.BillTo != nil {
		f.address(o.BillTo)
	}
	f.num(int64(len(o.Lines)))
	for _, l := range o.Lines {
		f.str(l.ExternalLineID)
		f.str(l.SKU)
		f.str(l.Description)
		f.num(l.Qty)
		f.num(l.AmountMinor)
		f.num(l.DiscountMinor)
		f.num(l.TaxMinor)
	}
	for _, n := range []int64{o.SubtotalMinor, o.ShippingMinor, o.DiscountMinor, o.TaxMinor, o.TotalMinor} {
		f.num(n)
	}
	for _, b := range []bool{o.TaxIncluded, o.AwaitingPayment, o.Cancelled, o.Completed} {
		f.flag(b)
	}
	f.str(o.Store)
	f.str(o.ShipService)
	f.str(o.Notes)
	sum := sha256.Sum256(f.b)
	return hex.EncodeToString(sum[:])
}

// fingerprint is the unambiguous byte form Hash digests.
type fingerprint struct{ b []byte }

func (f *fingerprint) str(s string) {
	f.b = binary.AppendUvarint(f.b, uint64(len(s)))
	f.b = append(f.b, s...)
}
func (f *fingerprint) num(n int64) { f.b = binary.AppendVarint(f.b, n) }
func (f *fingerprint) flag(v bool) {
	if v {
		f.b = append(f.b, 1)
	} else {
		f.b = append(f.b, 0)
	}
}
func (f *fingerprint) time(t time.Time) {
	f.flag(t.IsZero())
	if !t.IsZero() {
		f.num(t.UnixNano())
	}
}
func (f *fingerprint) address(a *model.Address) {
	for _, s := range []string{a.Name, a.Company, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone} {
		f.str(s)
	}
}

// ErrDryRun rolls back a dry run's transaction after everything was checked.
var errDryRun = errors.New("dry run")

// ImportBatch brings a batch of one file's orders in, in one transaction: new orders are
// created, unchanged ones left, changed ones updated while nothing has been picked (otherwise an
// exception is recorded), rejected ones recorded with their reasons. Each order is all or
// nothing: when the set-based statements fail on one order's data, the batch is redone order
// by order, each in its own savepoint, and only the offending order is rejected. A dry run
// (run.ID == 0) does the same and rolls everything back. The same external id may appear at
// most once in a batch.
func (s *Store) ImportBatch(ctx context.Context, run ImportRun, batch []Incoming) ([]Result, error) {
	var results []Result
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		results, err = s.importBatch(ctx, tx, run, batch, true)
		if err != nil {
			return err
		}
		return dryRunRollback(run)
	})
	if err == nil || errors.Is(err, errDryRun) {
		return results, nil
	}
	if _, ok := orderDataError(err); !ok {
		return nil, err
	}
	// One order's data broke a statement: find it by importing one at a time.
	err = s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		results = make([]Result, len(batch))
		for i := range batch {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT one_order`); err != nil {
				return err
			}
			r, err := s.importBatch(ctx, tx, run, batch[i:i+1], false)
			if err != nil {
				reason, ok := orderDataError(err)
				if !ok {
					return err
				}
				if _, err2 := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT one_order`); err2 != nil {
					return err2
				}
				results[i] = Result{Outcome: OrderRejected, Reason: reason}
				continue
			}
			results[i] = r[0]
		}
		if err := recordRejects(ctx, tx, run, batch, results); err != nil {
			return err
		}
		return dryRunRollback(run)
	})
	if err == nil || errors.Is(err, errDryRun) {
		return results, nil
	}
	return nil, err
}

// orderDataError says whether err is the database refusing one order's data (a rule, a value
// out of range, a store without the stock), and in what words; anything else fails the import.
func orderDataError(err error) (string, bool) {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && strings.HasPrefix(string(pqErr.Code), "22") {
		return "the database cannot store it: " + pqErr.Message, true
	}
	var ce *db.ConstraintError
	if !errors.As(db.MapError(err), &ce) {
		return "", false
	}
	if ce.Kind == db.Forbidden && (ce.Err == nil || ce.Err.Code != "P0001") {
		return "", false
	}
	return ce.Message, true
}

func dryRunRollback(run ImportRun) error {
	if run.ID == 0 {
		return errDryRun
	}
	return nil
}

// importBatch classifies and applies a batch inside tx. recordRejected says whether to record
// the rejections here (the one-by-one path records them after its savepoint).
func (s *Store) importBatch(ctx context.Context, tx *sqlx.Tx, run ImportRun, batch []Incoming, recordRejected bool) ([]Result, error) {
	results := make([]Result, len(batch))
	for i, in := range batch {
		if in.Reason != "" {
			results[i] = Result{Outcome: OrderRejected, Reason: in.Reason}
		}
	}
	defaultStores(run.Channel, batch)
	hashes := make([]string, len(batch))
	for i, in := range batch {
		if results[i].Reason == "" {
			hashes[i] = Hash(in.Order)
		}
	}
	// Most of a replay is orders that have not changed: find those without locking anything.
	if err := findUnchanged(ctx, tx, run.Channel.ID, batch, hashes, results); err != nil {
		return nil, err
	}
	products, err := lookupProducts(ctx, tx, batch, results)
	if err != nil {
		return nil, err
	}
	stores, err := lookupStores(ctx, tx, batch, results)
	if err != nil {
		return nil, err
	}
	existing, err := lockExisting(ctx, tx, run.Channel.ID, batch, results)
	if err != nil {
		return nil, err
	}
	var fresh, changed []int
	for i, in := range batch {
		if results[i].Reason != "" || results[i].Outcome != OrderRejected {
			continue // rejected, or found unchanged
		}
		ex, ok := existing[in.Order.ExternalID]
		switch {
		case !ok:
			fresh = append(fresh, i)
		case ex.Hash == hashes[i]:
			results[i] = Result{Outcome: OrderUnchanged, Number: ex.Number}
		case run.ID != 0 && ex.RunID == run.ID:
			results[i] = Result{Outcome: OrderRejected, Number: ex.Number, Reason: "the rows of this order are not together in the file: an earlier part of the file already gave it differently"}
		default:
			changed = append(changed, i)
		}
	}
	w := intakeWriter{ctx: ctx, tx: tx, run: run, products: products, stores: stores}
	if err := w.create(batch, fresh, results); err != nil {
		return nil, err
	}
	for _, i := range changed {
		r, err := w.change(batch[i], existing[batch[i].Order.ExternalID])
		if err != nil {
			return nil, err
		}
		results[i] = r
	}
	if err := w.history(batch, results); err != nil {
		return nil, err
	}
	if recordRejected {
		if err := recordRejects(ctx, tx, run, batch, results); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// lookupProducts resolves the batch's SKUs (exactly, else ignoring case) and rejects orders
// naming one that does not exist.
func lookupProducts(ctx context.Context, tx *sqlx.Tx, batch []Incoming, results []Result) (map[string]int64, error) {
	var skus []string
	for i, in := range batch {
		if undecided(results[i]) {
			for _, l := range in.Order.Lines {
				skus = append(skus, l.SKU)
			}
		}
	}
	if len(skus) == 0 {
		return map[string]int64{}, nil
	}
	slices.Sort(skus)
	skus = slices.Compact(skus)
	var rows []struct {
		ID   int64  `db:"id"`
		SKU  string `db:"sku"`
		Want string `db:"want"`
	}
	err := tx.SelectContext(ctx, &rows, `
		SELECT p.id, p.sku, w.sku AS want
		  FROM unnest($1::text[]) AS w(sku)
		  JOIN LATERAL (SELECT id, sku FROM products p WHERE p.sku = w.sku
		                UNION ALL
		                SELECT id, sku FROM products p WHERE lower(p.sku) = lower(w.sku)
		                   AND NOT EXISTS (SELECT 1 FROM products e WHERE e.sku = w.sku)
		                LIMIT 1) p ON true`, pq.Array(skus))
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int64, len(rows))
	for _, r := range rows {
		ids[r.Want] = r.ID
	}
	for i, in := range batch {
		if !undecided(results[i]) {
			continue
		}
		for n, l := range in.Order.Lines {
			if _, ok := ids[l.SKU]; !ok {
				results[i] = Result{Outcome: OrderRejected, Reason: fmt.Sprintf("line %d: unknown SKU %q (import it with oms catalog import products first)", n+1, l.SKU)}
				break
			}
		}
	}
	return ids, nil
}

// defaultStores writes each order's store as a code: a store channel's orders are its store's.
func defaultStores(ch Channel, batch []Incoming) {
	for i := range batch {
		o := &batch[i].Order
		if o.Store == "" && ch.Store != "" {
			o.Store = ch.Store
		}
		o.Store = strings.ToUpper(strings.TrimSpace(o.Store))
	}
}

// undecided says whether an order still needs looking at: not rejected, not found unchanged.
func undecided(r Result) bool { return r.Reason == "" && r.Outcome == OrderRejected }

// findUnchanged marks the orders the database already holds exactly as stated.
func findUnchanged(ctx context.Context, tx *sqlx.Tx, channel int64, batch []Incoming, hashes []string, results []Result) error {
	var ids []string
	for i, in := range batch {
		if undecided(results[i]) {
			ids = append(ids, in.Order.ExternalID)
		}
	}
	var rows []struct {
		ExtID  string `db:"external_id"`
		Hash   string `db:"hash"`
		Number string `db:"number"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		SELECT external_id, coalesce(intake_hash, '') AS hash, number FROM orders
		 WHERE channel_id = $1 AND external_id = ANY($2)`, channel, pq.Array(ids)); err != nil {
		return err
	}
	stored := make(map[string][2]string, len(rows))
	for _, r := range rows {
		stored[r.ExtID] = [2]string{r.Hash, r.Number}
	}
	for i, in := range batch {
		if st, ok := stored[in.Order.ExternalID]; ok && undecided(results[i]) && st[0] == hashes[i] {
			results[i] = Result{Outcome: OrderUnchanged, Number: st[1]}
		}
	}
	return nil
}

// lookupStores resolves the stores orders are collected from or sold in.
func lookupStores(ctx context.Context, tx *sqlx.Tx, batch []Incoming, results []Result) (map[string]int64, error) {
	var codes []string
	for i, in := range batch {
		if in.Order.Store != "" && undecided(results[i]) {
			codes = append(codes, in.Order.Store)
		}
	}
	stores := map[string]int64{}
	if len(codes) == 0 {
		return stores, nil
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT id, code FROM warehouses WHERE code = ANY($1) AND active AND kind = 'store'`,
		pq.Array(codes)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		stores[r.Code] = r.ID
	}
	for i, in := range batch {
		if undecided(results[i]) && in.Order.Store != "" {
			if _, ok := stores[in.Order.Store]; !ok {
				results[i] = Result{Outcome: OrderRejected, Reason: fmt.Sprintf("store %q is not an active store warehouse", in.Order.Store)}
			}
		}
	}
	return stores, nil
}

// existingOrder is an order the channel sent before, locked for this transaction.
type existingOrder struct {
	ID        int64          `db:"id"`
	Number    string         `db:"number"`
	ExtID     string         `db:"external_id"`
	Hash      string         `db:"hash"`
	RunID     int64          `db:"run_id"`
	Started   bool           `db:"started"`
	Split     sql.NullString `db:"split_into"` // the backorder split off it here, if any
	Cancelled bool           `db:"cancelled"`
	OnHold    bool           `db:"on_hold"`
	HoldWhy   sql.NullString `db:"hold_reason"`
	ShipTo    int64          `db:"ship_to_address_id"`
	Customer  int64          `db:"customer_id"`
}

// lockExisting finds and locks the orders of the batch the channel sent before, in id order so
// two imports of overlapping files never wait on each other in a circle.
func lockExisting(ctx context.Context, tx *sqlx.Tx, channel int64, batch []Incoming, results []Result) (map[string]existingOrder, error) {
	var ids []string
	for i, in := range batch {
		if undecided(results[i]) {
			ids = append(ids, in.Order.ExternalID)
		}
	}
	if len(ids) == 0 {
		return map[string]existingOrder{}, nil
	}
	// The lines first, in id order, then the orders: the lock order of every command that
	// touches an order's lines (an allocator holding the lines and waiting for the order row
	// would otherwise meet this import in a circle).
	if _, err := tx.ExecContext(ctx, `
		SELECT 1 FROM order_lines l
		 WHERE l.order_id IN (SELECT o.id FROM orders o WHERE o.channel_id = $1 AND o.external_id = ANY($2))
		 ORDER BY l.id FOR NO KEY UPDATE OF l`, channel, pq.Array(ids)); err != nil {
		return nil, err
	}
	var rows []existingOrder
	err := tx.SelectContext(ctx, &rows, `
		SELECT o.id, o.number, o.external_id, coalesce(o.intake_hash, '') AS hash,
		       coalesce(o.intake_run_id, 0) AS run_id, o.cancelled_at IS NOT NULL AS cancelled,
		       o.on_hold, o.hold_reason, o.ship_to_address_id, o.customer_id,
		       EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id
		                  AND (l.qty_picked > 0 OR l.qty_shipped > 0 OR l.qty_packed > 0)) AS started,
		       (SELECT e.data->>'to' FROM events e WHERE e.order_id = o.id AND e.kind = 'order.split'
		         ORDER BY e.id DESC LIMIT 1) AS split_into
		  FROM orders o
		 WHERE o.channel_id = $1 AND o.external_id = ANY($2)
		 ORDER BY o.id FOR NO KEY UPDATE OF o`, channel, pq.Array(ids))
	if err != nil {
		return nil, err
	}
	m := make(map[string]existingOrder, len(rows))
	for _, r := range rows {
		m[r.ExtID] = r
	}
	return m, nil
}

// recordRejects keeps a run's rejected orders with their reasons (not for dry runs).
func recordRejects(ctx context.Context, tx *sqlx.Tx, run ImportRun, batch []Incoming, results []Result) error {
	if run.ID == 0 {
		return nil
	}
	var lines []int64
	var refs, reasons []string
	for i, r := range results {
		if r.Outcome == OrderRejected {
			lines = append(lines, int64(max(batch[i].Line, 1)))
			refs = append(refs, batch[i].Ref)
			reasons = append(reasons, r.Reason)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO import_rejects (run_id, line, order_ref, reason)
		SELECT $1, l, r, why FROM unnest($2::int[], $3::text[], $4::text[]) AS x(l, r, why)
		ON CONFLICT (run_id, line) DO NOTHING`, run.ID, pq.Array(lines), pq.Array(refs), pq.Array(reasons))
	return err
}

// promised is when the order is promised: the channel's date, or its SLA from the order time.
func promised(o model.IncomingOrder, ch Channel) time.Time {
	if !o.PromisedAt.IsZero() && !o.PromisedAt.Before(o.OrderedAt) {
		return o.PromisedAt
	}
	return o.OrderedAt.Add(time.Duration(ch.SLAHours) * time.Hour)
}

// unitPrice is the line's amount per unit, rounded half up, for screens; the amount itself is
// what invoices and refunds use.
func unitPrice(l model.IncomingLine) int64 {
	if l.Qty <= 0 {
		return l.AmountMinor
	}
	return (l.AmountMinor + l.Qty/2) / l.Qty
}
