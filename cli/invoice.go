package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db/invoicing"
	"oms/invoicepdf"
	"oms/model"
)

// newInvoiceCmd is `oms invoice`: invoices and credit notes issued from orders (issue 12).
func newInvoiceCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invoice",
		Short: "Issue, credit, list and print invoices",
		Long: `Invoices bill what an order has shipped and is not invoiced yet; credit notes credit what came
back after it was invoiced. The database checks each document and numbers it when it commits,
per series and year, without gaps (INV-2026-0000001, CN-2026-0000001); issued documents never
change. Amounts are converted to the company's currency at the rate in force on the day of
issue (oms fx). Issuing and crediting are the back office's work.`,
		Args: subcommandArgs("issue, credit, list and pdf"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms invoice issue, credit, list or pdf (see oms invoice --help)")}
		},
	}
	cmd.AddCommand(newInvoiceIssueCmd(g), newInvoiceCreditCmd(g), newInvoiceListCmd(g), newInvoicePDFCmd(g))
	return cmd
}

// commandKey is a fresh idempotency key for one run of a command: a retry inside the run (a
// rerun transaction) finds it; a second run is a new request, which the orders' state answers.
func commandKey(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + ":" + hex.EncodeToString(b)
}

// docLine says what a document is in one line: number, order, totals, and the base currency.
func docLine(d invoicing.IssuedDocument) string {
	m := func(minor int64, c model.Currency) string { return model.Money{Minor: minor, Currency: c}.Format() }
	s := fmt.Sprintf("%s  order %s  %s + %s tax = %s %s", d.Number, d.OrderNumber, m(d.Subtotal, d.Currency),
		m(d.Tax, d.Currency), m(d.Total, d.Currency), d.Currency)
	if d.Credits != "" {
		s = fmt.Sprintf("%s  credits %s", s, d.Credits)
	}
	if d.Currency != d.BaseCurrency {
		s += fmt.Sprintf(" (%s %s at %s of %s)", m(d.TotalBase, d.BaseCurrency), d.BaseCurrency, rateWords(d),
			d.FXDate.Format(time.DateOnly))
	}
	return s
}

// rateWords is the document's rate as people read it: "1.0842", or for a rate stored the other
// way round "1/1.1737".
func rateWords(d invoicing.IssuedDocument) string {
	if !d.FXInverse {
		return d.FXRate
	}
	r, err := model.ParseRate(d.FXRate)
	if err != nil {
		return "1/" + d.FXRate
	}
	if s, ok := model.FXRateOf(r).Inverse().Decimal(); ok {
		return s
	}
	return "1/" + d.FXRate
}

func newInvoiceIssueCmd(g *globals) *cobra.Command {
	var shipped, follow bool
	cmd := &cobra.Command{
		Use:   "issue [ORDER-NUMBER] [--shipped]",
		Short: "Invoice what an order has shipped and is not invoiced yet",
		Long: `Invoices the units of ORDER-NUMBER that have shipped and are not invoiced yet, with shipping on
the order's first invoice, and prints the invoice's number and totals. Orders of channels that
state their tax keep it as given; orders entered by hand are taxed by the seller's settings
(VAT number, One Stop Shop, rounding per line or per invoice). With --shipped, invoices every
order of a channel that invoices on shipment with shipped units not invoiced yet, one line per
invoice, and last "issued N invoices". With --follow it keeps running and invoices shipped
units within seconds of their shipment, saying each invoice and, once, each order it cannot
invoice (a missing exchange or tax rate). The back office's work.`,
		Example: "  oms invoice issue SO-0000123\n  oms invoice issue --shipped\n  oms invoice issue --shipped --follow",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case shipped && len(args) > 0:
				return usageError{errors.New("give either an order number or --shipped, not both")}
			case !shipped && len(args) == 0:
				return usageError{errors.New("oms invoice issue needs ORDER-NUMBER, or --shipped for every shipped order")}
			case len(args) > 1:
				return usageError{fmt.Errorf("oms invoice issue takes one order number, not also %q", args[1])}
			case follow && !shipped:
				return usageError{errors.New("--follow goes with --shipped: it invoices every order as it ships")}
			}
			return withInvoicing(cmd, g, "oms invoice issue", func(ctx context.Context, s *invoicing.Store) error {
				out := cmd.OutOrStdout()
				if !shipped {
					id, err := s.OrderID(ctx, args[0])
					if err != nil {
						return err
					}
					iss, err := s.IssueForOrder(ctx, commandKey("invoice-issue:"+args[0]), id)
					if err != nil {
						return err
					}
					return printDoc(ctx, s, out, iss.Number)
				}
				if follow {
					return followInvoicing(ctx, s, out)
				}
				return issueShipped(ctx, s, out, cmd.ErrOrStderr())
			})
		},
	}
	cmd.Flags().BoolVar(&shipped, "shipped", false, "invoice every shipped order of the channels that invoice on shipment")
	cmd.Flags().BoolVar(&follow, "follow", false, "with --shipped: keep running and invoice orders as they ship")
	return cmd
}

func printDoc(ctx context.Context, s *invoicing.Store, out io.Writer, number string) error {
	d, err := s.Document(ctx, number)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, docLine(d))
	return err
}

// issueShipped invoices each order in its own transaction; an order that cannot be invoiced
// (no rate, no tax rate) is said on standard error and the others go on.
func issueShipped(ctx context.Context, s *invoicing.Store, out, errOut io.Writer) error {
	todo, err := s.ShippedUninvoiced(ctx)
	if err != nil {
		return err
	}
	issued, failed := 0, 0
	for _, o := range todo {
		// The key names the order and how much of it has shipped: a rerun after a lost answer
		// gets the same invoice back.
		iss, err := s.IssueForOrder(ctx, fmt.Sprintf("invoice-shipped:%d:%d", o.ID, o.Shipped), o.ID)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			failed++
			fmt.Fprintf(errOut, "oms: order %s: %v\n", o.Number, err)
			continue
		}
		if err := printDoc(ctx, s, out, iss.Number); err != nil {
			return err
		}
		issued++
	}
	fmt.Fprintf(out, "issued %d %s\n", issued, plural(issued, "invoice", "invoices"))
	if failed > 0 {
		return fmt.Errorf("%d %s could not be invoiced (said above)", failed, plural(failed, "order", "orders"))
	}
	return nil
}

// followInvoicing invoices shipped units every few seconds until the context ends.
func followInvoicing(ctx context.Context, s *invoicing.Store, out io.Writer) error {
	fmt.Fprintln(out, "invoicing orders as they ship")
	told := map[string]bool{}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		if err := invoiceRound(ctx, s, out, told); err != nil && ctx.Err() == nil {
			// A follower outlives a dropped connection: say so and try again next round.
			fmt.Fprintf(out, "invoicing paused: %v\n", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// invoiceRound invoices what has shipped and is not invoiced, each order in its own
// transaction, printing each invoice, and each order it cannot invoice once per shipped amount
// (told remembers which).
func invoiceRound(ctx context.Context, s *invoicing.Store, out io.Writer, told map[string]bool) error {
	todo, err := s.ShippedUninvoiced(ctx)
	if err != nil {
		return err
	}
	for _, o := range todo {
		key := fmt.Sprintf("invoice-shipped:%d:%d", o.ID, o.Shipped)
		iss, err := s.IssueForOrder(ctx, key, o.ID)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			if !told[key] {
				told[key] = true
				fmt.Fprintf(out, "order %s not invoiced: %v\n", o.Number, err)
			}
		default:
			if err := printDoc(ctx, s, out, iss.Number); err != nil {
				return err
			}
		}
	}
	return nil
}

func newInvoiceCreditCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "credit ORDER-NUMBER",
		Short: "Credit what came back after it was invoiced",
		Long: `Issues a credit note for the units of ORDER-NUMBER that were returned (received back) after
they were invoiced and are not credited yet, against the invoice that billed them, at its prices
and exchange rate, and prints it. The database refuses credits beyond an invoice's total. The
back office's work.`,
		Example: "  oms invoice credit SO-0000123",
		Args:    exactly("ORDER-NUMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withInvoicing(cmd, g, "oms invoice credit", func(ctx context.Context, s *invoicing.Store) error {
				id, err := s.OrderID(ctx, args[0])
				if err != nil {
					return err
				}
				notes, err := s.CreditReturns(ctx, commandKey("invoice-credit:"+args[0]), id)
				if err != nil {
					return err
				}
				for _, n := range notes {
					if err := printDoc(ctx, s, cmd.OutOrStdout(), n.Number); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
}

func newInvoiceListCmd(g *globals) *cobra.Command {
	var order, from, to, series string
	var limit int
	cmd := &cobra.Command{
		Use:   "list [--order N] [--from DATE] [--to DATE] [--series S]",
		Short: "List issued invoices and credit notes, newest first",
		Long: `Lists issued invoices and credit notes, newest first: number, day of issue (UTC), order, total
and, for a credit note, the invoice it credits. --from and --to are days (YYYY-MM-DD, both
included); --series is invoice or credit_note.`,
		Example: "  oms invoice list --from 2026-11-01 --to 2026-11-30 --series invoice",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := invoicing.ListFilter{Order: order, Series: strings.TrimSpace(series)}
			var err error
			if f.From, err = dayFlag("--from", from); err != nil {
				return err
			}
			if f.To, err = dayFlag("--to", to); err != nil {
				return err
			}
			if f.Series != "" && f.Series != "invoice" && f.Series != "credit_note" {
				return usageError{fmt.Errorf("--series %q: the series are invoice and credit_note", series)}
			}
			if limit < 1 || limit > 100_000 {
				return usageError{fmt.Errorf("--limit must be from 1 to 100,000, not %d", limit)}
			}
			return withInvoicing(cmd, g, "oms invoice list", func(ctx context.Context, s *invoicing.Store) error {
				docs, err := s.List(ctx, f, limit)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if len(docs) == 0 {
					_, err := fmt.Fprintln(out, "no invoices or credit notes")
					return err
				}
				for _, d := range docs {
					line := fmt.Sprintf("%-18s %s  %-12s %12s %s", d.Number, d.IssuedAt.UTC().Format(time.DateOnly), d.OrderNumber,
						model.Money{Minor: d.Total, Currency: model.Currency(d.Currency)}.Format(), d.Currency)
					if d.Credits != "" {
						line += "  credits " + d.Credits
					}
					fmt.Fprintln(out, line)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&order, "order", "", "only the documents of order `NUMBER`")
	cmd.Flags().StringVar(&from, "from", "", "issued on or after `DATE` (YYYY-MM-DD, UTC)")
	cmd.Flags().StringVar(&to, "to", "", "issued on or before `DATE` (YYYY-MM-DD, UTC)")
	cmd.Flags().StringVar(&series, "series", "", "only the `SERIES` invoice or credit_note")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most `N` documents")
	return cmd
}

func dayFlag(name, value string) (time.Time, error) {
	if strings.TrimSpace(value) == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(value))
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("%s %q is not a date: write it as YYYY-MM-DD, such as 2026-11-30", name, value)}
	}
	return d, nil
}

func newInvoicePDFCmd(g *globals) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "pdf NUMBER -o FILE.pdf",
		Short: "Write an issued invoice or credit note as a PDF",
		Long: `Writes the invoice or credit note NUMBER as a PDF to FILE, on the paper of the seller's country
(Letter in the US and Canada and the countries that follow them, A4 elsewhere).`,
		Example: "  oms invoice pdf INV-2026-0000001 -o INV-2026-0000001.pdf",
		Args:    exactly("NUMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(file) == "" {
				return usageError{errors.New("oms invoice pdf needs -o FILE.pdf, the file to write")}
			}
			return withInvoicing(cmd, g, "oms invoice pdf", func(ctx context.Context, s *invoicing.Store) error {
				d, err := s.Document(ctx, args[0])
				if err != nil {
					return err
				}
				f, err := os.Create(file)
				if err != nil {
					return err
				}
				err = invoicepdf.Render(f, pdfDocument(d))
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					_ = os.Remove(file)
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s %s on %s\n", file, kindName(d.Kind), d.Number,
					invoicepdf.PaperFor(d.Seller.Country))
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&file, "output", "o", "", "write the PDF to `FILE`")
	return cmd
}

func kindName(k invoicing.Kind) string {
	if k == invoicing.CreditNote {
		return "credit note"
	}
	return "invoice"
}

// pdfParty is a party as the PDF prints it: street lines, "postcode city", region.
func pdfParty(p invoicing.Party) invoicepdf.Party {
	var addr []string
	for _, s := range []string{p.Line1, p.Line2, strings.TrimSpace(p.PostalCode + " " + p.City), p.Region} {
		if strings.TrimSpace(s) != "" {
			addr = append(addr, s)
		}
	}
	return invoicepdf.Party{Name: p.Name, Company: p.Company, Address: addr, Country: p.Country, VATNumber: p.VATNumber,
		Phone: p.Phone, Email: p.Email}
}

// pdfDocument maps an issued document to what invoicepdf prints. The buyer is the bill-to
// address when there is one, else the customer; the ship-to is printed when it differs. A rate
// stored the other way round is printed as its inverse when a decimal holds it, else rounded to
// 12 decimals with a note giving the stored rate the amounts were converted at.
func pdfDocument(d invoicing.IssuedDocument) invoicepdf.Document {
	out := invoicepdf.Document{Kind: string(d.Kind), Number: d.Number, Issued: d.IssuedAt, Credits: d.Credits,
		OrderNumber: d.OrderNumber, Seller: pdfParty(d.Seller), Currency: d.Currency, BaseCurrency: d.BaseCurrency,
		FXDate: d.FXDate, SubtotalMinor: d.Subtotal, TaxMinor: d.Tax, TotalMinor: d.Total,
		SubtotalBaseMinor: d.SubtotalBase, TaxBaseMinor: d.TaxBase, TotalBaseMinor: d.TotalBase}
	buyer := pdfParty(d.ShipTo)
	buyer.Name, buyer.VATNumber = d.Buyer.Name, d.Buyer.VATNumber
	if d.BillTo != nil {
		buyer = pdfParty(*d.BillTo)
		if buyer.Name == "" {
			buyer.Name = d.Buyer.Name
		}
		ship := pdfParty(d.ShipTo)
		ship.VATNumber = ""
		if fmt.Sprint(ship.Address, ship.Country, ship.Name) != fmt.Sprint(buyer.Address, buyer.Country, buyer.Name) {
			out.ShipTo = &ship
		}
	}
	out.Buyer = buyer
	if d.Currency != d.BaseCurrency {
		out.FXRate = d.FXRate
		if d.FXInverse {
			r, err := model.ParseRate(d.FXRate)
			if err == nil {
				inv := model.FXRateOf(r).Inverse()
				s, ok := inv.Decimal()
				if _, err := model.ParseRate(s); !ok || err != nil {
					s = inv.Approx(12)
				}
				out.FXRate = s
			}
			out.Notes = append(out.Notes, fmt.Sprintf("Converted to %s at the stored rate %s 1 = %s %s of %s.",
				d.BaseCurrency, d.Currency, d.FXRate, d.BaseCurrency, d.FXDate.Format(time.DateOnly)))
		}
	}
	for _, l := range d.Lines {
		out.Lines = append(out.Lines, invoicepdf.Line{SKU: l.SKU, Description: l.Description, Qty: l.Qty,
			UnitMinor: l.UnitMinor, DiscountMinor: l.DiscountMinor, NetMinor: l.Qty*l.UnitMinor - l.DiscountMinor,
			TaxMinor: l.TaxMinor, TotalMinor: l.TotalMinor, TaxRatePPM: l.TaxRatePPM})
	}
	for _, t := range d.TaxLines {
		out.TaxLines = append(out.TaxLines, invoicepdf.TaxLine{RatePPM: t.RatePPM, TaxableMinor: t.TaxableMinor, TaxMinor: t.TaxMinor})
	}
	if d.Notes != "" {
		out.Notes = append([]string{d.Notes}, out.Notes...)
	}
	return out
}
