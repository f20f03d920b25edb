package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"oms/db"
	dbship "oms/db/shipping"
	"oms/shipping/label"
)

func newStationsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stations",
		Short: "Set up packing stations and where they print",
		Args:  subcommandArgs("set"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms stations set (see oms stations --help)")}
		},
	}
	cmd.AddCommand(newStationsSetCmd(g))
	return cmd
}

func newStationsSetCmd(g *globals) *cobra.Command {
	var format, labels, paper, weigh string
	cmd := &cobra.Command{
		Use:   "set WAREHOUSE STATION",
		Short: "Create or change a packing station: label format and printers",
		Long: `A packing station prints each parcel's label (ZPL for a thermal printer, or PDF) on its label
printer and the packing slip and customs forms (PDF) on its paper printer. A printer is
file:DIR (written into a directory), lp:DESTINATION (the CUPS queue, raw) or tcp:HOST[:PORT]
(a network label printer, port 9100 by default). --scale names the station's scale, which
answers MT-SICS: file:/dev/ttyUSB0 (a serial line set up with stty) or tcp:HOST:PORT (a
serial-to-network converter); without one the packer types the weight. The administrator's work.`,
		Example: "  oms stations set RTM1 P1 --format zpl --labels tcp:10.0.0.7:9100 --paper lp:office",
		Args:    exactly("WAREHOUSE", "STATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "zpl" && format != "pdf" {
				return usageError{fmt.Errorf("--format %q: zpl or pdf", format)}
			}
			for _, spec := range []string{labels, paper} {
				if spec == "" {
					continue
				}
				if _, err := label.ParsePrinter(spec); err != nil {
					return usageError{err}
				}
			}
			if k, t, _ := strings.Cut(weigh, ":"); weigh != "" && !(k == "tcp" && t != "" || k == "file" && strings.HasPrefix(t, "/")) {
				return usageError{fmt.Errorf("--scale %q: write file:/dev/DEVICE or tcp:HOST:PORT", weigh)}
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms stations set", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			st := dbship.Station{Warehouse: args[0], Code: args[1], LabelFormat: format, LabelPrinter: labels, PaperPrinter: paper, Scale: weigh}
			if err := dbship.New(d).SetStation(cmd.Context(), st); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "station %s at %s: %s labels to %s, paper to %s\n", strings.ToUpper(args[1]),
				strings.ToUpper(args[0]), format, orNone(labels), orNone(paper))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "zpl", "label `FORMAT`: zpl or pdf")
	cmd.Flags().StringVar(&labels, "labels", "", "the label `PRINTER` (file:DIR, lp:DEST or tcp:HOST:PORT)")
	cmd.Flags().StringVar(&paper, "paper", "", "the paper `PRINTER` for slips and customs forms")
	cmd.Flags().StringVar(&weigh, "scale", "", "the station's `SCALE` (file:/dev/DEVICE or tcp:HOST:PORT)")
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "nowhere"
	}
	return s
}
