package orders_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"oms/db"
	"oms/db/orders"
)

// cloneOrder inserts a copy of order id with a new number, external id and customer name; the
// copy has no lines (so the database derives it cancelled).
func cloneOrder(t *testing.T, d *db.DB, id int64, number, external, name string) int64 {
	t.Helper()
	var newID int64
	mustGet(t, d, &newID, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
		ship_to_address_id, currency, subtotal_minor, total_minor, ordered_at, promised_at)
		SELECT $2, channel_id, $3, customer_id, $4, ship_to_address_id, currency, 0, 0, ordered_at, promised_at
		  FROM orders WHERE id = $1 RETURNING id`, id, number, external, name)
	return newID
}

func search(t *testing.T, o *orders.Store, text string) []string {
	t.Helper()
	rows, err := o.QueuePage(context.Background(), orders.PageRequest{Filter: orders.QueueFilter{Search: text}, Limit: 500})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return numbersOf(rows)
}

// fold is the reference for accent- and case-insensitive matching, in Go: decomposed, marks
// dropped, lower case.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func TestSearchIgnoresAccentsCaseAndNormalForm(t *testing.T) {
	d, o := seeded(t)
	var id int64
	mustGet(t, d, &id, `SELECT min(id) FROM orders`)
	const nfc, nfd = "M\u00fcller", "Mu\u0308ller"
	if !norm.NFC.IsNormalString(nfc) || norm.NFC.IsNormalString(nfd) {
		t.Fatal("the test's spellings are not the normal forms they claim")
	}
	stored := map[string]string{
		"SO-T000001": "Jürgen " + nfc,                 // composed
		"SO-T000002": "Hanna " + nfd,                  // decomposed
		"SO-T000003": "Greta " + strings.ToUpper(nfc), // MÜLLER
		"SO-T000004": "Paul Muller",                   // no accent at all
	}
	for number, name := range stored {
		cloneOrder(t, d, id, number, "ext-"+number, name)
	}
	var all []struct {
		Number string `db:"number"`
		Name   string `db:"customer_name"`
	}
	if err := d.Select(&all, `SELECT number, customer_name FROM orders ORDER BY ordered_at, id`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Muller", "muller", "m\u00fcller", "mu\u0308ller", nfc, nfd, "M\u00dcLLER", "MU\u0308LLER", "ller"} {
		var want []string
		for _, r := range all {
			if strings.Contains(fold(r.Name), fold(q)) {
				want = append(want, r.Number)
			}
		}
		got := search(t, o, q)
		for number := range stored {
			if !slices.Contains(got, number) {
				t.Errorf("search %q (%+q) does not find %s, %q", q, q, number, stored[number])
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("search %q found %v\nwant %v", q, got, want)
		}
	}
}

// TestSearchFollowsARenamedCustomer: the folded name the search reads is kept by the database,
// whoever writes the name and whatever else they write.
func TestSearchFollowsARenamedCustomer(t *testing.T) {
	d, o := seeded(t)
	var id int64
	var number string
	mustGet(t, d, &id, `SELECT max(id) FROM orders`)
	mustGet(t, d, &number, `SELECT number FROM orders WHERE id = $1`, id)
	mustExec(t, d, fmt.Sprintf(`UPDATE orders SET customer_name = 'Zoë Ångström' WHERE id = %d`, id))
	if got := search(t, o, "zoe angstrom"); !slices.Equal(got, []string{number}) {
		t.Errorf("after a rename, search \"zoe angstrom\" found %v, want %s", got, number)
	}
	mustExec(t, d, fmt.Sprintf(`UPDATE orders SET search_name = 'forged', notes = 'x' WHERE id = %d`, id))
	if got := search(t, o, "forged"); len(got) != 0 {
		t.Errorf("a client wrote the folded name: search \"forged\" found %v", got)
	}
	if got := search(t, o, "ngstr"); !slices.Equal(got, []string{number}) {
		t.Errorf("after a write of search_name, search \"ngstr\" found %v, want %s", got, number)
	}
}

func TestSearchFindsOrderNumbersTypedLoosely(t *testing.T) {
	d, o := seeded(t)
	var id int64
	var number string
	mustGet(t, d, &id, `SELECT max(id) FROM orders`)
	mustGet(t, d, &number, `SELECT number FROM orders WHERE id = $1`, id)
	digits := strings.TrimLeft(strings.TrimPrefix(number, "SO-"), "0")
	for _, q := range []string{number, "SO-" + digits, "so-" + digits, "SO" + digits, "so " + digits,
		digits, "SO-000000" + digits, " " + number + "\r\n"} {
		if got := search(t, o, q); len(got) != 1 || got[0] != number {
			t.Errorf("search %q found %v, want only %s", q, got, number)
		}
	}
	// Wider than the series' seven digits: the digits are kept, not cut to seven.
	cloneOrder(t, d, id, "SO-12345678", "wide-1", "Wide Number")
	for _, q := range []string{"12345678", "so-12345678"} {
		if got := search(t, o, q); len(got) != 1 || got[0] != "SO-12345678" {
			t.Errorf("search %q found %v, want only SO-12345678", q, got)
		}
	}
	// Another series' prefix is not the order series.
	if got := search(t, o, "INV-"+digits); len(got) != 0 {
		t.Errorf("search INV-%s found %v, want nothing", digits, got)
	}
}

func TestSearchFindsEmailPhoneAndPostcode(t *testing.T) {
	d, o := seeded(t)
	var c struct {
		Number   string `db:"number"`
		Email    string `db:"email"`
		Phone    string `db:"phone"`
		Postcode string `db:"postal_code"`
	}
	mustGet(t, d, &c, `SELECT o.number, cu.email, cu.phone, a.postal_code
		FROM orders o JOIN customers cu ON cu.id = o.customer_id JOIN addresses a ON a.id = o.ship_to_address_id
		WHERE cu.email LIKE '%@%' AND cu.phone LIKE '+31 6 %' AND a.postal_code LIKE '% __'
		ORDER BY o.id LIMIT 1`)
	// "+31 6 1234 5678" as a Dutch customer would say it: "06 1234 5678".
	national := "0" + strings.TrimPrefix(c.Phone, "+31 ")
	for _, q := range []struct {
		text, reference string // reference: the orders it must find, all of them
	}{
		{strings.ToUpper(c.Email), `SELECT o.number FROM orders o JOIN customers cu ON cu.id = o.customer_id
			WHERE lower(cu.email) = lower($1)`},
		{c.Phone, `SELECT o.number FROM orders o JOIN customers cu ON cu.id = o.customer_id
			WHERE regexp_replace(cu.phone, '\D', '', 'g') LIKE '%' || regexp_replace($1, '^0*|\D', '', 'g')
			   OR o.customer_id IN (SELECT customer_id FROM addresses
			                         WHERE regexp_replace(phone, '\D', '', 'g') LIKE '%' || regexp_replace($1, '^0*|\D', '', 'g'))`},
		{national, `SELECT o.number FROM orders o JOIN customers cu ON cu.id = o.customer_id
			WHERE regexp_replace(cu.phone, '\D', '', 'g') LIKE '%' || regexp_replace(regexp_replace($1, '\D', '', 'g'), '^0*', '')
			   OR o.customer_id IN (SELECT customer_id FROM addresses
			                         WHERE regexp_replace(phone, '\D', '', 'g') LIKE '%' || regexp_replace(regexp_replace($1, '\D', '', 'g'), '^0*', ''))`},
		{strings.ToLower(strings.ReplaceAll(c.Postcode, " ", "")), `SELECT o.number FROM orders o
			WHERE o.customer_id IN (SELECT customer_id FROM addresses WHERE replace(upper(postal_code), ' ', '') = upper($1))`},
	} {
		got := search(t, o, q.text)
		if !slices.Contains(got, c.Number) {
			t.Errorf("search %q does not find %s", q.text, c.Number)
		}
		want := sqlList(t, d, q.reference, q.text)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("search %q found %v\nwant %v", q.text, got, want)
		}
	}
}

// TestAnOrderNumberIsNotAPostcode: text that names an order means that order, even where it is
// also a postcode (Antwerp is 2000) or a phone number's last digits.
func TestAnOrderNumberIsNotAPostcode(t *testing.T) {
	d, o := seeded(t)
	var id int64
	mustGet(t, d, &id, `SELECT min(id) FROM orders`)
	mustExec(t, d, `UPDATE addresses SET postal_code = '2000' WHERE id IN (SELECT ship_to_address_id FROM orders ORDER BY id LIMIT 3)`)
	var inAntwerp []string
	if err := d.Select(&inAntwerp, `SELECT number FROM orders WHERE customer_id IN
		(SELECT customer_id FROM addresses WHERE postal_code = '2000')`); err != nil || len(inAntwerp) < 3 {
		t.Fatalf("orders shipped to 2000: %v, %v", inAntwerp, err)
	}
	if got := search(t, o, "2000"); len(got) < 3 {
		t.Fatalf("with no order 2000, search 2000 finds %v, want the orders shipped to postcode 2000", got)
	}
	cloneOrder(t, d, id, "SO-0002000", "ext-2000", "Order Twothousand")
	if got := search(t, o, "2000"); len(got) != 1 || got[0] != "SO-0002000" {
		t.Fatalf("search 2000 found %v, want only SO-0002000", got)
	}
}

func TestExactMatch(t *testing.T) {
	d, o := seeded(t)
	ctx := context.Background()
	var m struct {
		ID       int64  `db:"id"`
		Number   string `db:"number"`
		External string `db:"external_id"`
		Tracking string `db:"tracking_number"`
		Name     string `db:"customer_name"`
	}
	mustGet(t, d, &m, `SELECT o.id, o.number, o.external_id, p.tracking_number, o.customer_name
		FROM orders o JOIN shipments sh ON sh.order_id = o.id JOIN packages p ON p.shipment_id = sh.id
		WHERE p.tracking_number IS NOT NULL ORDER BY o.id DESC LIMIT 1`)
	digits := strings.TrimLeft(strings.TrimPrefix(m.Number, "SO-"), "0")
	for _, text := range []string{m.Number, strings.ToLower(m.Number), digits, "SO" + digits, m.External,
		m.Tracking, m.Tracking + "\r\n", "\x1d" + m.Number} {
		got, ok, err := o.ExactMatch(ctx, text)
		if err != nil || !ok || got.ID != m.ID || got.Number != m.Number {
			t.Errorf("ExactMatch(%q) = %+v, %v, %v; want %s", text, got, ok, err, m.Number)
		}
	}
	for _, text := range []string{m.Name, "", "SO-9999999", "nothing-like-it"} {
		if got, ok, err := o.ExactMatch(ctx, text); err != nil || ok {
			t.Errorf("ExactMatch(%q) = %+v, %v, %v; want no match", text, got, ok, err)
		}
	}
	// One external id on two channels names no single order.
	mustExec(t, d, fmt.Sprintf(`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
		ship_to_address_id, currency, subtotal_minor, total_minor, ordered_at, promised_at)
		SELECT 'SO-DUP1', (SELECT min(id) FROM channels WHERE id <> o.channel_id), external_id, customer_id,
		       customer_name, ship_to_address_id, currency, 0, 0, ordered_at, promised_at
		  FROM orders o WHERE id = %d`, m.ID))
	if got, ok, err := o.ExactMatch(ctx, m.External); err != nil || ok {
		t.Errorf("ExactMatch(%q) with two orders of that external id = %+v, %v, %v; want no match", m.External, got, ok, err)
	}
}

// TestSearchNameIsTheFold: the trigger that stores an order's search name (migration 00017
// writes the fold's expression into it for speed) gives what oms_search_fold gives, which the
// search folds its query with.
func TestSearchNameIsTheFold(t *testing.T) {
	d, _ := seeded(t)
	mustExec(t, d, `UPDATE orders SET customer_name = n.name
		  FROM (VALUES (1, 'Zoë Ångström'), (2, 'Zoe'||chr(776)||' NFD'), (3, 'ŁUKASZ Żółć'), (4, 'İstanbul ß'), (5, '山田 太郎'))
		       AS n(k, name)
		 WHERE orders.id = (SELECT id FROM orders ORDER BY id OFFSET n.k LIMIT 1)`)
	var differ int
	mustGet(t, d, &differ, `SELECT count(*) FROM orders WHERE search_name IS DISTINCT FROM oms_search_fold(customer_name)`)
	if differ != 0 {
		t.Errorf("%d orders whose stored search name is not the fold of their name", differ)
	}
}

// TestTheChannelsOrderNameFindsTheOrder: a customer quotes the id the shop showed them
// ("#W1042"), with or without its "#".
func TestTheChannelsOrderNameFindsTheOrder(t *testing.T) {
	d, o := seeded(t)
	var id int64
	mustGet(t, d, &id, `UPDATE orders SET external_name = '#W1042' WHERE id = (SELECT min(id) FROM orders) RETURNING id`)
	for _, text := range []string{"#W1042", "W1042"} {
		got, ok, err := o.ExactMatch(context.Background(), text)
		if err != nil || !ok || got.ID != id {
			t.Errorf("ExactMatch(%q) = %+v, %v, %v; want order %d", text, got, ok, err, id)
		}
	}
}
