package catalog

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Location is one row of a locations file: a bin or work area of a warehouse. Virtual locations
// (supplier, customer, adjustment, scrap, transit) belong to no warehouse and are not imported.
type Location struct {
	// Columns are the columns of the kind that the file has (shared by all its rows): an update
	// leaves the others as they are stored. Nil means every column (rows read from the database).
	Columns   []string
	Line      int
	Warehouse string // the warehouse's code
	Code      string
	Kind      string
	Zone      string
	Aisle     string
	PickSeq   int
	Barcode   string // the scannable label, distinct from the code; "" for none
	Active    bool
}

// LocationKinds are the kinds of location a file may hold.
var LocationKinds = []string{"bin", "receiving", "packing", "staging", "returns", "quarantine"}

var locationColumns = []column{
	{"warehouse", true}, {"code", true}, {"kind", false}, {"zone", false}, {"aisle", false},
	{"pick_seq", false}, {"barcode", false}, {"active", false},
}

// locationBarcode is what a scanner sends: 1 to 64 printable ASCII characters.
var locationBarcode = regexp.MustCompile(`^[ -~]{1,64}$`)

func init() { kinds["locations"] = locationColumns }

// ReadLocations parses a locations file. See the package comment. kind defaults to bin.
func ReadLocations(file string, data []byte) ([]Location, []Rejection, error) {
	var rows []Location
	keys, barcodes := seen{}, seen{}
	rejected, err := readRecords(file, "locations", data, locationColumns, func(r *record) error {
		l := Location{
			Line:      r.line,
			Columns:   r.present,
			Warehouse: strings.ToUpper(r.required("warehouse")),
			Code:      r.required("code"),
			Kind:      r.oneOf("kind", "bin", LocationKinds...),
			Zone:      r.str("zone"),
			Aisle:     r.str("aisle"),
			PickSeq:   r.intIn("pick_seq", 0, 0),
			Barcode:   r.str("barcode"),
			Active:    r.boolean("active", true),
		}
		if n := utf8.RuneCountInString(l.Code); n > 32 {
			r.fail("code is %d characters long, more than 32", n)
		}
		if l.Barcode != "" && !locationBarcode.MatchString(l.Barcode) {
			r.fail("barcode %q is not a scannable label: 1 to 64 printable ASCII characters", l.Barcode)
		}
		if r.err == nil {
			keys.check(r, "location", l.Code+" at "+l.Warehouse)
		}
		if r.err == nil && l.Barcode != "" {
			barcodes.check(r, "barcode", l.Barcode)
		}
		if r.err != nil {
			return r.err
		}
		rows = append(rows, l)
		return nil
	})
	return rows, rejected, err
}

// WriteLocations writes a locations file that ReadLocations reads back to the same rows.
func WriteLocations(w io.Writer, rows []Location) error {
	records := make([][]string, len(rows))
	for i, l := range rows {
		records[i] = []string{l.Warehouse, l.Code, l.Kind, l.Zone, l.Aisle, strconv.Itoa(l.PickSeq), l.Barcode, formatBool(l.Active)}
	}
	return writeRecords(w, locationColumns, records)
}
