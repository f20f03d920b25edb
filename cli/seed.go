package cli

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/seed"
)

func newSeedCmd(g *globals) *cobra.Command {
	var opts seed.Options
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Fill an empty database with a realistic synthetic business",
		Long: `Loads warehouses with zones and bins, products with GTINs, stock received through the
ledger, channels, customers in several countries and currencies, and orders in every state with
believable ages, promised dates and history. The same --seed gives the same data.

It writes backdated history, so it must run as a PostgreSQL superuser, and only into an
empty, migrated database. Everything is one transaction: an error leaves nothing behind.`,
		Example: "  oms seed --orders 2000\n  oms seed --orders 1000000 --skus 5000 --warehouses 5",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Orders < 0 || opts.SKUs < 0 || opts.Warehouses < 0 {
				return usageError{fmt.Errorf("--orders, --skus and --warehouses cannot be negative")}
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms seed", MaxConns: 2})
			if err != nil {
				return err
			}
			defer d.Close()
			return runSeed(cmd, d, opts)
		},
	}
	addSeedFlags(cmd, &opts, 2000)
	return cmd
}

func addSeedFlags(cmd *cobra.Command, opts *seed.Options, defaultOrders int) {
	cmd.Flags().IntVar(&opts.Orders, "orders", defaultOrders, "number of orders")
	cmd.Flags().IntVar(&opts.SKUs, "skus", 600, "number of products")
	cmd.Flags().IntVar(&opts.Warehouses, "warehouses", 3, "number of warehouses (at least 3 for a realistic spread)")
	cmd.Flags().Int64Var(&opts.Seed, "seed", 1, "random seed: the same seed gives the same data")
}

func runSeed(cmd *cobra.Command, d *db.DB, opts seed.Options) error {
	progress := newProgressLine(cmd.ErrOrStderr())
	sum, err := seed.Run(cmd.Context(), d, opts, func(p seed.Progress) {
		progress.Update(p.Stage, p.Done, p.Total)
	})
	progress.Done()
	if err != nil {
		return err
	}
	printSeedSummary(cmd.OutOrStdout(), sum)
	return nil
}

func printSeedSummary(w io.Writer, s seed.Summary) {
	fmt.Fprintf(w, "seeded %d warehouses (%d bins), %d products, %d channels, %d customers,\n",
		s.Warehouses, s.Bins, s.Products, s.Channels, s.Customers)
	fmt.Fprintf(w, "       %d orders (%d lines), %d stock movements, %d events in %s\n",
		s.Orders, s.Lines, s.Movements, s.Events, s.Elapsed.Round(100*time.Millisecond))
	statuses := make([]string, 0, len(s.ByStatus))
	for st := range s.ByStatus {
		statuses = append(statuses, st)
	}
	sort.Strings(statuses)
	for _, st := range statuses {
		fmt.Fprintf(w, "       %-20s %d\n", st, s.ByStatus[st])
	}
}
