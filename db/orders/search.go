package orders

import (
	"context"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// searchQuery is what one search text may mean; each field is empty when the text cannot mean
// that. The database does the matching; this only decides which matches are worth asking for.
type searchQuery struct {
	text string // trimmed, control characters dropped, composed (NFC)
	// numPrefix and numDigits are an order number typed loosely: "SO-1976", "so1976", "1976"
	// give ("SO", "1976"); the digits lose their leading zeros.
	numPrefix, numDigits string
	email                string
	phone                string // the LIKE pattern on oms_phone_key: digits reversed, then %
	postcode             string
}

var (
	looseNumber = regexp.MustCompile(`^([A-Za-z]{1,8})?[- ]?([0-9]{1,12})$`)
	phoneLike   = regexp.MustCompile(`^\+?[0-9 ()./-]+$`)
	postcodeish = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$`)
)

// minPhoneDigits keeps short numbers (order numbers, postcodes) from matching every phone
// number that happens to end with them.
const minPhoneDigits = 7

func parseSearch(raw string) searchQuery {
	text := norm.NFC.String(strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) { // a scanner's CR, LF or GS1 group separator
			return -1
		}
		return r
	}, raw)))
	q := searchQuery{text: text}
	if text == "" {
		return q
	}
	if m := looseNumber.FindStringSubmatch(text); m != nil {
		q.numPrefix = strings.ToUpper(m[1])
		q.numDigits = strings.TrimLeft(m[2], "0")
		if q.numDigits == "" {
			q.numDigits = "0"
		}
	}
	if strings.Contains(text, "@") && !strings.ContainsAny(text, " \t") {
		q.email = text
	}
	if phoneLike.MatchString(text) {
		digits := strings.TrimLeft(strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, text), "0") // a trunk or international prefix: 06…, 0031…
		if len(digits) >= minPhoneDigits {
			q.phone = reverse(digits) + "%"
		}
	}
	if postcodeish.MatchString(text) && strings.ContainsAny(text, "0123456789") {
		q.postcode = text
	}
	return q
}

func reverse(s string) string {
	b := []byte(s) // digits only: bytes are runes
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// identity is the conditions on orders alias a that name one order outright: its number as
// printed or typed loosely, its external id, a parcel's tracking number.
func (w *whereBuilder) identity(q searchQuery, a string) []string {
	t := w.bind(q.text) + "::text"
	conds := []string{
		a + ".number = upper(" + t + ")",
		a + ".external_id = " + t,
		a + ".external_name IN (" + t + ", '#' || " + t + ")",
		a + `.id = ANY (ARRAY(SELECT sh.order_id FROM packages p JOIN shipments sh ON sh.id = p.shipment_id
		                   WHERE p.tracking_number = ` + t + `))`,
	}
	if q.numDigits != "" {
		pre, d := w.bind(q.numPrefix)+"::text", w.bind(q.numDigits)+"::text"
		// A number wider than the series keeps its digits (lpad would cut them).
		conds = append(conds, a+`.number = (SELECT s.prefix || CASE WHEN length(`+d+`) >= s.width
		        THEN `+d+` ELSE lpad(`+d+`, s.width, '0') END
		  FROM number_series s
		 WHERE s.code = 'order' AND `+pre+` IN ('', upper(rtrim(s.prefix, '-'))))`)
	}
	return conds
}

// search adds the condition of a search: any of its meanings. Every alternative can use an
// index on orders (the number, the external id, the primary key, the trigrams of the folded name
// that migration 00007 stores, the customer), so PostgreSQL can OR their bitmaps instead of reading every order.
//
// A text that names an order outright means that order, not the customers whose phone number
// or postcode it also is: "2000" is order SO-0002000, not everyone in Antwerp (postcode 2000),
// while there is such an order. Names and e-mail addresses are never order identifiers.
func (w *whereBuilder) search(q searchQuery) {
	conds := w.identity(q, "o")
	// Folded, then escaped: folding can turn a full-width ％ into a wildcard.
	n := w.bind(q.text) + "::text"
	conds = append(conds, `o.search_name LIKE '%' ||
		replace(replace(replace(oms_search_fold(`+n+`), '\', '\\'), '%', '\%'), '_', '\_') || '%'`)
	var customers, attributes []string
	if q.email != "" {
		e := w.bind(q.email) + "::text"
		customers = append(customers, `SELECT id FROM customers WHERE lower(email) = lower(`+e+`)`)
	}
	if q.phone != "" {
		p := w.bind(q.phone) + "::text"
		attributes = append(attributes,
			`SELECT id FROM customers WHERE oms_phone_key(phone) LIKE `+p,
			`SELECT customer_id FROM addresses WHERE oms_phone_key(phone) LIKE `+p+` AND customer_id IS NOT NULL`)
	}
	if q.postcode != "" {
		p := w.bind(q.postcode) + "::text"
		attributes = append(attributes, `SELECT customer_id FROM addresses
			WHERE oms_postcode_key(postal_code) = oms_postcode_key(`+p+`) AND customer_id IS NOT NULL`)
	}
	if len(attributes) > 0 {
		// Inside the array, so the guard runs once and the arm stays an index condition.
		customers = append(customers, "SELECT a.id FROM ("+strings.Join(attributes, " UNION ")+") a (id)"+
			" WHERE NOT EXISTS (SELECT 1 FROM orders x WHERE "+strings.Join(w.identity(q, "x"), " OR ")+")")
	}
	if len(customers) > 0 {
		conds = append(conds, `o.customer_id = ANY (ARRAY(`+strings.Join(customers, " UNION ")+`))`)
	}
	w.conds = append(w.conds, "("+strings.Join(conds, "\n\t\t\tOR ")+")")
}

// Match is an order found by one of its own identifiers.
type Match struct {
	ID     int64  `db:"id"`
	Number string `db:"number"`
}

// ExactMatch finds the one order that text names on its own: its number (as printed, or typed
// without the prefix and zeros), its channel's external id, or the tracking number of one of its
// parcels — what a scanner reads off a pick list, a packing slip or a label. ok is false when
// nothing or more than one order matches (an external id can recur across channels); a screen
// then shows the search's list instead of opening an order.
func (s *Store) ExactMatch(ctx context.Context, text string) (m Match, ok bool, err error) {
	q := parseSearch(text)
	if q.text == "" {
		return Match{}, false, nil
	}
	w := whereBuilder{}
	query := `SELECT o.id, o.number FROM orders o WHERE ` + strings.Join(w.identity(q, "o"), " OR ") + ` LIMIT 2`
	var found []Match
	if err := s.d.SelectContext(ctx, &found, query, w.args...); err != nil {
		return Match{}, false, err
	}
	if len(found) != 1 {
		return Match{}, false, nil
	}
	return found[0], true, nil
}
