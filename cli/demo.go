package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/pgcluster"
	"oms/db/seed"
)

func newDemoCmd() *cobra.Command {
	var opts seed.Options
	var noTUI bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start a private throwaway database full of demo data and open oms on it",
		Long: `Starts a private PostgreSQL server from the installed server binaries (no running server
needed), migrates it, loads a realistic demo business and opens the TUI. It prints the database
URL so other terminals can join (oms --db URL) or look inside (psql URL). Everything is removed
when it stops. With --no-tui it keeps the database running until interrupted (Ctrl-C).`,
		Example: "  oms demo\n  oms demo --no-tui --orders 50000",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("db") {
				return usageError{fmt.Errorf("demo always runs on its own private database; to fill an existing one use `oms migrate` and `oms seed`")}
			}
			return runDemo(cmd, opts, noTUI)
		},
	}
	addSeedFlags(cmd, &opts, 2000)
	cmd.Flags().BoolVar(&noTUI, "no-tui", false, "do not open the TUI: print the URL and keep the database running until interrupted")
	addTUIFlags(cmd)
	return cmd
}

func runDemo(cmd *cobra.Command, opts seed.Options, noTUI bool) error {
	ctx := cmd.Context()
	stderr := cmd.ErrOrStderr()
	fmt.Fprintln(stderr, "starting a private PostgreSQL server…")
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{})
	if err != nil {
		return err
	}
	defer func() {
		cluster.Stop()
		fmt.Fprintln(stderr, "demo database stopped and removed")
	}()
	admin, err := db.Open(ctx, db.Config{URL: cluster.URL("postgres"), AppName: "oms demo", MaxConns: 1})
	if err != nil {
		return err
	}
	_, err = admin.ExecContext(ctx, `CREATE DATABASE oms`)
	admin.Close()
	if err != nil {
		return err
	}
	url := cluster.URL("oms")
	d, err := db.Open(ctx, db.Config{URL: url, AppName: "oms demo", MaxConns: 2})
	if err != nil {
		return err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return err
	}
	fmt.Fprintf(stderr, "loading %d demo orders…\n", opts.Orders)
	err = runSeed(cmd, d, opts)
	d.Close()
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "\ndemo database: %s\n", url)
	fmt.Fprintf(out, "  join from another terminal:  oms --db '%s'\n", url)
	fmt.Fprintf(out, "  look inside:                 psql '%s'\n", url)
	if noTUI {
		fmt.Fprintln(out, "running until interrupted (Ctrl-C stops it and removes everything)")
		<-ctx.Done()
		return nil
	}
	tuiOpts := tuiOptionsFromFlags(cmd)
	tuiOpts.notice = "Demo database, join from another terminal: oms --db '" + url + "'"
	return runTUIOn(cmd, url, tuiOpts)
}
