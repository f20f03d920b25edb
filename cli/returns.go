package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/returns"
	"oms/model"
)

func newReturnsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "returns",
		Short: "The returns queue and the returns policy",
		Args:  subcommandArgs("queue, policy, fee, authorize or label"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms returns queue|policy|fee|authorize|label (see oms returns --help)")}
		},
	}
	cmd.AddCommand(newReturnsQueueCmd(g), newReturnsPolicyCmd(g), newReturnsFeeCmd(g), newReturnsAuthorizeCmd(g),
		newReturnsLabelCmd(g))
	return cmd
}

func newReturnsQueueCmd(g *globals) *cobra.Command {
	var warehouse, list string
	cmd := &cobra.Command{
		Use:   "queue",
		Short: "Print the returns queue: counts, then one line per RMA of a list",
		Long: `Prints how many RMAs have arrived and wait for inspection, wait for their refund, are
expected, wait for a supervisor's authorisation, and the undecided unexpected items; then one
line per RMA of --list (arrived, to_refund, expected, requested or open), oldest first.`,
		Example: "  oms returns queue --warehouse RTM1 --list arrived",
		Args:    exactly(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms returns", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			st := returns.New(d)
			c, err := st.Count(cmd.Context(), warehouse)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "arrived %d · to refund %d · expected %d · requested %d · unexpected %d\n",
				c.Arrived, c.ToRefund, c.Expected, c.Requested, c.Unexpected)
			rows, err := st.Queue(cmd.Context(), returns.View(list), warehouse, 200)
			if err != nil {
				return usageError{err}
			}
			for _, r := range rows {
				fmt.Fprintf(out, "%s %s %-10s %-10s %d/%d/%d  %s  %s\n", r.Number, r.Order, r.Status.Label(), r.Refund.Label(),
					r.Requested, r.Received, r.Inspected, r.Created.UTC().Format(time.DateOnly), r.Customer)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&warehouse, "warehouse", "", "one warehouse's RMAs (default all)")
	cmd.Flags().StringVar(&list, "list", string(returns.ViewOpen), "arrived, to_refund, expected, requested or open")
	return cmd
}

func newReturnsPolicyCmd(g *globals) *cobra.Command {
	var days int
	var shipping string
	cmd := &cobra.Command{
		Use:   "policy CHANNEL",
		Short: "Set a channel's return window and how refunds treat shipping",
		Long: `An RMA opened within --days of the order's shipping is authorised at once; later ones wait
for a supervisor. --shipping says what a refund pays back of what the customer paid for
shipping: none, share (in proportion to the units returned) or all_returned (all of it once
every shipped unit is refunded).`,
		Example: "  oms returns policy web-eu --days 30 --shipping share",
		Args:    exactly("CHANNEL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms returns", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			p := returns.Policy{Channel: args[0], Days: days, Shipping: model.ShippingRefund(shipping)}
			if err := returns.New(d).SetPolicy(cmd.Context(), p); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: returns within %d days are authorised at once; shipping refunded: %s\n",
				strings.ToLower(args[0]), days, shipping)
			return nil
		},
	}
	cmd.Flags().IntVar(&days, "days", 30, "the return window in days after shipping")
	cmd.Flags().StringVar(&shipping, "shipping", "share", "none, share or all_returned")
	return cmd
}

func newReturnsFeeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "fee REASON PERCENT",
		Short:   "Set the restocking fee a return reason keeps of the goods refunded",
		Example: "  oms returns fee RET_NO_LONGER_WANTED 10%",
		Args:    exactly("REASON", "PERCENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ppm, err := model.ParseTaxPercent(args[1])
			if err != nil {
				return usageError{fmt.Errorf("fee %q: %w", args[1], err)}
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms returns", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			if err := returns.New(d).SetFee(cmd.Context(), args[0], ppm); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s keeps %s%% of the goods refunded\n", strings.ToUpper(args[0]), model.FormatTaxPercent(ppm))
			return nil
		},
	}
}

func newReturnsAuthorizeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "authorize RMA",
		Short:   "Authorise an RMA opened outside its return window (a supervisor's command)",
		Example: "  oms returns authorize RMA-000123",
		Args:    exactly("RMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms returns", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			st := returns.New(d)
			id, err := st.ByScan(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := st.Authorize(cmd.Context(), "", id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is authorised\n", strings.ToUpper(args[0]))
			return nil
		},
	}
}

func newReturnsLabelCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:     "label RMA -o FILE.pdf",
		Short:   "Write an RMA's return label, to send to the customer",
		Example: "  oms returns label RMA-000123 -o RMA-000123.pdf",
		Args:    exactly("RMA"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("say where the label goes: -o FILE.pdf")}
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms returns", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			st := returns.New(d)
			id, err := st.ByScan(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			format, body, err := st.Label(cmd.Context(), id)
			if err != nil {
				return err
			}
			if len(body) == 0 {
				return fmt.Errorf("%s has no return label: no carrier took its order out", strings.ToUpper(args[0]))
			}
			if err := os.WriteFile(out, body, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s's return label (%s) → %s\n", strings.ToUpper(args[0]), format, out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the file to write")
	return cmd
}
