package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"oms/db"
)

// Version is set at build time with -ldflags "-X oms/cli.Version=…".
var Version = "dev"

// globals are the flags every command shares.
type globals struct {
	dbURL string
}

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ error }

// Execute runs the command line and returns the process exit status.
func Execute(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "oms: "+err.Error())
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func newRoot() *cobra.Command {
	g := &globals{}
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd, g, tuiOptionsFromFlags(cmd))
		},
	}
	root.PersistentFlags().StringVar(&g.dbURL, "db", "", "database URL (postgres://user:pass@host:5432/oms) or libpq key=value string")
	addTUIFlags(root)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newMigrateCmd(g), newSeedCmd(g), newCheckCmd(g), newVersionCmd(), newDemoCmd(), newTUICmd(g), newBenchCmd(g))
	return root
}

// databaseURL applies the documented precedence; "" leaves it to libpq's PG* variables.
func (g *globals) databaseURL() string {
	for _, u := range []string{g.dbURL, os.Getenv("OMS_DATABASE_URL"), os.Getenv("DATABASE_URL")} {
		if u != "" {
			return u
		}
	}
	return ""
}

// open connects with cfg's URL filled in from the flags and environment.
func (g *globals) open(ctx context.Context, cfg db.Config) (*db.DB, error) {
	cfg.URL = g.databaseURL()
	return openDB(ctx, cfg)
}

// openDB connects; when nothing at all says where the database is, the error says how to say
// it, and how to try oms without one.
func openDB(ctx context.Context, cfg db.Config) (*db.DB, error) {
	d, err := db.Open(ctx, cfg)
	var ue *db.UnreachableError
	if errors.As(err, &ue) && cfg.URL == "" && os.Getenv("PGHOST") == "" && os.Getenv("PGPORT") == "" {
		return nil, fmt.Errorf("%w\nno database is configured: use --db URL or set OMS_DATABASE_URL; to try oms without one, run `oms demo`", err)
	}
	return d, err
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
