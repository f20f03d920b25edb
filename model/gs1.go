package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A GS1 element string is what a scanner sends for a GS1-128, GS1 DataMatrix, GS1 QR or GS1
// DataBar symbol: application identifiers (AIs) each followed by their data, e.g.
// "0109506000134352" "17201225" "10ABC123". Data of a predefined length runs straight into the
// next AI; data of variable length ends at FNC1, which scanners send as ASCII 29 (GS). The same
// data printed under the barcode is the bracketed form "(01)09506000134352(17)201225(10)ABC123".
// The rules cited below are from the GS1 General Specifications (GenSpecs).

// gs1Separator is FNC1 as a scanner transmits it (GenSpecs 7.8.4: FNC1 or <GS>, ASCII 29).
const gs1Separator = '\x1d'

// gs1SymbologyPrefixes are the AIM symbology identifiers of the symbols that carry GS1 element
// strings. A scanner set to send them puts one before the data, which says "this is GS1".
var gs1SymbologyPrefixes = []string{"]C1", "]d2", "]Q3", "]e0"}

// GS1Field is one element string as scanned: the AI and its data, unconverted.
type GS1Field struct {
	AI    string
	Value string
}

// GS1 is a parsed scan. The typed fields are zero when their AI is absent; Fields keeps every
// element string in scan order, including the AIs that have no typed field here.
type GS1 struct {
	SSCC         string    // (00) serial shipping container code, 18 digits
	GTIN         string    // (01) GTIN-14 of the trade item
	ContentGTIN  string    // (02) GTIN-14 of the trade items in a logistic unit
	Lot          string    // (10) batch or lot
	Serial       string    // (21) serial number
	Count        int       // (30) variable count of items
	ContentCount int       // (37) count of trade items in a logistic unit, goes with (02)
	Production   time.Time // (11) production date, UTC midnight
	BestBefore   time.Time // (15) best before date, UTC midnight
	Expiry       time.Time // (17) expiration date, UTC midnight
	// NetWeightKg is (310n), the net weight in kilograms as the exact decimal the label
	// carries; nil when absent.
	NetWeightKg *GS1Decimal
	Fields      []GS1Field
}

// GS1Decimal is an exact decimal as GS1 measures encode it: Digits × 10^-Places, so
// (3103)001250 is {1250, 3}, 1.250. Weights are never floats (ARCHITECTURE.md §2).
type GS1Decimal struct {
	Digits int64
	Places int
}

// String writes the decimal with all its places: "1.250", "0.035", "35".
func (d GS1Decimal) String() string {
	digits := strconv.FormatInt(d.Digits, 10)
	if d.Places <= 0 {
		return digits
	}
	if len(digits) <= d.Places {
		digits = strings.Repeat("0", d.Places-len(digits)+1) + digits
	}
	return digits[:len(digits)-d.Places] + "." + digits[len(digits)-d.Places:]
}

// Scaled returns the value × 10^places as an integer, and false when that would drop digits:
// kilograms Scaled(3) are grams, exact unless the label is finer than a gram.
func (d GS1Decimal) Scaled(places int) (int64, bool) {
	value := d.Digits
	for p := d.Places; p < places; p++ {
		if value > math.MaxInt64/10 || value < math.MinInt64/10 {
			return 0, false
		}
		value *= 10
	}
	for p := d.Places; p > places; p-- {
		if value%10 != 0 {
			return 0, false
		}
		value /= 10
	}
	return value, true
}

// NetWeightGrams is the net weight in whole grams; ok is false when the scan has no (310n) or
// its weight is finer than a gram.
func (g GS1) NetWeightGrams() (grams int64, ok bool) {
	if g.NetWeightKg == nil {
		return 0, false
	}
	return g.NetWeightKg.Scaled(3)
}

// String gives the bracketed human-readable form, "(01)09506000134352(10)ABC123". A "(" inside
// data is written "\(" so the form parses back to the same fields.
func (g GS1) String() string {
	var b strings.Builder
	for _, f := range g.Fields {
		b.WriteString("(" + f.AI + ")")
		b.WriteString(strings.ReplaceAll(f.Value, "(", `\(`))
	}
	return b.String()
}

// GS1Error says what is wrong with a scan and where, so a scan field can point at it.
type GS1Error struct {
	Position int    // 1-based byte position in the scan as given; 0 for the scan as a whole
	AI       string // the AI concerned, "" when none could be read
	Problem  string
}

func (e *GS1Error) Error() string {
	switch {
	case e.AI != "":
		return fmt.Sprintf("GS1 scan: AI (%s) at position %d: %s", e.AI, e.Position, e.Problem)
	case e.Position > 0:
		return fmt.Sprintf("GS1 scan: at position %d: %s", e.Position, e.Problem)
	default:
		return "GS1 scan: " + e.Problem
	}
}

// ParseGS1At parses a scan in either form — the raw scanner burst, optionally led by a GS1
// symbology identifier and/or FNC1, or the bracketed form — and checks every field: lengths,
// characters, check digits and dates. today fixes the century of YYMMDD dates (GenSpecs 7.12).
func ParseGS1At(scan string, today time.Time) (GS1, error) {
	start, err := gs1DataStart(scan)
	if err != nil {
		return GS1{}, err
	}
	var fields []locatedField
	if start < len(scan) && scan[start] == '(' {
		fields, err = splitBracketed(scan, start)
	} else {
		fields, err = splitRaw(scan, start)
	}
	if err != nil {
		return GS1{}, err
	}
	return assemble(fields, today)
}

// gs1DataStart skips the symbology identifier and a leading FNC1: both say "GS1 follows" and
// neither is data.
func gs1DataStart(scan string) (int, error) {
	if scan == "" {
		return 0, &GS1Error{Problem: "empty scan"}
	}
	start := 0
	if strings.HasPrefix(scan, "]") {
		prefix, ok := gs1SymbologyPrefix(scan)
		if !ok {
			return 0, &GS1Error{Position: 1, Problem: fmt.Sprintf(
				"symbology identifier %q is not one of GS1's (]C1, ]d2, ]Q3, ]e0)", prefixOf(scan, 3))}
		}
		start = len(prefix)
	}
	for start < len(scan) && scan[start] == gs1Separator {
		start++
	}
	if start == len(scan) {
		return 0, &GS1Error{Problem: "no data after the GS1 prefix"}
	}
	return start, nil
}

func gs1SymbologyPrefix(scan string) (string, bool) {
	for _, prefix := range gs1SymbologyPrefixes {
		if strings.HasPrefix(scan, prefix) {
			return prefix, true
		}
	}
	return "", false
}

func prefixOf(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

// LooksLikeGS1 tells a scan field whether to parse a scan as GS1 element strings or look it up
// as a plain code (SKU, barcode, bin). It says yes for a GS1 symbology identifier, an FNC1 (GS)
// anywhere, the bracketed form, or data that opens with an SSCC or GTIN AI whose check digit
// holds — the last for scanners set not to send symbology identifiers. A bare EAN-13 or
// GTIN-14 is a plain code: too short to hold an AI and its data.
func LooksLikeGS1(scan string) bool {
	if _, ok := gs1SymbologyPrefix(scan); ok {
		return true
	}
	if strings.IndexByte(scan, gs1Separator) >= 0 {
		return true
	}
	return startsBracketed(scan) || startsWithKeyAI(scan)
}

// startsBracketed matches "(" two to four digits ")".
func startsBracketed(scan string) bool {
	closing := strings.IndexByte(scan, ')')
	if !strings.HasPrefix(scan, "(") || closing < 3 || closing > 5 {
		return false
	}
	return firstNonDigit(scan[1:closing]) < 0
}

func startsWithKeyAI(scan string) bool {
	switch {
	case strings.HasPrefix(scan, "00") && len(scan) >= 20:
		return validCheckDigit(scan[2:20])
	case (strings.HasPrefix(scan, "01") || strings.HasPrefix(scan, "02")) && len(scan) >= 16:
		return validCheckDigit(scan[2:16])
	}
	return false
}

func validCheckDigit(key string) bool {
	return firstNonDigit(key) < 0 && gs1CheckDigit(key[:len(key)-1]) == key[len(key)-1]
}

// GS1CheckDigit computes the GS1 mod-10 check digit of digits, the key without its check digit,
// for a key of any length: GTIN, SSCC (17 digits), GLN, GSRN. GTINCheckDigit is the same rule
// restricted to GTIN lengths.
func GS1CheckDigit(digits string) (int, error) {
	if digits == "" {
		return 0, fmt.Errorf("GS1 check digit: no digits")
	}
	if bad := firstNonDigit(digits); bad >= 0 {
		return 0, fmt.Errorf("GS1 check digit of %q: %q is not a digit", digits, digits[bad])
	}
	return int(gs1CheckDigit(digits) - '0'), nil
}

// gs1AI describes the data of one AI (GenSpecs section 3 and figure 7.8.4-2).
type gs1AI struct {
	name      string // what the data is, for messages
	length    int    // predefined length; 0 for variable length
	maxLength int    // for variable length
	numeric   bool   // digits only; otherwise GS1 character set 82
	apply     func(g *GS1, ai, value string, today time.Time) error
}

func (spec gs1AI) variable() bool { return spec.length == 0 }

// gs1AIs are the two-digit AIs this parser knows. An unknown AI is an error rather than a
// guess: without its definition there is no telling where its data ends.
var gs1AIs = map[string]gs1AI{
	"00": {name: "SSCC", length: 18, numeric: true, apply: applySSCC},
	"01": {name: "GTIN", length: 14, numeric: true, apply: applyGTIN},
	"02": {name: "GTIN of contained items", length: 14, numeric: true, apply: applyContentGTIN},
	"10": {name: "batch/lot", maxLength: 20, apply: func(g *GS1, _, v string, _ time.Time) error { g.Lot = v; return nil }},
	"11": {name: "production date", length: 6, numeric: true, apply: applyDate(func(g *GS1) *time.Time { return &g.Production })},
	"12": {name: "due date", length: 6, numeric: true, apply: applyDate(nil)},
	"13": {name: "packaging date", length: 6, numeric: true, apply: applyDate(nil)},
	"15": {name: "best before date", length: 6, numeric: true, apply: applyDate(func(g *GS1) *time.Time { return &g.BestBefore })},
	"16": {name: "sell by date", length: 6, numeric: true, apply: applyDate(nil)},
	"17": {name: "expiration date", length: 6, numeric: true, apply: applyDate(func(g *GS1) *time.Time { return &g.Expiry })},
	"20": {name: "internal product variant", length: 2, numeric: true, apply: nil},
	"21": {name: "serial number", maxLength: 20, apply: func(g *GS1, _, v string, _ time.Time) error { g.Serial = v; return nil }},
	"30": {name: "variable count", maxLength: 8, numeric: true, apply: applyCount(func(g *GS1) *int { return &g.Count })},
	"37": {name: "count of trade items", maxLength: 8, numeric: true, apply: applyCount(func(g *GS1) *int { return &g.ContentCount })},
}

// netWeightKg is (310n): the fourth digit of the AI is the number of decimal places.
var netWeightKg = gs1AI{name: "net weight (kg)", length: 6, numeric: true, apply: applyNetWeight}

// lookupAI finds the AI at the start of data and its definition.
func lookupAI(data string) (ai string, spec gs1AI, ok bool) {
	if len(data) >= 4 && strings.HasPrefix(data, "310") && isDigit(data[3]) {
		return data[:4], netWeightKg, true
	}
	if len(data) < 2 {
		return "", gs1AI{}, false
	}
	spec, ok = gs1AIs[data[:2]]
	return data[:2], spec, ok
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// characterAt quotes the whole character at byte i, so a stray "é" is shown as itself.
func characterAt(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return strconv.QuoteRune(r)
}

// locatedField is a field with where its AI and its data start in the scan, for messages.
type locatedField struct {
	GS1Field
	spec    gs1AI
	raw     string // the data as it stands in the scan: Value with its escapes
	escaped bool   // the bracketed form, where "\(" stands for "(" in data
	aiAt    int    // 0-based index of the AI's first digit
	valueAt int    // 0-based index of the data
}

func (f locatedField) fail(format string, args ...any) error {
	return &GS1Error{Position: f.aiAt + 1, AI: f.AI, Problem: fmt.Sprintf(format, args...)}
}

// splitRaw cuts a scanner burst into fields: predefined lengths are counted, variable data runs
// to the next FNC1 or the end.
func splitRaw(scan string, at int) ([]locatedField, error) {
	var fields []locatedField
	for at < len(scan) {
		if scan[at] == gs1Separator {
			at++ // FNC1 after fixed-length data is not needed but harmless
			continue
		}
		ai, spec, ok := lookupAI(scan[at:])
		if !ok {
			return nil, unknownAI(scan, at)
		}
		f := locatedField{GS1Field: GS1Field{AI: ai}, spec: spec, aiAt: at, valueAt: at + len(ai)}
		end, err := rawValueEnd(scan, f)
		if err != nil {
			return nil, err
		}
		f.raw = scan[f.valueAt:end]
		f.Value = f.raw
		fields = append(fields, f)
		at = end
	}
	return fields, nil
}

func unknownAI(scan string, at int) error {
	if !isDigit(scan[at]) {
		return &GS1Error{Position: at + 1, Problem: fmt.Sprintf("expected an AI, got %s", characterAt(scan, at))}
	}
	return &GS1Error{Position: at + 1, Problem: fmt.Sprintf("unknown AI (%s…)", prefixOf(scan[at:], 2))}
}

// rawValueEnd finds where f's data ends in a raw scan.
func rawValueEnd(scan string, f locatedField) (int, error) {
	separator := strings.IndexByte(scan[f.valueAt:], gs1Separator)
	end := len(scan)
	if separator >= 0 {
		end = f.valueAt + separator
	}
	if f.spec.variable() {
		if end-f.valueAt > f.spec.maxLength {
			return 0, f.fail("%s is longer than %d characters (is an FNC1 missing after it?)", f.spec.name, f.spec.maxLength)
		}
		return end, nil
	}
	if got := end - f.valueAt; got < f.spec.length {
		return 0, f.fail("needs %d digits, got %d", f.spec.length, got)
	}
	return f.valueAt + f.spec.length, nil
}

// splitBracketed cuts "(01)…(10)…" into fields; the brackets make every length explicit.
func splitBracketed(scan string, at int) ([]locatedField, error) {
	var fields []locatedField
	for at < len(scan) {
		f, err := readBracketedField(scan, at)
		if err != nil {
			return nil, err
		}
		if err := checkLength(f); err != nil {
			return nil, err
		}
		fields = append(fields, f)
		at = f.valueAt + len(f.raw)
	}
	return fields, nil
}

func readBracketedField(scan string, at int) (locatedField, error) {
	if scan[at] != '(' {
		return locatedField{}, &GS1Error{Position: at + 1, Problem: fmt.Sprintf("expected \"(\" before an AI, got %s", characterAt(scan, at))}
	}
	closing := strings.IndexByte(scan[at:], ')')
	if closing < 0 {
		return locatedField{}, &GS1Error{Position: at + 1, Problem: "\"(\" without \")\""}
	}
	ai := scan[at+1 : at+closing]
	known, spec, ok := lookupAI(ai)
	if !ok || known != ai {
		return locatedField{}, &GS1Error{Position: at + 2, Problem: fmt.Sprintf("unknown AI (%s)", ai)}
	}
	f := locatedField{GS1Field: GS1Field{AI: ai}, spec: spec, aiAt: at + 1, valueAt: at + closing + 1, escaped: true}
	f.raw = scan[f.valueAt : f.valueAt+bracketedValueLength(scan[f.valueAt:])]
	f.Value = strings.ReplaceAll(f.raw, `\(`, "(")
	return f, nil
}

// bracketedValueLength is how far data runs: to the next "(" that is not escaped as "\(".
func bracketedValueLength(rest string) int {
	for i := 0; i < len(rest); i++ {
		switch {
		case rest[i] == '\\' && i+1 < len(rest) && rest[i+1] == '(':
			i++
		case rest[i] == '(':
			return i
		}
	}
	return len(rest)
}

func checkLength(f locatedField) error {
	switch {
	case !f.spec.variable() && len(f.Value) != f.spec.length:
		return f.fail("needs %d digits, got %d", f.spec.length, len(f.Value))
	case f.spec.variable() && len(f.Value) > f.spec.maxLength:
		return f.fail("%s is %d characters, at most %d", f.spec.name, len(f.Value), f.spec.maxLength)
	}
	return nil
}

// assemble checks each field's characters and meaning and fills the typed fields.
func assemble(fields []locatedField, today time.Time) (GS1, error) {
	var g GS1
	seen := map[string]locatedField{}
	for _, f := range fields {
		if err := checkCharacters(f); err != nil {
			return GS1{}, err
		}
		if err := checkRepeat(seen, f); err != nil {
			return GS1{}, err
		}
		if f.spec.apply != nil {
			if err := f.spec.apply(&g, f.AI, f.Value, today); err != nil {
				return GS1{}, f.fail("%v", err)
			}
		}
		g.Fields = append(g.Fields, f.GS1Field)
	}
	return g, nil
}

// checkRepeat refuses an AI given twice with different data (GenSpecs 4.14: such a scan is
// contradictory). The net weights (3100)…(3109) are one quantity, so they count as one AI.
func checkRepeat(seen map[string]locatedField, f locatedField) error {
	key := f.AI
	if len(f.AI) == 4 && strings.HasPrefix(f.AI, "310") {
		key = "310"
	}
	earlier, repeated := seen[key]
	seen[key] = f
	if repeated && earlier.GS1Field != f.GS1Field {
		return f.fail("repeats (%s)%s from position %d with different data", earlier.AI, earlier.Value, earlier.aiAt+1)
	}
	return nil
}

func checkCharacters(f locatedField) error {
	if f.Value == "" {
		return f.fail("%s is empty", f.spec.name)
	}
	for i := 0; i < len(f.raw); i++ {
		c := f.raw[i]
		if f.spec.numeric && !isDigit(c) {
			return f.fail("%s must be digits, %s at position %d is not", f.spec.name, characterAt(f.raw, i), f.valueAt+i+1)
		}
		if f.escaped && c == '\\' && i+1 < len(f.raw) && f.raw[i+1] == '(' {
			i++ // an escaped "(" in the bracketed form
			continue
		}
		if !f.spec.numeric && !inGS1CharacterSet82(c) {
			return f.fail("%s cannot hold %s (position %d)", f.spec.name, characterAt(f.raw, i), f.valueAt+i+1)
		}
	}
	return nil
}

// inGS1CharacterSet82 is GenSpecs figure 7.11-1, the characters alphanumeric AIs may hold: no
// space, no control character, nothing beyond ASCII.
func inGS1CharacterSet82(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(`!"%&'()*+,-./:;<=>?_`, c) >= 0
}

func applySSCC(g *GS1, _, value string, _ time.Time) error {
	if err := checkKeyDigit("SSCC", value); err != nil {
		return err
	}
	g.SSCC = value
	return nil
}

func applyGTIN(g *GS1, _, value string, _ time.Time) error {
	if err := checkKeyDigit("GTIN", value); err != nil {
		return err
	}
	g.GTIN = value
	return nil
}

func applyContentGTIN(g *GS1, _, value string, _ time.Time) error {
	if err := checkKeyDigit("GTIN", value); err != nil {
		return err
	}
	g.ContentGTIN = value
	return nil
}

// checkKeyDigit verifies the last digit of a GS1 key (GenSpecs 7.9.1); the caller has made sure
// key is all digits.
func checkKeyDigit(kind, key string) error {
	if want := gs1CheckDigit(key[:len(key)-1]); key[len(key)-1] != want {
		return fmt.Errorf("%s %s: check digit should be %c", kind, key, want)
	}
	return nil
}

// applyDate parses a YYMMDD field into the typed field target picks (nil: check only).
func applyDate(target func(*GS1) *time.Time) func(*GS1, string, string, time.Time) error {
	return func(g *GS1, _, value string, today time.Time) error {
		date, err := parseGS1Date(value, today)
		if err != nil {
			return err
		}
		if target != nil {
			*target(g) = date
		}
		return nil
	}
}

// parseGS1Date reads YYMMDD. Day 00 means the last day of the month (GenSpecs 3.4.2–3.4.7;
// since 2025 healthcare labels must not print it, but older stock still carries it).
func parseGS1Date(yymmdd string, today time.Time) (time.Time, error) {
	yy, _ := strconv.Atoi(yymmdd[0:2])
	month, _ := strconv.Atoi(yymmdd[2:4])
	day, _ := strconv.Atoi(yymmdd[4:6])
	year := gs1Year(yy, today)
	if month < 1 || month > 12 || day > daysIn(year, time.Month(month)) {
		return time.Time{}, fmt.Errorf("date %s is not a date", yymmdd)
	}
	if day == 0 {
		day = daysIn(year, time.Month(month))
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), nil
}

// gs1Year puts a two-digit year within 49 years before and 50 years after today's year
// (GenSpecs 7.12, "Determination of century in dates").
func gs1Year(yy int, today time.Time) int {
	current := today.Year()
	century := current - current%100
	switch difference := yy - current%100; {
	case difference >= 51:
		century -= 100
	case difference <= -50:
		century += 100
	}
	return century + yy
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// applyCount reads a count of up to 8 digits into the typed field target picks.
func applyCount(target func(*GS1) *int) func(*GS1, string, string, time.Time) error {
	return func(g *GS1, _, value string, _ time.Time) error {
		count, err := strconv.Atoi(value)
		if err != nil { // cannot happen for 1–8 digits; kept so a change of table cannot panic
			return fmt.Errorf("count %s: %v", value, err)
		}
		*target(g) = count
		return nil
	}
}

func applyNetWeight(g *GS1, ai, value string, _ time.Time) error {
	digits, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return fmt.Errorf("net weight %s: %v", value, err)
	}
	g.NetWeightKg = &GS1Decimal{Digits: digits, Places: int(ai[3] - '0')}
	return nil
}
