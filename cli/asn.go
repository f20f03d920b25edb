package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db/inbound"
)

// Advance shipping notices (issue 16, db/inbound): a supplier's notice for a PO, recorded by
// the back office and received whole at the dock by its number or its pallet's SSCC.

func newASNCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "asn",
		Short: "Advance shipping notices: record a supplier's notice, show it, receive it whole",
		Args:  subcommandArgs("create, show or receive"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms asn create|show|receive (see oms asn --help)")}
		},
	}
	cmd.AddCommand(newASNCreateCmd(g), newASNShowCmd(g), newASNReceiveCmd(g))
	return cmd
}

func newASNCreateCmd(g *globals) *cobra.Command {
	var sscc, expected, note string
	cmd := &cobra.Command{
		Use:   "create PO NUMBER SKU=QTY[/LOT[/EXPIRY]]... [--sscc CODE --expected D --note TEXT]",
		Short: "Record a supplier's notice for a purchase order (the back office's)",
		Long: `Records what a supplier says is on its way for a PO: its despatch advice NUMBER, one
SKU=QTY a line (lot-tracked products with /LOT and /YYYY-MM-DD expiry), and the pallet label's
SSCC. No line may announce more than the PO has open. Stock receives it with oms asn receive.`,
		Example: "  oms asn create PO-000001 DESADV-7781 TEE-1=6 MILK-1=20/L2701/2027-01-31 --sscc 387123450000077816",
		Args:    atLeastOne("PO NUMBER", "SKU=QTY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 3 {
				return usageError{errors.New("oms asn create needs the PO, the notice's number and at least one SKU=QTY")}
			}
			day, err := parseDay("expected", expected)
			if err != nil {
				return err
			}
			lines, err := inbound.ParseASNLines(args[2:])
			if err != nil {
				return usageError{err}
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				a, err := st.CreateASN(ctx, "", inbound.ASNRequest{PO: args[0], Number: args[1], SSCC: sscc, Expected: day, Lines: lines, Note: note})
				if err != nil {
					return err
				}
				printASN(out, a)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&sscc, "sscc", "", "the pallet label's SSCC (18 digits or its GS1 scan)")
	cmd.Flags().StringVar(&expected, "expected", "", "the day it is expected (YYYY-MM-DD)")
	cmd.Flags().StringVar(&note, "note", "", "a note")
	return cmd
}

func newASNShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "show NUMBER|SSCC",
		Short:   "Print a notice: a line for it, then one per line",
		Example: "  oms asn show DESADV-7781",
		Args:    exactly("NUMBER|SSCC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				a, err := st.ASN(ctx, args[0])
				if err != nil {
					return err
				}
				printASN(out, a)
				return nil
			})
		},
	}
}

func newASNReceiveCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "receive NUMBER|SSCC",
		Short: "Receive a notice whole, as announced, into receiving (stock's work)",
		Long: `Receives every line of the notice into the warehouse's receiving location through the same
checks as a scanned receipt (open PO, over-receipt tolerance, lots). A notice is received once.`,
		Example: "  oms asn receive 387123450000077816",
		Args:    exactly("NUMBER|SSCC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				r, err := st.ReceiveASN(ctx, "", args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s: %s on %s received against %s; %s\n", r.ASN, replenCount(r.Units, "unit"), replenCount(int64(r.Lines), "line"), r.PO, strings.ReplaceAll(r.Status, "_", " "))
				return nil
			})
		},
	}
}

func printASN(out io.Writer, a inbound.ASN) {
	state := "expected"
	if a.ReceivedAt != nil {
		state = fmt.Sprintf("received by %s at %s", a.ReceivedBy, a.ReceivedAt.Local().Format("2006-01-02 15:04"))
	}
	extra := ""
	if a.SSCC != "" {
		extra += " SSCC " + a.SSCC
	}
	if a.Expected != nil {
		extra += " on " + a.Expected.Format(time.DateOnly)
	}
	fmt.Fprintf(out, "%s %s for %s%s, %s\n", a.Number, a.Supplier, a.PO, extra, state)
	for _, l := range a.Lines {
		lot := ""
		if l.Lot != "" {
			lot = " lot " + l.Lot
			if l.Expires != nil {
				lot += " expires " + l.Expires.Format(time.DateOnly)
			}
		}
		fmt.Fprintf(out, "%s %d%s\n", l.SKU, l.Qty, lot)
	}
}
