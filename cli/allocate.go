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
	"oms/db/alloc"
	"oms/db/orders"
)

type allocateOptions struct {
	order   string
	channel string
	dryRun  bool
	follow  bool
}

func newAllocateCmd(g *globals) *cobra.Command {
	var opt allocateOptions
	cmd := &cobra.Command{
		Use:   "allocate [--order NUMBER] [--channel CODE] [--dry-run] [--follow]",
		Short: "Route orders to warehouses and reserve their stock; release backorders",
		Long: `Routes every order with units still to allocate (not held, not cancelled), oldest promise
first, to the warehouse the rules choose, and reserves its stock there bin by bin:

  1. a store or click-and-collect order is its store's;
  2. one warehouse that has everything beats a split;
  3. the destination's market (the EU, the UK, the US, …);
  4. the nearest warehouse (great-circle distance to the destination country's centre);
  5. the one with most stock.

A channel that allows splits takes the rest from the next warehouse; what no warehouse has is
backordered and released when stock arrives. Each decision is written to the order's history
as a sentence. One line per order:

  SO-0001234 → RTM1: all 3 lines in stock, same market, 420 km; LDS1 lacks MUG-1
  SO-0001235 backordered: no warehouse has TEE-1

and last "allocated N, backordered B, split S". With --follow it keeps running: it allocates
the orders waiting for stock that has just arrived (receipts, returns, counts, cancelled
orders' reservations), and every minute everything still waiting. Orders are allocated up to
128 a transaction (a dry run decides each such batch and rolls it back); a batch the database
refuses is redone order by order, so the error names the order. Allocation is the back
office's work. Exit status 0 unless something failed.`,
		Example: "  oms allocate\n  oms allocate --order SO-0001234 --dry-run\n  oms allocate --follow",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.follow && (opt.order != "" || opt.dryRun) {
				return usageError{errors.New("--follow allocates everything as stock arrives: it takes no --order and no --dry-run")}
			}
			ctx := cmd.Context()
			d, err := g.openMigrated(ctx, db.Config{AppName: "oms allocate", MaxConns: 2})
			if err != nil {
				return err
			}
			defer d.Close()
			f := alloc.Filter{Number: strings.TrimSpace(opt.order)}
			if opt.channel != "" {
				ch, err := orders.New(d).ChannelByCode(ctx, opt.channel)
				if errors.Is(err, orders.ErrNoChannel) {
					return usageError{fmt.Errorf("there is no channel %q", opt.channel)}
				}
				if err != nil {
					return err
				}
				f.Channel = ch.ID
			}
			a := alloc.New(d)
			if opt.follow {
				return followAllocation(ctx, a, cmd.OutOrStdout(), f)
			}
			ids, err := a.Waiting(ctx, f)
			if err != nil {
				return err
			}
			if opt.order != "" && len(ids) == 0 {
				return fmt.Errorf("order %s has nothing to allocate (no such order, or held, cancelled or fully allocated)", opt.order)
			}
			tally, err := allocateAll(ctx, a, cmd.OutOrStdout(), ids, opt.dryRun)
			prefix := ""
			if opt.dryRun {
				prefix = "dry run: "
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s%s\n", prefix, tally)
			return err
		},
	}
	cmd.Flags().StringVar(&opt.order, "order", "", "only this order (its number)")
	cmd.Flags().StringVar(&opt.channel, "channel", "", "only this channel's orders (its code, any case)")
	cmd.Flags().BoolVar(&opt.dryRun, "dry-run", false, "decide and print, reserve nothing")
	cmd.Flags().BoolVar(&opt.follow, "follow", false, "keep allocating as stock arrives, until stopped")
	return cmd
}

// allocationTally counts what allocation did.
type allocationTally struct{ allocated, backordered, split int }

func (t allocationTally) String() string {
	return fmt.Sprintf("allocated %d, backordered %d, split %d", t.allocated, t.backordered, t.split)
}

func (t *allocationTally) add(r alloc.Result) {
	switch r.Outcome {
	case alloc.Allocated:
		t.allocated++
	case alloc.Split:
		t.split++
	case alloc.Backordered:
		t.backordered++
	}
}

// allocateAll allocates the orders, many to a transaction, and prints a line per order it
// changed or could not serve.
func allocateAll(ctx context.Context, a *alloc.Store, w io.Writer, ids []int64, dryRun bool) (allocationTally, error) {
	var t allocationTally
	rs, err := a.AllocateMany(ctx, ids, dryRun)
	for _, r := range rs {
		if r.Outcome != alloc.Skipped {
			fmt.Fprintln(w, r.Line())
		}
		t.add(r)
	}
	if err != nil {
		return t, fmt.Errorf("allocating: %w", err)
	}
	return t, nil
}

// sweepEvery is how often a follower allocates everything still waiting, for stock that came
// without a wake-up (an allocator that was not running) and orders released from a hold.
const sweepEvery = time.Minute

// followAllocation allocates what stock arrivals wake, and everything waiting every minute,
// until the context ends.
func followAllocation(ctx context.Context, a *alloc.Store, w io.Writer, f alloc.Filter) error {
	fmt.Fprintln(w, "allocating as stock arrives; every minute everything still waiting")
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var lastSweep time.Time
	for {
		var ids []int64
		var err error
		if time.Since(lastSweep) >= sweepEvery {
			ids, err = a.Waiting(ctx, f)
			lastSweep = time.Now()
		} else {
			var products []int64
			if products, err = a.TakeWakeups(ctx, 100); err == nil && len(products) > 0 {
				f := f
				f.Products = products
				ids, err = a.Waiting(ctx, f)
			}
		}
		if err == nil && len(ids) > 0 {
			var t allocationTally
			t, err = allocateAll(ctx, a, w, ids, false)
			if t != (allocationTally{}) {
				fmt.Fprintln(w, t)
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			// A follower outlives a dropped connection: say so and try again next round.
			fmt.Fprintf(w, "allocation paused: %v\n", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
