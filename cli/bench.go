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

	"oms/db/bench"
)

func newBenchCmd(g *globals) *cobra.Command {
	var (
		quick, asJSON bool
		clients       []int
		duration      time.Duration
	)
	cmd := &cobra.Command{
		Use:   "bench [NAME…]",
		Short: "Measure oms's own code paths against raw-SQL baselines in the same run",
		Long: `Runs the benchmark suite (reference/performance.md): each case runs its workload through
oms's own code and through a raw-SQL baseline doing the same effect by hand, in the same run on
the same database, at each client count, and prints one line per case and client count:

  NAME clients=N oms=X/s raw=Y/s ratio=R target=T ok|FAIL deadlocks=D

X and Y are committed transactions per second, R = X / Y (rounded down). Each point measures the
two paths in alternating halves (raw, oms, raw, oms) to cancel the machine's drift, then checks
the invariants (oms check for oms's path, the raw ledger and statuses for the baseline).

A ratio below target prints FAIL. A deadlock, a lock timeout, any other failed transaction or a
broken invariant prints FAIL too, and makes the command exit 1.

NAME is a suite (` + suiteList() + `) or one of their cases; none runs everything. The cases:
  ` + caseList() + `

Without --db it starts a private PostgreSQL server (fsync on) and removes it afterwards. With --db
it leaves the database the URL names alone: it creates a scratch database on that server
(oms_bench_<pid>_<random>), which the URL's role must be allowed to do, and drops it afterwards.
OMS_DATABASE_URL and DATABASE_URL are not used: the bench creates databases, so say where.`,
		Example: "  oms bench --quick\n  oms bench ledger status-1 --clients 16\n  oms bench --json --db postgres://me@dbhost/postgres",
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return bench.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cases, err := bench.Select(args)
			if err != nil {
				return usageError{err}
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
			return runBench(cmd, g.dbURL, cases, bench.Options{Clients: clients, Duration: duration}, asJSON)
		},
	}
	cmd.Flags().BoolVar(&quick, "quick", false, "measure each point for 5 s instead of 20 s")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per line instead of text")
	cmd.Flags().IntSliceVar(&clients, "clients", []int{8, 32}, "concurrent clients to measure at, each with its own connection")
	cmd.Flags().DurationVar(&duration, "duration", 20*time.Second, "how long each path is measured at each point (--quick: 5s)")
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
var errBenchBroken = errors.New("the benchmark found deadlocks, failed transactions or broken invariants (see above)")

func runBench(cmd *cobra.Command, dbURL string, cases []bench.Case, opts bench.Options, asJSON bool) (err error) {
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
	progress.Update("migrating the bench database", 0, 0)
	d, err := bench.Open(ctx, target.URL, slices.Max(opts.Clients))
	if err != nil {
		return err
	}
	defer d.Close()

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
	if _, err := bench.Run(ctx, d, cases, opts); err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return err
	}
	if broken > 0 {
		return errBenchBroken
	}
	return nil
}

// benchLine is the text form of one result (reference/performance.md's format).
func benchLine(r bench.Result) string {
	verdict := "FAIL"
	if r.OK {
		verdict = "ok"
	}
	return fmt.Sprintf("%s clients=%d oms=%.0f/s raw=%.0f/s ratio=%.2f target=%.2f %s deadlocks=%d",
		r.Name, r.Clients, r.OMS, r.Raw, r.Ratio, r.Target, verdict, r.Deadlocks)
}

func writeBenchJSON(w io.Writer, r bench.Result) {
	b, err := json.Marshal(r)
	if err != nil { // a Result is plain data
		panic(err)
	}
	fmt.Fprintf(w, "%s\n", b)
}
