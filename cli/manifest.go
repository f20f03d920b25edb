package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"oms/db"
	dbship "oms/db/shipping"
	"oms/shipping/label"
	"oms/shipping/shippdf"
)

func newManifestCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "manifest",
		Short: "Close the day's parcels of a carrier into a manifest",
		Args:  subcommandArgs("close"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms manifest close (see oms manifest --help)")}
		},
	}
	cmd.AddCommand(newManifestCloseCmd(g))
	return cmd
}

func newManifestCloseCmd(g *globals) *cobra.Command {
	var carrier, warehouse, out string
	cmd := &cobra.Command{
		Use:   "close --carrier CODE --warehouse CODE",
		Short: "Close a carrier's shipped parcels of a warehouse into a manifest (PDF and CSV)",
		Long: `Closes every shipped, labelled parcel of the carrier from the warehouse that is on no manifest
yet into a new one, and writes it as M-000012.pdf (for the driver to sign) and M-000012.csv
(SSCC, tracking number, service, weight, destination per parcel) into --out (default: the
current directory). A parcel shipped while it runs goes on the next manifest; a parcel on a
closed manifest can no longer be voided or moved. Nothing waiting is an error (exit 1). The
packer's or supervisor's work.`,
		Example: "  oms manifest close --carrier dhl-express --warehouse RTM1 --out /srv/manifests",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if carrier == "" || warehouse == "" {
				return usageError{errors.New("oms manifest close needs --carrier and --warehouse")}
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms manifest close", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			m, err := dbship.New(d).CloseManifest(cmd.Context(), commandKey("manifest-close:"+carrier), carrier, warehouse)
			if err != nil {
				return err
			}
			files, err := writeManifest(cmd.Context(), m, out)
			if err != nil {
				return fmt.Errorf("manifest %s is closed, but writing it failed: %w", m.Number, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s %s: %s, %.1f kg → %s\n", m.Number, m.Name, m.Warehouse,
				plural(len(m.Parcels), "1 parcel", fmt.Sprintf("%d parcels", len(m.Parcels))), float64(m.WeightG)/1000,
				strings.Join(files, ", "))
			return nil
		},
	}
	cmd.Flags().StringVar(&carrier, "carrier", "", "the carrier's `CODE` (dhl-express, ups, postnl …)")
	cmd.Flags().StringVar(&warehouse, "warehouse", "", "the warehouse's `CODE`")
	cmd.Flags().StringVar(&out, "out", ".", "the `DIR` the PDF and CSV are written to")
	return cmd
}

// writeManifest writes the manifest's PDF and CSV into dir, each atomically.
func writeManifest(ctx context.Context, m dbship.Manifest, dir string) ([]string, error) {
	h := shippdf.Handover{Number: m.Number, Carrier: m.Name, Account: m.Account, Warehouse: m.Warehouse, Country: m.Country,
		ClosedAt: m.ClosedAt}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	_ = w.Write([]string{"manifest", "order", "sscc", "tracking_number", "service", "weight_g", "country", "postal_code"})
	for _, p := range m.Parcels {
		h.Parcels = append(h.Parcels, shippdf.HandoverParcel{OrderNumber: p.Order, SSCC: p.SSCC, TrackingNumber: p.Tracking,
			Service: p.Service, WeightG: int64(p.WeightG), Country: p.Country, PostalCode: p.PostalCode})
		_ = w.Write([]string{m.Number, p.Order, p.SSCC, p.Tracking, p.Service, strconv.Itoa(p.WeightG), p.Country, p.PostalCode})
	}
	w.Flush()
	pdf, err := shippdf.Manifest(h)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	printer := label.Printer{Kind: label.PrintToFile, Target: abs}
	var files []string
	for name, data := range map[string][]byte{m.Number + ".pdf": pdf, m.Number + ".csv": []byte(sb.String())} {
		if err := printer.Print(ctx, name, data); err != nil {
			return nil, err
		}
		files = append(files, filepath.Join(abs, name))
	}
	slices.Sort(files)
	return files, nil
}
