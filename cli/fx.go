package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/invoicing"
	"oms/model"
)

// newFXCmd is `oms fx`: the exchange rates invoices convert at (fx_rates: 1 unit of the base
// currency = rate units of the quote currency, from a date on).
func newFXCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fx",
		Short: "Set, import and show exchange rates",
		Long: `Exchange rates are stored per currency pair and date: "oms fx set EUR USD 1.0842" means
1 EUR = 1.0842 USD from that date on. Rates are exact decimals with up to 12 decimals, never
floating point. A conversion on a day uses the pair's latest rate on or before that day; when
only the other direction is stored, its exact inverse. Setting and importing rates is the back
office's work.`,
		Args: subcommandArgs("set, import and show"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms fx set, import or show (see oms fx --help)")}
		},
	}
	cmd.AddCommand(newFXSetCmd(g), newFXImportCmd(g), newFXShowCmd(g))
	return cmd
}

func withInvoicing(cmd *cobra.Command, g *globals, app string, fn func(ctx context.Context, s *invoicing.Store) error) error {
	d, err := g.openMigrated(cmd.Context(), db.Config{AppName: app, MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(cmd.Context(), invoicing.New(d))
}

// todayUTC is the date a rate is for when none is given. The company keeps no time zone of its
// own, and invoices date their rates in UTC (migration 00006).
func todayUTC() time.Time {
	d, _ := time.Parse(time.DateOnly, time.Now().UTC().Format(time.DateOnly))
	return d
}

// dateFlag reads --date (YYYY-MM-DD), today in UTC when it is not given.
func dateFlag(cmd *cobra.Command, value string) (time.Time, error) {
	if !cmd.Flags().Changed("date") {
		return todayUTC(), nil
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(value))
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("--date %q is not a date: write it as YYYY-MM-DD, such as 2026-11-30", value)}
	}
	return d, nil
}

func currencyArg(code string) (model.Currency, error) {
	c, err := model.LookupCurrency(code)
	if err != nil {
		return "", usageError{fmt.Errorf("%w: the currencies are %s", err, knownCurrencies())}
	}
	return c, nil
}

func knownCurrencies() string {
	var codes []string
	for _, c := range model.KnownCurrencies() {
		codes = append(codes, string(c))
	}
	return strings.Join(codes, ", ")
}

func newFXSetCmd(g *globals) *cobra.Command {
	var date, source string
	cmd := &cobra.Command{
		Use:   "set BASE QUOTE RATE",
		Short: "Store the rate of a currency pair for a date (1 BASE = RATE QUOTE)",
		Long: `Stores 1 BASE = RATE QUOTE for --date (today in UTC if not given). Setting the same pair
and date again replaces the rate and says what it was. The back office's work.`,
		Example: "  oms fx set EUR USD 1.0842 --date 2026-11-30 --source ecb",
		Args:    exactly("BASE", "QUOTE", "RATE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			base, err := currencyArg(args[0])
			if err != nil {
				return err
			}
			quote, err := currencyArg(args[1])
			if err != nil {
				return err
			}
			rate, err := model.ParseRate(args[2])
			if err == nil {
				err = model.CheckStorable(rate)
			}
			if err != nil {
				return usageError{err}
			}
			if base == quote {
				return usageError{fmt.Errorf("%s is always 1: an exchange rate needs two currencies", invoicing.Pair(base, quote))}
			}
			on, err := dateFlag(cmd, date)
			if err != nil {
				return err
			}
			return withInvoicing(cmd, g, "oms fx set", func(ctx context.Context, s *invoicing.Store) error {
				res, err := s.SetRate(ctx, invoicing.FXEntry{Base: base, Quote: quote, Date: on, Rate: rate, Source: source})
				if err != nil {
					return err
				}
				line := fmt.Sprintf("%s %s: %s", invoicing.Pair(base, quote), on.Format(time.DateOnly), rate)
				switch {
				case res.Replaced && res.Was == rate:
					line += " (unchanged)"
				case res.Replaced:
					line += fmt.Sprintf(" (was %s)", res.Was)
				}
				fmt.Fprintln(cmd.OutOrStdout(), line)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "the `DATE` the rate is for, YYYY-MM-DD (default today, UTC)")
	cmd.Flags().StringVar(&source, "source", "", "where the rate comes from, such as ecb (default manual)")
	return cmd
}

func newFXShowCmd(g *globals) *cobra.Command {
	var date string
	cmd := &cobra.Command{
		Use:     "show BASE QUOTE",
		Aliases: []string{"get"},
		Short:   "Print the rate a conversion from BASE to QUOTE uses on a date",
		Long: `Prints the rate of BASE → QUOTE in force on --date (today in UTC if not given): the pair's
latest rate on or before it or, when only QUOTE → BASE is stored, its exact inverse. Exits 1
when there is none.`,
		Example: "  oms fx show EUR USD --date 2026-11-30",
		Args:    exactly("BASE", "QUOTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			base, err := currencyArg(args[0])
			if err != nil {
				return err
			}
			quote, err := currencyArg(args[1])
			if err != nil {
				return err
			}
			on, err := dateFlag(cmd, date)
			if err != nil {
				return err
			}
			return withInvoicing(cmd, g, "oms fx show", func(ctx context.Context, s *invoicing.Store) error {
				f, err := s.FindRate(ctx, base, quote, on)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), describeRate(f))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "the `DATE` of the conversion, YYYY-MM-DD (default today, UTC)")
	return cmd
}

// describeRate is one line: the rate, and where it comes from.
func describeRate(f invoicing.FoundRate) string {
	head := fmt.Sprintf("%s %s: ", invoicing.Pair(f.Base, f.Quote), f.On.Format(time.DateOnly))
	switch {
	case f.Base == f.Quote:
		return head + "1 (the same currency)"
	case f.Inverse:
		exact := "1/" + f.Stored.String()
		if d, ok := f.Rate.Decimal(); ok {
			return fmt.Sprintf("%s%s = %s, the inverse of %s %s of %s (%s)", head, d, exact,
				invoicing.Pair(f.Quote, f.Base), f.Stored, f.Date.Format(time.DateOnly), f.Source)
		}
		return fmt.Sprintf("%s%s ≈ %s, the inverse of %s %s of %s (%s)", head, exact, f.Rate.Approx(12),
			invoicing.Pair(f.Quote, f.Base), f.Stored, f.Date.Format(time.DateOnly), f.Source)
	default:
		return fmt.Sprintf("%s%s, the rate of %s (%s)", head, f.Stored, f.Date.Format(time.DateOnly), f.Source)
	}
}

func newFXImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Store exchange rates from a CSV file, all or nothing",
		Long: `Reads FILE.csv ("-" for standard input) with the columns base, quote, date and rate, and
optionally source, found by name in the first line in any order; other columns are ignored. Each
row stores 1 base = rate quote from date (YYYY-MM-DD) on, replacing a rate stored for the same
pair and date. The file is imported in one transaction, all or nothing: each bad row is
reported on standard error as FILE:LINE: what is wrong, nothing is stored and the exit status
is 1. The last line on standard output is "imported N rates". The back office's work.`,
		Example: "  oms fx import rates.csv\n  curl -s https://rates.example/today.csv | oms fx import -",
		Args:    exactly("FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, data, err := readInputFile(cmd, args[0])
			if err != nil {
				return err
			}
			entries, bad, err := parseFXFile(name, data)
			if err != nil {
				return err
			}
			if len(bad) > 0 {
				return reportRefused(cmd, &invoicing.RefusedError{File: name, Rows: bad})
			}
			return withInvoicing(cmd, g, "oms fx import", func(ctx context.Context, s *invoicing.Store) error {
				res, err := s.ImportRates(ctx, name, entries)
				if err != nil {
					return reportRefused(cmd, err)
				}
				out := cmd.OutOrStdout()
				if res.Replaced > 0 {
					fmt.Fprintf(out, "%d of them replaced a stored rate of the same pair and date\n", res.Replaced)
				}
				fmt.Fprintf(out, "imported %d %s\n", res.Imported, plural(res.Imported, "rate", "rates"))
				return nil
			})
		},
	}
}

// readInputFile reads a file, or standard input for "-" (named stdin in messages).
func readInputFile(cmd *cobra.Command, path string) (name string, data []byte, err error) {
	if path == "-" {
		data, err = io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return "", nil, fmt.Errorf("reading standard input: %w", err)
		}
		return "stdin", data, nil
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return "", nil, usageError{fmt.Errorf("cannot read %s: %w", path, errors.Unwrap(err))}
	}
	return path, data, nil
}

// reportRefused writes each refused row of a *RefusedError on standard error; the error itself
// ("FILE: N bad rows, nothing imported") is the command's.
func reportRefused(cmd *cobra.Command, err error) error {
	var r *invoicing.RefusedError
	if errors.As(err, &r) {
		for _, row := range r.Rows {
			fmt.Fprintln(cmd.ErrOrStderr(), row.String())
		}
	}
	return err
}

// csvFile is a CSV file read by header names: cell gives a row's value of a column ("" when the
// file has no such column).
type csvFile struct {
	name    string
	columns map[string]int
	rows    [][]string
	lines   []int
}

// normalColumn lets "Valid From", "valid-from" and "valid_from" name the same column.
func normalColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// readRatesCSV reads data as a CSV file with a header (a byte-order mark and CRLF are fine, quoted
// cells may hold commas and line breaks). A missing required column or a column named twice is
// a usage mistake; aliases maps other names to a column's own.
func readRatesCSV(name, kind string, data []byte, required []string, aliases map[string]string) (*csvFile, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, usageError{fmt.Errorf("%s: the file is empty: a %s file starts with a header line naming its columns (%s)", name, kind, strings.Join(required, ", "))}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f := &csvFile{name: name, columns: map[string]int{}}
	for i, h := range header {
		col := normalColumn(h)
		if a, ok := aliases[col]; ok {
			col = a
		}
		if _, twice := f.columns[col]; twice && col != "" {
			return nil, usageError{fmt.Errorf("%s: the header names the column %s twice", name, col)}
		}
		f.columns[col] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := f.columns[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, usageError{fmt.Errorf("%s: a %s file needs the %s %s in its header", name, kind,
			plural(len(missing), "column", "columns"), strings.Join(missing, ", "))}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		line, _ := r.FieldPos(0)
		f.rows = append(f.rows, rec)
		f.lines = append(f.lines, line)
	}
	return f, nil
}

func (f *csvFile) cell(row []string, col string) string {
	i, ok := f.columns[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// parseFXFile reads an exchange rate file; bad rows come back as FILE:LINE: reason, every one.
func parseFXFile(name string, data []byte) ([]invoicing.FXEntry, []invoicing.RowError, error) {
	f, err := readRatesCSV(name, "rates", data, []string{"base", "quote", "date", "rate"},
		map[string]string{"rate_date": "date"})
	if err != nil {
		return nil, nil, err
	}
	var entries []invoicing.FXEntry
	var bad []invoicing.RowError
	for i, row := range f.rows {
		e, err := parseFXRow(f, row)
		if err != nil {
			bad = append(bad, invoicing.RowError{File: name, Line: f.lines[i], Reason: err.Error()})
			continue
		}
		e.Line = f.lines[i]
		entries = append(entries, e)
	}
	return entries, bad, nil
}

func parseFXRow(f *csvFile, row []string) (invoicing.FXEntry, error) {
	var e invoicing.FXEntry
	var err error
	for _, c := range []struct {
		col string
		to  *model.Currency
	}{{"base", &e.Base}, {"quote", &e.Quote}} {
		v := f.cell(row, c.col)
		if v == "" {
			return e, fmt.Errorf("%s is empty: a currency such as EUR", c.col)
		}
		if *c.to, err = model.LookupCurrency(v); err != nil {
			return e, fmt.Errorf("%s %s is not a currency oms knows", c.col, v)
		}
	}
	if e.Base == e.Quote {
		return e, fmt.Errorf("%s is always 1: an exchange rate needs two currencies", invoicing.Pair(e.Base, e.Quote))
	}
	d := f.cell(row, "date")
	if e.Date, err = time.Parse(time.DateOnly, d); err != nil {
		return e, fmt.Errorf("date %q is not a date written YYYY-MM-DD", d)
	}
	if e.Rate, err = model.ParseRate(f.cell(row, "rate")); err != nil {
		return e, err
	}
	if err := model.CheckStorable(e.Rate); err != nil {
		return e, err
	}
	e.Source = f.cell(row, "source")
	return e, nil
}
