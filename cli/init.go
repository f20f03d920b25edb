package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"oms/catalog"
	"oms/db"
	"oms/db/company"
	"oms/model"
)

func newInitCmd(g *globals) *cobra.Command {
	var name, country, currency string
	cmd := &cobra.Command{
		Use:   "init --company NAME --country CC --currency CUR",
		Short: "Set up an empty, migrated database for your company, before importing your own data",
		Long: `Records the company the database belongs to: its name, its country (ISO 3166 code such as
NL) and its base currency (ISO 4217 code such as EUR), the one invoices convert to. It checks
that the virtual locations the stock ledger balances against (supplier, customer, adjustment,
scrap, transit) are there. Then import your warehouses, locations, products and channels with
oms catalog import, and your orders with oms import.

Run as an admin (a member of oms_admin). Running it again with the same company changes
nothing; on a database set up for another company it exits 1 and names that company.`,
		Example: `  oms init --company "Jansen Trading B.V." --country NL --currency EUR`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := initCompany(name, country, currency)
			if err != nil {
				return usageError{err}
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms init", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			created, err := company.New(d).Init(cmd.Context(), c)
			switch {
			case err != nil:
				return err // exit 1; on another company's database it names that company
			case created:
				fmt.Fprintf(cmd.OutOrStdout(), "set up for %s; next: oms catalog import warehouses FILE.csv\n", c)
			default:
				fmt.Fprintf(cmd.OutOrStdout(), "already set up for %s; nothing changed\n", c)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "company", "", "the company's name (required)")
	cmd.Flags().StringVar(&country, "country", "", "its country, ISO 3166 code such as NL (required)")
	cmd.Flags().StringVar(&currency, "currency", "", "its base currency, ISO 4217 code such as EUR (required)")
	return cmd
}

// initCompany checks the flags as a person typed them: codes in any case.
func initCompany(name, country, currency string) (company.Company, error) {
	name, country, currency = strings.TrimSpace(name), strings.ToUpper(strings.TrimSpace(country)), strings.ToUpper(strings.TrimSpace(currency))
	switch {
	case name == "" || country == "" || currency == "":
		return company.Company{}, errors.New("--company, --country and --currency are all required")
	case len(name) > 200:
		return company.Company{}, errors.New("--company is longer than 200 characters")
	case !catalog.IsCountry(country):
		return company.Company{}, fmt.Errorf("--country %s is not an ISO 3166 country code (such as NL, DE, GB, US)", country)
	case len(currency) != 3 || strings.Trim(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		return company.Company{}, fmt.Errorf("--currency %s is not an ISO 4217 code (three letters such as EUR)", currency)
	}
	return company.Company{Name: name, Country: country, Currency: model.Currency(currency)}, nil
}
