package neworder

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/catalog"
	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// Orders is what the form reads and the one command it gives (db/orders).
type Orders interface {
	ManualChannels(ctx context.Context) ([]orders.Channel, error)
	FindCustomers(ctx context.Context, text string, limit int) ([]orders.CustomerMatch, error)
	CataloguePrice(ctx context.Context, product int64, currency string) (int64, bool, error)
	CreateManualOrder(ctx context.Context, key string, m orders.ManualOrder) (string, error)
	// ExactMatch finds the saved order's id by its number, so the form can offer to open it.
	ExactMatch(ctx context.Context, text string) (orders.Match, bool, error)
}

// Products is how a line's product is found (db/catalog): an exact SKU, GTIN or barcode, else
// a search by name.
type Products interface {
	ProductByCode(ctx context.Context, code string) (catalog.ProductRow, bool, error)
	ProductPage(ctx context.Context, r catalog.ProductPageRequest) ([]catalog.ProductRow, error)
}

// Jobs are whose work entering orders is: the back office, and supervisors. The database
// refuses anyone else (intake's grants, ARCHITECTURE.md §7).
var Jobs = []string{"backoffice", "supervisor"}

// Def is the form's entry in the route table: opened over the queue (ui.RouteNewOrder), no Arg.
func Def(ord Orders, cat Products) ui.Def {
	return ui.Def{Route: ui.RouteNewOrder, Title: "New order", Short: "New order", Jobs: Jobs,
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, ord, cat) }}
}

// The form's fields, in the order tab visits them. The lines' quantity and price fields come
// after the ship-to address (ids from lineBase), then the item field, promised date and notes.
const (
	fChannel = iota // a choice, not a text field
	fSearch
	fCustName
	fCustEmail
	fCustPhone
	fShipName
	fLine1
	fLine2
	fPostcode
	fCity
	fCountry
	fItem
	fPromised
	fNotes
	nFixed
	lineBase = 1000 // lineBase+2i is line i's quantity, lineBase+2i+1 its unit price
)

var labels = [nFixed]string{
	fChannel: "Channel", fSearch: "Find", fCustName: "Name", fCustEmail: "E-mail", fCustPhone: "Phone",
	fShipName: "Ship to", fLine1: "Line 1", fLine2: "Line 2", fPostcode: "Postcode", fCity: "City",
	fCountry: "Country", fItem: "Add", fPromised: "Promised", fNotes: "Notes",
}

// line is one line of the order: the product found, and the quantity and unit price as typed.
type line struct {
	sku, name string
	qty       textinput.Model
	price     textinput.Model
	fresh     bool // the quantity was just filled with 1: the first digit typed replaces it
}

type lookReq struct{ text, currency string }

type looked struct {
	rows   []catalog.ProductRow // one when the text named a product, else the name search's
	exact  bool
	price  int64
	priced bool
}

type saveReq struct {
	key string
	m   orders.ManualOrder
}

type saved struct {
	number string
	id     int64 // 0 when the order could not be looked up again: it is saved all the same
}

// Screen is the new-order form.
type Screen struct {
	ctx *ui.Context
	id  ui.InstanceID
	key string // the save's idempotency key, made when the form opened

	channels []orders.Channel
	channel  int // index into channels
	in       [nFixed]textinput.Model
	lines    []line
	focus    int  // a field id
	active   bool // the form has the keys (esc leaves it; tab or enter come back)

	results []orders.CustomerMatch // the customer search's answer for the text in Find
	sel     int                    // the picked result, -1 for none
	picked  *orders.CustomerMatch

	cands   []catalog.ProductRow // products named like the item field's text, to choose from
	candSel int
	candFor string

	promisedDefault string // the channel's SLA as a date, what the promised field starts with

	channelsF *ui.Fetcher[struct{}, []orders.Channel]
	findF     *ui.Fetcher[string, []orders.CustomerMatch]
	lookF     *ui.Fetcher[lookReq, looked]
	saveF     *ui.Fetcher[saveReq, saved]

	looking, saving bool
	problem         string // the last refusal or a field that does not parse; typing kept
	note            string // a hint (no catalogue price, …)
	done            *saved // the order is saved: the form is read-only, enter opens the order
	w, h            int
}

// New builds the form with a fresh command key; Init loads the channels.
func New(c *ui.Context, ord Orders, cat Products) *Screen {
	s := &Screen{ctx: c, id: ui.NewInstanceID(), key: ui.NewCommandKey("neworder"), sel: -1, active: true, focus: fSearch}
	limits := [nFixed]int{fSearch: 100, fCustName: 200, fCustEmail: 200, fCustPhone: 40, fShipName: 200, fLine1: 200,
		fLine2: 200, fPostcode: 20, fCity: 100, fCountry: 2, fItem: 100, fPromised: 10, fNotes: 1000}
	placeholders := [nFixed]string{fSearch: "name, e-mail or phone",
		fItem: "SKU, name or scan", fPromised: "YYYY-MM-DD"}
	for i := range s.in {
		s.in[i] = newInput(limits[i], placeholders[i])
	}
	s.in[fSearch].Focus()
	s.channelsF = ui.NewFetcher(c, s.id, "new order channels", func(struct{}) ui.Query[[]orders.Channel] {
		return func(ctx context.Context) ([]orders.Channel, error) { return ord.ManualChannels(ctx) }
	})
	s.findF = ui.NewFetcher(c, s.id, "new order customers", func(text string) ui.Query[[]orders.CustomerMatch] {
		return func(ctx context.Context) ([]orders.CustomerMatch, error) { return ord.FindCustomers(ctx, text, 5) }
	})
	s.lookF = ui.NewFetcher(c, s.id, "new order product", func(r lookReq) ui.Query[looked] {
		return func(ctx context.Context) (looked, error) {
			row, found, err := cat.ProductByCode(ctx, r.text)
			if err != nil {
				return looked{}, err
			}
			out := looked{rows: []catalog.ProductRow{row}, exact: found}
			if !found {
				if out.rows, err = cat.ProductPage(ctx, catalog.ProductPageRequest{Search: r.text, Limit: 6}); err != nil {
					return looked{}, err
				}
				out.exact = len(out.rows) == 1
			}
			if out.exact {
				out.price, out.priced, err = ord.CataloguePrice(ctx, out.rows[0].ID, r.currency)
			}
			return out, err
		}
	})
	s.saveF = ui.NewFetcher(c, s.id, "new order save", func(r saveReq) ui.Query[saved] {
		return func(ctx context.Context) (saved, error) {
			number, err := ord.CreateManualOrder(ctx, r.key, r.m)
			if err != nil {
				return saved{}, err
			}
			out := saved{number: number}
			if m, ok, err := ord.ExactMatch(ctx, number); err == nil && ok {
				out.id = m.ID
			}
			return out, nil
		}
	})
	return s
}

func newInput(limit int, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = limit
	ti.Placeholder = placeholder
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}

func (s *Screen) ID() ui.InstanceID         { return s.id }
func (s *Screen) Title() string             { return "New order" }
func (s *Screen) SetSize(width, height int) { s.w, s.h = width, height }
func (s *Screen) Init() tea.Cmd             { return s.channelsF.Want(struct{}{}) }

// Capturing: while the form is active its fields have the keys (esc leaves the form, so the
// shell's back and help keys work again).
func (s *Screen) Capturing() bool { return s.active && s.done == nil }

// HasUnsavedInput: quitting asks first while anything typed is not saved.
func (s *Screen) HasUnsavedInput() bool {
	if s.done != nil {
		return false
	}
	if len(s.lines) > 0 {
		return true
	}
	for i := range s.in {
		if i != fPromised && i != fChannel && strings.TrimSpace(s.in[i].Value()) != "" {
			return true
		}
	}
	return false
}

// ShortHelp is the footer: save first, then how to move and what the focused field offers.
func (s *Screen) ShortHelp() []key.Binding {
	n, in := &s.ctx.Keys.NewOrder, &s.ctx.Keys.Input
	switch {
	case s.done != nil && s.done.id != 0:
		return []key.Binding{withHelp(in.Submit, "open "+s.done.number), s.ctx.Keys.Global.Back}
	case s.done != nil:
		return []key.Binding{s.ctx.Keys.Global.Back}
	case !s.active:
		return []key.Binding{n.Save, withHelp(n.NextField, "edit"), s.ctx.Keys.Global.Back}
	}
	out := []key.Binding{n.Save, n.NextField}
	switch {
	case s.focus == fChannel:
		out = append(out, withHelp(n.PickDown, "channel"))
	case s.focus == fSearch && len(s.results) > 0:
		out = append(out, withHelp(n.PickDown, "pick"))
	case s.focus == fItem && len(s.cands) > 0:
		out = append(out, withHelp(n.PickDown, "choose"), withHelp(in.Submit, "add"))
	case s.focus == fItem:
		out = append(out, withHelp(in.Submit, "add"))
	}
	if len(s.lines) > 0 {
		out = append(out, n.RemoveLine)
	}
	return append(out, n.PrevField, withHelp(in.Cancel, "leave"))
}

// FullHelp is the help page: the form's keys, the text field keys, and what the form needs.
func (s *Screen) FullHelp() [][]key.Binding {
	note := func(k, desc string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)) }
	return append(s.ctx.Keys.NewOrder.FullHelp(), s.ctx.Keys.Input.ShortHelp(), []key.Binding{
		note("enter", "in Find: take the picked customer; in Add: find the product and add a line; elsewhere: save"),
		note("date", "promised: YYYY-MM-DD, by the end of that day; left as shown: the channel's SLA"),
		note("width", "the form needs 40 columns; narrower terminals are asked to widen"),
	})
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Update takes keys and answers.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.ActivatedMsg:
		if len(s.channels) == 0 {
			return s.channelsF.Want(struct{}{})
		}
	case ui.Result:
		return s.result(msg)
	case tea.KeyMsg:
		return s.onKey(msg)
	}
	return nil
}

func (s *Screen) result(msg ui.Result) tea.Cmd {
	if a, mine, ok, next := s.channelsF.Take(msg); mine {
		if ok {
			if a.Err != nil {
				s.problem = "the channels did not load: " + ui.Explain(a.Err)
			} else {
				s.channels = a.Value
				s.setChannel(0)
			}
		}
		return next
	}
	if a, mine, ok, next := s.findF.Take(msg); mine {
		if ok && a.Wish == strings.TrimSpace(s.in[fSearch].Value()) {
			if a.Err != nil {
				s.problem = ui.Explain(a.Err)
			} else {
				s.results, s.sel = a.Value, -1
			}
		}
		return next
	}
	if a, mine, ok, next := s.lookF.Take(msg); mine {
		if ok {
			s.looking = false
			s.looked(a)
		}
		return next
	}
	if a, mine, ok, next := s.saveF.Take(msg); mine {
		if ok {
			s.saving = false
			if a.Err != nil {
				// Every field stays, and so does the key: saving again retries the same order.
				s.problem = ui.Explain(a.Err)
				return next
			}
			v := a.Value
			s.done, s.problem, s.note = &v, "", ""
			if f := s.input(s.focus); f != nil {
				f.Blur()
			}
			return tea.Batch(next, func() tea.Msg { return ui.StatusMsg{Text: v.number + " saved"} })
		}
		return next
	}
	return nil
}

func (s *Screen) currency() string {
	if s.channel < len(s.channels) {
		return s.channels[s.channel].Currency
	}
	return ""
}

// setChannel chooses channel i; the promised date follows its SLA unless it was typed over.
func (s *Screen) setChannel(i int) {
	if len(s.channels) == 0 {
		return
	}
	s.channel = (i + len(s.channels)) % len(s.channels)
	old := s.promisedDefault
	s.promisedDefault = s.ctx.Clock().Add(time.Duration(s.channels[s.channel].SLAHours) * time.Hour).Format("2006-01-02")
	if v := s.in[fPromised].Value(); v == "" || v == old {
		s.in[fPromised].SetValue(s.promisedDefault)
	}
}

// order is the fields tab visits now: the new customer's only while no customer is picked.
func (s *Screen) order() []int {
	ids := []int{fChannel, fSearch}
	if s.picked == nil {
		ids = append(ids, fCustName, fCustEmail, fCustPhone)
	}
	ids = append(ids, fShipName, fLine1, fLine2, fPostcode, fCity, fCountry)
	for i := range s.lines {
		ids = append(ids, lineBase+2*i, lineBase+2*i+1)
	}
	return append(ids, fItem, fPromised, fNotes)
}

// input is field id's text input; nil for the channel.
func (s *Screen) input(id int) *textinput.Model {
	switch {
	case id >= lineBase:
		l := &s.lines[(id-lineBase)/2]
		if (id-lineBase)%2 == 0 {
			return &l.qty
		}
		return &l.price
	case id > fChannel && id < nFixed:
		return &s.in[id]
	}
	return nil
}

func (s *Screen) setFocus(id int) {
	if in := s.input(s.focus); in != nil {
		in.Blur()
	}
	s.focus = id
	if in := s.input(id); in != nil {
		in.Focus()
	}
}

func (s *Screen) move(step int) {
	ids := s.order()
	at := 0
	for i, id := range ids {
		if id == s.focus {
			at = i
		}
	}
	s.setFocus(ids[(at+step+len(ids))%len(ids)])
}

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	n, in := &s.ctx.Keys.NewOrder, &s.ctx.Keys.Input
	if s.done != nil {
		if key.Matches(msg, in.Submit) && s.done.id != 0 {
			ref := ui.OrderRef{ID: s.done.id, Number: s.done.number}
			return func() tea.Msg { return ui.Open{Route: ui.RouteOrder, Arg: ref} }
		}
		if key.Matches(msg, n.Save) {
			return s.save() // the same key: the same order, its number said again
		}
		return nil
	}
	if !s.active {
		switch {
		case key.Matches(msg, n.Save):
			return s.save()
		case key.Matches(msg, n.NextField, n.PrevField, in.Submit):
			s.active = true
			s.setFocus(s.focus)
		}
		return nil
	}
	switch {
	case key.Matches(msg, n.Save):
		return s.save()
	case key.Matches(msg, n.NextField):
		s.move(1)
		return nil
	case key.Matches(msg, n.PrevField):
		s.move(-1)
		return nil
	case key.Matches(msg, n.RemoveLine):
		s.removeLine()
		return nil
	case key.Matches(msg, n.PickUp):
		return s.pick(-1)
	case key.Matches(msg, n.PickDown):
		return s.pick(1)
	case key.Matches(msg, in.Submit):
		return s.submit()
	case key.Matches(msg, in.Cancel):
		if s.focus == fItem && len(s.cands) > 0 {
			s.cands = nil
			return nil
		}
		if in := s.input(s.focus); in != nil {
			in.Blur()
		}
		s.active = false
		return nil
	case key.Matches(msg, in.Clear):
		if f := s.input(s.focus); f != nil {
			f.SetValue("")
			return s.edited()
		}
		return nil
	}
	f := s.input(s.focus)
	if f == nil {
		return nil
	}
	if s.focus >= lineBase {
		l := &s.lines[(s.focus-lineBase)/2]
		if l.fresh && s.focus == lineBase+2*((s.focus-lineBase)/2) && msg.Type == tea.KeyRunes {
			f.SetValue("")
		}
		l.fresh = false
	}
	before := f.Value()
	var cmd tea.Cmd
	*f, cmd = f.Update(msg)
	if f.Value() != before {
		return tea.Batch(cmd, s.edited())
	}
	return cmd
}

// edited follows a change of the focused field's text: a new customer search, or candidates
// that no longer match.
func (s *Screen) edited() tea.Cmd {
	s.problem = ""
	switch s.focus {
	case fSearch:
		s.picked, s.sel = nil, -1
		text := strings.TrimSpace(s.in[fSearch].Value())
		if text == "" {
			s.results = nil
			return nil
		}
		return s.findF.Want(text)
	case fItem:
		s.cands, s.note = nil, ""
	}
	return nil
}

// pick moves the choice of the focused field: the channel, the customer found, the product
// among those named alike; elsewhere up and down move between fields.
func (s *Screen) pick(step int) tea.Cmd {
	switch {
	case s.focus == fChannel:
		if len(s.lines) > 0 && len(s.channels) > 1 {
			next := s.channels[(s.channel+step+len(s.channels))%len(s.channels)]
			if next.Currency != s.currency() {
				s.problem = "the lines are priced in " + s.currency() + ": remove them (ctrl+x) to choose a " + next.Currency + " channel"
				return nil
			}
		}
		s.setChannel(s.channel + step)
	case s.focus == fSearch && len(s.results) > 0:
		s.sel = min(max(s.sel+step, 0), len(s.results)-1)
		s.choose(s.sel)
	case s.focus == fItem && len(s.cands) > 0:
		s.candSel = min(max(s.candSel+step, 0), len(s.cands)-1)
	default:
		s.move(step)
	}
	return nil
}

// choose picks customer i: their last address fills the ship-to fields.
func (s *Screen) choose(i int) {
	c := s.results[i]
	s.picked = &c
	a := c.LastTo
	name := a.Name
	if name == "" {
		name = c.Name
	}
	for id, v := range map[int]string{fShipName: name, fLine1: a.Line1, fLine2: a.Line2, fPostcode: a.PostalCode,
		fCity: a.City, fCountry: a.Country} {
		s.in[id].SetValue(v)
	}
}

// submit is enter: take the picked customer, find the item, finish a line, or save.
func (s *Screen) submit() tea.Cmd {
	switch {
	case s.focus == fChannel || s.focus == fSearch:
		s.move(1)
	case s.focus == fItem:
		text := strings.TrimSpace(s.in[fItem].Value())
		if text == "" || s.looking || s.currency() == "" {
			return nil
		}
		if len(s.cands) > 0 && text == s.candFor {
			text = s.cands[s.candSel].SKU
		}
		s.looking, s.problem, s.note = true, "", ""
		return s.lookF.Want(lookReq{text: text, currency: s.currency()})
	case s.focus >= lineBase:
		s.lines[(s.focus-lineBase)/2].fresh = false
		s.setFocus(fItem)
	default:
		return s.save()
	}
	return nil
}

// looked takes the product lookup's answer: a line added (or one more of a line already
// there), the products named alike to choose from, or why nothing was found.
func (s *Screen) looked(a ui.Answer[lookReq, looked]) {
	v := a.Value
	switch {
	case a.Err != nil:
		s.problem = ui.Explain(a.Err)
	case v.exact:
		s.addLine(v.rows[0], v.price, v.priced, a.Wish.currency)
	case len(v.rows) == 0:
		s.problem = fmt.Sprintf("no product has the SKU, barcode or name %q", a.Wish.text)
	default:
		s.cands, s.candSel, s.candFor = v.rows, 0, strings.TrimSpace(s.in[fItem].Value())
		s.note = fmt.Sprintf("%d products match: choose with ↑↓, enter adds", len(v.rows))
		if len(v.rows) == 6 {
			s.note = "more than 5 products match: type more, or choose with ↑↓"
			s.cands = s.cands[:5]
		}
	}
}

func (s *Screen) addLine(p catalog.ProductRow, price int64, priced bool, currency string) {
	s.in[fItem].SetValue("")
	s.cands = nil
	for i := range s.lines {
		if s.lines[i].sku == p.SKU {
			if q, err := strconv.ParseInt(strings.TrimSpace(s.lines[i].qty.Value()), 10, 64); err == nil {
				s.lines[i].qty.SetValue(strconv.FormatInt(q+1, 10))
			}
			s.note = fmt.Sprintf("one more %s on line %d", p.SKU, i+1)
			s.setFocus(lineBase + 2*i)
			return
		}
	}
	l := line{sku: p.SKU, name: p.Name, qty: newInput(9, "qty"), price: newInput(15, "price"), fresh: true}
	l.qty.SetValue("1")
	if priced {
		l.price.SetValue(model.Money{Minor: price, Currency: model.Currency(currency)}.Format())
	} else {
		s.note = fmt.Sprintf("%s has no catalogue price in %s: type it", p.SKU, currency)
	}
	s.lines = append(s.lines, l)
	s.setFocus(lineBase + 2*(len(s.lines)-1))
}

func (s *Screen) removeLine() {
	if len(s.lines) == 0 {
		return
	}
	last := len(s.lines) - 1
	if s.focus >= lineBase+2*last {
		s.setFocus(fItem)
	}
	s.lines = s.lines[:last]
	s.note = ""
}

// lineValues reads line i's quantity and unit price, or says what does not parse.
func (s *Screen) lineValues(i int) (qty, unit int64, problem string) {
	l := s.lines[i]
	qty, err := strconv.ParseInt(strings.TrimSpace(l.qty.Value()), 10, 64)
	if err != nil {
		return 0, 0, fmt.Sprintf("line %d (%s): the quantity %q is not a whole number", i+1, l.sku, l.qty.Value())
	}
	m, err := model.ParseMoney(l.price.Value(), model.Currency(s.currency()))
	if err != nil {
		return 0, 0, fmt.Sprintf("line %d (%s): the price %q is not an amount in %s", i+1, l.sku, l.price.Value(), s.currency())
	}
	return qty, m.Minor, ""
}

// total is the running total of the lines that parse, and how many do not.
func (s *Screen) total() (model.Money, int) {
	t := model.Money{Currency: model.Currency(s.currency())}
	bad := 0
	for i := range s.lines {
		q, u, p := s.lineValues(i)
		if p != "" {
			bad++
			continue
		}
		t.Minor += q * u
	}
	return t, bad
}

// save sends the order: every field as typed, under the form's key.
func (s *Screen) save() tea.Cmd {
	if s.saving {
		return nil
	}
	if len(s.channels) == 0 {
		s.problem = "no channel to save the order in (the channels did not load)"
		return nil
	}
	m := orders.ManualOrder{
		Channel: s.channels[s.channel].ID,
		NewCustomer: model.IncomingCustomer{Name: s.val(fCustName), Email: s.val(fCustEmail),
			Phone: s.val(fCustPhone)},
		ShipTo: model.Address{Name: s.val(fShipName), Line1: s.val(fLine1), Line2: s.val(fLine2),
			PostalCode: s.val(fPostcode), City: s.val(fCity), Country: strings.ToUpper(s.val(fCountry))},
		Notes: s.val(fNotes),
	}
	if s.picked != nil {
		m.Customer, m.NewCustomer = s.picked.ID, model.IncomingCustomer{}
	}
	for i := range s.lines {
		q, u, p := s.lineValues(i)
		if p != "" {
			s.problem = p
			return nil
		}
		m.Lines = append(m.Lines, orders.ManualLine{SKU: s.lines[i].sku, Qty: q, UnitMinor: u})
	}
	if p := s.val(fPromised); p != "" && p != s.promisedDefault {
		d, err := time.ParseInLocation("2006-01-02", p, s.ctx.Location)
		if err != nil {
			s.problem = fmt.Sprintf("the promised date %q is not a date like %s", p, s.promisedDefault)
			return nil
		}
		m.PromisedAt = d.Add(24*time.Hour - time.Minute)
	}
	s.saving, s.problem = true, ""
	return s.saveF.Want(saveReq{key: s.key, m: m})
}

func (s *Screen) val(id int) string { return strings.TrimSpace(s.in[id].Value()) }
