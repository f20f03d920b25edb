package shipping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"oms/model"
)

// columns is the header of a rate card file, in the order WriteRateCard writes it. A file may
// order them differently (a spreadsheet user may move one) but must have each exactly once.
var columns = []string{
	"kind",
	"carrier", "name", "tracking_format", "currency", "valid_from", "valid_to",
	"weight_unit", "weight_step", "dim_unit", "dim_divisor", "side_rounding", "fuel_percent",
	"service", "max_weight", "max_side",
	"origin", "country", "postcode_prefix", "zone",
	"price", "days", "surcharge", "min_side",
}

// kinds says which columns each kind of row fills; a row leaves every other column empty,
// which catches a row shifted by one cell before its values are misread.
var kinds = map[string][]string{
	"card": {"carrier", "name", "tracking_format", "currency", "valid_from", "valid_to",
		"weight_unit", "weight_step", "dim_unit", "dim_divisor", "side_rounding", "fuel_percent"},
	"service":   {"service", "name", "max_weight", "max_side"},
	"zone":      {"origin", "country", "postcode_prefix", "zone"},
	"rate":      {"service", "zone", "max_weight", "price"},
	"transit":   {"service", "zone", "days"},
	"surcharge": {"surcharge", "country", "postcode_prefix", "min_side", "price"},
}

// kindOrder is the order kinds are named in messages and written in.
var kindOrder = []string{"card", "service", "zone", "rate", "transit", "surcharge"}

const dateLayout = "2006-01-02"

var (
	carrierCode   = regexp.MustCompile(`^[a-z0-9-]{2,32}$`)
	serviceCode   = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)
	zoneName      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)
	postcodeChars = regexp.MustCompile(`^[A-Z0-9]{1,10}$`)
)

// TrackingFormats are the tracking-number schemes a card may name (see RateCard.TrackingFormat).
var TrackingFormats = []string{"ups", "fedex", "dhl", "s10"}

// AnyCountry is the Country of a zone row that takes every destination country no other zone
// row of the same origin names: the "rest of the world" zone.
const AnyCountry = "*"

// Surcharge kinds.
const (
	SurchargeRemote   = "remote"
	SurchargeOversize = "oversize"
)

// ReadRateCard parses one carrier's rate card file (see the package comment for the format).
// file names it in messages. Any bad row rejects the whole card: the error is a *CardError
// listing every problem found (up to MaxProblems), each with its line and column.
func ReadRateCard(file string, data []byte) (RateCard, error) {
	rd := &cardReader{file: file, index: map[string]int{}}
	records := rd.records(data)
	if len(rd.problems) == 0 {
		rd.parse(records)
		if len(rd.problems) == 0 {
			rd.crossCheck()
		}
	}
	if len(rd.problems) > 0 {
		return RateCard{}, newCardError(file, rd.problems)
	}
	return rd.card, nil
}

// record is one row of the file with the line it starts on.
type record struct {
	line  int
	cells []string
}

// cardReader holds what reading one file has found so far.
type cardReader struct {
	file     string
	index    map[string]int // column name → position in the file's header
	problems []Problem
	card     RateCard
	weight   unit // zero until the card row named a valid weight_unit
	length   unit // zero until the card row named a valid dim_unit
	lines    rowLines
}

// rowLines are the lines each parsed row came from, parallel to the card's slices, so that
// checks across rows can point at the line to fix.
type rowLines struct {
	services, zones, rates, transit, surcharges []int
}

func (rd *cardReader) problem(line int, column, format string, args ...any) {
	rd.problems = append(rd.problems, Problem{Line: line, Column: column, Text: fmt.Sprintf(format, args...)})
}

// records reads the CSV and its header; a problem with either stops the reading.
func (rd *cardReader) records(data []byte) []record {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	var out []record
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			rd.problem(pe.Line, "", "the CSV cannot be read: %v", pe.Err)
			return nil
		} else if err != nil {
			rd.problem(0, "", "the CSV cannot be read: %v", err)
			return nil
		}
		line, _ := cr.FieldPos(0)
		out = append(out, record{line: line, cells: cells})
	}
	if len(out) == 0 {
		rd.problem(1, "", "the file is empty: it needs the header %s", strings.Join(columns, ","))
		return nil
	}
	rd.header(out[0])
	return out[1:]
}

// header finds the columns by name and names any that are missing, unknown or repeated.
func (rd *cardReader) header(h record) {
	for i, cell := range h.cells {
		name := strings.ToLower(strings.TrimSpace(cell))
		switch _, seen := rd.index[name]; {
		case seen:
			rd.problem(h.line, "", "the header names %s twice (columns %s and %s)", name, columnLetter(rd.index[name]), columnLetter(i))
		case !slices.Contains(columns, name):
			rd.problem(h.line, "", "the header's column %s is %q: expected one of %s", columnLetter(i), cell, strings.Join(columns, ", "))
		default:
			rd.index[name] = i
		}
	}
	var missing []string
	for _, c := range columns {
		if _, ok := rd.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		rd.problem(h.line, "", "the header lacks %s", strings.Join(missing, ", "))
	}
}

// parse reads the card row first, because its units say how every other row's weights and
// lengths read, then the others in file order.
func (rd *cardReader) parse(records []record) {
	var cardLines []int
	var rows []*row
	for _, rec := range records {
		r := &row{rd: rd, record: rec}
		if r.blank() {
			continue // spreadsheets save empty rows as ",,,,"
		}
		if len(rec.cells) != len(rd.index) {
			rd.problem(rec.line, "", "the row has %d cells: the header has %d", len(rec.cells), len(rd.index))
			continue
		}
		r.kind = strings.ToLower(r.str("kind"))
		if _, ok := kinds[r.kind]; !ok {
			r.bad("kind", "one of "+strings.Join(kindOrder, ", "))
			continue
		}
		r.checkUnused()
		if r.kind == "card" {
			cardLines = append(cardLines, rec.line)
			if len(cardLines) == 1 {
				r.readCard()
			} else {
				rd.problem(rec.line, "", "a second card row: the card is on line %d, and a file holds one card", cardLines[0])
			}
			continue
		}
		rows = append(rows, r)
	}
	if len(cardLines) == 0 {
		rd.problem(1, "", "no card row: one row of kind card names the carrier, currency, dates and units")
	}
	for _, r := range rows {
		r.read()
	}
}

// row is one record being read; its methods report a bad cell and return a zero value.
type row struct {
	rd *cardReader
	record
	kind string
}

func (r *row) blank() bool {
	for _, c := range r.cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (r *row) str(col string) string { return strings.TrimSpace(r.cells[r.rd.index[col]]) }

// bad reports the cell of col: what it holds and what was expected there.
func (r *row) bad(col, expected string) {
	where := fmt.Sprintf("%s (column %s)", col, columnLetter(r.rd.index[col]))
	if v := r.str(col); v == "" {
		r.rd.problem(r.line, col, "%s is empty: expected %s", where, expected)
	} else {
		r.rd.problem(r.line, col, "%s is %q: expected %s", where, v, expected)
	}
}

func (r *row) checkUnused() {
	used := kinds[r.kind]
	for _, col := range columns {
		if col != "kind" && !slices.Contains(used, col) && r.str(col) != "" {
			r.bad(col, "nothing: a "+r.kind+" row leaves it empty")
		}
	}
}

func (r *row) read() {
	switch r.kind {
	case "service":
		r.readService()
	case "zone":
		r.readZone()
	case "rate":
		r.readRate()
	case "transit":
		r.readTransit()
	case "surcharge":
		r.readSurcharge()
	}
}

// match reads a cell that must match re (after lower-casing when lower is set).
func (r *row) match(col string, re *regexp.Regexp, lower bool, expected string) string {
	v := r.str(col)
	if lower {
		v = strings.ToLower(v)
	}
	if !re.MatchString(v) {
		r.bad(col, expected)
	}
	return v
}

func (r *row) oneOf(col string, allowed ...string) string {
	v := strings.ToLower(r.str(col))
	if !slices.Contains(allowed, v) {
		r.bad(col, strings.Join(allowed, " or "))
	}
	return v
}

func (r *row) required(col, expected string) string {
	v := r.str(col)
	if v == "" {
		r.bad(col, expected)
	}
	return v
}

func (r *row) date(col string, required bool) time.Time {
	v := r.str(col)
	if v == "" && !required {
		return time.Time{}
	}
	d, err := time.Parse(dateLayout, v)
	if err != nil {
		r.bad(col, "a date as YYYY-MM-DD")
	}
	return d
}

// count reads a whole number in [lo, hi]; an empty optional cell is 0.
func (r *row) count(col string, lo, hi int, required bool, expected string) int {
	v := r.str(col)
	if v == "" && !required {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.bad(col, expected)
		return 0
	}
	return n
}

// measure reads a weight or length in u as base units above 0; an empty optional cell is 0.
// It reads nothing when the card row's unit was bad, which was reported there.
func (r *row) measure(col string, u unit, required bool, expected string) int {
	v := r.str(col)
	if u.name == "" || (v == "" && !required) {
		return 0
	}
	n, ok := u.parse(v)
	if !ok || n <= 0 {
		r.bad(col, expected)
		return 0
	}
	return n
}

func (r *row) weight(col string, required bool) int {
	return r.measure(col, r.rd.weight, required, "a number of "+r.rd.weight.name+" above 0")
}

func (r *row) side(col string, required bool) int {
	expected := "a length in " + r.rd.length.name + " above 0"
	if !required {
		expected += ", or empty for no limit"
	}
	return r.measure(col, r.rd.length, required, expected)
}

func (r *row) price(col string) int64 {
	cur := model.Currency(r.rd.card.Currency)
	if _, err := cur.Exponent(); err != nil {
		return 0 // the card row's currency was reported
	}
	m, err := model.ParseMoney(r.str(col), cur)
	switch {
	case err != nil:
		reason := err.Error()
		if _, after, ok := strings.Cut(reason, ": "); ok {
			reason = after
		}
		r.bad(col, fmt.Sprintf("an amount in %s such as 12.50 (%s)", cur, reason))
	case m.Minor < 0:
		r.bad(col, "an amount of 0 or more")
	}
	return m.Minor
}

func (r *row) country(col string, wildcard bool) string {
	v := strings.ToUpper(r.str(col))
	if wildcard && v == AnyCountry {
		return v
	}
	if !model.IsCountry(v) {
		expected := "an ISO 3166 country code such as NL"
		if wildcard {
			expected += ", or * for every country no other zone row names"
		}
		r.bad(col, expected)
	}
	return v
}

func (r *row) postcodePrefix(col string) string {
	v := NormalizePostcode(r.str(col))
	if v != "" && !postcodeChars.MatchString(v) {
		r.bad(col, "up to 10 letters and digits that postcodes start with (spaces are ignored), or empty")
	}
	return v
}

func (r *row) readCard() {
	c := &r.rd.card
	c.Carrier = r.match("carrier", carrierCode, true, `a code of 2 to 32 lower-case letters, digits or "-", such as dhl`)
	c.Name = r.required("name", "the carrier's name as labels print it")
	c.TrackingFormat = r.oneOf("tracking_format", TrackingFormats...)
	if cur, err := model.LookupCurrency(r.str("currency")); err != nil {
		r.bad("currency", "an ISO 4217 currency code oms knows, such as EUR")
	} else {
		c.Currency = string(cur)
	}
	c.ValidFrom = r.date("valid_from", true)
	c.ValidTo = r.date("valid_to", false)
	if !c.ValidTo.IsZero() && !c.ValidFrom.IsZero() && c.ValidTo.Before(c.ValidFrom) {
		r.bad("valid_to", "a date on or after valid_from ("+c.ValidFrom.Format(dateLayout)+"), or empty")
	}
	c.WeightUnit = r.oneOf("weight_unit", "kg", "lb")
	r.rd.weight, _ = weightUnit(c.WeightUnit)
	c.WeightStepG = r.weight("weight_step", true)
	c.DimUnit = r.oneOf("dim_unit", "cm", "in")
	r.rd.length, _ = lengthUnit(c.DimUnit)
	c.DimDivisor = r.count("dim_divisor", 1, 1_000_000, false, "a whole number above 0 such as 5000, or empty when the carrier does not charge by volume")
	if c.DimDivisor > 0 || r.str("side_rounding") != "" {
		c.SideRounding = r.oneOf("side_rounding", "nearest", "up")
	}
	if v := r.str("fuel_percent"); v != "" {
		bp, ok := parseDecimal(v, 2)
		if !ok || bp > 10000 {
			r.bad("fuel_percent", "a percentage from 0 to 100 with at most 2 decimals, such as 12.5")
		}
		c.FuelPercentBP = int(bp)
	}
}

func (r *row) readService() {
	s := Service{
		Code:       r.match("service", serviceCode, true, `a code of 1 to 32 lower-case letters, digits, "_" or "-"`),
		Name:       r.required("name", "the service's name as labels print it"),
		MaxWeightG: r.weight("max_weight", true),
		MaxSideMM:  r.side("max_side", false),
	}
	r.rd.card.Services = append(r.rd.card.Services, s)
	r.rd.lines.services = append(r.rd.lines.services, r.line)
}

func (r *row) zone() string {
	return r.match("zone", zoneName, false, `a zone name of 1 to 16 letters, digits, "_" or "-"`)
}

func (r *row) readZone() {
	z := Zone{
		Origin:         r.country("origin", false),
		Country:        r.country("country", true),
		PostcodePrefix: r.postcodePrefix("postcode_prefix"),
		Zone:           r.zone(),
	}
	if z.Country == AnyCountry && z.PostcodePrefix != "" {
		r.bad("postcode_prefix", "nothing when country is *: postcodes mean something only within a country")
	}
	r.rd.card.Zones = append(r.rd.card.Zones, z)
	r.rd.lines.zones = append(r.rd.lines.zones, r.line)
}

func (r *row) service() string {
	return r.match("service", serviceCode, true, "the code of a service row")
}

func (r *row) readRate() {
	rate := Rate{Service: r.service(), Zone: r.zone(), MaxWeightG: r.weight("max_weight", true), PriceMinor: r.price("price")}
	r.rd.card.Rates = append(r.rd.card.Rates, rate)
	r.rd.lines.rates = append(r.rd.lines.rates, r.line)
}

func (r *row) readTransit() {
	t := Transit{Service: r.service(), Zone: r.zone(), Days: r.count("days", 0, 99, true, "a whole number of working days from 0 to 99")}
	r.rd.card.Transit = append(r.rd.card.Transit, t)
	r.rd.lines.transit = append(r.rd.lines.transit, r.line)
}

func (r *row) readSurcharge() {
	s := Surcharge{Kind: r.oneOf("surcharge", SurchargeRemote, SurchargeOversize), AmountMinor: r.price("price")}
	switch s.Kind {
	case SurchargeRemote:
		s.Country = r.country("country", false)
		s.PostcodePrefix = r.postcodePrefix("postcode_prefix")
		if r.str("min_side") != "" {
			r.bad("min_side", "nothing for a remote surcharge, which depends on the postcode")
		}
	case SurchargeOversize:
		s.MinSideMM = r.side("min_side", true)
		for _, col := range []string{"country", "postcode_prefix"} {
			if r.str(col) != "" {
				r.bad(col, "nothing for an oversize surcharge, which depends on the longest side")
			}
		}
	}
	r.rd.card.Surcharges = append(r.rd.card.Surcharges, s)
	r.rd.lines.surcharges = append(r.rd.lines.surcharges, r.line)
}

// columnLetter is a spreadsheet's name for the i-th column (from 0): A … Z, AA ….
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// WriteRateCard writes c in the format ReadRateCard reads, giving back the same RateCard:
// the header, the card row, then services, zones, rates, transit and surcharges in c's order.
// Weights are written in c.WeightUnit and lengths in c.DimUnit with as few decimals as keep
// them exact.
func WriteRateCard(w io.Writer, c RateCard) error {
	weight, ok := weightUnit(c.WeightUnit)
	if !ok {
		return fmt.Errorf("rate card %s: weight unit %q is not kg or lb", c.Carrier, c.WeightUnit)
	}
	length, ok := lengthUnit(c.DimUnit)
	if !ok {
		return fmt.Errorf("rate card %s: dim unit %q is not cm or in", c.Carrier, c.DimUnit)
	}
	cur := model.Currency(c.Currency)
	if _, err := cur.Exponent(); err != nil {
		return fmt.Errorf("rate card %s: %w", c.Carrier, err)
	}
	money := func(minor int64) string { return model.Money{Minor: minor, Currency: cur}.Format() }
	optional := func(n int, format func(int) string) string {
		if n == 0 {
			return ""
		}
		return format(n)
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(dateLayout)
	}

	cw := csv.NewWriter(w)
	write := func(kind string, cells map[string]string) {
		rec := make([]string, len(columns))
		rec[0] = kind
		for i, col := range columns[1:] {
			rec[i+1] = cells[col]
		}
		_ = cw.Write(rec) // a write error stays in cw and is returned by cw.Error
	}
	_ = cw.Write(columns)
	write("card", map[string]string{
		"carrier": c.Carrier, "name": c.Name, "tracking_format": c.TrackingFormat, "currency": c.Currency,
		"valid_from": date(c.ValidFrom), "valid_to": date(c.ValidTo),
		"weight_unit": weight.name, "weight_step": weight.format(c.WeightStepG),
		"dim_unit": c.DimUnit, "dim_divisor": optional(c.DimDivisor, strconv.Itoa),
		"side_rounding": c.SideRounding, "fuel_percent": formatPercentBP(c.FuelPercentBP),
	})
	for _, s := range c.Services {
		write("service", map[string]string{"service": s.Code, "name": s.Name,
			"max_weight": weight.format(s.MaxWeightG), "max_side": optional(s.MaxSideMM, length.format)})
	}
	for _, z := range c.Zones {
		write("zone", map[string]string{"origin": z.Origin, "country": z.Country, "postcode_prefix": z.PostcodePrefix, "zone": z.Zone})
	}
	for _, r := range c.Rates {
		write("rate", map[string]string{"service": r.Service, "zone": r.Zone, "max_weight": weight.format(r.MaxWeightG), "price": money(r.PriceMinor)})
	}
	for _, t := range c.Transit {
		write("transit", map[string]string{"service": t.Service, "zone": t.Zone, "days": strconv.Itoa(t.Days)})
	}
	for _, s := range c.Surcharges {
		write("surcharge", map[string]string{"surcharge": s.Kind, "country": s.Country, "postcode_prefix": s.PostcodePrefix,
			"min_side": optional(s.MinSideMM, length.format), "price": money(s.AmountMinor)})
	}
	cw.Flush()
	return cw.Error()
}
