package catalog

import (
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Channel is one row of a channels file: where orders come from, in which currency, from which
// warehouse, how fast, and how its orders and stock are treated (migration 00013).
type Channel struct {
	// Columns are the columns of the kind that the file has (shared by all its rows): an update
	// leaves the others as they are stored. Nil means every column (rows read from the database).
	Columns   []string
	Line      int
	Code      string
	Name      string
	Kind      string // webshop, marketplace, store or manual
	Currency  string
	Warehouse string // the default warehouse's code; "" for none (a store needs one)
	SLAHours  int
	// PricesIncludeTax: the channel's prices are gross (tax included); default false (net).
	PricesIncludeTax bool
	// SplitAllowed: an order may ship in parts when not all of it is in stock; default true.
	SplitAllowed bool
	// SafetyBuffer is the units per SKU held back from what the channel may sell; default 0.
	SafetyBuffer int
	Active       bool
}

var channelColumns = []column{
	{"code", true}, {"name", true}, {"kind", true}, {"currency", true}, {"warehouse", false},
	{"sla_hours", false}, {"prices_include_tax", false}, {"split_allowed", false}, {"safety_buffer", false},
	{"active", false},
}

func init() { kinds["channels"] = channelColumns }

var channelCode = regexp.MustCompile(`^[a-z0-9-]{2,32}$`)

// DefaultSLAHours is the promise of a channel whose file leaves sla_hours empty (the schema's
// default).
const DefaultSLAHours = 48

// ReadChannels parses a channels file. See the package comment.
func ReadChannels(file string, data []byte) ([]Channel, []Rejection, error) {
	var rows []Channel
	codes := seen{}
	rejected, err := readRecords(file, "channels", data, channelColumns, func(r *record) error {
		c := Channel{
			Line:      r.line,
			Columns:   r.present,
			Code:      strings.ToLower(r.required("code")),
			Name:      r.required("name"),
			Kind:      r.oneOf("kind", "", "webshop", "marketplace", "store", "manual"),
			Currency:  r.currency("currency"),
			Warehouse: strings.ToUpper(r.str("warehouse")),
			SLAHours:  r.intIn("sla_hours", 1, DefaultSLAHours),
			// The schema's defaults: net prices, splits allowed, no buffer.
			PricesIncludeTax: r.boolean("prices_include_tax", false),
			SplitAllowed:     r.boolean("split_allowed", true),
			SafetyBuffer:     r.intIn("safety_buffer", 0, 0),
			Active:           r.boolean("active", true),
		}
		if c.Code != "" && !channelCode.MatchString(c.Code) {
			r.fail("code %q is not a channel code: 2 to 32 lower-case letters, digits or -", r.str("code"))
		}
		if c.Kind == "store" && c.Warehouse == "" && r.has("warehouse") {
			r.fail("a store channel needs its warehouse: the store it sells from")
		}
		if r.err == nil {
			codes.check(r, "channel", c.Code)
		}
		if r.err != nil {
			return r.err
		}
		rows = append(rows, c)
		return nil
	})
	return rows, rejected, err
}

// WriteChannels writes a channels file that ReadChannels reads back to the same rows.
func WriteChannels(w io.Writer, rows []Channel) error {
	records := make([][]string, len(rows))
	for i, c := range rows {
		records[i] = []string{c.Code, c.Name, c.Kind, c.Currency, c.Warehouse, strconv.Itoa(c.SLAHours),
			formatBool(c.PricesIncludeTax), formatBool(c.SplitAllowed), strconv.Itoa(c.SafetyBuffer), formatBool(c.Active)}
	}
	return writeRecords(w, channelColumns, records)
}
