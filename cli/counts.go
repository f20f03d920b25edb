package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/counts"
)

func newCountsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "counts",
		Short: "Plan stock counts and list them",
		Args:  subcommandArgs("plan, list or tolerance"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms counts plan|list|tolerance (see oms counts --help)")}
		},
	}
	cmd.AddCommand(newCountsPlanCmd(g), newCountsListCmd(g), newCountsToleranceCmd(g))
	return cmd
}

func newCountsPlanCmd(g *globals) *cobra.Command {
	var maxBins int
	cmd := &cobra.Command{
		Use:   "plan WAREHOUSE zone|aisle|bins|abc|flags [ARG]",
		Short: "Plan a count: its bins become count tasks counters claim on the counts screen (f7)",
		Long: `Plans a count of a warehouse's bins, in pick sequence: a zone or an aisle (ARG names it), a
list of bins (ARG: codes separated by commas), the bins holding products of an ABC class (ARG:
A, B or C; by units shipped in the last 90 days) not counted within the class's frequency (30,
90 or 365 days), or the bins short picks flagged. Bins with a count already open are left out.`,
		Example: "  oms counts plan RTM1 zone A --max-bins 40\n  oms counts plan RTM1 bins A-01-01-1,A-01-02-1\n  oms counts plan RTM1 abc A",
		Args:    cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 3 {
				arg = args[2]
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms counts", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			c, err := counts.New(d).Plan(cmd.Context(), "", counts.PlanRequest{Warehouse: args[0], How: strings.ToLower(args[1]), Arg: arg, MaxBins: maxBins})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s: %s, %d %s to count\n", c.Number, c.Warehouse, c.Plan, c.Bins, plural(c.Bins, "bin", "bins"))
			return nil
		},
	}
	cmd.Flags().IntVar(&maxBins, "max-bins", 500, "at most this many bins")
	return cmd
}

func newCountsListCmd(g *globals) *cobra.Command {
	var warehouse string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the counts under way, and the last ones finished",
		Args:  exactly(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms counts", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			cs, err := counts.New(d).Counts(cmd.Context(), warehouse)
			if err != nil {
				return err
			}
			for _, c := range cs {
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s %-8s %d bins: %d to count, %d for a supervisor, %d posted  %s\n",
					c.Number, c.Warehouse, c.Status, c.Bins, c.Open, c.Review, c.Posted, c.Plan)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&warehouse, "warehouse", "", "one warehouse's counts (default all)")
	return cmd
}

func newCountsToleranceCmd(g *globals) *cobra.Command {
	var units int
	var value string
	var show bool
	cmd := &cobra.Command{
		Use:   "tolerance WAREHOUSE --units N --value AMOUNT [--show-expected]",
		Short: "Set how far a count may differ from the books before someone else recounts it",
		Long: `A counted bin whose variance stays within --units of every product and --value in all (in the
company's currency, at the products' unit costs) posts at once; beyond either, another person
recounts it and a supervisor who counted neither decides. Counts are blind unless
--show-expected (a supervisor's setting).`,
		Example: "  oms counts tolerance RTM1 --units 1 --value 50.00",
		Args:    exactly("WAREHOUSE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms counts", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			err = counts.New(d).SetTolerance(cmd.Context(), counts.Tolerance{Warehouse: args[0], Units: units, Value: value, ShowExpected: show})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: counts within %d %s and %s post at once%s\n", strings.ToUpper(args[0]), units,
				plural(units, "unit", "units"), value,
				map[bool]string{true: "; counters see what the books expect", false: "; counts are blind"}[show])
			return nil
		},
	}
	cmd.Flags().IntVar(&units, "units", 0, "units a product may differ by")
	cmd.Flags().StringVar(&value, "value", "0", "value the bin's variances may come to, in the company's currency")
	cmd.Flags().BoolVar(&show, "show-expected", false, "show counters what the books expect")
	return cmd
}
