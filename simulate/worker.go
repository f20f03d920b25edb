package simulate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"oms/db"
	"oms/db/alloc"
	"oms/db/catalog"
	"oms/db/counts"
	"oms/db/orders"
	"oms/db/picking"
	"oms/db/returns"
	"oms/db/shipping"
)

// The jobs a worker does, and the staff job whose login each runs as.
const (
	JobIntake  = "intake"  // imports channel files and allocates what they bring (back office)
	JobOffice  = "office"  // releases waves, allocates backorders as stock comes back (back office)
	JobPicker  = "picker"  // claims batches and scans picks, some wrong, some short
	JobPacker  = "packer"  // verifies, boxes, rate-shops and ships the picked orders
	JobReturns = "returns" // opens RMAs for some shipped orders, receives, grades and refunds
	JobCounter = "counter" // counts the bins short picks flagged (stock)
)

// StaffJob is the staff job (db/staff.Jobs) a worker's login has.
func StaffJob(job string) string {
	switch job {
	case JobIntake, JobOffice:
		return "backoffice"
	case JobCounter:
		return "stock"
	}
	return job
}

// AppPrefix starts every worker's application_name, which is how the fault injector finds the
// workers' connections and nothing else.
const AppPrefix = "oms sim worker "

// Config is what the parent gives a worker process, in a file only its user can read (it holds
// the worker's password).
type Config struct {
	Job             string
	Slot            int
	Login           string
	URL             string
	Warehouse       string
	Run             string // the run's id: every key is sim-<run>-…
	Until           time.Time
	Dir             string // the run's directory: journals and conveyors
	OrdersPerMinute int
	Think           time.Duration // a person's time per scan
	Seed            uint64
}

// Name is the worker's name: its job and slot ("picker-3").
func (c Config) Name() string { return fmt.Sprintf("%s-%d", c.Job, c.Slot) }

// JournalPath is where the worker of c keeps its journal.
func (c Config) JournalPath() string { return filepath.Join(c.Dir, "journal-"+c.Name()+".jsonl") }

// WriteConfig writes c for a worker process to read (mode 0600) and returns its path.
func WriteConfig(c Config) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	path := filepath.Join(c.Dir, "worker-"+c.Name()+".json")
	return path, os.WriteFile(path, b, 0o600)
}

// Worker is one worker process at work.
type Worker struct {
	cfg         Config
	d           *db.DB
	j           *Journal
	old         []Entry // the journal as the predecessors left it
	gen         int     // how many workers of this slot started before this one
	n           int
	rnd         *rand.Rand
	lostAnswers int
	log         io.Writer

	orders   *orders.Store
	alloc    *alloc.Store
	pick     *picking.Store
	ship     *shipping.Store
	ret      *returns.Store
	cnt      *counts.Store
	cat      *catalog.Store
	packing  Conveyor // order numbers whose batch is picked, for packers
	returned Conveyor // shipped orders a customer will send back, for the returns desk
}

// Work runs the worker whose configuration is at cfgPath until its day ends: it resolves the
// commands its predecessor left in doubt, then does its job. Progress goes to log.
func Work(ctx context.Context, cfgPath string, log io.Writer) error {
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	var cfg Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		return fmt.Errorf("reading %s: %w", cfgPath, err)
	}
	w := &Worker{cfg: cfg, log: log}
	if w.j, w.old, err = OpenJournal(cfg.JournalPath()); err != nil {
		return err
	}
	defer w.j.Close()
	for _, e := range w.old {
		if e.T == "start" {
			w.gen++
		}
	}
	w.rnd = rand.New(rand.NewPCG(cfg.Seed, uint64(cfg.Slot)<<20|uint64(w.gen)))
	if err := w.j.Write(Entry{T: "start"}); err != nil {
		return err
	}
	if w.packing, err = NewConveyor(filepath.Join(cfg.Dir, "packing")); err != nil {
		return err
	}
	if w.returned, err = NewConveyor(filepath.Join(cfg.Dir, "returns")); err != nil {
		return err
	}
	// The server may be restarting: keep trying to connect as a handheld would.
	w.d, err = read(ctx, w, "connecting", func(ctx context.Context) (*db.DB, error) {
		return db.Open(ctx, db.Config{URL: cfg.URL, AppName: AppPrefix + cfg.Name(), MaxConns: 2,
			StatementTimeout: 15 * time.Second, LockTimeout: 3 * time.Second, IdleInTxTimeout: 30 * time.Second})
	})
	if err != nil {
		return err
	}
	defer w.d.Close()
	w.orders, w.alloc, w.pick = orders.New(w.d), alloc.New(w.d), picking.New(w.d)
	w.ship, w.ret, w.cnt, w.cat = shipping.New(w.d), returns.New(w.d), counts.New(w.d), catalog.New(w.d)

	for _, e := range InDoubt(w.old) {
		replay, ok := replayers[e.Op]
		if !ok {
			return fmt.Errorf("the journal has a command %q this worker does not know", e.Op)
		}
		w.logf("resolving %s %s, in doubt since its worker was killed, by its key", e.Op, e.Key)
		r, err := replay(ctx, w, e.Key, e.Args)
		if fatal(ctx, err) {
			return err
		}
		// An import's orders are allocated next, as after any import.
		if numbers, ok := r.([]string); ok && err == nil && e.Op == importCmd.name && len(numbers) > 0 {
			if _, err := allocateCmd.call(ctx, w, numbers); fatal(ctx, err) {
				return err
			}
		}
	}
	switch cfg.Job {
	case JobIntake:
		return w.intake(ctx)
	case JobOffice:
		return w.office(ctx)
	case JobPicker:
		return w.picker(ctx)
	case JobPacker:
		return w.packer(ctx)
	case JobReturns:
		return w.returnsDesk(ctx)
	case JobCounter:
		return w.counter(ctx)
	}
	return fmt.Errorf("no such job %q", cfg.Job)
}

// newKey is a key no other command of the run has: the run, the worker, its generation and a
// counter.
func (w *Worker) newKey(op string) string {
	w.n++
	return fmt.Sprintf("sim-%s-%s-g%d-%d-%s", w.cfg.Run, w.cfg.Name(), w.gen, w.n, op)
}

// on says whether the working day goes on.
func (w *Worker) on(ctx context.Context) bool {
	return ctx.Err() == nil && time.Now().Before(w.cfg.Until)
}

// pause is a person's time: d, or less when the day ends first.
func (w *Worker) pause(ctx context.Context, d time.Duration) {
	sleep(ctx, min(d, time.Until(w.cfg.Until)))
}

// think is the time a person takes for a scan, ±50 %.
func (w *Worker) think(ctx context.Context) {
	if w.cfg.Think > 0 {
		w.pause(ctx, w.cfg.Think/2+time.Duration(w.rnd.Int64N(int64(w.cfg.Think))))
	}
}

func (w *Worker) logf(format string, args ...any) {
	fmt.Fprintf(w.log, "%s %s: %s\n", time.Now().Format("15:04:05.000"), w.cfg.Name(), fmt.Sprintf(format, args...))
}

// fatal says whether an error ends the worker: the database gone for longer than lostFor, or
// the day cancelled. Refusals are answers, journalled and counted; the worker goes on.
func fatal(ctx context.Context, err error) bool {
	return err != nil && (ctx.Err() != nil || Lost(err) || errors.Is(err, db.ErrKeyReused))
}
