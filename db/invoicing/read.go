package invoicing

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"oms/db"
	"oms/model"
)

// Reading issued documents: everything a printed invoice needs, and lists of them.

// ErrNoDocument says there is no issued document of that number.
var ErrNoDocument = errors.New("no such invoice or credit note")

// missing is a sentence saying what is not there, matching its sentinel with errors.Is.
type missing struct {
	sentinel error
	sentence string
}

func (m missing) Error() string { return m.sentence }
func (m missing) Unwrap() error { return m.sentinel }

// Party is the seller, the buyer or one of the buyer's addresses as a document prints it.
// The seller and the buyer are as they were when the document was issued (migration 00035);
// a document issued before that shows them as they are now.
type Party struct {
	Name       string `db:"name"`
	Company    string `db:"company"`
	Line1      string `db:"line1"`
	Line2      string `db:"line2"`
	City       string `db:"city"`
	Region     string `db:"region"`
	PostalCode string `db:"postal_code"`
	Country    string `db:"country"`
	VATNumber  string `db:"vat_number"`
	Phone      string `db:"-"` // the seller's, as issued; "" for a buyer
	Email      string `db:"-"`
}

// DocLine is one line of an issued document.
type DocLine struct {
	LineNo        int    `db:"line_no"`
	SKU           string `db:"sku"` // "" for shipping
	Description   string `db:"description"`
	Qty           int64  `db:"qty"`
	UnitMinor     int64  `db:"unit_price_minor"`
	DiscountMinor int64  `db:"discount_minor"`
	TaxRatePPM    int64  `db:"tax_rate_ppm"`
	TaxMinor      int64  `db:"tax_minor"`
	TotalMinor    int64  `db:"total_minor"`
}

// IssuedDocument is an issued invoice or credit note with everything its print needs. FXRate is
// the stored rate of FXDate: units of Currency per unit of BaseCurrency, or, when FXInverse,
// units of BaseCurrency per unit of Currency (the rate was stored that way round).
type IssuedDocument struct {
	ID                               int64
	Number                           string
	Kind                             Kind
	Series                           string
	IssuedAt                         time.Time
	OrderNumber                      string
	OrderExternal                    string // the id the customer knows the order by (the channel's)
	OrderedAt                        time.Time
	Credits                          string // the number of the invoice a credit note corrects
	Seller                           Party
	Buyer                            Party  // the customer, with their VAT number
	BillTo                           *Party // nil when the order has no bill-to address
	ShipTo                           Party
	Currency                         model.Currency
	BaseCurrency                     model.Currency
	FXRate                           string
	FXInverse                        bool
	FXDate                           time.Time
	Lines                            []DocLine
	TaxLines                         []model.TaxLine
	Subtotal, Tax, Total             int64
	SubtotalBase, TaxBase, TotalBase int64
	Notes                            string
}

// Document reads the issued document numbered number.
func (s *Store) Document(ctx context.Context, number string) (IssuedDocument, error) {
	var h struct {
		ID           int64         `db:"id"`
		Number       string        `db:"number"`
		Kind         string        `db:"kind"`
		Series       string        `db:"series"`
		IssuedAt     time.Time     `db:"issued_at"`
		Order        string        `db:"order_number"`
		External     string        `db:"external"`
		OrderedAt    time.Time     `db:"ordered_at"`
		Credits      string        `db:"credits"`
		Currency     string        `db:"currency"`
		Base         string        `db:"base_currency"`
		Rate         string        `db:"fx_rate"`
		Inverse      bool          `db:"fx_inverse"`
		Date         string        `db:"fx_date"`
		Subtotal     int64         `db:"subtotal_minor"`
		Tax          int64         `db:"tax_minor"`
		Total        int64         `db:"total_minor"`
		SubtotalBase int64         `db:"subtotal_base_minor"`
		TaxBase      int64         `db:"tax_base_minor"`
		TotalBase    int64         `db:"total_base_minor"`
		Notes        string        `db:"notes"`
		Seller       string        `db:"seller"`
		SellerCtry   string        `db:"seller_country"`
		SellerVAT    string        `db:"seller_vat"`
		SellerLine1  string        `db:"seller_line1"`
		SellerLine2  string        `db:"seller_line2"`
		SellerPost   string        `db:"seller_postal_code"`
		SellerCity   string        `db:"seller_city"`
		SellerRegion string        `db:"seller_region"`
		SellerPhone  string        `db:"seller_phone"`
		SellerEmail  string        `db:"seller_email"`
		Customer     string        `db:"customer"`
		CustCtry     string        `db:"customer_country"`
		CustVAT      string        `db:"customer_vat"`
		ShipTo       int64         `db:"ship_to"`
		BillTo       sql.NullInt64 `db:"bill_to"`
	}
	err := s.d.GetContext(ctx, &h, `
		SELECT i.id, i.number, i.kind, i.series, i.issued_at, o.number AS order_number,
		       coalesce(nullif(o.external_name, ''), o.external_id) AS external, o.ordered_at,
		       coalesce(c.number, '') AS credits, i.currency, i.base_currency, trim_scale(i.fx_rate)::text AS fx_rate,
		       i.fx_inverse, to_char(i.fx_date, 'YYYY-MM-DD') AS fx_date, i.subtotal_minor, i.tax_minor, i.total_minor,
		       i.subtotal_base_minor, i.tax_base_minor, i.total_base_minor, i.notes,
		       coalesce(i.seller->>'name', co.name) AS seller, coalesce(i.seller->>'country', co.country) AS seller_country,
		       coalesce(i.seller->>'vat_number', co.vat_number) AS seller_vat,
		       coalesce(i.seller->>'line1', co.line1) AS seller_line1, coalesce(i.seller->>'line2', co.line2) AS seller_line2,
		       coalesce(i.seller->>'postal_code', co.postal_code) AS seller_postal_code,
		       coalesce(i.seller->>'city', co.city) AS seller_city, coalesce(i.seller->>'region', co.region) AS seller_region,
		       coalesce(i.seller->>'phone', co.phone) AS seller_phone, coalesce(i.seller->>'email', co.email) AS seller_email,
		       coalesce(i.buyer->>'name', cu.name) AS customer, coalesce(i.buyer->>'country', cu.country) AS customer_country,
		       coalesce(i.buyer->>'vat_number', cu.vat_number) AS customer_vat,
		       o.ship_to_address_id AS ship_to, o.bill_to_address_id AS bill_to
		  FROM invoices i
		  JOIN orders o ON o.id = i.order_id
		  JOIN customers cu ON cu.id = o.customer_id
		  LEFT JOIN invoices c ON c.id = i.credited_invoice_id
		  CROSS JOIN company co
		 WHERE i.number = $1`, strings.ToUpper(strings.TrimSpace(number)))
	if errors.Is(err, sql.ErrNoRows) {
		return IssuedDocument{}, missing{ErrNoDocument, "there is no invoice or credit note " + strings.TrimSpace(number)}
	}
	if err != nil {
		return IssuedDocument{}, db.MapError(err)
	}
	fxDate, err := time.Parse(time.DateOnly, h.Date)
	if err != nil {
		return IssuedDocument{}, err
	}
	d := IssuedDocument{ID: h.ID, Number: h.Number, Kind: Kind(h.Kind), Series: h.Series, IssuedAt: h.IssuedAt,
		OrderNumber: h.Order, OrderExternal: h.External, OrderedAt: h.OrderedAt, Credits: h.Credits,
		Seller: Party{Name: h.Seller, Country: h.SellerCtry, VATNumber: h.SellerVAT, Line1: h.SellerLine1,
			Line2: h.SellerLine2, PostalCode: h.SellerPost, City: h.SellerCity, Region: h.SellerRegion,
			Phone: h.SellerPhone, Email: h.SellerEmail},
		Buyer:    Party{Name: h.Customer, Country: h.CustCtry, VATNumber: h.CustVAT},
		Currency: model.Currency(h.Currency), BaseCurrency: model.Currency(h.Base), FXRate: h.Rate, FXInverse: h.Inverse,
		FXDate: fxDate, Subtotal: h.Subtotal, Tax: h.Tax, Total: h.Total, SubtotalBase: h.SubtotalBase,
		TaxBase: h.TaxBase, TotalBase: h.TotalBase, Notes: h.Notes}
	const address = `SELECT name, company, line1, line2, city, region, postal_code, country, '' AS vat_number
		FROM addresses WHERE id = $1`
	if err := s.d.GetContext(ctx, &d.ShipTo, address, h.ShipTo); err != nil {
		return IssuedDocument{}, db.MapError(err)
	}
	if h.BillTo.Valid {
		var b Party
		if err := s.d.GetContext(ctx, &b, address, h.BillTo.Int64); err != nil {
			return IssuedDocument{}, db.MapError(err)
		}
		b.VATNumber = h.CustVAT
		d.BillTo = &b
	}
	if err := s.d.SelectContext(ctx, &d.Lines, `
		SELECT il.line_no, coalesce(p.sku, '') AS sku, il.description, il.qty, il.unit_price_minor, il.discount_minor,
		       il.tax_rate_ppm, il.tax_minor, il.total_minor
		  FROM invoice_lines il
		  LEFT JOIN order_lines ol ON ol.id = il.order_line_id
		  LEFT JOIN products p ON p.id = ol.product_id
		 WHERE il.invoice_id = $1 ORDER BY il.line_no`, h.ID); err != nil {
		return IssuedDocument{}, db.MapError(err)
	}
	var taxLines []struct {
		Rate         int64 `db:"tax_rate_ppm"`
		Taxable      int64 `db:"taxable_minor"`
		Tax          int64 `db:"tax_minor"`
		TaxableBase  int64 `db:"taxable_base_minor"`
		TaxBaseMinor int64 `db:"tax_base_minor"`
	}
	if err := s.d.SelectContext(ctx, &taxLines, `
		SELECT tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor
		  FROM invoice_tax_lines WHERE invoice_id = $1 ORDER BY tax_rate_ppm`, h.ID); err != nil {
		return IssuedDocument{}, db.MapError(err)
	}
	for _, t := range taxLines {
		d.TaxLines = append(d.TaxLines, model.TaxLine{RatePPM: t.Rate, TaxableMinor: t.Taxable, TaxMinor: t.Tax,
			TaxableBaseMinor: t.TaxableBase, TaxBaseMinor: t.TaxBaseMinor})
	}
	return d, nil
}

// ListFilter narrows List: an order number, issue dates From and To (both inclusive, UTC
// calendar days; zero for no bound) and a series ("invoice", "credit_note").
type ListFilter struct {
	Order    string
	From, To time.Time
	Series   string
}

// Summary is one document of a list.
type Summary struct {
	Number      string    `db:"number"`
	Kind        Kind      `db:"kind"`
	Series      string    `db:"series"`
	IssuedAt    time.Time `db:"issued_at"`
	OrderNumber string    `db:"order_number"`
	Credits     string    `db:"credits"`
	Currency    string    `db:"currency"`
	Total       int64     `db:"total_minor"`
	Base        string    `db:"base_currency"`
	TotalBase   int64     `db:"total_base_minor"`
}

// List returns up to limit issued documents matching f, newest first.
func (s *Store) List(ctx context.Context, f ListFilter, limit int) ([]Summary, error) {
	if limit <= 0 {
		limit = 100
	}
	var from, to any
	if !f.From.IsZero() {
		from = f.From.Format(time.DateOnly)
	}
	if !f.To.IsZero() {
		to = f.To.Format(time.DateOnly)
	}
	var out []Summary
	err := s.d.SelectContext(ctx, &out, `
		SELECT i.number, i.kind, i.series, i.issued_at, o.number AS order_number, coalesce(c.number, '') AS credits,
		       i.currency, i.total_minor, i.base_currency, i.total_base_minor
		  FROM invoices i
		  JOIN orders o ON o.id = i.order_id
		  LEFT JOIN invoices c ON c.id = i.credited_invoice_id
		 WHERE i.number IS NOT NULL
		   AND ($1 = '' OR o.number = $1)
		   AND ($2 = '' OR i.series = $2)
		   AND ($3::date IS NULL OR i.issued_at >= ($3::date)::timestamp AT TIME ZONE 'UTC')
		   AND ($4::date IS NULL OR i.issued_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC')
		 ORDER BY i.issued_at DESC, i.id DESC
		 LIMIT $5`, strings.ToUpper(strings.TrimSpace(f.Order)), strings.TrimSpace(f.Series), from, to, limit)
	return out, db.MapError(err)
}
