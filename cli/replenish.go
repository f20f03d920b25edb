package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/replenish"
)

// Replenishment and reordering (issue 16, db/replenish): pick bins' levels and reserve bins,
// replenishment tasks, reorder rules and suggestions (with draft purchase orders).

func newReplenishCmds(g *globals) []*cobra.Command {
	return []*cobra.Command{newBinsCmd(g), newReplenishCmd(g), newReorderCmd(g)}
}

// withReplenish opens the database for one replenishment or reorder command.
func withReplenish(cmd *cobra.Command, g *globals, fn func(ctx context.Context, st *replenish.Store, out io.Writer) error) error {
	d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms " + cmd.Parent().Name(), MaxConns: 1})
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(cmd.Context(), replenish.New(d), cmd.OutOrStdout())
}

// replenNeedFlags refuses a command without the flags named.
func replenNeedFlags(cmd *cobra.Command, names ...string) error {
	var missing []string
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			missing = append(missing, "--"+n+" N")
		}
	}
	if len(missing) > 0 {
		return usageError{fmt.Errorf("%s needs %s", cmd.CommandPath(), strings.Join(missing, " and "))}
	}
	return nil
}

// ───────────────────────────── bins ─────────────────────────────

func newBinsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bins",
		Short: "Pick bins' min and max per product, and reserve bins that refill them",
		Args:  subcommandArgs("level or reserve"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms bins level|reserve (see oms bins --help)")}
		},
	}
	var minQty, maxQty int
	level := &cobra.Command{
		Use:   "level WAREHOUSE BIN SKU --min N --max M",
		Short: "Set a pick bin's min and max for a product (stock's work); --max 0 removes them",
		Long: `Sets a pick bin's level for a product: at or below the min, oms replenish raise makes tasks
that fill it up to the max from the warehouse's reserve bins. --max 0 removes the level.`,
		Example: "  oms bins level RTM1 A-01 TEE-1 --min 5 --max 20\n  oms bins level RTM1 A-01 TEE-1 --max 0",
		Args:    exactly("WAREHOUSE", "BIN", "SKU"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := replenNeedFlags(cmd, "max"); err != nil {
				return err
			}
			if maxQty != 0 {
				if err := replenNeedFlags(cmd, "min"); err != nil {
					return err
				}
			}
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				l, err := st.SetLevel(ctx, "", replenish.Level{Warehouse: args[0], Bin: args[1], SKU: args[2], Min: minQty, Max: maxQty})
				if err != nil {
					return err
				}
				if l.Max == 0 {
					fmt.Fprintf(out, "%s at %s: no level for %s\n", l.Bin, l.Warehouse, l.SKU)
				} else {
					fmt.Fprintf(out, "%s at %s: %s min %d, max %d\n", l.Bin, l.Warehouse, l.SKU, l.Min, l.Max)
				}
				return nil
			})
		},
	}
	level.Flags().IntVar(&minQty, "min", 0, "at or below this many units the bin is refilled")
	level.Flags().IntVar(&maxQty, "max", 0, "the units a refill brings the bin up to (0: remove the level)")
	var off bool
	reserve := &cobra.Command{
		Use:   "reserve WAREHOUSE BIN [--off]",
		Short: "Mark a bin as a reserve bin, which refills pick bins (stock's work); --off makes it a pick bin again",
		Example: "  oms bins reserve RTM1 R-01\n" +
			"  oms bins reserve RTM1 R-01 --off",
		Args: exactly("WAREHOUSE", "BIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				if err := st.SetReserve(ctx, "", args[0], args[1], !off); err != nil {
					return err
				}
				what := "a reserve bin"
				if off {
					what = "a pick bin"
				}
				fmt.Fprintf(out, "%s at %s is %s\n", strings.ToUpper(args[1]), strings.ToUpper(args[0]), what)
				return nil
			})
		},
	}
	reserve.Flags().BoolVar(&off, "off", false, "make the bin a pick bin again")
	cmd.AddCommand(level, reserve)
	return cmd
}

// ───────────────────────────── replenishment tasks ─────────────────────────────

func newReplenishCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replenish",
		Short: "Replenishment tasks: raise, list, do, cancel",
		Args:  subcommandArgs("raise, list, do or cancel"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms replenish raise|list|do|cancel (see oms replenish --help)")}
		},
	}
	raise := &cobra.Command{
		Use:   "raise WAREHOUSE",
		Short: "Raise the tasks that refill pick bins at or below their min from the reserve bins (stock's work)",
		Long: `Makes a task per reserve bin used for each pick bin at or below its min that has no open task:
up to its max, from the reserves' free stock, the earliest expiry first, then the pick path.
Prints how many tasks and units, and a line per pick bin the reserves cannot fill.`,
		Example: "  oms replenish raise RTM1",
		Args:    exactly("WAREHOUSE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				r, err := st.Raise(ctx, "", args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s: %s for %s\n", strings.ToUpper(args[0]), replenCount(int64(r.Tasks), "task"), replenCount(r.Units, "unit"))
				for _, s := range r.Short {
					fmt.Fprintf(out, "%s short: %d × %s more than the reserve bins hold free\n", s.Bin, s.Missing, s.SKU)
				}
				return nil
			})
		},
	}
	var all bool
	list := &cobra.Command{
		Use:     "list WAREHOUSE [--all]",
		Short:   "List a warehouse's open replenishment tasks, one a line (--all: done ones too)",
		Example: "  oms replenish list RTM1",
		Args:    exactly("WAREHOUSE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				ts, err := st.Tasks(ctx, args[0], all)
				if err != nil {
					return err
				}
				for _, t := range ts {
					item := t.SKU
					if t.Lot != "" {
						item += " lot " + t.Lot
					}
					state := t.Status
					switch {
					case t.Status == "claimed" && t.Lease != nil:
						state = fmt.Sprintf("claimed by %s until %s", t.ClaimedBy, t.Lease.Local().Format("15:04"))
					case t.Status == "done":
						state = fmt.Sprintf("done, %d moved", t.QtyMoved)
					}
					fmt.Fprintf(out, "%d %s → %s %d × %s %s\n", t.ID, t.From, t.To, t.Qty, item, state)
				}
				return nil
			})
		},
	}
	list.Flags().BoolVar(&all, "all", false, "list done and cancelled tasks too")
	var from, to string
	var qty int
	do := &cobra.Command{
		Use:   "do TASK --from BIN --to BIN --qty N",
		Short: "Confirm a replenishment task: the bins scanned and the units moved (stock's work)",
		Long: `Moves the units of a task from its reserve bin to its pick bin: --from and --to are the bins
scanned (code or barcode) and must be the task's; --qty is at most the task's units and what
the reserve bin has free.`,
		Example: "  oms replenish do 12 --from R-01 --to A-01 --qty 16",
		Args:    exactly("TASK"),
		RunE: func(cmd *cobra.Command, args []string) error {
			task, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || task < 1 {
				return usageError{fmt.Errorf("TASK %q is not a task's number", args[0])}
			}
			if from == "" || to == "" {
				return usageError{errors.New("say which bins were scanned: --from BIN --to BIN")}
			}
			if err := replenNeedFlags(cmd, "qty"); err != nil {
				return err
			}
			if qty < 1 {
				return usageError{fmt.Errorf("--qty %d is not a number of units (1 or more)", qty)}
			}
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				t, err := st.Confirm(ctx, "", replenish.Confirm{Task: task, From: from, To: to, Qty: qty})
				if err != nil {
					return err
				}
				item := t.SKU
				if t.Lot != "" {
					item += " lot " + t.Lot
				}
				fmt.Fprintf(out, "task %d: %d × %s %s → %s; %s holds %d\n", t.ID, t.QtyMoved, item, t.From, t.To, t.To, t.OnHand)
				return nil
			})
		},
	}
	do.Flags().StringVar(&from, "from", "", "the reserve bin scanned")
	do.Flags().StringVar(&to, "to", "", "the pick bin scanned")
	do.Flags().IntVar(&qty, "qty", 0, "the units moved")
	cancel := &cobra.Command{
		Use:     "cancel TASK",
		Short:   "Cancel a replenishment task that cannot be done (its reserve is empty); raising may make another",
		Example: "  oms replenish cancel 12",
		Args:    exactly("TASK"),
		RunE: func(cmd *cobra.Command, args []string) error {
			task, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || task < 1 {
				return usageError{fmt.Errorf("TASK %q is not a task's number", args[0])}
			}
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				t, err := st.Cancel(ctx, "", task)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "task %d cancelled: %d × %s %s → %s\n", t.ID, t.Qty, t.SKU, t.From, t.To)
				return nil
			})
		},
	}
	cmd.AddCommand(raise, list, do, cancel)
	return cmd
}

func replenCount(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// ───────────────────────────── reorder ─────────────────────────────

func newReorderCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reorder",
		Short: "Reorder rules per product and warehouse, and what they suggest ordering",
		Args:  subcommandArgs("rule or suggest"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms reorder rule|suggest (see oms reorder --help)")}
		},
	}
	var point, qty, lead int
	var supplier string
	rule := &cobra.Command{
		Use:   "rule WAREHOUSE SKU --point N --qty N --lead-days N [--supplier CODE]",
		Short: "Set a product's reorder rule at a warehouse (the back office's); --qty 0 removes it",
		Long: `Sets when a product is reordered at a warehouse: when what it has and has coming (available,
on order, in transit) falls below the point plus the demand expected over the lead time, order
at least --qty, from --supplier (needed for a draft PO). --qty 0 removes the rule.`,
		Example: "  oms reorder rule RTM1 TEE-1 --point 20 --qty 30 --lead-days 7 --supplier ACME",
		Args:    exactly("WAREHOUSE", "SKU"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := replenNeedFlags(cmd, "qty"); err != nil {
				return err
			}
			if qty != 0 {
				if err := replenNeedFlags(cmd, "point", "lead-days"); err != nil {
					return err
				}
			}
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				r, err := st.SetRule(ctx, "", replenish.Rule{Warehouse: args[0], SKU: args[1], Point: point, Qty: qty, LeadDays: lead, Supplier: supplier})
				if err != nil {
					return err
				}
				if r.Qty == 0 {
					fmt.Fprintf(out, "%s %s: no reorder rule\n", r.Warehouse, r.SKU)
					return nil
				}
				from := " (no supplier)"
				if r.Supplier != "" {
					from = ", from " + r.Supplier
				}
				fmt.Fprintf(out, "%s %s: order %d at %d, %d days' lead%s\n", r.Warehouse, r.SKU, r.Qty, r.Point, r.LeadDays, from)
				return nil
			})
		},
	}
	rule.Flags().IntVar(&point, "point", 0, "reorder when the position falls below this plus the demand over the lead time")
	rule.Flags().IntVar(&qty, "qty", 0, "order at least this many units (0: remove the rule)")
	rule.Flags().IntVar(&lead, "lead-days", 0, "days from ordering to arrival")
	rule.Flags().StringVar(&supplier, "supplier", "", "the supplier's code")
	var warehouse string
	var draft bool
	suggest := &cobra.Command{
		Use:   "suggest --warehouse W [--draft]",
		Short: "Print what a warehouse should reorder, one line a product; --draft creates a PO per supplier",
		Long: fmt.Sprintf(`Prints a line per product whose position (available: on hand less reserved outside quarantine;
on order: open POs' units still to come; in transit: transfers' units on their way) is at most
its rule's point plus the expected demand (units shipped in the last %d days / %d × the lead
days, rounded up): it orders the rule's quantity, or the gap when that is bigger. --draft
creates one purchase order per supplier for them (the back office's).`, replenish.DemandDays, replenish.DemandDays),
		Example: "  oms reorder suggest --warehouse RTM1\n  oms reorder suggest --warehouse RTM1 --draft",
		Args:    exactly(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if warehouse == "" {
				return usageError{errors.New("say which warehouse: --warehouse W")}
			}
			return withReplenish(cmd, g, func(ctx context.Context, st *replenish.Store, out io.Writer) error {
				var d replenish.Drafted
				var err error
				if draft {
					d, err = st.Draft(ctx, "", warehouse)
				} else {
					d.Suggestions, err = st.Suggest(ctx, warehouse)
				}
				if err != nil {
					return err
				}
				if len(d.Suggestions) == 0 {
					fmt.Fprintf(out, "%s: nothing to reorder\n", strings.ToUpper(warehouse))
				}
				for _, s := range d.Suggestions {
					from := " (no supplier)"
					if s.Supplier != "" {
						from = " from " + s.Supplier
					}
					fmt.Fprintf(out, "%s %s: %d available + %d on order + %d in transit < point %d + %d expected demand (%d days) → order %d%s\n",
						s.Warehouse, s.SKU, s.Available, s.OnOrder, s.InTransit, s.Point, s.Demand, s.LeadDays, s.Qty, from)
				}
				for _, po := range d.POs {
					fmt.Fprintf(out, "%s from %s: %s, %s\n", po.Number, po.Supplier, replenCount(int64(po.Lines), "line"), replenCount(po.Units, "unit"))
				}
				if len(d.Unsupplied) > 0 {
					fmt.Fprintf(out, "no PO for %s: no supplier in the rule\n", strings.Join(d.Unsupplied, ", "))
				}
				return nil
			})
		},
	}
	suggest.Flags().StringVar(&warehouse, "warehouse", "", "the warehouse")
	suggest.Flags().BoolVar(&draft, "draft", false, "create a purchase order per supplier for the suggestions")
	cmd.AddCommand(rule, suggest)
	return cmd
}
