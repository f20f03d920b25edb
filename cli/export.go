package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"oms/channels"
	"oms/db"
	dbexport "oms/db/export"
	"oms/export"
	"oms/model"
)

// exportOptions are the flags of `oms export`.
type exportOptions struct {
	format, since, after, channel, warehouse, cursorFile string
	follow                                               bool
	// poll is how often --follow asks for changes; tests shorten it.
	poll time.Duration
}

// exportPoll is --follow's interval.
const exportPoll = time.Second

func newExportCmd(g *globals) *cobra.Command {
	o := exportOptions{poll: exportPoll}
	cmd := &cobra.Command{
		Use:   "export KIND",
		Short: "Write orders, lines, invoices, their tax, stock, movements or shipments for finance, a CRM or the channels",
		Long: `Writes the rows of KIND to standard output as they are read, in one consistent snapshot of
the database, and then the export's cursor on standard error as "cursor: TEXT".

Kinds and formats (the first is the default):
  orders     csv, json   one row per order; json lines are oms's own order format, which
                         oms import json reads back, plus number, channel, status, warehouse,
                         on_hold, hold_reason, created_at and updated_at
  lines      csv, json   one row per order line with the quantity of every stage
  invoices   csv, json   invoices and credit notes (credit notes negative), with base-currency
                         amounts, the rate as stored and whether it is the inverse (fx_inverse:
                         1 unit of the currency = fx_rate units of the base), the order's date,
                         the customer's country and VAT number, and the legal note
  invoice-taxes csv, json
                         one row per document and tax rate, in both currencies, for the VAT return
  stock      csv, json, shopify, amazon
                         what may be sold per SKU: on hand − reserved in the active bins of the
                         warehouses that serve the channel − the channel's safety buffer, never
                         below 0 (per warehouse for csv, json and shopify)
  movements  csv, json   the stock ledger
  shipments  csv, json, shopify, amazon
                         shipment confirmations (shopify and amazon: shipped ones, per package)

--after CURSOR exports only what changed after the export that printed CURSOR: nothing twice,
nothing missed, even while others work. --cursor-file FILE reads the cursor from FILE when it
exists (and --after is not given) and writes the new one there, so a nightly job needs one flag.
--since TIME keeps rows changed at or after TIME (RFC 3339 or YYYY-MM-DD, UTC).

--follow keeps going after the first pass: every second it writes what changed, as JSON lines,
until interrupted or until standard output closes; the last cursor goes to standard error (and
the cursor file after every pass).

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
return) get a leading ' unless they are plain numbers. Exports only read: the backoffice or admin
job may run them.`,
		Example: "  oms export orders --format json --cursor-file orders.cursor >> orders.jsonl\n" +
			"  oms export stock --format amazon --channel AMAZON-DE > quantities.txt\n" +
			"  oms export shipments --format shopify --channel web-eu --since 2026-11-01",
		Args: exactly("KIND"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd, g, strings.ToLower(args[0]), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "csv", "`FORMAT` to write: csv, json, shopify or amazon (see above for which kind has which)")
	f.StringVar(&o.since, "since", "", "only rows changed at or after `TIME` (RFC 3339, or YYYY-MM-DD in UTC)")
	f.StringVar(&o.after, "after", "", "only rows changed after the export that printed `CURSOR`")
	f.StringVar(&o.cursorFile, "cursor-file", "", "read --after from `FILE` when it exists, and write the new cursor there")
	f.StringVar(&o.channel, "channel", "", "only this channel's orders (`CODE`, any case); for stock, the channel whose buffer and stores apply")
	f.StringVar(&o.warehouse, "warehouse", "", "only this warehouse (`CODE`, any case)")
	f.BoolVar(&o.follow, "follow", false, "keep writing changes as JSON lines every second until interrupted or stdout closes")
	return cmd
}

// parseSince reads --since: RFC 3339, or a date meaning its midnight UTC.
func parseSince(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q is not a time: give RFC 3339 (2026-11-30T08:00:00Z) or a date (2026-11-30)", s)
}

func runExport(cmd *cobra.Command, g *globals, kind string, o exportOptions) error {
	format := strings.ToLower(strings.TrimSpace(o.format))
	if err := export.CheckKindFormat(kind, format); err != nil {
		return usageError{err}
	}
	if o.follow && format != "json" {
		return usageError{fmt.Errorf("--follow writes JSON lines: use --format json, not %s", format)}
	}
	if kind == "stock" && (format == "shopify" || format == "amazon") && strings.TrimSpace(o.channel) == "" {
		return usageError{fmt.Errorf("stock for %s needs --channel: the safety buffer and the stores that sell are the channel's", format)}
	}
	since, err := parseSince(o.since)
	if err != nil {
		return usageError{err}
	}
	after := strings.TrimSpace(o.after)
	if after == "" && o.cursorFile != "" {
		b, err := os.ReadFile(o.cursorFile)
		switch {
		case err == nil:
			after = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(b)), "cursor:"))
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("cannot read the cursor file: %w", err)
		}
	}
	filter := dbexport.Filter{After: after, Since: since, Channel: o.channel, Warehouse: o.warehouse}

	ctx := cmd.Context()
	d, err := g.openMigrated(ctx, db.Config{AppName: "oms export", MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	if o.follow {
		// A closed standard output must end --follow as an error of the write, not kill the
		// process with SIGPIPE before it can say its last cursor.
		pipe := make(chan os.Signal, 1)
		signal.Notify(pipe, syscall.SIGPIPE)
		defer signal.Stop(pipe)
	}

	out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
	w, err := newExportWriter(kind, format, out)
	if err != nil {
		return err
	}
	store := dbexport.New(d)
	pass := func(ctx context.Context, f dbexport.Filter) (string, error) {
		cursor, err := store.Run(ctx, f, w.pass)
		if err == nil {
			err = w.flush()
		}
		var ie *dbexport.InputError
		if errors.As(err, &ie) {
			return "", usageError{err}
		}
		return cursor, err
	}
	cursor, err := pass(ctx, filter)
	if err != nil {
		if o.follow && outputClosed(err) {
			return nil
		}
		return err
	}
	if err := saveCursor(o.cursorFile, cursor); err != nil {
		return err
	}
	if o.follow {
		cursor, err = follow(ctx, o, filter, cursor, pass)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "cursor: %s\n", cursor)
	return err
}

// follow polls for changes after cursor until ctx ends or standard output closes, and returns the
// last cursor whose rows were written. A pass runs to its end even when a signal comes in the
// middle of it (it reads only what changed in a second), so the cursor never claims rows that
// were not written; the signal ends the loop before the next.
func follow(ctx context.Context, o exportOptions, f dbexport.Filter, cursor string,
	pass func(context.Context, dbexport.Filter) (string, error)) (string, error) {
	tick := time.NewTicker(o.poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return cursor, nil
		case <-tick.C:
		}
		f.After = cursor
		next, err := pass(context.WithoutCancel(ctx), f)
		if outputClosed(err) {
			return cursor, nil
		}
		if err != nil {
			return cursor, err
		}
		if err := saveCursor(o.cursorFile, next); err != nil {
			return cursor, err
		}
		cursor = next
	}
}

// outputClosed says whether err is standard output gone (the reader of a pipe exited).
func outputClosed(err error) bool {
	return err != nil && (errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) || errors.Is(err, io.ErrClosedPipe))
}

// saveCursor writes cursor to file (when one is named) whole or not at all: a new file renamed
// over the old one.
func saveCursor(file, cursor string) error {
	if file == "" {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return fmt.Errorf("cannot write the cursor file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(cursor + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write the cursor file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write the cursor file: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("cannot write the cursor file: %w", err)
	}
	return nil
}

// exportWriter turns the rows of one kind into one format.
type exportWriter struct {
	kind, format string
	out          *bufio.Writer
	rows         export.RowWriter
	csv          *export.CSV // rows, when it is CSV (it buffers)
	obj          bytes.Buffer
	lastPackage  int64 // shopify shipments: one row per package
}

func newExportWriter(kind, format string, out *bufio.Writer) (*exportWriter, error) {
	w := &exportWriter{kind: kind, format: format, out: out}
	if kind == "orders" && format == "json" {
		return w, nil // channels.WriteJSON and a splice per order
	}
	cols := exportColumns(kind, format)
	var err error
	switch format {
	case "json":
		w.rows = export.NewJSONLines(out, cols)
	case "amazon":
		w.rows, err = export.NewTSV(out, cols)
	default: // csv and shopify
		w.csv, err = export.NewCSV(out, cols)
		w.rows = w.csv
	}
	return w, err
}

func exportColumns(kind, format string) []export.Column {
	switch kind + "/" + format {
	case "orders/csv", "orders/json":
		return export.OrderColumns
	case "lines/csv", "lines/json":
		return export.LineColumns
	case "invoices/csv", "invoices/json":
		return export.InvoiceColumns
	case "invoice-taxes/csv", "invoice-taxes/json":
		return export.InvoiceTaxColumns
	case "movements/csv", "movements/json":
		return export.MovementColumns
	case "shipments/csv", "shipments/json":
		return export.ShipmentColumns
	case "shipments/shopify":
		return export.ShopifyTrackingColumns
	case "shipments/amazon":
		return export.AmazonShipConfirmColumns
	case "stock/csv", "stock/json":
		return export.StockColumns
	case "stock/shopify":
		return export.ShopifyInventoryColumns
	case "stock/amazon":
		return export.AmazonPriceQuantityColumns
	}
	panic("export: no columns for " + kind + " as " + format) // CheckKindFormat ran first
}

func (w *exportWriter) flush() error {
	if w.csv != nil {
		if err := w.csv.Flush(); err != nil {
			return err
		}
	}
	return w.out.Flush()
}

func money(minor int64, c model.Currency) string {
	return model.Money{Minor: minor, Currency: c}.Format()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ledgerSign signs a document's amounts for a ledger: a credit note's are negative.
func ledgerSign(kind string) func(int64) int64 {
	return func(n int64) int64 {
		if kind == "credit_note" && n > 0 {
			return -n
		}
		return n
	}
}

// percent is a rate in millionths as a percentage: 210000 → "21", 55000 → "5.5".
func percent(ppm int64) string {
	s := strconv.FormatInt(ppm/10000, 10)
	if f := ppm % 10000; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%04d", f), "0")
	}
	return s
}

func optInt(n int64) string {
	if n == 0 {
		return ""
	}
	return itoa(n)
}

// pass writes the rows of one export.
func (w *exportWriter) pass(r *dbexport.Reader) error {
	ctx := context.Background() // the reader's transaction carries the command's context
	switch w.kind {
	case "orders":
		return r.Orders(ctx, w.order)
	case "lines":
		return r.Lines(ctx, func(l dbexport.Line) error {
			return w.rows.Row(l.OrderNumber, l.Channel, l.ExternalID, strconv.Itoa(l.LineNo), l.ExternalLineID,
				l.SKU, l.Description, string(l.Currency), money(l.UnitPriceMinor, l.Currency),
				money(l.AmountMinor, l.Currency), money(l.DiscountMinor, l.Currency), money(l.TaxMinor, l.Currency),
				itoa(l.TaxRatePPM), itoa(l.Ordered), itoa(l.Cancelled), itoa(l.Allocated), itoa(l.Picked),
				itoa(l.Packed), itoa(l.Shipped), itoa(l.Returned), itoa(l.Refunded), stamp(l.UpdatedAt))
		})
	case "invoices":
		return r.Invoices(ctx, func(v dbexport.Invoice) error {
			sign := ledgerSign(v.Kind)
			return w.rows.Row(v.Number, v.Kind, v.CreditedNumber, v.OrderNumber, v.Channel, v.ExternalID,
				stamp(v.IssuedAt), string(v.Currency), money(sign(v.SubtotalMinor), v.Currency),
				money(sign(v.TaxMinor), v.Currency), money(sign(v.TotalMinor), v.Currency), string(v.BaseCurrency),
				v.FXRate, v.FXDate, money(sign(v.SubtotalBase), v.BaseCurrency), money(sign(v.TaxBase), v.BaseCurrency),
				money(sign(v.TotalBase), v.BaseCurrency), strconv.FormatBool(v.FXInverse), stamp(v.OrderedAt),
				v.CustomerName, v.CustomerCountry, v.CustomerVAT, v.Notes)
		})
	case "invoice-taxes":
		return r.Invoices(ctx, func(v dbexport.Invoice) error {
			sign := ledgerSign(v.Kind)
			for _, t := range v.Taxes {
				if err := w.rows.Row(v.Number, v.Kind, v.CreditedNumber, v.OrderNumber, stamp(v.IssuedAt),
					v.CustomerCountry, v.CustomerVAT, string(v.Currency), percent(t.RatePPM), itoa(t.RatePPM),
					money(sign(t.TaxableMinor), v.Currency), money(sign(t.TaxMinor), v.Currency), string(v.BaseCurrency),
					v.FXRate, strconv.FormatBool(v.FXInverse), v.FXDate, money(sign(t.TaxableBaseMinor), v.BaseCurrency),
					money(sign(t.TaxBaseMinor), v.BaseCurrency)); err != nil {
					return err
				}
			}
			return nil
		})
	case "movements":
		return r.Movements(ctx, func(m dbexport.Movement) error {
			return w.rows.Row(itoa(m.ID), stamp(m.At), m.SKU, m.Lot, m.FromWarehouse, m.FromLocation,
				m.ToWarehouse, m.ToLocation, itoa(m.Qty), m.Kind, m.Reason, m.OrderNumber, m.Actor, m.Terminal, m.Note)
		})
	case "shipments":
		return r.Shipments(ctx, w.format == "shopify" || w.format == "amazon", w.shipment)
	case "stock":
		return r.Stock(ctx, w.format != "amazon", w.stock)
	}
	return fmt.Errorf("export: unknown kind %s", w.kind)
}

func (w *exportWriter) order(o dbexport.Order) error {
	if w.format != "json" {
		return w.rows.Row(o.Number, o.Channel, o.ExternalID, o.ExternalName, o.Status, stamp(o.OrderedAt),
			stamp(o.PromisedAt), string(o.Currency), money(o.SubtotalMinor, o.Currency),
			money(o.DiscountMinor, o.Currency), money(o.ShippingMinor, o.Currency), money(o.TaxMinor, o.Currency),
			money(o.TotalMinor, o.Currency), strconv.FormatBool(o.PricesIncludeTax), o.Customer.Name,
			o.Customer.Email, o.ShipTo.City, o.ShipTo.PostalCode, o.ShipTo.Country, o.Warehouse, stamp(o.UpdatedAt))
	}
	w.obj.Reset()
	if err := channels.WriteJSON(&w.obj, o.Incoming()); err != nil {
		return fmt.Errorf("order %s: %w", o.Number, err)
	}
	line, err := export.Splice(w.obj.Bytes(), export.OrderJSONExtras, []string{o.Number, o.Channel, o.Status,
		o.Warehouse, strconv.FormatBool(o.OnHold), o.HoldReason, stamp(o.CreatedAt), stamp(o.UpdatedAt)})
	if err != nil {
		return err
	}
	_, err = w.out.Write(line)
	return err
}

func (w *exportWriter) shipment(s dbexport.ShipmentLine) error {
	switch w.format {
	case "shopify":
		if s.PackageID == 0 || s.PackageID == w.lastPackage {
			return nil
		}
		w.lastPackage = s.PackageID
		name := s.ExternalName
		if name == "" {
			name = s.ExternalID
		}
		carrier := s.CarrierName
		return w.rows.Row(name, s.TrackingNumber, carrier, s.TrackingURL, stamp(s.ShippedAt))
	case "amazon":
		if s.PackageID == 0 || s.Qty == 0 {
			return nil
		}
		return w.rows.Row(s.ExternalID, s.ExternalLineID, itoa(s.Qty), stamp(s.ShippedAt), s.Carrier,
			s.CarrierName, s.TrackingNumber, s.Service)
	}
	return w.rows.Row(itoa(s.ShipmentID), s.OrderNumber, s.Channel, s.ExternalID, s.ExternalName, s.Status,
		s.Warehouse, s.Carrier, s.CarrierName, s.Service, stamp(s.ShippedAt), stamp(s.DeliveredAt),
		optInt(s.PackageID), s.TrackingNumber, s.TrackingURL, s.ExternalLineID, s.SKU, optInt(s.Qty))
}

func (w *exportWriter) stock(s dbexport.StockLevel) error {
	avail := itoa(s.Available())
	switch w.format {
	case "shopify":
		// Shopify's On hand counts the units its own unfulfilled orders hold (Committed) and
		// subtracts them to show Available. oms's available already leaves out the units it
		// reserved for the orders it imported, so a store whose orders oms has imported may
		// show fewer units than oms could sell, never more.
		return w.rows.Row(export.ShopifyHandle(s.SKU), s.Name, "Title", "Default Title", "", "", "", "",
			s.SKU, s.WarehouseName, avail, avail)
	case "amazon":
		return w.rows.Row(s.SKU, "", avail)
	}
	return w.rows.Row(s.SKU, s.Warehouse, itoa(s.OnHand), itoa(s.Reserved), itoa(s.Buffer), avail)
}
