package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"oms/db"
)

// Options say how to measure.
type Options struct {
	// Clients are the client counts to measure each case at, each client a goroutine with its
	// own connection.
	Clients []int
	// Duration is how long each path is measured at each point, in two halves that alternate
	// with the other path's: raw, oms, raw, oms.
	Duration time.Duration
	// Progress, when set, hears what is going on: a stage and done/total (milliseconds while
	// measuring, 0/0 while setting up).
	Progress func(stage string, done, total int64)
	// Report, when set, gets each point's result as soon as it is measured.
	Report func(Result)
}

// Result is one case measured at one client count.
type Result struct {
	Name    string  `json:"name"`
	Clients int     `json:"clients"`
	OMS     float64 `json:"oms"`    // effects of committed transactions per second, whole (see Client.Made)
	Raw     float64 `json:"raw"`    // the same for the raw baseline
	Ratio   float64 `json:"ratio"`  // OMS / Raw, rounded down to two decimals
	Target  float64 `json:"target"` // the least ratio that passes
	OK      bool    `json:"ok"`     // target met and nothing broken
	// Deadlocks of both paths: the project's from its pool's retry counters, the baseline's from
	// its own errors, or PostgreSQL's own count for the database if that says more.
	Deadlocks int64 `json:"deadlocks"`

	OMSDeadlocks         int64    `json:"oms_deadlocks"`
	RawDeadlocks         int64    `json:"raw_deadlocks"`
	ServerDeadlocks      int64    `json:"pg_stat_deadlocks"`     // pg_stat_database's witness
	SerializationRetries int64    `json:"serialization_retries"` // project path's reruns (normal under contention)
	LockTimeouts         int64    `json:"lock_timeouts"`
	Errors               int64    `json:"errors"` // other failed transactions, both paths
	Violations           []string `json:"violations,omitempty"`
	Figures              []string `json:"figures,omitempty"`  // the case's own, name=value (Workload.Figures)
	Messages             []string `json:"messages,omitempty"` // the first distinct error messages
	OMSTxns              int64    `json:"oms_txns"`
	OMSUnits             int64    `json:"oms_units"` // effects of those transactions
	RawTxns              int64    `json:"raw_txns"`
	OMSSeconds           float64  `json:"oms_seconds"`
	RawSeconds           float64  `json:"raw_seconds"`
}

// Broken says whether the point failed whatever its speed: a deadlock, a lock timeout or
// another error, or a broken invariant.
func (r Result) Broken() bool {
	return r.Deadlocks > 0 || r.LockTimeouts > 0 || r.Errors > 0 || len(r.Violations) > 0
}

// Run sets up and measures each case at each client count on d, which must be a migrated
// database of its own (the fixtures stay in it). It stops at the first error that is not a
// measurement's (setup, audit, cancellation); a point that breaks an invariant or deadlocks is
// reported and the run goes on.
func Run(ctx context.Context, d *db.DB, cases []Case, opts Options) ([]Result, error) {
	if len(opts.Clients) == 0 || opts.Duration <= 0 {
		return nil, errors.New("bench: no client counts or no duration")
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	if err := prepareSchema(ctx, d); err != nil {
		return nil, err
	}
	var results []Result
	for i, c := range cases {
		progress("setting up "+c.Name, 0, 0)
		w, err := c.Setup(ctx, Env{DB: d, Tag: fmt.Sprintf("B%d", i+1)})
		if err != nil {
			return results, fmt.Errorf("setting up %s: %w", c.Name, err)
		}
		if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
			return results, err
		}
		for _, n := range opts.Clients {
			r, err := measure(ctx, d, c, w, n, opts.Duration, progress)
			if err != nil {
				return results, err
			}
			results = append(results, r)
			if opts.Report != nil {
				opts.Report(r)
			}
		}
	}
	return results, nil
}

// prepareSchema makes the schema the raw baselines write.
func prepareSchema(ctx context.Context, d *db.DB) error {
	_, err := d.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS oms_bench`)
	return err
}

func measure(ctx context.Context, d *db.DB, c Case, w *Workload, clients int, dur time.Duration,
	progress func(string, int64, int64)) (Result, error) {
	r := Result{Name: c.Name, Clients: clients, Target: c.Target}
	if err := warmPool(ctx, d, clients); err != nil {
		return r, err
	}
	retries0 := d.Retries()
	server0, err := serverDeadlocks(ctx, d)
	if err != nil {
		return r, err
	}
	var omsT, rawT tally
	var omsTime, rawTime time.Duration
	half := dur / 2
	for i, path := range []string{"raw", "oms", "raw", "oms"} {
		stage := fmt.Sprintf("%s ×%d %s %d/2", c.Name, clients, path, i/2+1)
		op, t, spent := w.Raw, &rawT, &rawTime
		if path == "oms" {
			op, t, spent = w.OMS, &omsT, &omsTime
		}
		took, err := runHalf(ctx, clients, half, op, path, t, func(done time.Duration) {
			progress(stage, done.Milliseconds(), half.Milliseconds())
		})
		if err != nil {
			return r, err
		}
		*spent += took
	}
	retries := d.Retries()
	server1, err := serverDeadlocks(ctx, d)
	if err != nil {
		return r, err
	}
	progress("checking "+c.Name, 0, 0)
	violations, err := w.Check(ctx)
	if err != nil {
		return r, fmt.Errorf("checking the invariants of %s: %w", c.Name, err)
	}

	r.OMSTxns, r.RawTxns = omsT.done.Load(), rawT.done.Load()
	r.OMSUnits = omsT.made.Load()
	r.OMSSeconds, r.RawSeconds = omsTime.Seconds(), rawTime.Seconds()
	r.OMS = math.Round(float64(r.OMSUnits) / omsTime.Seconds())
	r.Raw = math.Round(float64(r.RawTxns) / rawTime.Seconds())
	if r.Raw > 0 {
		r.Ratio = floor2(float64(r.OMSUnits) / omsTime.Seconds() / (float64(r.RawTxns) / rawTime.Seconds()))
	}
	r.OMSDeadlocks = retries.Deadlocks - retries0.Deadlocks
	r.RawDeadlocks = rawT.deadlocks.Load()
	r.ServerDeadlocks = server1 - server0
	r.Deadlocks = max(r.OMSDeadlocks+r.RawDeadlocks, r.ServerDeadlocks)
	r.SerializationRetries = retries.SerializationFailures - retries0.SerializationFailures
	r.LockTimeouts = omsT.lockTimeouts.Load() + rawT.lockTimeouts.Load()
	r.Errors = omsT.errors.Load() + rawT.errors.Load()
	r.Violations = append(append(r.Violations, omsT.violations()...), rawT.violations()...)
	r.Violations = append(r.Violations, violations...)
	r.Messages = append(omsT.messages(), rawT.messages()...)
	if w.Figures != nil {
		r.Figures = w.Figures()
	}
	r.OK = !r.Broken() && r.Ratio >= r.Target
	return r, nil
}

// floor2 rounds down to two decimals, so a ratio printed as 0.50 really is at least 0.50.
func floor2(x float64) float64 { return math.Floor(x*100+1e-9) / 100 }

// warmPool opens the clients' connections before the clock starts.
func warmPool(ctx context.Context, d *db.DB, n int) error {
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := d.Conn(ctx)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	return nil
}

// serverDeadlocks is PostgreSQL's count of deadlocks detected in the current database, a witness
// independent of the clients' own counts (it can lag by up to a second or so: backends report
// their statistics when they go idle).
func serverDeadlocks(ctx context.Context, d *db.DB) (int64, error) {
	var n int64
	err := d.GetContext(ctx, &n, `SELECT coalesce(deadlocks, 0) FROM pg_stat_database WHERE datname = current_database()`)
	return n, err
}

// runHalf runs op in clients goroutines until dur has passed and returns how long it took for
// all of them to finish their last transaction.
func runHalf(ctx context.Context, clients int, dur time.Duration, op Op, path string, t *tally,
	tick func(done time.Duration)) (time.Duration, error) {
	var stop atomic.Bool
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &Client{ID: i, Rand: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
			for !stop.Load() && ctx.Err() == nil {
				c.made, c.reported = 0, false
				err := op(ctx, c)
				if ctx.Err() != nil {
					return
				}
				t.record(path, err)
				if err == nil {
					t.made.Add(c.effects())
				}
			}
		}()
	}
	timer := time.NewTimer(dur)
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
wait:
	for {
		select {
		case <-timer.C:
			break wait
		case <-ctx.Done():
			timer.Stop()
			break wait
		case <-ticker.C:
			tick(time.Since(start))
		}
	}
	stop.Store(true)
	wg.Wait()
	tick(dur)
	return time.Since(start), ctx.Err()
}

// tally counts what one path's transactions came to during a point.
type tally struct {
	done, deadlocks, lockTimeouts, errors atomic.Int64
	made                                  atomic.Int64 // effects of the committed operations (Client.Made)

	mu      sync.Mutex
	broken  []string // invariant violations met by the operations
	seen    map[string]bool
	samples []string
}

const maxMessages = 5

func (t *tally) record(path string, err error) {
	if err == nil {
		t.done.Add(1)
		return
	}
	switch code := pqCode(err); {
	case errors.Is(err, ErrInvariant):
		t.mu.Lock()
		if len(t.broken) < maxMessages {
			t.broken = append(t.broken, path+": "+err.Error())
		} else if len(t.broken) == maxMessages {
			t.broken = append(t.broken, path+": more invariant violations")
		}
		t.mu.Unlock()
		return
	case code == "40P01" && path == "raw":
		// The project path reruns deadlocked transactions itself; its pool counts them.
		t.deadlocks.Add(1)
	case code == "55P03":
		t.lockTimeouts.Add(1)
	default:
		t.errors.Add(1)
	}
	t.note(path + ": " + err.Error())
}

func (t *tally) note(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	if !t.seen[msg] && len(t.samples) < maxMessages {
		t.seen[msg] = true
		t.samples = append(t.samples, msg)
	}
}

func (t *tally) violations() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.broken...)
}

func (t *tally) messages() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.samples...)
}

func pqCode(err error) string {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return string(pqErr.Code)
	}
	return ""
}

// auditOMS runs `oms check` on the whole database and returns its violations as sentences.
func auditOMS(ctx context.Context, d *db.DB) ([]string, error) {
	rep, err := d.Check(ctx, 10)
	if err != nil {
		return nil, err
	}
	if rep.OK() {
		return nil, nil
	}
	var out []string
	for _, v := range rep.Violations {
		out = append(out, "oms check: "+v.Message)
	}
	if len(out) == 0 {
		out = append(out, "oms check: invariants violated")
	}
	return out, nil
}
