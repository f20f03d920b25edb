package bench

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/orders"
	"oms/model"
)

// The live run (performance.md, BM6): writers change orders on a fixed schedule while simulated
// screens follow the open-orders queue the way the terminal UI does, and the run says what the
// screens cost the writers, how late the screens show each change, and how many queries each
// screen sends the server.
//
// Like Stress it is not a Case: there is no raw baseline. The writers' baseline is the same
// writers with no screens, measured in alternating halves (alone, screens, alone, screens) so
// the machine's drift cancels.

// The targets of BM6 (performance.md).
const (
	LiveTargetRatio   = 0.85                   // writers with screens ≥ 0.85 × writers alone
	LiveTargetP95     = 500 * time.Millisecond // staleness p95, with a 250 ms poll
	LiveTargetP99     = time.Second            // staleness p99
	LiveMaxRefetchesS = 4                      // refetches per screen in any one second
)

// What a live run's screens follow (LiveOptions.Follow).
const (
	FollowQueue = "queue"
	FollowFloor = "floor"
)

// LiveOptions size a live run. Zero values take the defaults.
type LiveOptions struct {
	Screens   int           // screens following the open queue; default 100
	WriteRate float64       // writes per second, on a fixed schedule; default 20
	Duration  time.Duration // how long each mode (alone, with screens) is measured; default 20 s
	// Poll is the change feed's poll interval and MinGap the least time between the starts of
	// two refetches of one screen; both default to 250 ms (so at most 4 refetches a second).
	Poll, MinGap time.Duration
	// Naive makes each screen poll the change feed for itself, as one terminal process per
	// screen does, instead of one poller fanning out to all (one server process for all).
	Naive bool
	// Writers is how many connections the writers use; default 4. ScreenConns is the pool the
	// screens share, as the sessions of one server process would; default 16.
	Writers, ScreenConns int
	// Orders is the fixture's open orders; default 5,000. The writers put the oldest 40, the
	// queue's first page, on hold and release them, round robin.
	Orders int
	// Follow says what the screens follow and who writes: FollowQueue (the default) has the
	// writers above put orders on hold at WriteRate while the screens follow the open queue;
	// FollowFloor has Writers pickers confirm one-unit scans as fast as they can (BM5's
	// fixture, of Orders orders of 20 units) while the screens follow the supervisor's floor
	// (livefloor.go). WriteRate does not apply to it.
	Follow string
	// Progress, when set, hears what is going on: a stage and done/total milliseconds (0/0
	// while setting up).
	Progress func(stage string, done, total int64)
}

func (o LiveOptions) withDefaults() LiveOptions {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Screens, 100)
	def(&o.Writers, 4)
	def(&o.ScreenConns, 16)
	def(&o.Orders, 5000)
	if o.Follow == "" {
		o.Follow = FollowQueue
	}
	if o.WriteRate == 0 {
		o.WriteRate = 20
	}
	if o.Duration == 0 {
		o.Duration = 20 * time.Second
	}
	if o.Poll == 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.MinGap == 0 {
		o.MinGap = 250 * time.Millisecond
	}
	if o.Progress == nil {
		o.Progress = func(string, int64, int64) {}
	}
	return o
}

// Percentiles summarise a set of durations.
type Percentiles struct {
	P50 time.Duration `json:"p50_ns"`
	P95 time.Duration `json:"p95_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[max(0, int(math.Ceil(q*float64(len(ds))))-1)] }
	return Percentiles{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ds[len(ds)-1]}
}

// LiveReport is what a live run measured.
type LiveReport struct {
	Screens   int     `json:"screens"`
	WriteRate float64 `json:"write_rate"`
	Naive     bool    `json:"naive"`
	// Follow is what the screens followed; with FollowFloor the writers are Writers pickers
	// confirming scans as fast as they can, and WriteRate is 0.
	Follow  string `json:"follow"`
	Writers int    `json:"writers,omitempty"`
	// Writer and Alone are the writes per second committed on schedule with and without
	// screens; Ratio is Writer / Alone rounded down to two decimals.
	Writer float64 `json:"writer"`
	Alone  float64 `json:"alone"`
	Ratio  float64 `json:"ratio"`
	// WriteLatency and AloneLatency run from each write's scheduled time to its commit.
	WriteLatency Percentiles `json:"write_latency"`
	AloneLatency Percentiles `json:"alone_latency"`
	// Stale runs, for each write and each screen, from the write's commit to the end of the
	// screen's first refetch that started after it. Pairs is how many there were; Unseen how
	// many no screen refetch covered before the run gave up waiting (5 s after the last write).
	Stale  Percentiles `json:"staleness"`
	Pairs  int64       `json:"pairs"`
	Unseen int64       `json:"unseen"`
	// Refetches and Polls are what the screens sent while the writers ran with them: each
	// refetch is two queries (the first page and the counts). The rates are per screen per
	// second; MaxRefetches is the most refetches one screen started in any one second.
	Polls               int64       `json:"polls"`
	Refetches           int64       `json:"refetches"`
	RefetchesPerScreenS float64     `json:"refetches_per_screen_s"`
	QueriesPerScreenS   float64     `json:"queries_per_screen_s"`
	MaxRefetches        int         `json:"max_refetches_in_1s"`
	ScreenSeconds       float64     `json:"screen_seconds"` // how long the screens were measured
	RefetchTime         Percentiles `json:"refetch_time"`   // one refetch, first query sent to last answer
	Mismatched          int         `json:"mismatched"`     // screens whose last page or counts differed from the database's at the end
	Errors              int64       `json:"errors"`
	Messages            []string    `json:"messages,omitempty"`
}

// OK says whether the run met BM6's targets and nothing went wrong: every write shown on every
// screen, the last page of every screen right, no error.
func (r LiveReport) OK() bool {
	return r.Ratio >= LiveTargetRatio && r.Stale.P95 <= LiveTargetP95 && r.Stale.P99 <= LiveTargetP99 &&
		r.MaxRefetches <= LiveMaxRefetchesS && r.Pairs > 0 && r.Unseen == 0 && r.Mismatched == 0 && r.Errors == 0
}

// Line is the report as `oms bench live` prints it.
func (r LiveReport) Line() string {
	verdict, poll := "FAIL", "shared"
	if r.OK() {
		verdict = "ok"
	}
	if r.Naive {
		poll = "naive"
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond)) }
	if r.Follow == FollowFloor {
		return fmt.Sprintf("live follow=floor screens=%d poll=shared pickers=%d writer=%.1f/s alone=%.1f/s ratio=%.2f write_p95=%s alone_p95=%s "+
			"stale_p50=%s stale_p95=%s stale_p99=%s refetches/screen/s=%.2f max_refetches_1s=%d boards+polls/screen/s=%.2f refetch_p95=%s %s",
			r.Screens, r.Writers, r.Writer, r.Alone, r.Ratio, ms(r.WriteLatency.P95), ms(r.AloneLatency.P95),
			ms(r.Stale.P50), ms(r.Stale.P95), ms(r.Stale.P99), r.RefetchesPerScreenS, r.MaxRefetches, r.QueriesPerScreenS,
			ms(r.RefetchTime.P95), verdict)
	}
	return fmt.Sprintf("live screens=%d poll=%s writes=%g/s writer=%.1f/s alone=%.1f/s ratio=%.2f write_p95=%s alone_p95=%s "+
		"stale_p50=%s stale_p95=%s stale_p99=%s refetches/screen/s=%.2f queries/screen/s=%.2f %s",
		r.Screens, poll, r.WriteRate, r.Writer, r.Alone, r.Ratio, ms(r.WriteLatency.P95), ms(r.AloneLatency.P95),
		ms(r.Stale.P50), ms(r.Stale.P95), ms(r.Stale.P99), r.RefetchesPerScreenS, r.QueriesPerScreenS, verdict)
}

// Live runs BM6 on the database dbURL names, which must be migrated or empty; it adds its own
// fixture (orders numbered LIVE-…) and may share the database with other benchmarks' fixtures.
// The writers and the screens each get a pool of their own, as separate processes would.
func Live(ctx context.Context, dbURL string, opts LiveOptions) (LiveReport, error) {
	o := opts.withDefaults()
	switch o.Follow {
	case FollowFloor:
		if o.Naive {
			return LiveReport{}, errors.New("bench live: the floor mode has only the shared poller")
		}
		return liveFloor(ctx, dbURL, o)
	case FollowQueue:
	default:
		return LiveReport{}, fmt.Errorf("bench live: screens follow %q or %q, not %q", FollowQueue, FollowFloor, o.Follow)
	}
	rep := LiveReport{Screens: o.Screens, WriteRate: o.WriteRate, Naive: o.Naive, Follow: FollowQueue}
	if o.Screens < 1 || o.WriteRate <= 0 || o.Duration <= 0 || o.Writers < 1 || o.ScreenConns < 1 || o.Orders < 40 {
		return rep, errors.New("bench live: screens, write rate, duration, writers and connections must be positive, and orders at least 40")
	}
	o.Progress("live: migrating", 0, 0)
	wd, err := Open(ctx, dbURL, o.Writers)
	if err != nil {
		return rep, err
	}
	defer wd.Close()
	cfg := db.TerminalConfig(dbURL)
	cfg.AppName, cfg.MaxConns = "oms bench live screens", o.ScreenConns
	sd, err := db.Open(ctx, cfg)
	if err != nil {
		return rep, err
	}
	defer sd.Close()

	o.Progress("live: setting up", 0, 0)
	targets, err := liveFixture(ctx, wd, o.Orders)
	if err != nil {
		return rep, fmt.Errorf("live fixture: %w", err)
	}
	if err := warmPool(ctx, wd, o.Writers); err != nil {
		return rep, err
	}
	if err := warmPool(ctx, sd, o.ScreenConns); err != nil {
		return rep, err
	}

	var errs tally
	var alone, with []liveWrite
	var aloneTime, withTime time.Duration
	var stale, refetchTime []time.Duration
	half := o.Duration / 2
	writers := &liveWriters{d: wd, targets: targets, n: o.Writers, rate: o.WriteRate, errs: &errs}
	for i, screens := range []bool{false, true, false, true} {
		mode := "writers alone"
		if screens {
			mode = fmt.Sprintf("writers and %d screens", o.Screens)
		}
		stage := fmt.Sprintf("live: %s %d/2", mode, i/2+1)
		if !screens {
			ws := writers.run(ctx, half, func(done time.Duration) { o.Progress(stage, done.Milliseconds(), half.Milliseconds()) })
			alone, aloneTime = append(alone, ws...), aloneTime+half
			continue
		}
		o.Progress(stage+": screens loading", 0, 0)
		f, err := startFollowers(ctx, sd, o, &errs)
		if err != nil {
			return rep, err
		}
		if err := f.wait(ctx, 30*time.Second, func(s *follower) bool { return len(s.log) > 0 }); err != nil {
			f.stop()
			return rep, fmt.Errorf("the screens' first load: %w", err)
		}
		polls0 := f.polls.Load()
		from := time.Now()
		ws := writers.run(ctx, half, func(done time.Duration) { o.Progress(stage, done.Milliseconds(), half.Milliseconds()) })
		to := time.Now()
		polls := f.polls.Load() - polls0
		var last time.Time
		for _, w := range ws {
			if w.ok && w.commit.After(last) {
				last = w.commit
			}
		}
		o.Progress(stage+": screens catching up", 0, 0)
		// Waiting gives up after 5 s; the writes no screen showed by then count as unseen.
		_ = f.wait(ctx, 5*time.Second, func(s *follower) bool { return s.startedAfter(last) })
		f.stop()
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		m, err := f.mismatched(ctx, wd)
		if err != nil {
			return rep, err
		}
		rep.Mismatched += m

		with, withTime = append(with, ws...), withTime+half
		rep.ScreenSeconds += to.Sub(from).Seconds()
		rep.Polls += polls
		for _, s := range f.screens {
			var starts []time.Time
			for _, r := range s.log {
				if !r.start.Before(from) && r.start.Before(to) {
					starts = append(starts, r.start)
					refetchTime = append(refetchTime, r.end.Sub(r.start))
				}
			}
			rep.Refetches += int64(len(starts))
			rep.MaxRefetches = max(rep.MaxRefetches, mostInASecond(starts))
			for _, w := range ws {
				if !w.ok {
					continue
				}
				rep.Pairs++
				if d, ok := s.staleness(w); ok {
					stale = append(stale, d)
				} else {
					rep.Unseen++
				}
			}
		}
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	rep.Alone, rep.AloneLatency = onSchedule(alone, aloneTime)
	rep.Writer, rep.WriteLatency = onSchedule(with, withTime)
	if rep.Alone > 0 {
		rep.Ratio = floor2(rep.Writer / rep.Alone)
	}
	rep.Stale = percentiles(stale)
	rep.RefetchTime = percentiles(refetchTime)
	if rep.ScreenSeconds > 0 {
		perScreenS := float64(o.Screens) * rep.ScreenSeconds
		rep.RefetchesPerScreenS = float64(rep.Refetches) / perScreenS
		rep.QueriesPerScreenS = float64(rep.Polls+2*rep.Refetches) / perScreenS
	}
	rep.Errors = errs.errors.Load() + errs.lockTimeouts.Load() + errs.deadlocks.Load()
	rep.Messages = append(errs.violations(), errs.messages()...)
	if len(errs.violations()) > 0 {
		rep.Errors += int64(len(errs.violations()))
	}
	return rep, nil
}

// onSchedule is the writes per second that committed within their phase, and the latency of
// all that committed, from when each was due.
func onSchedule(ws []liveWrite, spent time.Duration) (float64, Percentiles) {
	var n int
	var lat []time.Duration
	for _, w := range ws {
		if w.ok {
			lat = append(lat, w.commit.Sub(w.due))
			if w.inTime {
				n++
			}
		}
	}
	if spent <= 0 {
		return 0, percentiles(lat)
	}
	return float64(n) / spent.Seconds(), percentiles(lat)
}

// mostInASecond is the most of the sorted times that fall within one second of each other.
func mostInASecond(ts []time.Time) int {
	most, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// liveFixture adds orders open orders of one to three lines each, nothing allocated, ordered
// long ago so that they fill the queue's first page (oldest first) whatever else the database
// holds, and returns the ids of the oldest 40: the first page, which the writers change.
func liveFixture(ctx context.Context, d *db.DB, n int) ([]int64, error) {
	var channel, customer, address int64
	for _, s := range []struct {
		dest  *int64
		query string
	}{
		{&channel, `INSERT INTO channels (code, name, kind, currency) VALUES ('live', 'Bench live shop', 'webshop', 'EUR') RETURNING id`},
		{&customer, `INSERT INTO customers (name, country, currency) VALUES ('Live Customer', 'NL', 'EUR') RETURNING id`},
	} {
		if err := d.GetContext(ctx, s.dest, s.query); err != nil {
			return nil, err
		}
	}
	if err := d.GetContext(ctx, &address, `INSERT INTO addresses (customer_id, name, line1, city, country)
		VALUES ($1, 'Live Customer', 'Keizersgracht 2', 'Amsterdam', 'NL') RETURNING id`, customer); err != nil {
		return nil, err
	}
	var products []int64
	if err := d.SelectContext(ctx, &products, `INSERT INTO products (sku, name, tax_category)
		SELECT 'LIVE-' || lpad(i::text, 3, '0'), 'Live item ' || i, 'standard' FROM generate_series(1, 20) i RETURNING id`); err != nil {
		return nil, err
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
			ship_to_address_id, currency, subtotal_minor, total_minor, ordered_at, promised_at)
		SELECT 'LIVE-' || lpad(i::text, 7, '0'), $1, 'live-' || i, $2, 'Live Customer', $3, 'EUR', 0, 0,
		       now() - interval '3650 days' + i * interval '1 minute', now() - interval '3640 days' + i * interval '1 minute'
		  FROM generate_series(1, $4::int) i ORDER BY i`, channel, customer, address, n); err != nil {
		return nil, err
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id,
			unit_price_minor, qty_ordered)
		SELECT o.id, l, l::text, ($1::bigint[])[1 + (o.id * 7 + l) % 20], 1000, 1 + (o.id + l) % 3
		  FROM orders o, generate_series(1, 3) g(l)
		 WHERE o.number LIKE 'LIVE-%' AND l <= 1 + o.id % 3 ORDER BY o.id, g.l`, pq.Array(products)); err != nil {
		return nil, err
	}
	var targets []int64
	if err := d.SelectContext(ctx, &targets, `SELECT id FROM orders WHERE number LIKE 'LIVE-%'
		ORDER BY ordered_at, id LIMIT 40`); err != nil {
		return nil, err
	}
	if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
		return nil, err
	}
	return targets, nil
}

// liveWrite is one scheduled write.
type liveWrite struct {
	due, sent, commit time.Time // commit: when COMMIT returned; sent: when the write was sent
	ok                bool      // committed
	inTime            bool      // committed before its phase ended
}

// liveWriters change orders at a fixed rate: write i is due i / rate after the phase starts,
// whatever became of the ones before (an open loop, so a slow server shows as latency and, once
// the writers cannot keep up, as fewer writes in time).
type liveWriters struct {
	d       *db.DB
	targets []int64
	n       int
	rate    float64
	errs    *tally
	next    atomic.Int64 // the next target, round robin across phases
}

// write puts an order on hold, or releases it if it is held: its status moves between on hold
// and pending, which the open queue's page and counts show. There is no hold command yet, so it
// is a plain UPDATE; the triggers stamp the change for the feed as for any writer.
func (w *liveWriters) write(ctx context.Context) error {
	id := w.targets[int(w.next.Add(1))%len(w.targets)]
	res, err := w.d.ExecContext(ctx, `UPDATE orders SET on_hold = NOT on_hold,
		hold_reason = CASE WHEN on_hold THEN NULL ELSE 'HOLD_CUSTOMER' END WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%w: order %d was not updated", ErrInvariant, id)
	}
	return nil
}

func (w *liveWriters) run(ctx context.Context, dur time.Duration, tick func(time.Duration)) []liveWrite {
	total := int(math.Round(w.rate * dur.Seconds()))
	interval := time.Duration(float64(time.Second) / w.rate)
	out := make([]liveWrite, total)
	jobs := make(chan int, total)
	start := time.Now()
	end := start.Add(dur)
	var wg sync.WaitGroup
	for range w.n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil || time.Now().After(end.Add(time.Second)) {
					continue // too late to tell anything: the phase is over
				}
				sent := time.Now()
				err := w.write(ctx)
				if ctx.Err() != nil {
					continue
				}
				w.errs.record("write", err)
				if err == nil {
					now := time.Now()
					out[i].sent, out[i].commit, out[i].ok, out[i].inTime = sent, now, true, !now.After(end)
				}
			}
		}()
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	lastTick := start
schedule:
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		out[i].due = due
		timer.Reset(time.Until(due))
		select {
		case <-ctx.Done():
			break schedule
		case <-timer.C:
		}
		jobs <- i
		if now := time.Now(); now.Sub(lastTick) >= 100*time.Millisecond {
			tick(now.Sub(start))
			lastTick = now
		}
	}
	close(jobs)
	wg.Wait()
	tick(dur)
	return out
}

// follower is one simulated screen on the open queue.
type follower struct {
	watch db.TableSet
	wake  chan struct{} // a change was reported; capacity 1, so a burst is one refetch

	mu     sync.Mutex
	log    []refetch // in order: one refetch at a time
	page   []pageRow
	counts map[model.OrderStatus]int64
	// final says the screen ended showing the database's page and counts (mismatched).
	final bool
}

type refetch struct{ start, end time.Time }

type pageRow struct {
	id     int64
	status model.OrderStatus
}

func (s *follower) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// startedAfter says whether the screen started a refetch after t (so shows what committed by t).
func (s *follower) startedAfter(t time.Time) bool {
	return len(s.log) > 0 && !s.log[len(s.log)-1].start.Before(t)
}

// staleness is how long after its commit the screen showed a write: the end of its first
// refetch that started at or after the commit returned. Without one (the write was the last
// change, and the refetch that showed it began while COMMIT was on its way back, as a busy
// machine's scheduler may have it) the screen's last refetch counts when it began after the
// write was sent and the screen ended showing the database's page and counts.
func (s *follower) staleness(w liveWrite) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := sort.Search(len(s.log), func(i int) bool { return !s.log[i].start.Before(w.commit) })
	if i < len(s.log) {
		return s.log[i].end.Sub(w.commit), true
	}
	if last := len(s.log) - 1; last >= 0 && s.final && !s.log[last].start.Before(w.sent) {
		return max(s.log[last].end.Sub(w.commit), 0), true
	}
	return 0, false
}

// followers are the screens of one phase with their poller(s).
type followers struct {
	screens  []*follower
	polls    atomic.Int64
	progress chan struct{} // a refetch finished; capacity 1
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	store    *orders.Store
}

var queueFirstPage = orders.PageRequest{Filter: orders.QueueFilter{Status: orders.StatusOpen}, Limit: 40}

func startFollowers(ctx context.Context, d *db.DB, o LiveOptions, errs *tally) (*followers, error) {
	ctx, cancel := context.WithCancel(ctx)
	f := &followers{progress: make(chan struct{}, 1), cancel: cancel, store: orders.New(d)}
	for range o.Screens {
		f.screens = append(f.screens, &follower{watch: db.SetOf(db.OpenOrders), wake: make(chan struct{}, 1)})
	}
	for _, s := range f.screens {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.follow(ctx, s, o.MinGap, errs)
		}()
	}
	if o.Naive {
		// Each screen's own poller, started at a random point of the interval, as terminals
		// started at different times are.
		for _, s := range f.screens {
			f.wg.Add(1)
			go func() {
				defer f.wg.Done()
				f.poll(ctx, d, o.Poll, time.Duration(rand.Int64N(int64(o.Poll))), []*follower{s}, errs)
			}()
		}
	} else {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.poll(ctx, d, o.Poll, 0, f.screens, errs)
		}()
	}
	return f, nil
}

// poll is the change feed's fan-out: every interval one ChangesSince for what the screens
// watch, and each screen whose tables changed is told so. The first poll has no baseline and
// tells every screen, which is their first load.
func (f *followers) poll(ctx context.Context, d *db.DB, every, offset time.Duration, screens []*follower, errs *tally) {
	var watch db.TableSet
	for _, s := range screens {
		watch |= s.watch
	}
	pollChanges(ctx, d, every, offset, watch, &f.polls, errs, func(changed db.TableSet) {
		for _, s := range screens {
			if changed.Intersects(s.watch) {
				s.notify()
			}
		}
	})
}

// pollChanges is the change feed as the shell runs it: every interval (the first after offset)
// one ChangesSince for watch, counted in polls, and changed told what changed. The first poll
// has no baseline and reports everything, which is the screens' first load.
func pollChanges(ctx context.Context, d *db.DB, every, offset time.Duration, watch db.TableSet, polls *atomic.Int64,
	errs *tally, changed func(db.TableSet)) {
	timer := time.NewTimer(offset)
	defer timer.Stop()
	var since db.Snapshot
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		timer.Reset(every)
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		now, what, err := d.ChangesSince(pctx, since, watch)
		cancel()
		if ctx.Err() != nil {
			return
		}
		polls.Add(1)
		if err != nil {
			errs.record("poll", err)
			continue
		}
		since = now
		changed(what)
	}
}

// follow is one screen: told of a change, it refetches its first page and counts, never two
// refetches at once and never two starting less than minGap apart; changes reported meanwhile
// cost one more refetch, not one each.
func (f *followers) follow(ctx context.Context, s *follower, minGap time.Duration, errs *tally) {
	var last time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		if wait := time.Until(last.Add(minGap)); !last.IsZero() && wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		}
		// This refetch shows every change reported so far.
		select {
		case <-s.wake:
		default:
		}
		last = time.Now()
		page, counts, err := f.refetch(ctx)
		end := time.Now()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			errs.record("refetch", err)
			continue
		}
		s.mu.Lock()
		s.log = append(s.log, refetch{start: last, end: end})
		s.page, s.counts = page, counts
		s.mu.Unlock()
		select {
		case f.progress <- struct{}{}:
		default:
		}
	}
}

// refetch is what the queue screen sends when told its table changed: its first page and the
// counts, at the same time (two fetches in flight, as the screen's fetchers run them).
func (f *followers) refetch(ctx context.Context) ([]pageRow, map[model.OrderStatus]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var counts orders.StatusCounts
	var countErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		counts, countErr = f.store.QueueCounts(ctx, queueFirstPage.Filter)
	}()
	rows, err := f.store.QueuePage(ctx, queueFirstPage)
	<-done
	if err = errors.Join(err, countErr); err != nil {
		return nil, nil, err
	}
	page := make([]pageRow, len(rows))
	for i, r := range rows {
		page[i] = pageRow{id: r.ID, status: r.Status}
	}
	return page, counts.ByStatus, nil
}

// wait waits until done holds for every screen (read under its lock), re-checking after each
// refetch; it gives up after limit.
func (f *followers) wait(ctx context.Context, limit time.Duration, done func(*follower) bool) error {
	return waitScreens(ctx, f.screens, func(s *follower) *sync.Mutex { return &s.mu }, f.progress, limit, done)
}

// waitScreens waits until done holds for every screen, read under the lock mu gives, re-checking
// each time progress says a fetch finished; it gives up after limit.
func waitScreens[S any](ctx context.Context, screens []S, mu func(S) *sync.Mutex, progress <-chan struct{},
	limit time.Duration, done func(S) bool) error {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		pending := 0
		for _, s := range screens {
			mu(s).Lock()
			if !done(s) {
				pending++
			}
			mu(s).Unlock()
		}
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("%d of %d screens still waiting after %s", pending, len(screens), limit)
		case <-progress:
		}
	}
}

func (f *followers) stop() {
	f.cancel()
	f.wg.Wait()
}

// mismatched counts the screens whose last page or counts differ from what the database says
// now; called when the writers are done and the screens caught up.
func (f *followers) mismatched(ctx context.Context, d *db.DB) (int, error) {
	store := orders.New(d)
	rows, err := store.QueuePage(ctx, queueFirstPage)
	if err != nil {
		return 0, err
	}
	counts, err := store.QueueCounts(ctx, queueFirstPage.Filter)
	if err != nil {
		return 0, err
	}
	want := make([]pageRow, len(rows))
	for i, r := range rows {
		want[i] = pageRow{id: r.ID, status: r.Status}
	}
	n := 0
	for _, s := range f.screens {
		s.mu.Lock()
		s.final = slices.Equal(s.page, want) && maps.Equal(s.counts, counts.ByStatus)
		if !s.final {
			n++
		}
		s.mu.Unlock()
	}
	return n, nil
}
