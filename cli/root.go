package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
)

// Version is set at build time with -ldflags "-X oms/cli.Version=…".
var Version = "dev"

// globals are the flags every command shares, and the session's logger.
type globals struct {
	dbURL   string
	logPath string
	log     *session
}

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ error }

// stopSignals end every command the same way: Ctrl-C, kill and a hung-up terminal (closing a
// terminal window or an SSH session, tmux kill-session) cancel the command's context, so it
// restores the terminal, stops what it started and removes what it made.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// stopGrace is how long a command may take to stop after a signal before the process exits
// anyway: a dropped handheld must never leave a process behind.
const stopGrace = 15 * time.Second

// Execute runs the command line and returns the process exit status.
func Execute(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, stopSignals...)
	w := &watchdog{sigs: sigs, cancel: cancel, done: make(chan struct{}), stopped: make(chan os.Signal, 1),
		grace: stopGrace, stderr: stderr, exit: os.Exit}
	var running sync.WaitGroup
	running.Go(w.run)
	defer func() {
		signal.Stop(sigs)
		close(w.done)
		running.Wait()
	}()

	g := &globals{log: noSession()}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	started := time.Now()
	cmd, err := root.ExecuteContextC(ctx)
	code := exitStatus(err)
	switch {
	case err == nil:
	case w.signalled() != nil:
		// What failed is the signal's doing ("canceling statement due to user request"): say
		// what happened instead; the log keeps the error.
		fmt.Fprintf(stderr, "oms: stopped by a signal (%s) before it finished\n", w.signalled())
	default:
		fmt.Fprintln(stderr, "oms: "+err.Error())
	}
	g.log.end(cmd, code, err, time.Since(started))
	return code
}

func exitStatus(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	}
	return 1
}

// watchdog cancels the command on the first stop signal. If the command has not returned grace
// later, whatever it is stuck in, it runs the exit hooks (removing files the command made) and
// ends the process.
type watchdog struct {
	sigs    <-chan os.Signal
	cancel  context.CancelFunc
	done    chan struct{}  // closed when the command has returned
	stopped chan os.Signal // the first signal, once it came
	grace   time.Duration
	stderr  io.Writer
	exit    func(int)
}

func (w *watchdog) run() {
	var sig os.Signal
	select {
	case sig = <-w.sigs:
	case <-w.done:
		return
	}
	w.stopped <- sig
	w.cancel()
	grace := time.NewTimer(w.grace)
	defer grace.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-w.sigs: // a hang-up often comes twice (the shell passes it on); keep stopping
		case <-grace.C:
			runExitHooks()
			fmt.Fprintf(w.stderr, "oms: still running %s after a signal (%s); exiting\n", w.grace, sig)
			w.exit(1)
			return
		}
	}
}

// signalled is the signal that stopped the command, or nil.
func (w *watchdog) signalled() os.Signal {
	select {
	case sig := <-w.stopped:
		w.stopped <- sig
		return sig
	default:
		return nil
	}
}

var exitHooks struct {
	sync.Mutex
	fns map[int]func()
	n   int
}

// onForcedExit registers fn to run if the process has to exit without the command returning;
// the returned function unregisters it.
func onForcedExit(fn func()) (unregister func()) {
	exitHooks.Lock()
	defer exitHooks.Unlock()
	if exitHooks.fns == nil {
		exitHooks.fns = map[int]func(){}
	}
	exitHooks.n++
	id := exitHooks.n
	exitHooks.fns[id] = fn
	return func() {
		exitHooks.Lock()
		defer exitHooks.Unlock()
		delete(exitHooks.fns, id)
	}
}

func runExitHooks() {
	exitHooks.Lock()
	defer exitHooks.Unlock()
	for _, fn := range exitHooks.fns {
		fn()
	}
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "oms",
		Short: "Order management for warehouses and back offices, in the terminal",
		Long: `oms runs a warehouse's orders, stock, picking, packing and returns from a terminal.
Every client talks directly to one shared PostgreSQL database.

The database is taken from --db, else OMS_DATABASE_URL, else DATABASE_URL, else libpq's
PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). To try oms without a
database server, run: oms demo`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := g.startLog(cmd); err != nil {
				return err
			}
			if f := cmd.Flags().Lookup("db"); f != nil && f.Changed && strings.TrimSpace(g.dbURL) == "" {
				return usageError{errors.New("--db is empty: give the database's address " +
					"(postgres://user@host:5432/oms or a libpq key=value string), or leave --db out " +
					"to use OMS_DATABASE_URL, DATABASE_URL or libpq's PG* variables")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd, g, tuiOptionsFromFlags(cmd))
		},
	}
	root.PersistentFlags().StringVar(&g.dbURL, "db", "", "database URL (postgres://user:pass@host:5432/oms) or libpq key=value string")
	root.PersistentFlags().StringVar(&g.logPath, "log", "", "append a log of this run to `FILE` (JSON lines; default $OMS_LOG, else no log)")
	addTUIFlags(root)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newMigrateCmd(g), newSeedCmd(g), newCheckCmd(g), newVersionCmd(), newDemoCmd(g), newTUICmd(g), newBenchCmd(g),
		newStaffCmd(g), newServeCmd(g), newCatalogCmd(g), newInitCmd(g), newImportCmd(g), newAllocateCmd(g))
	root.AddCommand(newFXCmd(g), newTaxCmd(g), newInvoiceCmd(g))
	root.AddCommand(newExportCmd(g))
	root.AddCommand(newCompanyCmd(g), newCustomersCmd(g))
	root.AddCommand(newWavesCmd(g))
	root.AddCommand(newCarriersCmd(g), newTrackingCmd(g), newManifestCmd(g), newStationsCmd(g), newReturnsCmd(g), newCountsCmd(g))
	root.AddCommand(newInboundCmds(g)...)
	root.AddCommand(newReplenishCmds(g)...)
	root.AddCommand(newSimulateCmd(g))
	return root
}

// databaseURL applies the documented precedence; "" leaves it to libpq's PG* variables. from
// names where the address came from, for messages.
func (g *globals) databaseURL() (url, from string) {
	for _, s := range []struct{ url, from string }{
		{g.dbURL, "--db"},
		{os.Getenv("OMS_DATABASE_URL"), "OMS_DATABASE_URL"},
		{os.Getenv("DATABASE_URL"), "DATABASE_URL"},
	} {
		if s.url != "" {
			return s.url, s.from
		}
	}
	return "", ""
}

// open connects with cfg's URL filled in from the flags and environment.
func (g *globals) open(ctx context.Context, cfg db.Config) (*db.DB, error) {
	var from string
	cfg.URL, from = g.databaseURL()
	return g.openDB(ctx, cfg, from)
}

// openDB connects to cfg.URL, which came from where from says (empty: libpq's PG* variables).
// An address that cannot be read is a usage mistake, said without repeating the password; when
// nothing at all says where the database is, the error says how to say it, and how to try oms
// without one.
func (g *globals) openDB(ctx context.Context, cfg db.Config, from string) (*db.DB, error) {
	if err := checkAddress(cfg.URL, from); err != nil {
		g.log.Error("database address not valid", "from", from, "err", err.Error())
		return nil, usageError{err}
	}
	d, err := db.Open(ctx, cfg)
	if err != nil {
		var ue *db.UnreachableError
		if errors.As(err, &ue) && cfg.URL == "" && !pgVariablesSet() {
			err = fmt.Errorf("no database is configured (and none answers at %s, libpq's default: %v): use --db URL or set OMS_DATABASE_URL; to try oms without one, run `oms demo`",
				strings.TrimSuffix(ue.Target, "/"), rootCause(ue.Err))
		}
		g.log.Error("database open failed", "from", from, "err", err.Error())
		return nil, err
	}
	g.log.Debug("database opened", "target", d.Target(), "app", cfg.AppName)
	return d, nil
}

// pgVariablesSet says whether libpq's variables name a server.
func pgVariablesSet() bool {
	for _, v := range []string{"PGHOST", "PGHOSTADDR", "PGPORT", "PGSERVICE"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	return false
}

// rootCause is the part of a connection error worth showing ("connect: connection refused").
func rootCause(err error) error {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err
	}
	return err
}

// openMigrated connects and insists on the schema this binary knows.
func (g *globals) openMigrated(ctx context.Context, cfg db.Config) (*db.DB, error) {
	d, err := g.open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := d.CheckSchema(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}
