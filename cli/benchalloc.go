package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"oms/db/bench"
)

// allocStressName is the allocation stress: a proof, like stress, not a speed figure.
const allocStressName = "allocate-stress"

func newBenchAllocStressCmd(g *globals) *cobra.Command {
	var opts bench.AllocStressOptions
	cmd := &cobra.Command{
		Use:   allocStressName,
		Short: "Prove that concurrent allocators never oversell while orders are cancelled and stock arrives",
		Long: `Runs issue 11's allocation proof on a bench database: --allocators goroutines (32) allocate
--orders orders (2,000) of one to three lines over 5 hot SKUs in 3 bins, each order twice, through
oms's allocator, while two goroutines cancel orders and lines through the back office's commands
(--orders / 10 attempts) and one receives stock into the bins (--orders / 10 receipts). Afterwards
no balance may hold more reserved than on hand, every line's reservations must be its allocated −
shipped, nothing may be reserved for a cancelled order or line, oms check must find nothing, no
deadlock may have happened (not even one that was rerun), and no worker may have met an error
other than a documented refusal (cancelling what is already cancelled). It prints one line:

  allocate-stress allocators=32 orders=N allocated=A backordered=B cancelled=C restocks=R deadlocks=0 check=ok ok|FAIL

allocated and backordered count allocations (two per order) that reserved every open unit or left
some waiting; cancelled counts cancels done. Anything else than ok prints the reasons on stderr
and makes the command exit 1. --db works as for oms bench.`,
		Example: "  oms bench allocate-stress\n  oms bench allocate-stress --allocators 8 --orders 200 --db postgres://me@dbhost/postgres",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("%s takes no arguments, got %q", allocStressName, args)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if opts.Allocators < 1 || opts.Allocators > 150 || opts.Orders < 1 || opts.Orders > 1_000_000 {
				return usageError{errors.New("--allocators takes 1 to 150 and --orders 1 to 1000000")}
			}
			ctx := cmd.Context()
			progress := newProgressLine(cmd.ErrOrStderr())
			defer progress.Done()
			var target *bench.Database
			if g.dbURL == "" {
				progress.Update("starting a private PostgreSQL server", 0, 0)
				target, err = bench.Private(ctx)
			} else {
				target, err = bench.Scratch(ctx, g.dbURL)
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
			d, err := bench.Open(ctx, target.URL, opts.Allocators+4)
			if err != nil {
				return err
			}
			defer d.Close()
			progress.Update(fmt.Sprintf("allocate-stress: %d allocators × %d orders", opts.Allocators, opts.Orders), 0, 0)
			rep, err := bench.AllocStress(ctx, d, opts)
			progress.Done()
			if err != nil {
				if ctx.Err() != nil {
					return errors.New("interrupted")
				}
				return fmt.Errorf("%s (seed %d): %w", allocStressName, rep.Seed, err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), rep.Line(opts.Allocators))
			if !rep.OK() {
				for _, m := range rep.Messages() {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", allocStressName, m)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: replay with --seed %d\n", allocStressName, rep.Seed)
				return errBenchBroken
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Allocators, "allocators", 32, "concurrent allocators")
	cmd.Flags().IntVar(&opts.Orders, "orders", 2000, "orders to allocate (each twice)")
	cmd.Flags().Int64Var(&opts.Seed, "seed", 0, "the workers' random seed (0: from the clock), to replay a failure")
	return cmd
}
