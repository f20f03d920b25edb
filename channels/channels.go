package channels

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"oms/model"
)

// Formats lists the formats `oms import` reads, in the order help shows them.
var Formats = []string{"shopify", "amazon", "woocommerce", "csv", "json"}

// Options says what a file cannot tell about its channel.
type Options struct {
	File        string // the name messages use ("-" for standard input is shown as "stdin")
	TaxIncluded bool   // the channel's prices include tax (channel setting); Amazon/csv/json rows that do not say use it
}

// Parsed is one order read from a file: either Order (Reason == "") or a rejection.
type Parsed struct {
	Order  model.IncomingOrder
	File   string
	Line   int    // the first physical line of the order's first row, as an editor numbers it (quoted newlines counted; JSON: the line of the object)
	ID     string // the id customers see (Shopify Name, Amazon order-id, WooCommerce order_number, ours order_id); "" if even that is unreadable
	Reason string // non-empty: why the whole order is rejected, a sentence without the file/line/id prefix
}

// Reader streams the orders of one file: Next returns io.EOF at the end; any other error means
// the file itself cannot be read further (I/O error, broken CSV quoting that loses sync) and
// names FILE:LINE.
type Reader interface{ Next() (Parsed, error) }

// MissingColumnsError says which required columns a file's header lacks. The command line
// reports it as a usage mistake (exit 2).
type MissingColumnsError struct {
	File    string
	Format  string
	Columns []string
}

func (e *MissingColumnsError) Error() string {
	s := "column"
	if len(e.Columns) > 1 {
		s = "columns"
	}
	return fmt.Sprintf("%s: a %s file needs the %s %s in its header", e.File, e.Format, s, strings.Join(e.Columns, ", "))
}

// Open reads the header and returns a streaming reader. A header lacking a required column
// returns *MissingColumnsError (a usage mistake: exit 2). Unknown format: an error listing
// Formats.
func Open(format string, r io.Reader, opt Options) (Reader, error) {
	file := displayName(opt.File)
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "shopify":
		return openShopify(br, file, opt)
	case "amazon":
		return openAmazon(br, file, opt)
	case "woocommerce":
		return openWooCommerce(br, file, opt)
	case "csv":
		return openCSV(br, file, opt)
	case "json":
		return openJSON(br, file, opt), nil
	}
	return nil, fmt.Errorf("unknown channel file format %q: oms import reads %s", format, strings.Join(Formats, ", "))
}

func displayName(file string) string {
	if file == "-" || file == "" {
		return "stdin"
	}
	return file
}

// row is one data record of a delimited file and the physical line it starts on.
type row struct {
	line  int
	cells []string
}

// rowSource yields data rows; an error other than io.EOF is fatal and names FILE:LINE.
type rowSource interface {
	readRow() (row, error)
}

// table is a file's header: where each column is, by lower-case trimmed name.
type table struct {
	file, format string
	idx          map[string]int
	names        map[string]string // lower-case name → as the header spells it
	spelled      map[string]int    // name as a parser asks for it → index, -1 when absent
}

func newTable(file, format string, header []string) *table {
	t := &table{file: file, format: format, idx: map[string]int{}, names: map[string]string{}}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "" {
			continue
		}
		if _, dup := t.idx[name]; !dup {
			t.idx[name] = i
			t.names[name] = strings.TrimSpace(h)
		}
	}
	return t
}

// require returns a *MissingColumnsError for the required columns the header lacks, or nil.
func (t *table) require(cols ...string) error {
	var missing []string
	for _, c := range cols {
		if !t.has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return &MissingColumnsError{File: t.file, Format: t.format, Columns: missing}
	}
	return nil
}

func (t *table) has(name string) bool {
	_, ok := t.index(name)
	return ok
}

// hasAny returns the first of the names the header has, or "".
func (t *table) hasAny(names ...string) string {
	for _, n := range names {
		if t.has(n) {
			return n
		}
	}
	return ""
}

// label is a column's name as the file spells it, for messages.
func (t *table) label(name string) string {
	if s, ok := t.names[strings.ToLower(name)]; ok {
		return s
	}
	return name
}

// get is the trimmed cell of a column in a row, "" when the column is absent.
func (t *table) get(r row, name string) string {
	i, ok := t.index(name)
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// index is where a column is, looked up by the name as the parser spells it: the lower-cased
// lookup is done once per name, not once per cell (a 1M-order file has tens of millions).
func (t *table) index(name string) (int, bool) {
	if i, ok := t.spelled[name]; ok {
		return i, i >= 0
	}
	i, ok := t.idx[strings.ToLower(name)]
	if !ok {
		i = -1
	}
	if t.spelled == nil {
		t.spelled = map[string]int{}
	}
	t.spelled[name] = i
	return i, ok
}

// csvSource reads rows with encoding/csv, numbering them by physical line.
type csvSource struct {
	cr   *csv.Reader
	file string
}

func newCSVSource(r io.Reader, file string, comma rune, lazy bool) *csvSource {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = lazy
	cr.ReuseRecord = false
	return &csvSource{cr: cr, file: file}
}

func (s *csvSource) readRow() (row, error) {
	for {
		cells, err := s.cr.Read()
		if err == io.EOF {
			return row{}, io.EOF
		}
		if err != nil {
			return row{}, s.fatal(err)
		}
		if blank(cells) {
			continue
		}
		line, _ := s.cr.FieldPos(0)
		return row{line: line, cells: cells}, nil
	}
}

// header reads the first record; an empty file has an empty header.
func (s *csvSource) header() ([]string, error) {
	cells, err := s.cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, s.fatal(err)
	}
	return cells, nil
}

func (s *csvSource) fatal(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if pe.StartLine != pe.Line {
			return fmt.Errorf("%s:%d: the file cannot be read further: %v (in the record that starts on line %d)", s.file, pe.Line, pe.Err, pe.StartLine)
		}
		return fmt.Errorf("%s:%d: the file cannot be read further: %v", s.file, pe.Line, pe.Err)
	}
	line, _ := s.cr.FieldPos(0)
	return fmt.Errorf("%s:%d: the file cannot be read further: %w", s.file, line, err)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// grouper turns a stream of rows into runs of consecutive rows that share a key (the rows of
// one order). It holds only the current run and the row that ended it.
type grouper struct {
	src     rowSource
	key     func(row) string
	pending *row
	err     error // a fatal error, returned after the run it ended
}

// next returns the next run of rows, or io.EOF / a fatal error when there is none.
func (g *grouper) next() ([]row, error) {
	var rows []row
	if g.pending != nil {
		rows = append(rows, *g.pending)
		g.pending = nil
	} else {
		if g.err != nil {
			return nil, g.err
		}
		r, err := g.src.readRow()
		if err != nil {
			g.err = err
			return nil, err
		}
		rows = append(rows, r)
	}
	k := g.key(rows[0])
	for {
		r, err := g.src.readRow()
		if err != nil {
			g.err = err
			return rows, nil
		}
		if k == "" || g.key(r) != k {
			g.pending = &r
			return rows, nil
		}
		rows = append(rows, r)
	}
}

// builder collects an order and the first reason to reject it.
type builder struct {
	t      *table
	rows   []row
	o      model.IncomingOrder
	reason string
	curOK  bool
}

func (b *builder) fail(format string, args ...any) {
	if b.reason == "" {
		b.reason = fmt.Sprintf(format, args...)
	}
}

// order is an order-level column: the first non-empty cell among the order's rows. Another
// non-empty value on a later row rejects the order.
func (b *builder) order(name string) string {
	i, ok := b.t.index(name)
	if !ok {
		return ""
	}
	val, valLine := "", 0
	for _, r := range b.rows {
		if i >= len(r.cells) {
			continue
		}
		c := strings.TrimSpace(r.cells[i])
		if c == "" {
			continue
		}
		if val == "" {
			val, valLine = c, r.line
			continue
		}
		if c != val {
			b.fail("the rows of the order disagree on %s: %q on line %d but %q on line %d", b.t.label(name), val, valLine, c, r.line)
		}
	}
	return val
}

// currency reads the order's currency.
func (b *builder) currency(col, s string) {
	if s == "" {
		b.fail("%s is empty: it is an ISO 4217 currency code such as EUR", col)
		return
	}
	c, err := model.LookupCurrency(s)
	if err != nil {
		b.fail("%s %q is not a known currency (such as EUR, USD, GBP, JPY)", col, s)
		return
	}
	b.o.Currency = c
	b.curOK = true
}

// money reads an amount in the order's currency; "" is 0. where prefixes line messages.
func (b *builder) money(where, col, s string, nonNegative bool) int64 {
	if s == "" || !b.curOK {
		return 0
	}
	m, err := model.ParseMoney(s, b.o.Currency)
	if err != nil {
		detail := strings.TrimPrefix(err.Error(), fmt.Sprintf("%v %q: ", model.ErrInvalidAmount, s))
		b.fail("%s%s %q is not an amount in %s: %s", where, col, s, b.o.Currency, detail)
		return 0
	}
	if nonNegative && m.Minor < 0 {
		b.fail("%s%s %q is negative", where, col, s)
		return 0
	}
	return m.Minor
}

// qty reads a line's quantity: a whole number above 0.
func (b *builder) qty(where, s string) int64 {
	if s == "" {
		b.fail("%squantity is empty", where)
		return 0
	}
	n, ok := parseWhole(s)
	if !ok || n <= 0 {
		b.fail("%squantity %q is not a whole number above 0", where, s)
		return 0
	}
	return n
}

func parseWhole(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	if s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// lineWhere names a line of the order in messages: "line 2 (SKU ABC): ".
// It is built for every line read, so without fmt.
func lineWhere(n int, sku string) string {
	if sku == "" {
		return "line " + strconv.Itoa(n) + ": "
	}
	return "line " + strconv.Itoa(n) + " (SKU " + sku + "): "
}

// amount formats minor units of the order's currency for messages: "19.99 EUR".
func amount(minor int64, c model.Currency) string {
	return model.Money{Minor: minor, Currency: c}.String()
}

// finish checks the order as a whole and returns the Parsed.
func (b *builder) finish(file, id string) Parsed {
	p := Parsed{File: file, ID: id}
	if len(b.rows) > 0 {
		p.Line = b.rows[0].line
	}
	if b.reason == "" {
		b.o.Clean() // no control character or escape sequence from the file reaches a screen
		b.reason = validate(&b.o)
	}
	if b.reason != "" {
		p.Reason = b.reason
		return p
	}
	p.Order = b.o
	return p
}

// numberLines gives lines without a channel id the ids "1", "2", … in file order.
func numberLines(lines []model.IncomingLine) {
	for i := range lines {
		if lines[i].ExternalLineID == "" {
			lines[i].ExternalLineID = fmt.Sprint(i + 1)
		}
	}
}

// sumLines sets SubtotalMinor to the lines' amounts; false on overflow.
func sumLines(o *model.IncomingOrder) bool {
	var sum int64
	for _, l := range o.Lines {
		var ok bool
		if sum, ok = add(sum, l.AmountMinor); !ok {
			return false
		}
	}
	o.SubtotalMinor = sum
	return true
}
