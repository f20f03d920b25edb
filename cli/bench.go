package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/bench"
	"oms/server"
)

func newBenchCmd(g *globals) *cobra.Command {
	var (
		quick, asJSON bool
		clients       []int
		duration      time.Duration
		stress        bench.StressOptions
		live          bench.LiveOptions
		idle          server.IdleOptions
		imports       importBenchOptions
	)
	cmd := &cobra.Command{
		Use:   "bench [NAME…]",
		Short: "Measure oms's own code paths against raw-SQL baselines in the same run",
		Long: `Runs the benchmark suite (the README's "Measured" section holds its figures): each case runs its workload through
oms's own code and through a raw-SQL baseline doing the same effect by hand, in the same run on
the same database, at each client count, and prints one line per case and client count:

  NAME clients=N oms=X/s raw=Y/s ratio=R target=T ok|FAIL deadlocks=D

X and Y are committed transactions per second — except that the allocate cases count units
reserved, the effect of one raw guarded UPDATE: one per order line in their fixtures, as many a
transaction as the 128 orders of oms allocate's batch hold (the line's units/order= turns X into
orders) — and R = X / Y (rounded down). Each point measures the
two paths in alternating halves (raw, oms, raw, oms) to cancel the machine's drift, then checks
the invariants (oms check for oms's path, the raw ledger and statuses for the baseline).

A ratio below target prints FAIL. A deadlock, a lock timeout, any other failed transaction or a
broken invariant prints FAIL too, and makes the command exit 1.

import (BM1) measures intake: --orders Shopify orders (100,000; --quick 20,000) of 1–3 lines
over the demo catalogue, in one file, imported by oms import (a child process, as cron runs it)
and by a raw COPY + INSERT … ON CONFLICT of the same rows, then both again. It prints one line:

  import orders=N lines=L file=MB oms=X/s raw=Y/s ratio=R target=0.5 reimport oms=… raw=… ratio=… target=0.8 (Ts) rss=MB limit=150MB ok|FAIL

rss is oms import's peak resident set. Below a target, above the limit, or an order count other
than N on either side after two imports prints FAIL and makes the command exit 1.

NAME is a suite (` + suiteList() + `) or one of their cases; none runs everything. The cases:
  ` + caseList() + `

picking (BM4, BM5) runs as pickers: staff logins bench_claim_NNN and bench_scan_NNN with the
picker job, each transaction run as its picker the way oms serve runs a handheld (the bench's role
must be able to act as people, as for ssh-idle; on a --db server the logins stay for the next
run). pick-claim: 200,000 ready batches of 5 tasks (1M ready tasks), the same with --quick (the
case cannot see it); each operation is one claim of the next batch (the batch and its tasks come
back); each client rotates over 4 pickers and the harness closes claimed batches between their
turns, so a picker never holds two. Its baseline is one SKIP LOCKED claim UPDATE through a
partial index on 1M ready rows. Its line adds decay= (the OMS path's second half against its
first) and raw_decay= (the baseline's), and prints FAIL when decay is below 0.5 (dead rows). scan-confirm: 6,000 allocated orders of 2 lines × 10
units released into batches of 40 tasks; each operation confirms one unit under a fresh
idempotency key (task, scan, line, ledger movement); its baseline is pgbench's -N transaction on
100,000 accounts. A sample of keys is replayed after each point and must change nothing.

stress is not a speed figure but a proof: --workers goroutines (32) each run --ops mixed operations
(2,000; --quick 500) — movements, reservations, picks, packs, shipments, invoices, credit notes —
on 5 SKUs and 3 bins, through oms's commands; then oms check must find nothing and no deadlock may
have happened. It prints one line:

  stress workers=W ops=N done=D refused=R retries=S deadlocks=0 check=ok ok seed=X

live (BM6) measures what live screens cost: writers put orders of the open queue's first page on
hold and release them at --write-rate a second (20), first alone and then while --screens
simulated screens (100) follow the open queue as the TUI does: one shared poller asks the change
feed every 250 ms and each screen told of a change refetches its first page and counts, at most
one refetch in flight and at most 4 a second (--naive: each screen polls for itself). Each mode
runs --duration, in alternating halves. It prints one line:

  live screens=N poll=shared writes=R/s writer=X/s alone=Y/s ratio=X/Y write_p95=… alone_p95=…
       stale_p50=… stale_p95=… stale_p99=… refetches/screen/s=F queries/screen/s=Q ok|FAIL

X and Y are writes committed on schedule per second; write_p95 is from when a write was due to
its commit. Staleness runs from a write's commit to the end of a screen's first refetch started
after it, over every (write, screen) pair; queries are the screens' polls and refetches (two
queries each) per screen per second. The targets (performance.md): ratio ≥ 0.85, stale p95 ≤
500 ms and p99 ≤ 1 s, at most 4 refetches per screen in any second; and every write shown on
every screen, no error. Missing one prints FAIL and makes the command exit 1.

live --follow floor is BM6 as the supervisor's floor has it: --pickers pickers (4) confirm
one-unit scans through oms's picking commands as fast as they can (scan-confirm's fixture, in a
warehouse of its own), alone and then while the screens follow the floor: told of a change, each
refetches the supervisor's board (today, the shift, the fixture's warehouse), at most 4 a second.
It prints one line:

  live follow=floor screens=N poll=shared pickers=P writer=X/s alone=Y/s ratio=X/Y write_p95=…
       alone_p95=… stale_p50=… stale_p95=… stale_p99=… refetches/screen/s=F max_refetches_1s=M
       boards+polls/screen/s=Q refetch_p95=… ok|FAIL

X and Y are confirms per second; write_p95 is one confirm's time. A board showing K more picks
than before the phase counts as showing the phase's first K confirms, in the order they
returned; staleness runs from a confirm's commit to the end of a screen's first board showing it.

ssh-idle (BM9) measures what an idle SSH session costs: in a database of its own holding the demo
business, a supervisor with a fresh key opens --sessions sessions (200; --quick 50) on the server
oms serve runs, from x/crypto/ssh clients in this process with a pty of 80×24, twenty at a time,
each waiting until the open queue shows its first order; after 3 s of idling it compares the live
heap (after a full collection), the resident set and the goroutines with one session open. It
prints one line:

  ssh-idle sessions=N heap=H.HHMB/session rss=R.RRMB/session goroutines=G/session target=1MB ok|FAIL

(MB = 2^20 bytes). The clients share the process, so the figures are an upper bound on the
server's own. More than 1 MB resident per session, or a session that does not show the queue or
ends, prints FAIL and makes the command exit 1. The server's pool is the bench's role, which
must be able to act as people (with --db: a member of oms_server, or a superuser); the
supervisor's login role (bm9_…) is dropped afterwards.

Without --db it starts a private PostgreSQL server (fsync on) and removes it afterwards. With --db
it leaves the database the URL names alone: it creates a scratch database on that server
(oms_bench_<pid>_<random>), which the URL's role must be allowed to do, and drops it afterwards.
OMS_DATABASE_URL and DATABASE_URL are not used: the bench creates databases, so say where.`,
		Example: "  oms bench --quick\n  oms bench ledger status-1 --clients 16\n  oms bench --json --db postgres://me@dbhost/postgres",
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return append(bench.Names(), stressName, liveName, sshIdleName, importName), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			withStress := len(args) == 0 || slices.Contains(args, stressName)
			withLive := len(args) == 0 || slices.Contains(args, liveName)
			withIdle := len(args) == 0 || slices.Contains(args, sshIdleName)
			withImport := len(args) == 0 || slices.Contains(args, importName)
			rest := slices.DeleteFunc(slices.Clone(args), func(n string) bool {
				return n == stressName || n == liveName || n == sshIdleName || n == importName
			})
			var cases []bench.Case
			if len(args) == 0 || len(rest) > 0 {
				var err error
				if cases, err = bench.Select(rest); err != nil {
					return usageError{fmt.Errorf("%w, %s, %s, %s, %s", err, stressName, liveName, sshIdleName, importName)}
				}
			}
			if !cmd.Flags().Changed("ops") && quick {
				stress.Ops = 500
			}
			if stress.Workers < 1 || stress.Ops < 1 {
				return usageError{fmt.Errorf("--workers and --ops must be positive")}
			}
			if !cmd.Flags().Changed("duration") && quick {
				duration = 5 * time.Second
			}
			if duration <= 0 {
				return usageError{fmt.Errorf("--duration must be positive")}
			}
			if len(clients) == 0 || slices.ContainsFunc(clients, func(n int) bool { return n < 1 || n > 150 }) {
				return usageError{fmt.Errorf("--clients takes client counts from 1 to 150, such as 8,32")}
			}
			if live.Screens < 1 || live.Screens > 10000 || live.WriteRate <= 0 || live.WriteRate > 10000 {
				return usageError{fmt.Errorf("--screens takes 1 to 10000 and --write-rate a rate above 0 and up to 10000 a second")}
			}
			if live.Follow != bench.FollowQueue && live.Follow != bench.FollowFloor {
				return usageError{fmt.Errorf("--follow takes %s or %s", bench.FollowQueue, bench.FollowFloor)}
			}
			if live.Writers < 1 || live.Writers > 150 || live.Follow == bench.FollowFloor && live.Naive {
				return usageError{fmt.Errorf("--pickers takes 1 to 150 pickers, and --follow floor has no --naive")}
			}
			if !cmd.Flags().Changed("sessions") && quick {
				idle.Sessions = 50
			}
			if idle.Sessions < 1 || idle.Sessions > maxIdleSessions {
				return usageError{fmt.Errorf("--sessions takes 1 to %d sessions", maxIdleSessions)}
			}
			if !withStress {
				stress.Workers = 0
			}
			live.Duration = duration
			if !withLive {
				live.Screens = 0
			}
			if !withIdle {
				idle.Sessions = 0
			}
			if !cmd.Flags().Changed("orders") && quick {
				imports.Orders = 20_000
			}
			if imports.Orders < 1 || imports.Orders > 2_000_000 {
				return usageError{fmt.Errorf("--orders takes 1 to 2000000 orders")}
			}
			if !withImport {
				imports.Orders = 0
			}
			return runBench(cmd, g.dbURL, cases, bench.Options{Clients: clients, Duration: duration}, stress, live, idle, imports, asJSON)
		},
	}
	cmd.Flags().IntVar(&stress.Workers, "workers", 32, "stress: concurrent workers")
	cmd.Flags().IntVar(&stress.Ops, "ops", 2000, "stress: operations per worker (--quick: 500)")
	cmd.Flags().IntVar(&live.Screens, "screens", 100, "live: simulated screens following the open queue")
	cmd.Flags().Float64Var(&live.WriteRate, "write-rate", 20, "live: writes per second, on a fixed schedule")
	cmd.Flags().BoolVar(&live.Naive, "naive", false, "live: each screen polls the change feed itself instead of one shared poller")
	cmd.Flags().StringVar(&live.Follow, "follow", bench.FollowQueue, "live: what the screens follow: queue (writers on a schedule) or floor (pickers scanning as fast as they can)")
	cmd.Flags().IntVar(&live.Writers, "pickers", 4, "live --follow floor: pickers confirming scans")
	cmd.Flags().IntVar(&idle.Sessions, "sessions", 200, "ssh-idle: idle SSH sessions to open (--quick: 50)")
	cmd.Flags().IntVar(&imports.Orders, "orders", 100_000, "import: Shopify orders in the file (--quick: 20,000)")
	cmd.Flags().BoolVar(&quick, "quick", false, "measure each point for 5 s instead of 20 s, and smaller runs (see above)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per line instead of text")
	cmd.Flags().IntSliceVar(&clients, "clients", []int{8, 32}, "concurrent clients to measure at, each with its own connection")
	cmd.Flags().DurationVar(&duration, "duration", 20*time.Second, "how long each path is measured at each point (--quick: 5s)")
	cmd.AddCommand(newBenchAllocStressCmd(g))
	return cmd
}

func suiteList() string {
	var suites []string
	for _, c := range bench.Cases() {
		if !slices.Contains(suites, c.Suite) {
			suites = append(suites, c.Suite)
		}
	}
	return strings.Join(suites, ", ")
}

func caseList() string {
	var names []string
	for _, c := range bench.Cases() {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// errBenchBroken makes oms bench exit 1 once every line is printed.
var errBenchBroken = errors.New("the benchmark found deadlocks, failed transactions or broken invariants, or missed a target (see above)")

// stressName selects the stress run, which is not a Case: it proves, it does not time.
const stressName = "stress"

// liveName selects the live run (BM6), which is not a Case either: its baseline is the same
// writers without screens.
const liveName = "live"

func runBench(cmd *cobra.Command, dbURL string, cases []bench.Case, opts bench.Options, stress bench.StressOptions,
	live bench.LiveOptions, idle server.IdleOptions, imports importBenchOptions, asJSON bool) (err error) {
	ctx := cmd.Context()
	out, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	progress := newProgressLine(stderr)
	defer progress.Done()

	var target *bench.Database
	if dbURL == "" {
		progress.Update("starting a private PostgreSQL server", 0, 0)
		target, err = bench.Private(ctx)
	} else {
		target, err = bench.Scratch(ctx, dbURL)
	}
	if err != nil {
		return err
	}
	defer func() {
		progress.Update("removing the bench database", 0, 0)
		if cerr := target.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("removing the bench database: %w", cerr)
		}
	}()
	// The cases and the stress run share the bench database; live and ssh-idle open their own.
	var d *db.DB
	if len(cases) > 0 || stress.Workers > 0 {
		progress.Update("migrating the bench database", 0, 0)
		if d, err = bench.Open(ctx, target.URL, slices.Max(opts.Clients)); err != nil {
			return err
		}
		defer d.Close()
	}

	broken := 0
	opts.Progress = progress.Update
	opts.Report = func(r bench.Result) {
		progress.Done()
		if r.Broken() {
			broken++
			for _, msg := range append(append([]string(nil), r.Violations...), r.Messages...) {
				fmt.Fprintf(stderr, "%s clients=%d: %s\n", r.Name, r.Clients, msg)
			}
			if r.LockTimeouts > 0 {
				fmt.Fprintf(stderr, "%s clients=%d: %d lock timeout(s)\n", r.Name, r.Clients, r.LockTimeouts)
			}
		}
		if asJSON {
			writeBenchJSON(out, r)
		} else {
			fmt.Fprintln(out, benchLine(r))
		}
	}
	if len(cases) > 0 {
		if _, err := bench.Run(ctx, d, cases, opts); err != nil {
			if ctx.Err() != nil {
				return errors.New("interrupted")
			}
			return err
		}
	}
	if stress.Workers > 0 {
		progress.Update(fmt.Sprintf("stress: %d workers × %d operations", stress.Workers, stress.Ops), 0, 0)
		rep, err := bench.Stress(ctx, d, stress)
		progress.Done()
		if err != nil {
			if ctx.Err() != nil {
				return errors.New("interrupted")
			}
			return fmt.Errorf("stress (seed %d): %w", rep.Seed, err)
		}
		if !rep.OK() {
			broken++
			for _, u := range rep.Unexpected {
				fmt.Fprintf(stderr, "stress: %s\n", u)
			}
			for _, v := range rep.Check.Violations {
				fmt.Fprintf(stderr, "stress: oms check: %s\n", v.Message)
			}
		}
		if asJSON {
			writeJSON(out, stressJSON(stress, rep))
		} else {
			fmt.Fprintln(out, stressLine(stress, rep))
		}
	}
	if live.Screens > 0 {
		live.Progress = progress.Update
		rep, err := bench.Live(ctx, target.URL, live)
		progress.Done()
		if err != nil {
			if ctx.Err() != nil {
				return errors.New("interrupted")
			}
			return fmt.Errorf("live: %w", err)
		}
		if !rep.OK() {
			broken++
			for _, m := range rep.Messages {
				fmt.Fprintf(stderr, "live: %s\n", m)
			}
			if rep.Unseen > 0 {
				fmt.Fprintf(stderr, "live: %d of %d (write, screen) pairs never shown\n", rep.Unseen, rep.Pairs)
			}
			if rep.Mismatched > 0 {
				fmt.Fprintf(stderr, "live: %d screens ended showing what the database does not have (the queue's page or counts, or the floor's picks)\n", rep.Mismatched)
			}
		}
		if asJSON {
			writeJSON(out, map[string]any{"name": liveName, "ok": rep.OK(), "report": rep})
		} else {
			fmt.Fprintln(out, rep.Line())
		}
	}
	if idle.Sessions > 0 {
		idle.Progress = progress.Update
		res, err := runSSHIdle(ctx, target, idle)
		progress.Done()
		if err != nil {
			if ctx.Err() != nil {
				return errors.New("interrupted")
			}
			return fmt.Errorf("%s: %w", sshIdleName, err)
		}
		if reportSSHIdle(out, stderr, res, asJSON) {
			broken++
		}
	}
	if imports.Orders > 0 {
		imports.Progress = progress.Update
		res, err := runImportBench(ctx, target, imports)
		progress.Done()
		if err != nil {
			if ctx.Err() != nil {
				return errors.New("interrupted")
			}
			return fmt.Errorf("%s: %w", importName, err)
		}
		if !res.OK() {
			broken++
			for _, m := range res.Messages {
				fmt.Fprintf(stderr, "import: %s\n", m)
			}
		}
		if asJSON {
			writeJSON(out, map[string]any{"name": importName, "ok": res.OK(), "report": res})
		} else {
			fmt.Fprintln(out, res.Line())
		}
	}
	if broken > 0 {
		return errBenchBroken
	}
	return nil
}

// benchLine is the text form of one result: NAME clients=N oms=X/s raw=Y/s ratio=R target=T ok|FAIL deadlocks=D.
func benchLine(r bench.Result) string {
	verdict := "FAIL"
	if r.OK {
		verdict = "ok"
	}
	figures := ""
	for _, f := range r.Figures {
		figures += " " + f
	}
	return fmt.Sprintf("%s clients=%d oms=%.0f/s raw=%.0f/s ratio=%.2f target=%.2f%s %s deadlocks=%d",
		r.Name, r.Clients, r.OMS, r.Raw, r.Ratio, r.Target, figures, verdict, r.Deadlocks)
}

func writeBenchJSON(w io.Writer, r bench.Result) { writeJSON(w, r) }

func writeJSON(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil { // results are plain data
		panic(err)
	}
	fmt.Fprintf(w, "%s\n", b)
}

// stressLine is the text form of a stress run.
func stressLine(o bench.StressOptions, r bench.StressReport) string {
	verdict, check := "FAIL", "FAIL"
	if r.OK() {
		verdict = "ok"
	}
	if r.Check.OK() {
		check = "ok"
	}
	return fmt.Sprintf("stress workers=%d ops=%d done=%d refused=%d retries=%d deadlocks=%d check=%s %s seed=%d",
		o.Workers, o.Ops, sum(r.Done), sum(r.Refused), r.Retries.SerializationFailures,
		r.Retries.Deadlocks+r.ServerDeadlocks, check, verdict, r.Seed)
}

func stressJSON(o bench.StressOptions, r bench.StressReport) map[string]any {
	return map[string]any{"name": stressName, "workers": o.Workers, "ops": o.Ops, "done": r.Done,
		"refused": r.Refused, "serialization_retries": r.Retries.SerializationFailures,
		"deadlocks": r.Retries.Deadlocks + r.ServerDeadlocks, "check_ok": r.Check.OK(), "ok": r.OK(),
		"unexpected": r.Unexpected, "seed": r.Seed, "seconds": r.Elapsed.Seconds()}
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
