package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"oms/db"
	dbship "oms/db/shipping"
	"oms/shipping"
)

// newCarriersCmd is `oms carriers`: the carriers' rate cards and accounts.
func newCarriersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "carriers",
		Short: "Import carriers' rate cards and set their accounts",
		Long: `A carrier's prices are a rate card: zones by country and postcode prefix, weight breaks per
service and zone, the dimensional divisor, fuel and remote-area surcharges and the days the card
is valid (the file format is in shipping/ratecards/README.md). Packing rate-shops every card
valid on the day a parcel ships. The back office's work.`,
		Args: subcommandArgs("import and account"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms carriers import or account (see oms carriers --help)")}
		},
	}
	cmd.AddCommand(newCarriersImportCmd(g), newCarriersAccountCmd(g))
	return cmd
}

func newCarriersImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv...",
		Short: "Store carriers' rate cards, each file all or nothing",
		Long: `Reads each rate card (one carrier and first day a file; "-" for standard input) and stores it
with its carrier and services, replacing a card of the same carrier that starts on the same
day. A card with any bad row is refused whole: each problem is printed as FILE line N column C:
reason, and the exit status is 1. Importing the same file again changes nothing.`,
		Example: "  oms carriers import shipping/ratecards/*.csv",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms carriers import", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			return importCards(cmd.Context(), cmd, dbship.New(d), args)
		},
	}
}

func importCards(ctx context.Context, cmd *cobra.Command, s *dbship.Store, files []string) error {
	failed := 0
	for _, f := range files {
		name, data, err := readInputFile(cmd, f)
		if err != nil {
			return err
		}
		card, err := shipping.ReadRateCard(name, data)
		if err != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), err)
			failed++
			continue
		}
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])
		res, err := s.ImportRateCard(ctx, "carriers-import:"+hash, card, name, hash)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		verb := "imported"
		if res.Replaced {
			verb = "replaced"
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s %s card from %s: %d services, %d zones, %d rates\n", verb, res.Carrier,
			res.ValidFrom, res.Services, res.Zones, res.Rates)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d rate cards refused", failed, len(files))
	}
	return nil
}

func newCarriersAccountCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "account CARRIER ACCOUNT",
		Short: "Set the account a carrier's tracking numbers are made with",
		Long: `Tracking numbers are made by oms in each carrier's format with its check digit, from the
account the carrier gave: for UPS the shipper number and service code ("5R893903"), for a
postal carrier (UPU S10) the service indicator and country ("CPNL"; without one, parcels are
"CP" from the warehouse's country). FedEx and DHL numbers need none.`,
		Example: "  oms carriers account ups 5R893903",
		Args:    exactly("CARRIER", "ACCOUNT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms carriers account", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			if err := dbship.New(d).SetAccount(cmd.Context(), args[0], args[1]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s tracking numbers are now made with account %s\n", args[0], args[1])
			return nil
		},
	}
}
