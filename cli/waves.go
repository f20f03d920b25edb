package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/picking"
)

func newWavesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "waves",
		Short: "Release allocated orders to the floor as pick batches",
	}
	cmd.AddCommand(newWavesReleaseCmd(g), newWavesAutoCmd(g))
	return cmd
}

func newWavesAutoCmd(g *globals) *cobra.Command {
	var warehouse, every string
	cmd := &cobra.Command{
		Use:   "auto --warehouse CODE --every DURATION|off",
		Short: "Release a warehouse's allocated orders on a timer, or only by hand",
		Long: `Sets how often the warehouse releases its allocated orders to the floor by itself: every
DURATION (1m to 24h: 15m, 1h30m), or "off" for only when someone runs oms waves release. The
release itself is done by oms waves release --follow (oms demo runs one). A supervisor's or an
admin's setting.`,
		Example: "  oms waves auto --warehouse RTM1 --every 15m\n  oms waves auto --warehouse RTM1 --every off",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if warehouse == "" || every == "" {
				return usageError{errors.New("say which warehouse and how often: --warehouse CODE --every 15m (or off)")}
			}
			var d time.Duration
			if every != "off" {
				var err error
				if d, err = time.ParseDuration(every); err != nil || d < time.Minute || d > 24*time.Hour {
					return usageError{fmt.Errorf("--every %s: say a duration from 1m to 24h (15m, 1h30m) or off", every)}
				}
			}
			ctx := cmd.Context()
			conn, err := g.openMigrated(ctx, db.Config{AppName: "oms waves auto", MaxConns: 1})
			if err != nil {
				return err
			}
			defer conn.Close()
			if err := picking.New(conn).SetAutoRelease(ctx, warehouse, d); err != nil {
				return err
			}
			if d == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s releases by hand only\n", strings.ToUpper(warehouse))
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "%s releases its allocated orders every %s\n", strings.ToUpper(warehouse), d)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&warehouse, "warehouse", "", "the warehouse's code (RTM1)")
	cmd.Flags().StringVar(&every, "every", "", "how often: a duration from 1m to 24h, or off")
	return cmd
}

// followRelease releases each warehouse that is due by its timer, looking every few seconds,
// until the context ends. A dropped connection is said and tried again.
func followRelease(ctx context.Context, s *picking.Store, w io.Writer, only string) error {
	fmt.Fprintln(w, "releasing each warehouse's allocated orders on its timer (oms waves auto)")
	tried := map[string]time.Time{}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		due, err := s.DueForRelease(ctx, tried)
		for _, code := range due {
			if only != "" && !strings.EqualFold(code, only) {
				continue
			}
			tried[code] = time.Now()
			var bs []picking.BatchSummary
			if bs, err = s.Release(ctx, commandKey("waves-follow:"+code), picking.ReleaseOptions{Warehouse: code}); err != nil {
				break
			}
			for _, b := range bs {
				fmt.Fprintln(w, b.Line())
			}
			if len(bs) > 0 {
				fmt.Fprintln(w, picking.Released(bs))
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			fmt.Fprintf(w, "release paused: %v\n", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func newWavesReleaseCmd(g *globals) *cobra.Command {
	var warehouse string
	var maxOrders int
	var follow bool
	cmd := &cobra.Command{
		Use:   "release --warehouse CODE [--max-orders N] | --follow",
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
supervisor's work. Exit status 0 unless something failed (nothing to release is not a failure).

With --follow it keeps running and releases every warehouse that releases on a timer (oms
waves auto) whenever its last batch is as old as its interval (--warehouse: only that one).`,
		Example: "  oms waves release --warehouse RTM1\n  oms waves release --warehouse RTM1 --max-orders 4\n  oms waves release --follow",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if warehouse == "" && !follow {
				return usageError{errors.New("say which warehouse to release: --warehouse CODE")}
			}
			if follow && maxOrders != 0 {
				return usageError{errors.New("--follow releases by each warehouse's own limits: it takes no --max-orders")}
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
			if follow {
				return followRelease(ctx, picking.New(d), cmd.OutOrStdout(), warehouse)
			}
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
	cmd.Flags().BoolVar(&follow, "follow", false, "keep running: release each warehouse on its timer (oms waves auto)")
	return cmd
}
