package catalog

import (
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Box is one row of a boxes file: a packing box of a warehouse, its inside measures, the weight
// it may carry and its own (tare) weight.
type Box struct {
	// Columns are the columns of the kind that the file has (shared by all its rows): an update
	// leaves the others as they are stored. Nil means every column (rows read from the database).
	Columns     []string
	Line        int
	Warehouse   string // the warehouse's code
	Code        string
	Name        string
	LengthMM    int // inside measures
	WidthMM     int
	HeightMM    int
	MaxWeightG  int // what it may carry
	TareWeightG int // its own weight; default 0
	Active      bool
}

var boxColumns = []column{
	{"warehouse", true}, {"code", true}, {"name", true}, {"length_mm", true}, {"width_mm", true},
	{"height_mm", true}, {"max_weight_g", true}, {"tare_weight_g", false}, {"active", false},
}

func init() { kinds["boxes"] = boxColumns }

var boxCode = regexp.MustCompile(`^[A-Z0-9-]{1,16}$`)

// positive reads a required whole number above 0.
func (r *record) positive(name string) int {
	if r.str(name) == "" {
		r.fail("%s is empty: it is a whole number above 0", name)
		return 0
	}
	return r.intIn(name, 1, 0)
}

// ReadBoxes parses a boxes file. See the package comment. Codes are kept in capitals.
func ReadBoxes(file string, data []byte) ([]Box, []Rejection, error) {
	var rows []Box
	keys := seen{}
	rejected, err := readRecords(file, "boxes", data, boxColumns, func(r *record) error {
		b := Box{
			Line:        r.line,
			Columns:     r.present,
			Warehouse:   strings.ToUpper(r.required("warehouse")),
			Code:        strings.ToUpper(r.required("code")),
			Name:        r.required("name"),
			LengthMM:    r.positive("length_mm"),
			WidthMM:     r.positive("width_mm"),
			HeightMM:    r.positive("height_mm"),
			MaxWeightG:  r.positive("max_weight_g"),
			TareWeightG: r.intIn("tare_weight_g", 0, 0),
			Active:      r.boolean("active", true),
		}
		if b.Code != "" && !boxCode.MatchString(b.Code) {
			r.fail("code %q is not a box code: 1 to 16 capital letters, digits or -", r.str("code"))
		}
		if r.err == nil {
			keys.check(r, "box", b.Code+" at "+b.Warehouse)
		}
		if r.err != nil {
			return r.err
		}
		rows = append(rows, b)
		return nil
	})
	return rows, rejected, err
}

// WriteBoxes writes a boxes file that ReadBoxes reads back to the same rows.
func WriteBoxes(w io.Writer, rows []Box) error {
	records := make([][]string, len(rows))
	for i, b := range rows {
		records[i] = []string{b.Warehouse, b.Code, b.Name, strconv.Itoa(b.LengthMM), strconv.Itoa(b.WidthMM),
			strconv.Itoa(b.HeightMM), strconv.Itoa(b.MaxWeightG), strconv.Itoa(b.TareWeightG), formatBool(b.Active)}
	}
	return writeRecords(w, boxColumns, records)
}
