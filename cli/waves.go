package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/picking"
)

func newWavesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "waves",
		Short: "Release allocated orders to the floor as pick batches",
	}
	cmd.AddCommand(newWavesReleaseCmd(g))
	return cmd
}

func newWavesReleaseCmd(g *globals) *cobra.Command {
	var warehouse string
	var maxOrders int
	cmd := &cobra.Command{
		Use:   "release --warehouse CODE [--max-orders N]",
		Short: "Turn a warehouse's allocated orders into pick batches",
		Long: `Releases the warehouse's allocated orders that are not released yet into pick batches, in one
transaction: by zone (a bin's zone, or its code up to the first dash), oldest promise first, up
to the warehouse's order and line limits a batch (--max-orders lowers the order limit for this
run), each batch's tasks in the bins' pick sequence. The warehouse's pick mode says whether a
batch is one order, many, or a cluster cart with a tote per order. One line per batch and last
a total:

  B-000123 RTM1 zone A: 12 orders, 31 lines
  released 3 batches, 41 lines

Pickers claim the batches on the picking screen (F4). Releasing is the back office's and the
supervisor's work. Exit status 0 unless something failed (nothing to release is not a failure).`,
		Example: "  oms waves release --warehouse RTM1\n  oms waves release --warehouse RTM1 --max-orders 4",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if warehouse == "" {
				return usageError{errors.New("say which warehouse to release: --warehouse CODE")}
			}
			if maxOrders < 0 {
				return usageError{fmt.Errorf("--max-orders is a number of orders, not %d", maxOrders)}
			}
			ctx := cmd.Context()
			d, err := g.openMigrated(ctx, db.Config{AppName: "oms waves release", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			batches, err := picking.New(d).Release(ctx, commandKey("waves-release:"+warehouse),
				picking.ReleaseOptions{Warehouse: warehouse, MaxOrders: maxOrders})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, b := range batches {
				fmt.Fprintln(out, b.Line())
			}
			fmt.Fprintln(out, picking.Released(batches))
			return nil
		},
	}
	cmd.Flags().StringVar(&warehouse, "warehouse", "", "the warehouse's code (RTM1)")
	cmd.Flags().IntVar(&maxOrders, "max-orders", 0, "at most this many orders a batch (default: the warehouse's setting)")
	return cmd
}
