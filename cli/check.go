package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"oms/db"
)

// errViolations makes `oms check` exit 1 after it has printed what it found.
var errViolations = errors.New("invariants violated")

func newCheckCmd(g *globals) *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Audit every invariant of the stock ledger, reservations and orders",
		Long: `Checks, in one consistent snapshot, that:
  - every stock balance equals the sum of its movements in the ledger,
  - no real location holds negative stock,
  - reserved stock never exceeds stock on hand,
  - each order line's reservations equal its open allocation (allocated − shipped),
  - each balance's reserved quantity equals the reservations held there,
  - each order's stored status is the one its lines give (and its shipments, once it is shipped),
  - the queue's counts per status equal the orders.
Prints every violation as a sentence and exits 1 if there is any, 0 if all hold.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usageError{fmt.Errorf("--limit must be 0 (show all) or more, not %d", limit)}
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms check", MaxConns: 2})
			if err != nil {
				return err
			}
			defer d.Close()
			rep, err := d.Check(cmd.Context(), limit)
			if err != nil {
				return err
			}
			printReport(cmd, rep, limit)
			if !rep.OK() {
				return errViolations
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "show at most this many violations per rule (0 = all)")
	return cmd
}

func printReport(cmd *cobra.Command, rep db.CheckReport, limit int) {
	out := cmd.OutOrStdout()
	for _, rule := range rep.Rules {
		mark := "ok  "
		if rule.Violations > 0 {
			mark = "FAIL"
		}
		fmt.Fprintf(out, "%s %s", mark, rule.Description)
		if rule.Violations > 0 {
			fmt.Fprintf(out, ": %d violation(s)", rule.Violations)
		}
		fmt.Fprintln(out)
		shown := 0
		for _, v := range rep.Violations {
			if v.Rule == rule.Rule {
				fmt.Fprintf(out, "     - %s\n", v.Message)
				shown++
			}
		}
		if int64(shown) < rule.Violations {
			fmt.Fprintf(out, "     … and %d more (use --limit 0 to see all)\n", rule.Violations-int64(shown))
		}
	}
	if rep.OK() {
		fmt.Fprintln(out, "all invariants hold")
	}
}
