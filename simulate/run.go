package simulate

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"oms/db"
	dbcatalog "oms/db/catalog"
)

// Options describe a simulated day.
type Options struct {
	Warehouse       string
	Crew            Crew
	OrdersPerMinute int
	Duration        time.Duration
	Faults          bool
	Think           time.Duration // a person's time per scan (±50 %)
	Seed            uint64
}

// Env is what the day runs on.
type Env struct {
	// Admin is a connection that may add staff, end other sessions (--faults) and read the
	// ledger; AdminURL its address, from which the workers' addresses are made.
	Admin    *db.DB
	AdminURL string
	// Restart restarts the database server (a private one the command started); nil when the
	// server is not the command's to restart.
	Restart func(ctx context.Context) error
	// Worker is the command that runs a worker process with the configuration at cfgPath.
	Worker func(cfgPath string) *exec.Cmd
	Dir    string    // where the journals, conveyors and workers' logs go
	Log    io.Writer // progress: what starts, what is killed
}

// Faults are the faults a run injected.
type Faults struct {
	ConnectionsKilled int // database sessions of workers ended by pg_terminate_backend
	WorkersKilled     int // worker processes killed with SIGKILL (each restarted)
	ServerRestarts    int
}

// Total is every fault injected.
func (f Faults) Total() int { return f.ConnectionsKilled + f.WorkersKilled + f.ServerRestarts }

// slot is one worker: its configuration and the process running it now.
type slot struct {
	cfg  Config
	path string
	log  *os.File

	mu     sync.Mutex
	cmd    *exec.Cmd
	killed bool
}

type runner struct {
	env  Env
	opts Options

	mu       sync.Mutex
	faults   Faults
	failures []string // workers that exited with an error, and why
}

// Run runs the day: it gives each worker a login, starts the workers as processes, injects
// the faults when asked, restarts every worker that was killed, waits for all to finish their
// day and reports what they did, read from their journals, and what the ledger says they did.
func Run(ctx context.Context, env Env, opts Options) (Report, error) {
	r := &runner{env: env, opts: opts}
	runID := newRunID()
	startMovement, err := env.Admin.LastMovement(ctx)
	if err != nil {
		return Report{}, err
	}
	if err := checkWarehouse(ctx, env.Admin, opts.Warehouse); err != nil {
		return Report{}, err
	}
	cfgs, err := hire(ctx, env.Admin, env.AdminURL, opts.Warehouse, runID, opts.Crew)
	if err != nil {
		return Report{}, err
	}
	start := time.Now()
	until := start.Add(opts.Duration)
	var slots []*slot
	for i := range cfgs {
		c := &cfgs[i]
		c.Until, c.Dir, c.OrdersPerMinute, c.Think = until, env.Dir, opts.OrdersPerMinute, opts.Think
		c.Seed = opts.Seed + uint64(i)*7919
		path, err := WriteConfig(*c)
		if err != nil {
			return Report{}, err
		}
		lf, err := os.OpenFile(filepath.Join(env.Dir, "log-"+c.Name()+".txt"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return Report{}, err
		}
		defer lf.Close()
		slots = append(slots, &slot{cfg: *c, path: path, log: lf})
	}
	fmt.Fprintf(env.Log, "run %s: %d workers as their own logins until %s\n", runID, len(slots), until.Format("15:04:05"))

	var wg sync.WaitGroup
	for _, s := range slots {
		wg.Go(func() { r.supervise(ctx, s, until) })
	}
	stopFaults := make(chan struct{})
	var faultsWG sync.WaitGroup
	if opts.Faults {
		faultsWG.Go(func() { r.injectFaults(ctx, slots, start, until, stopFaults) })
	}
	wg.Wait()
	close(stopFaults)
	faultsWG.Wait()
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	rep := Report{Elapsed: opts.Duration, Faults: r.faults, Failures: r.failures}
	var logins []string
	for _, s := range slots {
		entries, err := ReadJournal(s.cfg.JournalPath())
		if err != nil {
			return rep, err
		}
		rep.add(entries)
		logins = append(logins, s.cfg.Login)
	}
	// What the ledger says the workers moved: read after the day, with the connection the
	// server restart may have broken, so asked again while it cannot answer.
	var moved map[string]int64
	for attempt := 0; ; attempt++ {
		moved, err = env.Admin.MovedSince(ctx, startMovement, logins)
		if err == nil || !Lost(err) || attempt == 20 {
			break
		}
		sleep(ctx, backoff(attempt))
	}
	if err != nil {
		return rep, err
	}
	rep.PickedInLedger, rep.ReturnedInLedger = moved["pick"], moved["return"]
	return rep, nil
}

// checkWarehouse insists on a distribution centre of that code.
func checkWarehouse(ctx context.Context, d *db.DB, code string) error {
	whs, err := dbcatalog.New(d).Warehouses(ctx)
	if err != nil {
		return err
	}
	var codes []string
	for _, w := range whs {
		if w.Code == code && w.Kind == "dc" {
			return nil
		}
		if w.Kind == "dc" {
			codes = append(codes, w.Code)
		}
	}
	return fmt.Errorf("no distribution centre %s to simulate: the database has %s", code, strings.Join(codes, ", "))
}

// supervise keeps the slot's worker running: a worker killed by the fault injector is
// restarted at once (its successor resolves what it left in doubt, even after the day ended);
// one that failed by itself is restarted a second later while the day lasts.
func (r *runner) supervise(ctx context.Context, s *slot, until time.Time) {
	for ctx.Err() == nil {
		cmd := r.env.Worker(s.path)
		cmd.Stdout, cmd.Stderr = s.log, s.log
		if err := cmd.Start(); err != nil {
			r.fail(s, fmt.Sprintf("could not start: %v", err))
			return
		}
		s.mu.Lock()
		s.cmd, s.killed = cmd, false
		s.mu.Unlock()
		stop := context.AfterFunc(ctx, func() { _ = cmd.Process.Kill() })
		err := cmd.Wait()
		stop()
		s.mu.Lock()
		killed := s.killed
		s.cmd = nil
		s.mu.Unlock()
		switch {
		case killed:
			continue
		case err == nil || ctx.Err() != nil:
			return
		}
		r.fail(s, err.Error())
		if time.Now().After(until) {
			return
		}
		sleep(ctx, time.Second)
	}
}

func (r *runner) fail(s *slot, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf("%s (%s): %s; its log: %s", s.cfg.Name(), s.cfg.Login, why, s.log.Name()))
}

// injectFaults, through the day but its last tenth: ends the workers' database sessions every
// tenth of the day, kills a worker with SIGKILL every eighth (restarted by its supervisor), and
// once, halfway, restarts the server when it is the command's own.
func (r *runner) injectFaults(ctx context.Context, slots []*slot, start, until time.Time, stop <-chan struct{}) {
	day := until.Sub(start)
	connEvery, killEvery := max(day/10, 5*time.Second), max(day/8, 5*time.Second)
	nextConn, nextKill, restartAt := start.Add(connEvery), start.Add(killEvery*3/2), start.Add(day/2)
	restarted := r.env.Restart == nil
	last := until.Add(-day / 10)
	rnd := rand.New(rand.NewPCG(r.opts.Seed, 17))
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case now := <-tick.C:
			if now.After(last) {
				continue
			}
			if now.After(nextConn) {
				nextConn = now.Add(connEvery)
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				n, err := r.env.Admin.TerminateBackends(cctx, AppPrefix)
				cancel()
				if err != nil {
					fmt.Fprintf(r.env.Log, "fault: ending the workers' sessions failed: %v\n", err)
				} else {
					r.mu.Lock()
					r.faults.ConnectionsKilled += n
					r.mu.Unlock()
					fmt.Fprintf(r.env.Log, "fault: ended %d database sessions of workers (pg_terminate_backend)\n", n)
				}
			}
			if now.After(nextKill) {
				nextKill = now.Add(killEvery)
				s := slots[rnd.IntN(len(slots))]
				// Kill it with a command in flight when it sends one soon, so that its successor
				// has a command in doubt to resolve; otherwise wherever it is.
				inFlight(ctx, s.cfg.JournalPath(), 3*time.Second)
				s.mu.Lock()
				if s.cmd != nil && s.cmd.Process != nil && !s.killed {
					s.killed = true
					if s.cmd.Process.Kill() == nil { // SIGKILL
						r.mu.Lock()
						r.faults.WorkersKilled++
						r.mu.Unlock()
						fmt.Fprintf(r.env.Log, "fault: killed worker %s (pid %d) with SIGKILL; restarting it\n", s.cfg.Name(), s.cmd.Process.Pid)
					}
				}
				s.mu.Unlock()
			}
			if !restarted && now.After(restartAt) {
				restarted = true
				fmt.Fprintln(r.env.Log, "fault: restarting the database server")
				if err := r.env.Restart(ctx); err != nil {
					fmt.Fprintf(r.env.Log, "fault: restarting the server failed: %v\n", err)
					r.mu.Lock()
					r.failures = append(r.failures, "the server restart failed: "+err.Error())
					r.mu.Unlock()
				} else {
					r.mu.Lock()
					r.faults.ServerRestarts++
					r.mu.Unlock()
					fmt.Fprintln(r.env.Log, "fault: the database server is back")
				}
			}
		}
	}
}

// inFlight waits until the journal's last entry is a command sent and not yet answered, for at
// most d; it reads the journal's tail every millisecond.
func inFlight(ctx context.Context, journal string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	buf := make([]byte, 4096)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if lastEntryIs(journal, buf, `"t":"sent"`) {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return false
}

// lastEntryIs says whether the last whole line of the file contains marker.
func lastEntryIs(path string, buf []byte, marker string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.Size() == 0 {
		return false
	}
	off := max(info.Size()-int64(len(buf)), 0)
	n, _ := f.ReadAt(buf, off)
	tail := strings.TrimRight(string(buf[:n]), "\n")
	if i := strings.LastIndexByte(tail, '\n'); i >= 0 {
		tail = tail[i+1:]
	}
	return strings.Contains(tail, marker)
}

func newRunID() string {
	b := make([]byte, 3)
	_, _ = crand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
