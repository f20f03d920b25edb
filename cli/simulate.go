package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/pgcluster"
	"oms/db/seed"
	"oms/simulate"
)

// errSimulationBroken makes oms simulate exit 1 once everything is printed.
var errSimulationBroken = errors.New("the simulated day broke an invariant or applied a command twice (see above)")

type simulateFlags struct {
	opts        simulate.Options
	minutes     float64
	seedOrders  int
	keepJournal bool
}

func newSimulateCmd(g *globals) *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run a working day of a warehouse through oms's own commands, optionally under faults",
		Long: `Runs a working day at one warehouse as concurrent workers, each a process of its own logged in
as a member of the staff of its job (so the database's grants and leases apply): the intake
imports the channel's files of the orders that keep arriving (--orders-per-minute) and allocates
them, the office releases waves, pickers claim batches and scan (some scans wrong, some picks
short), packers verify, box, rate-shop and ship, the returns desk opens, receives, grades and
refunds returns of some shipped orders, and a counter counts the bins short picks flagged.
Workers call only the commands the screens call, each with its idempotency key, and journal
every command before sending it.

It prints one line per stage's command — done, refused, operations a minute and p50/p95/p99
latency — and ends with oms check. It exits 0 only when every invariant holds and no command
applied twice.

With --faults it kills the workers' database connections (pg_terminate_backend) every tenth of
the day, kills a worker process with SIGKILL every eighth and restarts it, and, on a server it
started itself, restarts the server once halfway. Every worker recovers and re-sends a command
whose answer was lost with the same key, so it applies once; it prints the faults survived and
the duplicates found (units the ledger moved against units the workers were told they moved).

It runs on the configured database (--db, OMS_DATABASE_URL, DATABASE_URL or PG* variables), which
must be migrated and seeded (oms migrate, oms seed), as a role that may add staff (oms_admin or
a superuser) and, for --faults, end other sessions (a superuser or pg_signal_backend); its
workers get logins of their own (the seeded staff of their job, else sim_<job>_… people). With no
database configured it starts a private one, as oms demo does, and removes it afterwards.`,
		Example: "  oms simulate --warehouse RTM1 --pickers 16 --packers 4 --returns 2 --orders-per-minute 120 --minutes 10\n" +
			"  oms simulate --minutes 2 --faults",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := &f.opts
			switch {
			case o.Crew.Pickers < 1 || o.Crew.Pickers > 200:
				return usageError{fmt.Errorf("--pickers must be from 1 to 200, not %d", o.Crew.Pickers)}
			case o.Crew.Packers < 1 || o.Crew.Packers > 100:
				return usageError{fmt.Errorf("--packers must be from 1 to 100, not %d", o.Crew.Packers)}
			case o.Crew.Returns < 0 || o.Crew.Returns > 100:
				return usageError{fmt.Errorf("--returns must be from 0 to 100, not %d", o.Crew.Returns)}
			case o.OrdersPerMinute < 1 || o.OrdersPerMinute > 100_000:
				return usageError{fmt.Errorf("--orders-per-minute must be from 1 to 100,000, not %d", o.OrdersPerMinute)}
			case f.minutes <= 0 || f.minutes > 24*60:
				return usageError{fmt.Errorf("--minutes must be above 0 and at most 1440, not %g", f.minutes)}
			case o.Think < 0:
				return usageError{fmt.Errorf("--think must not be negative")}
			case f.seedOrders < minOrders || f.seedOrders > maxOrders:
				return usageError{fmt.Errorf("--seed-orders must be from %s to %s, not %d", thousands(minOrders), thousands(maxOrders), f.seedOrders)}
			}
			o.Duration = time.Duration(f.minutes * float64(time.Minute))
			return runSimulate(cmd, g, f)
		},
	}
	cmd.Flags().StringVar(&f.opts.Warehouse, "warehouse", demoHome, "the warehouse `CODE` whose day is simulated")
	cmd.Flags().IntVar(&f.opts.Crew.Pickers, "pickers", 16, "pickers, each a process with a login of their own")
	cmd.Flags().IntVar(&f.opts.Crew.Packers, "packers", 4, "packers")
	cmd.Flags().IntVar(&f.opts.Crew.Returns, "returns", 2, "returns clerks")
	cmd.Flags().IntVar(&f.opts.OrdersPerMinute, "orders-per-minute", 120, "orders arriving a minute, imported every 5 seconds")
	cmd.Flags().Float64Var(&f.minutes, "minutes", 10, "how long the day lasts, in minutes")
	cmd.Flags().BoolVar(&f.opts.Faults, "faults", false, "kill connections and workers, and restart a private server once")
	cmd.Flags().DurationVar(&f.opts.Think, "think", 300*time.Millisecond, "a person's time per scan (±50 %)")
	cmd.Flags().Uint64Var(&f.opts.Seed, "seed", 1, "random seed of the workers' choices")
	cmd.Flags().IntVar(&f.seedOrders, "seed-orders", 2000, "orders the private database is seeded with (no database configured)")
	cmd.Flags().BoolVar(&f.keepJournal, "keep", false, "keep the workers' journals and logs (kept anyway when the day fails)")
	cmd.Flags().Lookup("warehouse").DefValue = demoHome
	cmd.AddCommand(newSimulateWorkerCmd())
	return cmd
}

// newSimulateWorkerCmd is the worker process the simulation starts, not for people.
func newSimulateWorkerCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "worker CONFIG",
		Short:  "One worker of oms simulate (started by it)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return simulate.Work(cmd.Context(), args[0], cmd.ErrOrStderr())
		},
	}
}

func runSimulate(cmd *cobra.Command, g *globals, f simulateFlags) (err error) {
	ctx := cmd.Context()
	out, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	dir, err := os.MkdirTemp("", "oms-simulate-")
	if err != nil {
		return err
	}
	defer func() {
		if err == nil && !f.keepJournal {
			os.RemoveAll(dir)
		} else {
			fmt.Fprintf(stderr, "the workers' journals and logs are in %s\n", dir)
		}
	}()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	env := simulate.Env{Dir: dir, Log: stderr, Worker: func(cfgPath string) *exec.Cmd {
		c := exec.Command(exe, "simulate", "worker", cfgPath)
		// A worker dies with the simulation, however it ends.
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		return c
	}}

	url, from := g.databaseURL()
	if url == "" && !pgVariablesSet() {
		// No database configured: a private one, as oms demo makes it.
		fmt.Fprintln(stderr, "no database configured: starting a private PostgreSQL server…")
		cluster, err := pgcluster.Start(ctx, pgcluster.Options{})
		if err != nil {
			return err
		}
		defer cluster.Stop()
		if err := privateDemoDatabase(cmd, cluster, f.seedOrders, filepath.Join(dir, "printed")); err != nil {
			return err
		}
		env.AdminURL = cluster.URL("oms")
		env.Restart = cluster.Restart
	} else {
		env.AdminURL = url
	}
	env.Admin, err = g.openDB(ctx, db.Config{URL: env.AdminURL, AppName: "oms simulate", MaxConns: 4}, from)
	if err != nil {
		return err
	}
	defer env.Admin.Close()
	if err := env.Admin.CheckSchema(ctx); err != nil {
		return err
	}

	o := f.opts
	faults := ""
	if o.Faults {
		faults = ", with faults"
	}
	fmt.Fprintf(out, "simulating a day at %s: %d pickers, %d packers, %d returns clerks, %d orders a minute for %s%s\n",
		o.Warehouse, o.Crew.Pickers, o.Crew.Packers, o.Crew.Returns, o.OrdersPerMinute, o.Duration, faults)
	rep, err := simulate.Run(ctx, env, o)
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return err
	}
	rep.Print(out)
	check, err := simulationCheck(ctx, env.Admin)
	if err != nil {
		return err
	}
	rep.PrintRefusals(stderr)
	fmt.Fprintln(out, "oms check:")
	printReport(cmd, check, 5)
	if !check.OK() || rep.Duplicates() != 0 {
		return errSimulationBroken
	}
	return nil
}

// privateDemoDatabase makes the private server's database as oms demo does: created, migrated,
// seeded with the demo business, and its packing stations able to ship (rate cards, station P1).
func privateDemoDatabase(cmd *cobra.Command, cluster *pgcluster.Cluster, orders int, printed string) error {
	if err := seededDatabase(cmd, cluster, "oms simulate", seed.Options{Orders: orders}); err != nil {
		return err
	}
	d, err := db.Open(cmd.Context(), db.Config{URL: cluster.URL("oms"), AppName: "oms simulate", MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = demoShipping(cmd.Context(), d, printed)
	return err
}

// simulationCheck is oms check after the day, asked again while a restarted server's old
// connections fail.
func simulationCheck(ctx context.Context, d *db.DB) (db.CheckReport, error) {
	for attempt := 0; ; attempt++ {
		rep, err := d.Check(ctx, 5)
		if err == nil || !simulate.Lost(err) || attempt == 10 {
			return rep, err
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
