package catalog

import (
	"io"
	"regexp"
	"strings"
)

// Warehouse is one row of a warehouses file: a distribution centre or a store.
type Warehouse struct {
	// Columns are the columns of the kind that the file has (shared by all its rows): an update
	// leaves the others as they are stored. Nil means every column (rows read from the database).
	Columns   []string
	Line      int
	Code      string
	Name      string
	Kind      string // dc or store
	Country   string
	City      string
	Latitude  *float64
	Longitude *float64
	TimeZone  string
	Currency  string
	Active    bool
}

var warehouseColumns = []column{
	{"code", true}, {"name", true}, {"kind", true}, {"country", true}, {"city", false},
	{"latitude", false}, {"longitude", false}, {"time_zone", true}, {"currency", true}, {"active", false},
}

func init() { kinds["warehouses"] = warehouseColumns }

var warehouseCode = regexp.MustCompile(`^[A-Z0-9-]{2,16}$`)

// ReadWarehouses parses a warehouses file. See the package comment.
func ReadWarehouses(file string, data []byte) ([]Warehouse, []Rejection, error) {
	var rows []Warehouse
	codes := seen{}
	rejected, err := readRecords(file, "warehouses", data, warehouseColumns, func(r *record) error {
		w := Warehouse{
			Line:      r.line,
			Columns:   r.present,
			Code:      strings.ToUpper(r.required("code")),
			Name:      r.required("name"),
			Kind:      r.oneOf("kind", "", "dc", "store"),
			Country:   r.country("country", true),
			City:      r.str("city"),
			Latitude:  r.float("latitude", -90, 90),
			Longitude: r.float("longitude", -180, 180),
			TimeZone:  r.timeZone("time_zone"),
			Currency:  r.currency("currency"),
			Active:    r.boolean("active", true),
		}
		if w.Code != "" && !warehouseCode.MatchString(w.Code) {
			r.fail("code %q is not a warehouse code: 2 to 16 capital letters, digits or -", r.str("code"))
		}
		if (w.Latitude == nil) != (w.Longitude == nil) && r.has("latitude") && r.has("longitude") && r.err == nil {
			r.fail("latitude and longitude come together: give both or neither")
		}
		if r.err == nil {
			codes.check(r, "warehouse", w.Code)
		}
		if r.err != nil {
			return r.err
		}
		rows = append(rows, w)
		return nil
	})
	return rows, rejected, err
}

// WriteWarehouses writes a warehouses file that ReadWarehouses reads back to the same rows.
func WriteWarehouses(w io.Writer, rows []Warehouse) error {
	records := make([][]string, len(rows))
	for i, h := range rows {
		records[i] = []string{h.Code, h.Name, h.Kind, h.Country, h.City, formatFloat(h.Latitude),
			formatFloat(h.Longitude), h.TimeZone, h.Currency, formatBool(h.Active)}
	}
	return writeRecords(w, warehouseColumns, records)
}
