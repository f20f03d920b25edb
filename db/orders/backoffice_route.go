package orders

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Splitting a backorder off (issue 11): an order partly in stock ships what it has now, and the
// units still waiting become an order of their own that the allocator serves when stock comes.
// Re-routing, the other routing decision of the back office, is an allocation and lives in
// db/alloc (Reroute): it reserves through the allocator's own bin locking.

// splitLine is a line of the order being split, with what it charges.
type splitLine struct {
	ID        int64  `db:"id"`
	LineNo    int    `db:"line_no"`
	ExtLine   string `db:"external_line_id"`
	Product   int64  `db:"product_id"`
	SKU       string `db:"sku"`
	Desc      string `db:"description"`
	UnitPrice int64  `db:"unit_price_minor"`
	Amount    int64  `db:"amount_minor"`
	Discount  int64  `db:"discount_minor"`
	Tax       int64  `db:"tax_minor"`
	TaxRate   int64  `db:"tax_rate_ppm"`
	Ordered   int64  `db:"qty_ordered"`
	Cancelled int64  `db:"qty_cancelled"`
	Allocated int64  `db:"qty_allocated"`
	Picked    int64  `db:"qty_picked"`
}

func (l splitLine) waiting() int64 { return l.Ordered - l.Cancelled - l.Allocated }

// splitOrder is the order row a split copies and divides.
type splitOrder struct {
	Channel    int64  `db:"channel_id"`
	ExternalID string `db:"external_id"`
	Subtotal   int64  `db:"subtotal_minor"`
	Discount   int64  `db:"discount_minor"`
	Tax        int64  `db:"tax_minor"`
	TaxIncl    bool   `db:"prices_include_tax"`
	StoreSale  bool   `db:"store_sale"`
}

// prorata is part/whole of total, rounded half up, in big integers so that no product of two
// amounts overflows.
func prorata(total, part, whole int64) int64 {
	if whole == 0 || part == 0 {
		return 0
	}
	if part == whole {
		return total
	}
	n := new(big.Int).Mul(big.NewInt(total), big.NewInt(part))
	n.Mul(n, big.NewInt(2)).Add(n, big.NewInt(whole))
	d := new(big.Int).Mul(big.NewInt(whole), big.NewInt(2))
	return n.Quo(n, d).Int64()
}

var backorderSuffix = regexp.MustCompile(`-B([0-9]+)$`)

// SplitBackorder moves the units still waiting on an order partly allocated into a new order, in
// one transaction under key, and returns the new order's number (a retry of the key returns the
// same number). The new order has the same channel, customer, addresses, currency, service,
// dates and notes, a number from the order series and the external id of the original with the
// next free "-B<n>" suffix; its lines carry the moved units, their amounts, discounts and taxes
// pro rata of each line's units, and its totals are the moved lines' share of the original's
// (shipping stays on the original), so that both orders add up. The original's lines keep only
// what is allocated (a line of which nothing is allocated keeps its quantity, all of it
// cancelled, and charges nothing), so it can ship now. Both histories say it (order.split).
// Refused with a sentence: a cancelled, held or store-sale order, nothing allocated, nothing
// waiting, or units picked on a waiting line.
func (s *Store) SplitBackorder(ctx context.Context, key string, order int64) (string, error) {
	var number string
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		number = ""
		done, err := db.ClaimKey(ctx, tx, key, "orders.split", order)
		if err != nil {
			return err
		}
		if done {
			return tx.GetContext(ctx, &number, `SELECT coalesce(result->>'number', '') FROM idempotency_keys WHERE key = $1`, key)
		}
		number, err = splitBackorder(ctx, tx, order)
		if err != nil || key == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET result = jsonb_build_object('number', $2::text) WHERE key = $1`, key, number)
		return err
	})
	return number, err
}

func splitBackorder(ctx context.Context, tx *sqlx.Tx, order int64) (string, error) {
	_, o, err := lockLines(ctx, tx, order)
	if err != nil {
		return "", err
	}
	var lines []splitLine
	if err := tx.SelectContext(ctx, &lines, `
		SELECT l.id, l.line_no, l.external_line_id, l.product_id, p.sku, l.description, l.unit_price_minor,
		       l.amount_minor, l.discount_minor, l.tax_minor, l.tax_rate_ppm, l.qty_ordered, l.qty_cancelled,
		       l.qty_allocated, l.qty_picked
		  FROM order_lines l JOIN products p ON p.id = l.product_id
		 WHERE l.order_id = $1 ORDER BY l.id`, order); err != nil {
		return "", err
	}
	var so splitOrder
	if err := tx.GetContext(ctx, &so, `
		SELECT channel_id, external_id, subtotal_minor, discount_minor, tax_minor, prices_include_tax, store_sale
		  FROM orders WHERE id = $1`, order); err != nil {
		return "", err
	}
	var allocated, amounts int64
	var moving []splitLine
	var picked []string
	for _, l := range lines {
		allocated += l.Allocated
		amounts += l.Amount
		if l.waiting() > 0 {
			moving = append(moving, l)
			if l.Picked > 0 {
				picked = append(picked, fmt.Sprintf("line %d (%s) has %d picked", l.LineNo, l.SKU, l.Picked))
			}
		}
	}
	switch {
	case o.Cancelled != nil:
		return "", refuse("order %s is cancelled: there is nothing to split", o.Number)
	case o.OnHold:
		return "", refuse("order %s is held: release it before splitting it", o.Number)
	case so.StoreSale:
		return "", refuse("order %s is a store sale: nothing of it waits", o.Number)
	case len(moving) == 0:
		return "", refuse("order %s has nothing waiting: there is no backorder to split off", o.Number)
	case allocated == 0:
		return "", refuse("order %s has nothing allocated: splitting would leave it empty; re-route it or let it wait", o.Number)
	case len(picked) > 0:
		return "", refuse("order %s cannot be split: %s on a waiting line", o.Number, strings.Join(picked, ", "))
	}

	ext, err := nextBackorderID(ctx, tx, so)
	if err != nil {
		return "", err
	}
	var number string
	if err := tx.GetContext(ctx, &number, `SELECT oms_take_numbers(1)`); err != nil {
		return "", err
	}

	// The moved units' share of each line, then of the order's totals.
	var moved int64
	var what []string
	var ids, newOrdered, newCancelled, amount, discount, tax []int64
	var mAmount, mDiscount, mTax, mQty []int64
	for _, l := range moving {
		m := l.waiting()
		a, d, t := prorata(l.Amount, m, l.Ordered), prorata(l.Discount, m, l.Ordered), prorata(l.Tax, m, l.Ordered)
		moved += a
		what = append(what, fmt.Sprintf("%d × %s", m, l.SKU))
		ordered, cancelled := l.Ordered-m, l.Cancelled
		if ordered == 0 { // nothing of it stays: a line keeps a quantity, so it is all cancelled here
			ordered, cancelled = l.Ordered, l.Ordered
		}
		ids, newOrdered, newCancelled = append(ids, l.ID), append(newOrdered, ordered), append(newCancelled, cancelled)
		amount, discount, tax = append(amount, l.Amount-a), append(discount, l.Discount-d), append(tax, l.Tax-t)
		mAmount, mDiscount, mTax, mQty = append(mAmount, a), append(mDiscount, d), append(mTax, t), append(mQty, m)
	}
	sub, disc, tx2 := prorata(so.Subtotal, moved, amounts), prorata(so.Discount, moved, amounts), prorata(so.Tax, moved, amounts)
	total := sub - disc
	if !so.TaxIncl {
		total += tx2
	}

	// The original's lines first (they are locked already), then the new order and its lines,
	// then the original's totals.
	if _, err := tx.ExecContext(ctx, `
		UPDATE order_lines l SET qty_ordered = x.ordered, qty_cancelled = x.cancelled,
		       amount_minor = x.amount, discount_minor = x.discount, tax_minor = x.tax
		  FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
		       AS x(id, ordered, cancelled, amount, discount, tax)
		 WHERE l.id = x.id`, pq.Array(ids), pq.Array(newOrdered), pq.Array(newCancelled),
		pq.Array(amount), pq.Array(discount), pq.Array(tax)); err != nil {
		return "", err
	}
	var newID int64
	if err := tx.GetContext(ctx, &newID, `
		INSERT INTO orders (number, channel_id, external_id, external_name, customer_id, customer_name,
		                    ship_to_address_id, bill_to_address_id, pickup_warehouse_id, service_id, currency,
		                    subtotal_minor, shipping_minor, discount_minor, tax_minor, total_minor,
		                    prices_include_tax, priority, ordered_at, promised_at, notes, ship_service)
		SELECT $2, channel_id, $3, external_name, customer_id, customer_name,
		       ship_to_address_id, bill_to_address_id, pickup_warehouse_id, service_id, currency,
		       $4, 0, $5, $6, $7, prices_include_tax, priority, ordered_at, promised_at, notes, ship_service
		  FROM orders WHERE id = $1
		RETURNING id`, order, number, ext, sub, disc, tx2, total); err != nil {
		return "", err
	}
	var lineNo, product, price, rate []int64
	var extLine, desc []string
	for i, l := range moving {
		lineNo, product, price, rate = append(lineNo, int64(i+1)), append(product, l.Product), append(price, l.UnitPrice), append(rate, l.TaxRate)
		extLine, desc = append(extLine, l.ExtLine), append(desc, l.Desc)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, description, unit_price_minor,
		                         amount_minor, discount_minor, tax_minor, tax_rate_ppm, qty_ordered)
		SELECT $1, x.line_no, x.ext, x.product, x.description, x.price, x.amount, x.discount, x.tax, x.rate, x.qty
		  FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[],
		              $9::bigint[], $10::bigint[], $11::bigint[])
		       AS x(line_no, ext, product, description, price, amount, discount, tax, rate, qty)
		 ORDER BY x.line_no`, newID, pq.Array(lineNo), pq.Array(extLine), pq.Array(product), pq.Array(desc),
		pq.Array(price), pq.Array(mAmount), pq.Array(mDiscount), pq.Array(mTax), pq.Array(rate), pq.Array(mQty)); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE orders SET subtotal_minor = subtotal_minor - $2, discount_minor = discount_minor - $3,
		       tax_minor = tax_minor - $4, total_minor = total_minor - $5
		 WHERE id = $1`, order, sub, disc, tx2, total); err != nil {
		return "", err
	}
	waiting := strings.Join(what, ", ")
	data := map[string]any{"from": o.Number, "to": number, "external_id": ext}
	if err := event(ctx, tx, order, "order.split", fmt.Sprintf("split off %s with %s waiting", number, waiting), data); err != nil {
		return "", err
	}
	return number, event(ctx, tx, newID, "order.split", fmt.Sprintf("split from %s with %s waiting", o.Number, waiting), data)
}

// nextBackorderID is the original's external id with the next "-B<n>" suffix no order of the
// channel has yet.
func nextBackorderID(ctx context.Context, tx *sqlx.Tx, so splitOrder) (string, error) {
	var taken []string
	if err := tx.SelectContext(ctx, &taken, `
		SELECT external_id FROM orders
		 WHERE channel_id = $1 AND left(external_id, length($2) + 2) = $2 || '-B'`, so.Channel, so.ExternalID); err != nil {
		return "", err
	}
	next := 1
	for _, t := range taken {
		m := backorderSuffix.FindStringSubmatch(t)
		if m == nil || len(t) != len(so.ExternalID)+len(m[0]) {
			continue
		}
		if n, err := strconv.Atoi(m[1]); err == nil && n >= next {
			next = n + 1
		}
	}
	ext := fmt.Sprintf("%s-B%d", so.ExternalID, next)
	if len(ext) > 64 {
		return "", refuse("the external id %s is too long to add a backorder suffix to", so.ExternalID)
	}
	return ext, nil
}
