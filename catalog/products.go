package catalog

import (
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"oms/model"
)

// Product is one row of a products file. Zero measures mean "not known" (stored as NULL).
type Product struct {
	// Columns are the columns of the kind that the file has (shared by all its rows): an update
	// leaves the others as they are stored. Nil means every column (rows read from the database).
	Columns         []string
	Line            int // where the record starts in its file; 0 for rows read from the database
	SKU             string
	Name            string
	GTIN            string   // "" when the product has none
	Barcodes        []string // extra scannable codes, in file order
	WeightG         int
	LengthMM        int
	WidthMM         int
	HeightMM        int
	HSCode          string
	CountryOfOrigin string
	TaxCategory     string
	LotTracked      bool
	ExpiryTracked   bool
	ReorderPoint    int
	Active          bool
}

// productColumns are the columns of a products file, in the order export writes them.
var productColumns = []column{
	{"sku", true}, {"name", true}, {"gtin", false}, {"barcodes", false}, {"weight_g", false},
	{"length_mm", false}, {"width_mm", false}, {"height_mm", false}, {"hs_code", false},
	{"country_of_origin", false}, {"tax_category", true}, {"lot_tracked", false},
	{"expiry_tracked", false}, {"reorder_point", false}, {"active", false},
}

var (
	skuPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$`)
	hsPattern      = regexp.MustCompile(`^[0-9]{6,10}$`)
	taxCatPattern  = regexp.MustCompile(`^[a-z0-9_]+$`)
	digitsOnly     = regexp.MustCompile(`^[0-9]+$`)
	barcodeLimits  = [2]int{4, 64}
	nameCharLimits = 200
)

func init() { kinds["products"] = productColumns }

// ReadProducts parses a products file. See the package comment.
func ReadProducts(file string, data []byte) ([]Product, []Rejection, error) {
	var rows []Product
	skus, codes := seen{}, seen{}
	rejected, err := readRecords(file, "products", data, productColumns, func(r *record) error {
		p := readProduct(r, codes)
		if r.err == nil {
			skus.check(r, "sku", p.SKU)
		}
		if r.err != nil {
			return r.err
		}
		rows = append(rows, p)
		return nil
	})
	return rows, rejected, err
}

// readProduct reads and checks one product's fields; codes are the GTINs and barcodes seen so
// far (one product's own, or a whole file's).
func readProduct(r *record, codes seen) Product {
	p := Product{
		Line:            r.line,
		Columns:         r.present,
		SKU:             r.required("sku"),
		Name:            r.required("name"),
		GTIN:            r.str("gtin"),
		WeightG:         r.intIn("weight_g", 1, 0),
		LengthMM:        r.intIn("length_mm", 1, 0),
		WidthMM:         r.intIn("width_mm", 1, 0),
		HeightMM:        r.intIn("height_mm", 1, 0),
		HSCode:          r.str("hs_code"),
		CountryOfOrigin: r.country("country_of_origin", false),
		TaxCategory:     strings.ToLower(r.required("tax_category")),
		LotTracked:      r.boolean("lot_tracked", false),
		ExpiryTracked:   r.boolean("expiry_tracked", false),
		ReorderPoint:    r.intIn("reorder_point", 0, 0),
		Active:          r.boolean("active", true),
	}
	if p.SKU != "" && !skuPattern.MatchString(p.SKU) {
		r.failOn("sku", "sku %q is not a SKU: a letter or digit, then up to 63 letters, digits or . _ / -", p.SKU)
	}
	if n := utf8.RuneCountInString(p.Name); n > nameCharLimits {
		r.failOn("name", "name is %d characters long, more than %d", n, nameCharLimits)
	}
	if p.GTIN != "" && !model.ValidGTIN(p.GTIN) {
		r.failOn("gtin", "gtin %q is not a GTIN-8, -12, -13 or -14 with a correct check digit", p.GTIN)
	}
	for _, b := range strings.Split(r.str("barcodes"), ";") {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		switch {
		case len(b) < barcodeLimits[0] || len(b) > barcodeLimits[1]:
			r.failOn("barcodes", "barcode %q is not 4 to 64 characters long", b)
		case b == p.GTIN:
			r.failOn("barcodes", "barcode %s is the product's gtin: list only the other codes", b)
		case digitsOnly.MatchString(b) && (len(b) == 8 || len(b) >= 12 && len(b) <= 14) && !model.ValidGTIN(b):
			r.failOn("barcodes", "barcode %s looks like a GTIN but its check digit is wrong", b)
		}
		codes.checkOn(r, "barcodes", "barcode", b)
		p.Barcodes = append(p.Barcodes, b)
	}
	if p.GTIN != "" {
		codes.checkOn(r, "gtin", "gtin", p.GTIN)
	}
	if p.HSCode != "" && !hsPattern.MatchString(p.HSCode) {
		r.failOn("hs_code", "hs_code %q is not 6 to 10 digits", p.HSCode)
	}
	if p.TaxCategory != "" && !taxCatPattern.MatchString(p.TaxCategory) {
		r.failOn("tax_category", "tax_category %q is not a tax category code (lower-case letters, digits, _)", p.TaxCategory)
	}
	if p.ExpiryTracked && !p.LotTracked && r.has("lot_tracked") {
		r.failOn("expiry_tracked", "expiry_tracked needs lot_tracked: expiry dates are kept per lot")
	}
	return p
}

// ParseProduct reads one product from the text of its fields, keyed by the columns of a products
// file (every column is taken as given: a missing one is empty), with the same checks as a
// file's row. A refused value is a *FieldError naming its column and why.
func ParseProduct(values map[string]string) (Product, error) {
	r := &record{index: map[string]int{}}
	for i, c := range productColumns {
		r.index[c.name] = i
		r.cells = append(r.cells, values[c.name])
		r.present = append(r.present, c.name)
	}
	p := readProduct(r, seen{})
	return p, r.err
}

// WriteProducts writes a products file that ReadProducts reads back to the same rows.
func WriteProducts(w io.Writer, rows []Product) error {
	records := make([][]string, len(rows))
	for i, p := range rows {
		records[i] = []string{p.SKU, p.Name, p.GTIN, strings.Join(p.Barcodes, ";"), itoa0(p.WeightG),
			itoa0(p.LengthMM), itoa0(p.WidthMM), itoa0(p.HeightMM), p.HSCode, p.CountryOfOrigin,
			p.TaxCategory, formatBool(p.LotTracked), formatBool(p.ExpiryTracked),
			itoa0Keep(p.ReorderPoint), formatBool(p.Active)}
	}
	return writeRecords(w, productColumns, records)
}

func itoa0Keep(n int) string {
	if n == 0 {
		return "0"
	}
	return itoa0(n)
}
