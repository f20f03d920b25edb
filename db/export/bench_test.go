package export_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"testing"

	"oms/channels"
	dbexport "oms/db/export"
	"oms/export"
)

// BenchmarkOrdersJSONStream exports 50,000 orders as `oms export orders --format json` writes
// them and reports the peak heap while it does: rows stream from lib/pq to the writer one at a
// time, so the peak is that of a few orders whatever their number (run with -benchtime=1x; a
// million orders take the same memory, twenty times as long).
func BenchmarkOrdersJSONStream(b *testing.B) {
	const n = 50_000
	w := newWorldTB(b)
	tx, err := w.owner.Beginx()
	if err != nil {
		b.Fatal(err)
	}
	mustExec(b, tx, `SET LOCAL statement_timeout = 0`)
	mustExec(b, tx, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
		ship_to_address_id, currency, subtotal_minor, tax_minor, total_minor, ordered_at, promised_at)
		SELECT 'BX-' || lpad(g::text, 7, '0'), $1, 'B' || g, $2, 'Anna de Vries', $3, 'EUR', 1000, 210, 1210,
		       now(), now() + interval '2 days'
		  FROM generate_series(1, $4) g`, w.web, w.customer, w.address, n)
	mustExec(b, tx, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor,
		tax_minor, tax_rate_ppm, qty_ordered)
		SELECT o.id, l, 'L' || l, $1, 500, 105, 210000, 1 FROM orders o CROSS JOIN generate_series(1, 2) l`, w.mug)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	store := dbexport.New(w.owner)
	var obj bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
		var peak uint64
		var ms runtime.MemStats
		rows := 0
		_, err := store.Run(ctx, dbexport.Filter{}, func(r *dbexport.Reader) error {
			return r.Orders(ctx, func(o dbexport.Order) error {
				obj.Reset()
				if err := channels.WriteJSON(&obj, o.Incoming()); err != nil {
					return err
				}
				line, err := export.Splice(obj.Bytes(), export.OrderJSONExtras,
					[]string{o.Number, o.Channel, o.Status, o.Warehouse, "false", "", "", ""})
				if err != nil {
					return err
				}
				_, err = io.Discard.Write(line)
				if rows++; rows%5000 == 0 {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapAlloc)
				}
				return err
			})
		})
		if err != nil || rows != n {
			b.Fatalf("%d rows, %v", rows, err)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(rows), "orders")
	}
}
