package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"oms/db/invoicing"
	"oms/model"
)

// newTaxCmd is `oms tax`: the tax rates of each country (and region) and tax category.
func newTaxCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tax",
		Short: "Import and list tax rates",
		Long: `Tax rates are kept per country, region (empty for the whole country) and tax category
(standard, reduced, zero, exempt), each from a date on, in parts per million so that tax
arithmetic stays exact: 5.5 % is 55000 ppm. Importing them is the back office's work.`,
		Args: subcommandArgs("import and list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms tax import or list (see oms tax --help)")}
		},
	}
	cmd.AddCommand(newTaxImportCmd(g), newTaxListCmd(g))
	return cmd
}

func newTaxImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Add tax rates from a CSV file, all or nothing",
		Long: `Reads FILE.csv ("-" for standard input) with the columns country, region, category, rate
and valid_from, and optionally valid_to and name, found by name in the first line in any order
("valid from" and "tax_category" are read too); other columns are ignored. rate is a percentage
with up to 4 decimals ("21", "5.5", "8.875"), stored exactly in parts per million; category must
be a tax category the database has; dates are YYYY-MM-DD; an empty name is the category's.

A rate without valid_to is in force until a later rate of the same country, region and
category starts: importing that later rate closes it (valid_to becomes the later rate's
valid_from). Periods of one country, region and category may not overlap. A row that is stored
already (same start, same rate) changes nothing; a stored rate is never rewritten.

The file is imported in one transaction, all or nothing: each bad row is reported on standard
error as FILE:LINE: reason, nothing is stored and the exit status is 1. The last line on
standard output is "imported N rates". The back office's work.`,
		Example: "  oms tax import tax_rates.csv",
		Args:    exactly("FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, data, err := readInputFile(cmd, args[0])
			if err != nil {
				return err
			}
			rows, bad, err := parseTaxFile(name, data)
			if err != nil {
				return err
			}
			if len(bad) > 0 {
				return reportRefused(cmd, &invoicing.RefusedError{File: name, Rows: bad})
			}
			return withInvoicing(cmd, g, "oms tax import", func(ctx context.Context, s *invoicing.Store) error {
				res, err := s.ImportTaxRates(ctx, name, rows)
				if err != nil {
					return reportRefused(cmd, err)
				}
				out := cmd.OutOrStdout()
				if res.Unchanged > 0 {
					fmt.Fprintf(out, "%d unchanged (stored already)\n", res.Unchanged)
				}
				if res.Closed > 0 {
					fmt.Fprintf(out, "closed %d %s that a later rate follows\n", res.Closed, plural(res.Closed, "rate", "rates"))
				}
				fmt.Fprintf(out, "imported %d %s\n", res.Imported, plural(res.Imported, "rate", "rates"))
				return nil
			})
		},
	}
}

func newTaxListCmd(g *globals) *cobra.Command {
	var country, date string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print the tax rates in force today",
		Long: `Prints the tax rates in force today (UTC), or on --date, by country, region and category;
--country narrows them to one country.`,
		Example: "  oms tax list --country NL",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cc := strings.ToUpper(strings.TrimSpace(country))
			if cc != "" && !isCountryCode(cc) {
				return usageError{fmt.Errorf("--country %q is not an ISO 3166 code of two letters, such as NL", country)}
			}
			on, err := dateFlag(cmd, date)
			if err != nil {
				return err
			}
			return withInvoicing(cmd, g, "oms tax list", func(ctx context.Context, s *invoicing.Store) error {
				rates, err := s.TaxRatesInForce(ctx, on, cc)
				if err != nil {
					return err
				}
				if len(rates) == 0 {
					where := ""
					if cc != "" {
						where = " for " + cc
					}
					fmt.Fprintf(cmd.OutOrStdout(), "no tax rates in force%s on %s (import them with oms tax import)\n", where, on.Format(time.DateOnly))
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "country\tregion\tcategory\trate\tvalid from\tvalid to\tname")
				for _, r := range rates {
					to := ""
					if !r.ValidTo.IsZero() {
						to = r.ValidTo.Format(time.DateOnly)
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s %%\t%s\t%s\t%s\n", r.Country, r.Region, r.Category,
						model.FormatTaxPercent(r.RatePPM), r.ValidFrom.Format(time.DateOnly), to, r.Name)
				}
				return w.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&country, "country", "", "only the rates of `CC` (ISO 3166, such as NL)")
	cmd.Flags().StringVar(&date, "date", "", "the rates in force on `DATE`, YYYY-MM-DD (default today, UTC)")
	return cmd
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// parseTaxFile reads a tax rate file; bad rows come back as FILE:LINE: reason, every one.
func parseTaxFile(name string, data []byte) ([]invoicing.TaxRate, []invoicing.RowError, error) {
	f, err := readRatesCSV(name, "tax rates", data, []string{"country", "region", "category", "rate", "valid_from"},
		map[string]string{"tax_category": "category", "from": "valid_from", "to": "valid_to", "rate_percent": "rate"})
	if err != nil {
		return nil, nil, err
	}
	var rows []invoicing.TaxRate
	var bad []invoicing.RowError
	for i, row := range f.rows {
		r, err := parseTaxRow(f, row)
		if err != nil {
			bad = append(bad, invoicing.RowError{File: name, Line: f.lines[i], Reason: err.Error()})
			continue
		}
		r.Line = f.lines[i]
		rows = append(rows, r)
	}
	return rows, bad, nil
}

func parseTaxRow(f *csvFile, row []string) (invoicing.TaxRate, error) {
	r := invoicing.TaxRate{
		Country:  strings.ToUpper(f.cell(row, "country")),
		Region:   strings.ToUpper(f.cell(row, "region")),
		Category: strings.ToLower(f.cell(row, "category")),
		Name:     f.cell(row, "name"),
	}
	var err error
	switch {
	case !isCountryCode(r.Country):
		return r, fmt.Errorf("country %q is not an ISO 3166 code of two letters, such as NL", f.cell(row, "country"))
	case r.Category == "":
		return r, errors.New("category is empty: a tax category such as standard or reduced")
	}
	if r.RatePPM, err = model.ParseTaxPercent(f.cell(row, "rate")); err != nil {
		return r, err
	}
	from := f.cell(row, "valid_from")
	if r.ValidFrom, err = time.Parse(time.DateOnly, from); err != nil {
		return r, fmt.Errorf("valid_from %q is not a date written YYYY-MM-DD", from)
	}
	if to := f.cell(row, "valid_to"); to != "" {
		if r.ValidTo, err = time.Parse(time.DateOnly, to); err != nil {
			return r, fmt.Errorf("valid_to %q is not a date written YYYY-MM-DD", to)
		}
		if !r.ValidTo.After(r.ValidFrom) {
			return r, fmt.Errorf("valid_to %s is not after valid_from %s", to, from)
		}
	}
	return r, nil
}
