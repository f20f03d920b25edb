package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/company"
	"oms/model"
)

// newCompanyCmd is `oms company`: the seller as invoices state it (its address, migration
// 00028, and its tax settings, 00027). oms init creates the company; this keeps it.
func newCompanyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "company",
		Short: "Show and set the company's address and tax settings",
		Long: `The company is the seller on every invoice: its name, country and base currency come from
oms init and do not change; its postal address, phone, e-mail, VAT number and tax settings are
kept with oms company set (an admin's work) and printed on every document issued afterwards.`,
		Args: subcommandArgs("show and set"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms company show or set (see oms company --help)")}
		},
	}
	cmd.AddCommand(newCompanyShowCmd(g), newCompanySetCmd(g))
	return cmd
}

func withCompany(cmd *cobra.Command, g *globals, app string, fn func(ctx context.Context, s *company.Store) error) error {
	d, err := g.openMigrated(cmd.Context(), db.Config{AppName: app, MaxConns: 1})
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(cmd.Context(), company.New(d))
}

func newCompanyShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print the company: name, country, base currency, address, VAT number and tax settings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withCompany(cmd, g, "oms company show", func(ctx context.Context, s *company.Store) error {
				p, ok, err := s.Profile(ctx)
				if err != nil {
					return err
				}
				if !ok {
					return errors.New("the database has no company yet: run oms init first")
				}
				printProfile(cmd.OutOrStdout(), p)
				return nil
			})
		},
	}
}

// printProfile prints the company as `oms company show` does, one setting a line.
func printProfile(w io.Writer, p company.Profile) {
	or := func(s, none string) string {
		if s == "" {
			return none
		}
		return s
	}
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	var addr []string
	for _, s := range []string{p.Line1, p.Line2, strings.TrimSpace(p.PostalCode + " " + p.City), p.Region} {
		if s != "" {
			addr = append(addr, s)
		}
	}
	fmt.Fprintf(w, "name:            %s\n", p.Name)
	fmt.Fprintf(w, "country:         %s\n", p.Country)
	fmt.Fprintf(w, "base currency:   %s\n", p.Currency)
	fmt.Fprintf(w, "address:         %s\n", or(strings.Join(addr, ", "), "(none: set one with oms company set --address-line1 … --city …)"))
	fmt.Fprintf(w, "phone:           %s\n", or(p.Phone, "(none)"))
	fmt.Fprintf(w, "e-mail:          %s\n", or(p.Email, "(none)"))
	fmt.Fprintf(w, "VAT number:      %s\n", or(p.VATNumber, "(none)"))
	fmt.Fprintf(w, "tax rounding:    %s\n", p.Rounding)
	fmt.Fprintf(w, "OSS registered:  %s\n", yesNo(p.OSSRegistered))
	fmt.Fprintf(w, "over threshold:  %s\n", yesNo(p.OverDistanceThreshold))
	fmt.Fprintf(w, "GS1 prefix:      %s\n", or(p.GS1Prefix, "(none: parcels cannot get an SSCC)"))
}

// companyFlags are the settings `oms company set` takes, each a flag.
var companyFlags = []struct{ flag, usage string }{
	{"vat-number", "the company's VAT number, of its own country (\"\" removes it)"},
	{"tax-rounding", "where tax is rounded: line (each line) or invoice (once per rate and document)"},
	{"address-line1", "the first line of the postal address (street and number)"},
	{"address-line2", "the second line of the postal address"},
	{"postal-code", "the postal code"},
	{"city", "the city"},
	{"region", "the region, state or province"},
	{"phone", "the company's phone number, such as +31 10 123 4567"},
	{"email", "the company's e-mail address"},
	{"gs1-prefix", "the GS1 company prefix (7 to 11 digits) parcels' SSCCs are made with"},
}

func newCompanySetCmd(g *globals) *cobra.Command {
	texts := map[string]*string{}
	var oss, over bool
	cmd := &cobra.Command{
		Use:   "set [--vat-number V] [--tax-rounding line|invoice] [--oss=true|false] [--over-threshold=true|false] [--address-line1 …] [--city …] …",
		Short: "Set the company's address and tax settings (only the flags given)",
		Long: `Changes only the settings whose flags are given, in one transaction, and prints the company
as it is afterwards. The VAT number must be well formed and of the company's own country (a GB
company may hold an XI number); an empty one removes it. --oss says the company declares EU
distance sales through the One Stop Shop, --over-threshold that it is over the EUR 10,000
distance-sale threshold; both decide the tax of orders entered by hand. An address needs a
first line and a city. Documents already issued keep their amounts and tax; printed again,
they show the company as it is now. An admin's work.`,
		Example: `  oms company set --vat-number NL123456789B01 --tax-rounding line --oss=true
  oms company set --address-line1 "Wijnhaven 3" --postal-code "3011 WG" --city Rotterdam --phone "+31 10 123 4567"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var c company.Changes
			given := func(flag string) *string {
				if !cmd.Flags().Changed(flag) {
					return nil
				}
				return texts[flag]
			}
			c.VATNumber, c.Line1, c.Line2 = given("vat-number"), given("address-line1"), given("address-line2")
			c.PostalCode, c.City, c.Region = given("postal-code"), given("city"), given("region")
			c.Phone, c.Email, c.GS1Prefix = given("phone"), given("email"), given("gs1-prefix")
			if r := given("tax-rounding"); r != nil {
				v := company.TaxRounding(strings.ToLower(strings.TrimSpace(*r)))
				if v != company.RoundPerLine && v != company.RoundPerInvoice {
					return usageError{fmt.Errorf("--tax-rounding %q: choose line or invoice", *r)}
				}
				c.Rounding = &v
			}
			if cmd.Flags().Changed("oss") {
				c.OSSRegistered = &oss
			}
			if cmd.Flags().Changed("over-threshold") {
				c.OverDistanceThreshold = &over
			}
			if c.Empty() {
				return usageError{errors.New("say what to set: oms company set --vat-number, --tax-rounding, --oss, --over-threshold, --gs1-prefix or an address flag (see oms company set --help)")}
			}
			if c.VATNumber != nil && strings.TrimSpace(*c.VATNumber) != "" {
				if _, err := model.ValidVATNumber(*c.VATNumber); err != nil {
					return usageError{err}
				}
			}
			return withCompany(cmd, g, "oms company set", func(ctx context.Context, s *company.Store) error {
				p, err := s.Update(ctx, c)
				if err != nil {
					return err
				}
				printProfile(cmd.OutOrStdout(), p)
				return nil
			})
		},
	}
	for _, f := range companyFlags {
		texts[f.flag] = new(string)
		cmd.Flags().StringVar(texts[f.flag], f.flag, "", f.usage)
	}
	cmd.Flags().BoolVar(&oss, "oss", false, "the company declares EU distance sales through the One Stop Shop")
	cmd.Flags().BoolVar(&over, "over-threshold", false, "the company is over the EUR 10,000 EU distance-sale threshold")
	return cmd
}

// newCustomersCmd is `oms customers`: what the back office keeps about a customer that orders
// do not bring, for now a business customer's VAT number.
func newCustomersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customers",
		Short: "Keep customers' details orders do not bring (their VAT numbers)",
		Args:  subcommandArgs("vat"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms customers vat (see oms customers --help)")}
		},
	}
	cmd.AddCommand(newCustomersVATCmd(g))
	return cmd
}

func newCustomersVATCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "vat CHANNEL EXTERNAL-ID VAT-NUMBER",
		Short: "Set the VAT number of a business customer (\"\" removes it)",
		Long: `Records the VAT number of the customer CHANNEL knows as EXTERNAL-ID (the customer id in the
channel's order files). A business customer's VAT number decides reverse charge on the orders
entered for it by hand and is printed on its invoices (documents already issued keep their tax;
printed again, they show the number as it is now). The number must be well formed (a country
prefix and that country's format); "" removes it. The back office's work.`,
		Example: `  oms customers vat web 10042 "DE 123 456 789"`,
		Args:    exactly("CHANNEL", "EXTERNAL-ID", "VAT-NUMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(args[2]) != "" {
				if _, err := model.ValidVATNumber(args[2]); err != nil {
					return usageError{err}
				}
			}
			return withCompany(cmd, g, "oms customers vat", func(ctx context.Context, s *company.Store) error {
				c, err := s.SetCustomerVATNumber(ctx, args[0], args[1], args[2])
				if err != nil {
					return err
				}
				now := c.VATNumber
				if now == "" {
					now = "no VAT number"
				}
				line := fmt.Sprintf("%s (%s): %s", c.Name, c.Country, now)
				switch {
				case c.Was == c.VATNumber:
					line += " (unchanged)"
				case c.Was != "":
					line += fmt.Sprintf(" (was %s)", c.Was)
				}
				fmt.Fprintln(cmd.OutOrStdout(), line)
				return nil
			})
		},
	}
}
