package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
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
			if err := checkSeedFlags(opts); err != nil {
				return err
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

// The seed's limits (db/seed checks them too, but reads 0 as "the default"): every status needs
// its orders, the channels' fixed-width ids bound the orders, and the seed knows 8 warehouses.
var (
	minOrders     = len(seed.Statuses)
	maxOrders     = 10_000_000
	minSKUs       = 50
	minWarehouses = 3
	maxWarehouses = 8
)

func addSeedFlags(cmd *cobra.Command, opts *seed.Options, defaultOrders int) {
	cmd.Flags().IntVar(&opts.Orders, "orders", defaultOrders,
		fmt.Sprintf("number of orders, %s to %s", thousands(minOrders), thousands(maxOrders)))
	cmd.Flags().IntVar(&opts.SKUs, "skus", 600, fmt.Sprintf("number of products, at least %d", minSKUs))
	cmd.Flags().IntVar(&opts.Warehouses, "warehouses", 3,
		fmt.Sprintf("number of warehouses, %d to %d", minWarehouses, maxWarehouses))
	cmd.Flags().Int64Var(&opts.Seed, "seed", 1, "random seed, any number but 0: the same seed gives the same data")
}

// checkSeedFlags refuses what the seed would refuse, or would silently replace by its default,
// before anything is started.
func checkSeedFlags(opts seed.Options) error {
	if err := inRange("--orders", opts.Orders, minOrders, maxOrders); err != nil {
		return err
	}
	if err := inRange("--skus", opts.SKUs, minSKUs, -1); err != nil {
		return err
	}
	if err := inRange("--warehouses", opts.Warehouses, minWarehouses, maxWarehouses); err != nil {
		return err
	}
	if opts.Seed == 0 {
		return usageError{fmt.Errorf("--seed cannot be 0 (it would mean 1): use any other whole number")}
	}
	return nil
}

// inRange is a usage error naming the flag and its allowed range when v is outside lo…hi
// (hi < 0: no upper bound).
func inRange(flag string, v, lo, hi int) error {
	switch {
	case hi < 0 && v < lo:
		return usageError{fmt.Errorf("%s must be at least %s, not %s", flag, thousands(lo), thousands(v))}
	case hi >= 0 && (v < lo || v > hi):
		return usageError{fmt.Errorf("%s must be from %s to %s, not %s", flag, thousands(lo), thousands(hi), thousands(v))}
	}
	return nil
}

// thousands writes n with commas: 10,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
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
