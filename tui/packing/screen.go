package packing

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/shipping"
	"oms/keymaps"
	ship "oms/shipping"
	"oms/shipping/label"
	"oms/shipping/scale"
	"oms/tui/ui"
)

// Data is what the screen reads and the commands it gives: db/shipping's packing station.
type Data interface {
	Find(ctx context.Context, scan string) ([]shipping.OrderRef, error)
	Open(ctx context.Context, key string, orderID int64, station string) (shipping.Packing, error)
	Packing(ctx context.Context, shipment int64) (shipping.Packing, error)
	Verify(ctx context.Context, key string, shipment int64, scan string, qty int, today time.Time) (shipping.Verified, error)
	Boxes(ctx context.Context, shipment int64) ([]ship.Box, error)
	SuggestBox(ctx context.Context, p shipping.Packing) (ship.Box, bool, error)
	CloseParcel(ctx context.Context, key string, r shipping.ParcelRequest) (shipping.Packing, error)
	Offers(ctx context.Context, shipment int64, day time.Time) ([]shipping.Offer, error)
	Ship(ctx context.Context, key string, r shipping.ShipRequest) (shipping.Shipped, error)
	StationOf(ctx context.Context, warehouse, code string) (shipping.Station, error)
	Paperwork(ctx context.Context, shipment int64, day time.Time) ([]shipping.Paper, error)
	Void(ctx context.Context, key, tracking, reason string) error
	Relabel(ctx context.Context, key string, shipment int64, day time.Time) (shipping.Shipped, error)
}

// Route names the screen.
const Route ui.Route = "packing"

// Jobs are whose work packing is; the database refuses anyone else.
var Jobs = []string{"packer", "supervisor"}

// Def is the screen's entry in the route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Packing", Short: "Pack", Jobs: Jobs,
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Packing },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) }}
}

// step is the one prompt the screen waits at.
type step int

const (
	stepWarehouse step = iota // the packer has no home warehouse: which one?
	stepStation               // which packing station (enter: none)
	stepOrder                 // scan a tote or an order's number
	stepChoose                // the tote holds several orders: which one?
	stepVerify                // scan each item, or type a count after its first scan
	stepBox                   // the parcel's box: the suggestion, or scan another
	stepWeight                // the parcel's weight
	stepConfirm               // the weight is far from the expected: y, or weigh again
	stepRates                 // the carriers' offers: enter ships the chosen one
	stepDone                  // shipped: the next tote
	stepRelabel               // void the labels and print new ones? y, or esc
)

// Screen is the packing screen.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	scan textinput.Model
	step step
	busy bool
	w, h int

	warehouse string
	station   string
	printers  *shipping.Station // the station's printers as read when it was chosen

	tote     string              // what was scanned to find the orders
	choices  []shipping.OrderRef // the orders of a tote with several
	choice   int
	p        *shipping.Packing // the open packing
	boxes    []ship.Box
	lastItem string // the item scanned last (a typed count repeats it)

	box     string // the parcel's box, chosen at stepBox
	suggest string // the box oms suggests for the unboxed units ("" when none holds them)
	noBox   bool   // no box of the warehouse holds them
	warned  *shipping.WeightWarning
	weight  int // the weight that was warned about

	offers []shipping.Offer
	offer  int // cursor in offers
	// customs are the order's customs problems: shown before the rates, ship refused.
	customs []string

	shipped *shipping.Shipped
	printed string // how the labels were printed, or why not
	printOK bool
	fails   int // prints failed in a row: the failure's line changes with each, so each rings

	note   string // the last outcome
	bad    bool   // note is a refusal: bell and ✗
	misses int    // refusals in a row: the note changes with each one, so each rings
	// After a refusal the field keeps the scan for the person to read; the next key typed or
	// scanned replaces it rather than adding to it.
	replace bool

	// Each command keeps its key while the same command is submitted again after a failure
	// (its answer lost, say): the database applies it at most once.
	pendingOpen   openReq
	pendingVerify verifyReq
	pendingParcel parcelReq
	pendingShip   shipReq
	pendingNew    relabelReq

	stationF *ui.Fetcher[string, shipping.Station]
	findF    *ui.Fetcher[string, []shipping.OrderRef]
	openF    *ui.Fetcher[openReq, opened]
	verifyF  *ui.Fetcher[verifyReq, verified]
	suggestF *ui.Fetcher[shipping.Packing, suggestion]
	parcelF  *ui.Fetcher[parcelReq, shipping.Packing]
	ratesF   *ui.Fetcher[int64, rated]
	shipF    *ui.Fetcher[shipReq, shipping.Shipped]
	printF   *ui.Fetcher[printReq, string]
	relabelF *ui.Fetcher[relabelReq, shipping.Shipped]
	scaleF   *ui.Fetcher[int, int] // a reading of the station's scale, by attempt
	scaleN   int
}

type openReq struct {
	key   string
	order shipping.OrderRef
}

type opened struct {
	p     shipping.Packing
	boxes []ship.Box
}

type verifyReq struct {
	key      string
	shipment int64
	item     string
	qty      int
}

type verified struct {
	v shipping.Verified
	p shipping.Packing
}

type suggestion struct {
	box ship.Box
	ok  bool
}

type parcelReq struct {
	key string
	r   shipping.ParcelRequest
}

type rated struct {
	p      shipping.Packing
	offers []shipping.Offer
}

type shipReq struct {
	key string
	r   shipping.ShipRequest
}

// relabelReq voids the labels of tracking and labels the parcels again.
type relabelReq struct {
	key      string
	shipment int64
	tracking string // the voided numbers, joined (a wish is compared as a whole)
	day      time.Time
}

// voidReason is what the label voids say.
const voidReason = "labelled again at the packing station"

type printReq struct {
	shipped   shipping.Shipped
	warehouse string
	station   string
	day       time.Time
}

// New builds the screen at its first prompt.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = 128
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	s := &Screen{ctx: c, id: ui.NewInstanceID(), scan: ti, warehouse: c.User.Warehouse}
	s.step = stepStation
	if s.warehouse == "" {
		s.step = stepWarehouse
	}
	s.stationF = ui.NewFetcher(c, s.id, "pack station", func(code string) ui.Query[shipping.Station] {
		warehouse := s.warehouse
		return func(ctx context.Context) (shipping.Station, error) { return data.StationOf(ctx, warehouse, code) }
	})
	s.scaleF = ui.NewFetcher(c, s.id, "pack scale", func(int) ui.Query[int] {
		spec := ""
		if s.printers != nil {
			spec = s.printers.Scale
		}
		return func(ctx context.Context) (int, error) { return scale.Weigh(ctx, spec) }
	})
	s.findF = ui.NewFetcher(c, s.id, "pack find", func(scan string) ui.Query[[]shipping.OrderRef] {
		return func(ctx context.Context) ([]shipping.OrderRef, error) { return data.Find(ctx, scan) }
	})
	s.openF = ui.NewFetcher(c, s.id, "pack open", func(r openReq) ui.Query[opened] {
		station := s.station
		return func(ctx context.Context) (opened, error) {
			p, err := data.Open(ctx, r.key, r.order.ID, station)
			if err != nil {
				return opened{}, err
			}
			boxes, err := data.Boxes(ctx, p.Shipment)
			return opened{p, boxes}, err
		}
	})
	s.verifyF = ui.NewFetcher(c, s.id, "pack verify", func(r verifyReq) ui.Query[verified] {
		today := s.day()
		return func(ctx context.Context) (verified, error) {
			v, err := data.Verify(ctx, r.key, r.shipment, r.item, r.qty, today)
			if err != nil {
				return verified{}, err
			}
			p, err := data.Packing(ctx, r.shipment)
			return verified{v, p}, err
		}
	})
	s.suggestF = ui.NewFetcher(c, s.id, "pack box", func(p shipping.Packing) ui.Query[suggestion] {
		return func(ctx context.Context) (suggestion, error) {
			b, ok, err := data.SuggestBox(ctx, p)
			return suggestion{b, ok}, err
		}
	})
	s.parcelF = ui.NewFetcher(c, s.id, "pack parcel", func(r parcelReq) ui.Query[shipping.Packing] {
		return func(ctx context.Context) (shipping.Packing, error) { return data.CloseParcel(ctx, r.key, r.r) }
	})
	s.ratesF = ui.NewFetcher(c, s.id, "pack offers", func(shipment int64) ui.Query[rated] {
		day := s.day()
		return func(ctx context.Context) (rated, error) {
			p, err := data.Packing(ctx, shipment)
			if err != nil || len(p.CustomsProblems()) > 0 {
				return rated{p: p}, err
			}
			offers, err := data.Offers(ctx, shipment, day)
			return rated{p, offers}, err
		}
	})
	s.shipF = ui.NewFetcher(c, s.id, "pack ship", func(r shipReq) ui.Query[shipping.Shipped] {
		return func(ctx context.Context) (shipping.Shipped, error) { return data.Ship(ctx, r.key, r.r) }
	})
	s.printF = ui.NewFetcher(c, s.id, "pack print", func(r printReq) ui.Query[string] {
		return func(ctx context.Context) (string, error) { return printAll(ctx, data, r) }
	})
	s.relabelF = ui.NewFetcher(c, s.id, "pack relabel", func(r relabelReq) ui.Query[shipping.Shipped] {
		return func(ctx context.Context) (shipping.Shipped, error) {
			for i, t := range strings.Split(r.tracking, ",") {
				if err := data.Void(ctx, fmt.Sprintf("%s/void-%d", r.key, i), t, voidReason); err != nil {
					return shipping.Shipped{}, err
				}
			}
			return data.Relabel(ctx, r.key+"/relabel", r.shipment, r.day)
		}
	})
	s.prompt()
	return s
}

// printAll prints a shipment's labels on the station's label printer and its papers (slip,
// customs forms) on its paper printer, and says where they went.
func printAll(ctx context.Context, data Data, r printReq) (string, error) {
	if r.station == "" {
		return "labels kept: no packing station chosen", nil
	}
	st, err := data.StationOf(ctx, r.warehouse, r.station)
	if err != nil {
		return "", err
	}
	var said []string
	if st.LabelPrinter == "" {
		said = append(said, "labels kept: no printer set for station "+st.Code)
	} else {
		pr, err := label.ParsePrinter(st.LabelPrinter)
		if err != nil {
			return "", printError{fmt.Errorf("labels not printed: %w", err)}
		}
		ext := "." + strings.ToLower(r.shipped.LabelFormat)
		for i, body := range r.shipped.Labels {
			name := fmt.Sprintf("%s-%d%s", r.shipped.Order, i+1, ext)
			if i < len(r.shipped.Tracking) {
				name = r.shipped.Tracking[i] + ext
			}
			if err := pr.Print(ctx, name, body); err != nil {
				return "", printError{fmt.Errorf("labels not printed: %w", err)}
			}
		}
		said = append(said, "labels printed to "+pr.String())
	}
	if st.PaperPrinter != "" {
		pr, err := label.ParsePrinter(st.PaperPrinter)
		if err != nil {
			return "", printError{fmt.Errorf("%s; papers not printed: %w", strings.Join(said, ", "), err)}
		}
		papers, err := data.Paperwork(ctx, r.shipped.Shipment, r.day)
		if err != nil {
			return "", printError{fmt.Errorf("%s; papers not printed: %w", strings.Join(said, ", "), err)}
		}
		for _, p := range papers {
			if err := pr.Print(ctx, p.Name, p.PDF); err != nil {
				return "", printError{fmt.Errorf("%s; papers not printed: %w", strings.Join(said, ", "), err)}
			}
		}
		said = append(said, "papers to "+pr.String())
	}
	return strings.Join(said, ", "), nil
}

// printError is a printer's failure, said as it is (not as a database's).
type printError struct{ error }

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Packing" }
func (s *Screen) SetSize(width, height int) {
	s.w, s.h = width, height
	s.prompt() // the placeholders are shorter on a handheld
}
func (s *Screen) Init() tea.Cmd { return nil }

// day is today at midnight, as offers and labels are dated and GS1 scans' dates are read.
func (s *Screen) day() time.Time {
	y, m, d := s.ctx.Clock().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Capturing: the field has the keys while it holds a scan, and so do the prompts of a parcel,
// the list of orders and the offers (esc goes back a step there, not out of the screen). At an
// empty scan prompt the shell's keys come first, so esc goes back to where the packer came from.
func (s *Screen) Capturing() bool {
	switch s.step {
	case stepChoose, stepBox, stepWeight, stepConfirm, stepRates, stepRelabel:
		return true
	}
	return s.scan.Value() != "" || s.busy
}

// HasUnsavedInput: an open packing is not lost on quit (what was verified and boxed is in the
// database, and its lease brings it back), but a scan typed and not submitted would be.
func (s *Screen) HasUnsavedInput() bool {
	v := strings.TrimSpace(s.scan.Value())
	return v != "" && !(s.step == stepBox && v == s.suggest) // the suggestion is oms's, not typed
}

// ShortHelp is the footer: what the prompt takes, then the keys that matter at this step.
func (s *Screen) ShortHelp() []key.Binding {
	in, pk, l := s.ctx.Keys.Input, s.ctx.Keys.Packing, s.ctx.Keys.List
	switch s.step {
	case stepVerify:
		if s.packed() {
			return []key.Binding{pk.Ship, in.Submit, in.Clear}
		}
		return []key.Binding{in.Submit, pk.Parcel, in.Clear}
	case stepBox, stepWeight:
		return []key.Binding{in.Submit, in.Cancel, in.Clear}
	case stepConfirm:
		return []key.Binding{s.ctx.Keys.Dialog.Confirm, in.Submit, in.Cancel}
	case stepRates:
		return []key.Binding{in.Submit, l.Up, l.Down, in.Cancel}
	case stepChoose:
		return []key.Binding{in.Submit, l.Up, l.Down, in.Cancel}
	case stepDone:
		return []key.Binding{in.Submit, pk.Reprint, pk.Relabel, pk.Station}
	case stepRelabel:
		return []key.Binding{s.ctx.Keys.Dialog.Confirm, s.ctx.Keys.Dialog.Cancel}
	case stepOrder:
		return []key.Binding{in.Submit, pk.Station, in.Clear}
	}
	return []key.Binding{in.Submit, in.Clear}
}

// FullHelp is the help page.
func (s *Screen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ctx.Keys.Input.ShortHelp(), s.ctx.Keys.Packing.ShortHelp()}
}

// Update takes scans, keys and answers.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.Result:
		return s.onResult(msg)
	case tea.KeyMsg:
		return s.onKey(msg)
	}
	return nil
}

func (s *Screen) onResult(msg ui.Result) tea.Cmd {
	if a, mine, ok, next := s.stationF.Take(msg); mine {
		if ok {
			s.stationRead(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.scaleF.Take(msg); mine {
		if ok {
			s.weighed(a.Wish, a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.findF.Take(msg); mine {
		if ok {
			return tea.Batch(s.found(a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.openF.Take(msg); mine {
		if ok {
			s.opened(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.verifyF.Take(msg); mine {
		if ok {
			return tea.Batch(s.verified(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.suggestF.Take(msg); mine {
		if ok {
			s.suggested(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.parcelF.Take(msg); mine {
		if ok {
			return tea.Batch(s.parcelClosed(a.Wish, a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.ratesF.Take(msg); mine {
		if ok {
			s.rated(a.Value, a.Err)
		}
		return next
	}
	if a, mine, ok, next := s.shipF.Take(msg); mine {
		if ok {
			return tea.Batch(s.wasShipped(a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.relabelF.Take(msg); mine {
		if ok {
			return tea.Batch(s.relabelled(a.Value, a.Err), next)
		}
		return next
	}
	if a, mine, ok, next := s.printF.Take(msg); mine {
		if ok {
			s.busy = false
			var pe printError
			switch {
			case errors.As(a.Err, &pe):
				s.printed, s.printOK = pe.Error(), false
				s.fails++
			case a.Err != nil:
				s.printed, s.printOK = ui.Explain(a.Err), false
				s.fails++
			default:
				s.printed, s.printOK, s.fails = a.Value, true, 0
			}
		}
		return next
	}
	return nil
}

func (s *Screen) onKey(msg tea.KeyMsg) tea.Cmd {
	in, pk, list := &s.ctx.Keys.Input, &s.ctx.Keys.Packing, &s.ctx.Keys.List
	if s.busy {
		return nil // one command at a time; the field keeps what was scanned
	}
	if s.step == stepRelabel {
		return s.onRelabelKey(msg)
	}
	arrow := msg.Type != tea.KeyRunes // j/k and the like are typed into the field
	switch {
	case key.Matches(msg, in.Submit):
		return s.submit(strings.TrimSpace(s.scan.Value()))
	case key.Matches(msg, in.Clear):
		s.scan.SetValue("")
		return nil
	case key.Matches(msg, in.Cancel):
		return s.cancel()
	case key.Matches(msg, pk.Parcel):
		return s.closeParcel("")
	case key.Matches(msg, pk.Ship):
		return s.wantRates()
	case key.Matches(msg, pk.Reprint):
		if s.step == stepDone && s.shipped != nil {
			return s.print()
		}
		return nil
	case key.Matches(msg, pk.Relabel):
		if s.step == stepDone && s.shipped != nil {
			s.step, s.note, s.bad = stepRelabel, "", false
			s.scan.SetValue("")
			s.prompt()
		}
		return nil
	case key.Matches(msg, pk.Station):
		if s.step == stepOrder || s.step == stepDone || s.step == stepChoose {
			s.step, s.note, s.bad = stepStation, "", false
			s.scan.SetValue("")
			s.prompt()
		}
		return nil
	case arrow && key.Matches(msg, list.Up) && (s.step == stepRates || s.step == stepChoose):
		if s.step == stepRates {
			s.offer = max(s.offer-1, 0)
		} else {
			s.choice = max(s.choice-1, 0)
		}
		return nil
	case arrow && key.Matches(msg, list.Down) && (s.step == stepRates || s.step == stepChoose):
		if s.step == stepRates {
			s.offer = min(s.offer+1, max(len(s.offers)-1, 0))
		} else {
			s.choice = min(s.choice+1, max(len(s.choices)-1, 0))
		}
		return nil
	case s.step == stepConfirm && (s.replace || s.scan.Value() == "") && msg.Type == tea.KeyRunes &&
		key.Matches(msg, s.ctx.Keys.Dialog.Confirm):
		// y while the field still holds the weight warned about: a new weight is typed instead.
		return s.confirmWeight()
	case s.step == stepRates:
		// A digit chooses the offer with that number: one key on a handheld.
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= len(s.offers) {
			s.offer = n - 1
		}
		return nil
	}
	if s.replace && (msg.Type == tea.KeyRunes || msg.Paste) {
		s.scan.SetValue("")
	}
	s.replace = false
	var cmd tea.Cmd
	s.scan, cmd = s.scan.Update(msg)
	return cmd
}

// cancel is esc: back a step from a parcel's prompts, the offers and a tote's list; otherwise
// it clears the field.
func (s *Screen) cancel() tea.Cmd {
	switch s.step {
	case stepBox, stepWeight, stepConfirm, stepRates:
		s.step, s.warned, s.offers = stepVerify, nil, nil
		s.note, s.bad = "", false
	case stepChoose:
		s.step, s.choices = stepOrder, nil
	}
	s.scan.SetValue("")
	s.prompt()
	return nil
}

// submit acts on the field's text at the current prompt.
func (s *Screen) submit(text string) tea.Cmd {
	switch s.step {
	case stepWarehouse:
		if text == "" {
			return nil
		}
		s.warehouse, s.step = strings.ToUpper(text), stepStation
		s.scan.SetValue("")
		s.prompt()
	case stepStation:
		if text == "" {
			s.station, s.printers, s.step = "", nil, stepOrder
			s.note, s.bad = "No station: labels are kept, not printed", false
			s.prompt()
			return nil
		}
		s.busy = true
		return s.stationF.Want(strings.ToUpper(text))
	case stepOrder, stepDone:
		if text == "" {
			if s.step == stepDone {
				s.reset()
			}
			return nil
		}
		return s.find(text)
	case stepChoose:
		if text == "" {
			if len(s.choices) == 0 {
				return nil
			}
			return s.open(s.choices[s.choice])
		}
		for _, o := range s.choices {
			if strings.EqualFold(o.Number, text) {
				return s.open(o)
			}
		}
		return s.find(text)
	case stepVerify:
		return s.verify(text)
	case stepBox:
		return s.chooseBox(text)
	case stepWeight, stepConfirm:
		return s.weigh(text)
	case stepRates:
		return s.shipChosen()
	}
	return nil
}

// reset leaves a shipped order for the next tote.
func (s *Screen) reset() {
	s.step, s.p, s.shipped, s.offers, s.customs, s.choices = stepOrder, nil, nil, nil, nil, nil
	s.printed, s.note, s.bad, s.misses, s.fails, s.lastItem = "", "", false, 0, 0, ""
	s.scan.SetValue("")
	s.prompt()
}

func (s *Screen) find(text string) tea.Cmd {
	s.busy, s.tote = true, text
	return s.findF.Want(text)
}

func (s *Screen) open(o shipping.OrderRef) tea.Cmd {
	req := openReq{key: ui.NewCommandKey("pack-open"), order: o}
	if s.pendingOpen.key != "" && s.pendingOpen.order == o {
		req.key = s.pendingOpen.key
	}
	s.pendingOpen, s.busy = req, true
	return s.openF.Want(req)
}

func (s *Screen) stationRead(code string, st shipping.Station, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.station, s.printers, s.step = code, &st, stepOrder
	s.note, s.bad, s.misses = stationSentence(st), false, 0
	s.scan.SetValue("")
	s.prompt()
}

// stationSentence says where a station prints.
func stationSentence(st shipping.Station) string {
	if st.LabelPrinter == "" {
		return fmt.Sprintf("Station %s: no label printer set, labels are kept", st.Code)
	}
	return fmt.Sprintf("Station %s: %s labels to %s", st.Code, strings.ToUpper(st.LabelFormat), st.LabelPrinter)
}

func (s *Screen) found(orders []shipping.OrderRef, err error) tea.Cmd {
	s.busy = false
	switch {
	case err != nil:
		s.refuse(ui.Explain(err))
		return nil
	case len(orders) == 0:
		s.refuse("Nothing to pack for " + s.tote)
		return nil
	case len(orders) == 1:
		return s.open(orders[0])
	}
	s.shipped, s.p, s.printed = nil, nil, ""
	s.choices, s.choice, s.step = orders, 0, stepChoose
	s.note, s.bad, s.misses = "", false, 0
	s.scan.SetValue("")
	s.prompt()
	return nil
}

func (s *Screen) opened(o opened, err error) {
	s.busy = false
	if err != nil {
		// The field keeps the scan (a tote's list keeps its choice): submitting it again opens
		// with the same key.
		s.refuse(ui.Explain(err))
		return
	}
	s.pendingOpen = openReq{}
	s.shipped, s.printed, s.choices, s.offers = nil, "", nil, nil
	s.p, s.boxes, s.lastItem, s.misses = &o.p, o.boxes, "", 0
	s.customs = o.p.CustomsProblems()
	s.step, s.bad = stepVerify, false
	s.note = fmt.Sprintf("%s open at %s", o.p.Order, s.stationName())
	s.scan.SetValue("")
	s.prompt()
}

func (s *Screen) stationName() string {
	if s.station == "" {
		return "no station"
	}
	return "station " + s.station
}

// verify counts a scanned item (or a box's code, which closes a parcel in that box), or a
// number of at most four digits typed after an item was scanned as a count of that item.
func (s *Screen) verify(text string) tea.Cmd {
	p := s.p
	if text == "" {
		if s.packed() {
			return s.wantRates()
		}
		return nil
	}
	if p.Unboxed() > 0 {
		for _, b := range s.boxes {
			if strings.EqualFold(b.Code, text) {
				return s.closeParcel(b.Code)
			}
		}
	}
	req := verifyReq{shipment: p.Shipment, item: text, qty: 1}
	if n, err := strconv.Atoi(text); err == nil && len(text) <= 4 && s.lastItem != "" {
		if n <= 0 {
			s.refuse("a count is at least 1")
			return nil
		}
		req.item, req.qty = s.lastItem, n
	}
	req.key = ui.NewCommandKey("pack-verify")
	if s.pendingVerify.key != "" && s.pendingVerify.shipment == req.shipment && s.pendingVerify.item == req.item &&
		s.pendingVerify.qty == req.qty {
		req.key = s.pendingVerify.key
	}
	s.pendingVerify, s.busy = req, true
	return s.verifyF.Want(req)
}

func (s *Screen) verified(req verifyReq, v verified, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return nil
	}
	s.pendingVerify, s.misses, s.bad = verifyReq{}, 0, false
	s.p, s.lastItem = &v.p, req.item
	s.customs = v.p.CustomsProblems()
	s.scan.SetValue("")
	s.note = fmt.Sprintf("✓ %d × %s verified (%d/%d)", req.qty, v.v.SKU, v.v.Packed, v.v.Picked)
	if s.p.AllVerified() && s.p.Unboxed() > 0 {
		s.note = "✓ Every item verified: close the parcel"
		return s.closeParcel("")
	}
	s.prompt()
	return nil
}

// closeParcel goes to the box prompt with oms's suggestion for the verified units in no parcel
// yet, or, with a box scanned, straight to the weight.
func (s *Screen) closeParcel(box string) tea.Cmd {
	if s.step != stepVerify || s.p == nil {
		return nil
	}
	if s.p.Unboxed() == 0 {
		if s.p.AllVerified() && len(s.p.Parcels) > 0 {
			s.refuse("Every unit is in a parcel: ship it")
		} else {
			s.refuse("Nothing verified to put in a parcel: scan the items first")
		}
		return nil
	}
	s.lastItem, s.warned = "", nil
	if box != "" {
		return s.toWeight(strings.ToUpper(box))
	}
	s.step, s.suggest, s.box, s.noBox, s.busy = stepBox, "", "", false, true
	s.scan.SetValue("")
	s.prompt()
	return s.suggestF.Want(*s.p)
}

func (s *Screen) suggested(sg suggestion, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.noBox = !sg.ok
	if sg.ok {
		s.suggest = sg.box.Code
		s.scan.SetValue(sg.box.Code)
		s.scan.CursorEnd()
		s.replace = true // a scanned box replaces the suggestion
	}
	s.prompt()
}

// chooseBox takes the box at the box prompt: one of the warehouse's.
func (s *Screen) chooseBox(text string) tea.Cmd {
	if text == "" {
		return nil
	}
	for _, b := range s.boxes {
		if strings.EqualFold(b.Code, text) {
			s.note, s.bad, s.misses = "", false, 0
			return s.toWeight(b.Code)
		}
	}
	codes := make([]string, len(s.boxes))
	for i, b := range s.boxes {
		codes[i] = b.Code
	}
	s.refuse(fmt.Sprintf("No box %s here: %s", text, strings.Join(codes, ", ")))
	return nil
}

// toWeight asks for the parcel's weight in box, reading the station's scale when it has one.
func (s *Screen) toWeight(box string) tea.Cmd {
	s.box, s.step = box, stepWeight
	s.scan.SetValue("")
	s.prompt()
	return s.readScale()
}

// readScale asks the station's scale for the parcel's weight; nothing without a scale.
func (s *Screen) readScale() tea.Cmd {
	if s.printers == nil || s.printers.Scale == "" {
		return nil
	}
	s.scaleN++
	s.note, s.bad = "Reading the scale…", false
	return s.scaleF.Want(s.scaleN)
}

// weighed puts the scale's reading in the field for the packer to accept with enter; a scale
// that fails says why and leaves the field to be typed in.
func (s *Screen) weighed(attempt, grams int, err error) {
	if attempt != s.scaleN || s.step != stepWeight {
		return // an older reading, or the packer has moved on
	}
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.scan.SetValue(strconv.Itoa(grams))
	s.scan.CursorEnd()
	s.replace = true // typing replaces the reading
	s.note, s.bad = fmt.Sprintf("The scale reads %s: enter to take it, or type the weight", Grams(grams)), false
}

// weigh closes the parcel with the typed (or scale's) weight; enter on an empty field reads the
// scale again.
func (s *Screen) weigh(text string) tea.Cmd {
	if text == "" {
		return s.readScale()
	}
	g, err := ParseWeight(text)
	if err != nil {
		s.refuse(err.Error())
		return nil
	}
	return s.sendParcel(g, false)
}

// confirmWeight closes the parcel with the weight that was warned about.
func (s *Screen) confirmWeight() tea.Cmd {
	if s.warned == nil {
		return nil
	}
	return s.sendParcel(s.weight, true)
}

func (s *Screen) sendParcel(grams int, confirmed bool) tea.Cmd {
	req := parcelReq{key: ui.NewCommandKey("pack-parcel"),
		r: shipping.ParcelRequest{Shipment: s.p.Shipment, Box: s.box, WeightG: grams, Confirmed: confirmed}}
	if s.pendingParcel.key != "" && s.pendingParcel.r == req.r {
		req.key = s.pendingParcel.key
	}
	s.pendingParcel, s.busy, s.weight = req, true, grams
	return s.parcelF.Want(req)
}

func (s *Screen) parcelClosed(req parcelReq, p shipping.Packing, err error) tea.Cmd {
	s.busy = false
	var w *shipping.WeightWarning
	if errors.As(err, &w) {
		s.pendingParcel = parcelReq{} // nothing was written: a new weight is a new command
		s.warned, s.step = w, stepConfirm
		s.refuse(fmt.Sprintf("Weighs %s, expected %s: y confirm, or weigh again", Grams(w.WeighedG), Grams(w.ExpectedG)))
		s.prompt()
		return nil
	}
	if err != nil {
		s.refuse(ui.Explain(err))
		return nil
	}
	s.pendingParcel, s.warned, s.misses, s.bad = parcelReq{}, nil, 0, false
	s.p, s.step = &p, stepVerify
	s.customs = p.CustomsProblems()
	s.scan.SetValue("")
	n := len(p.Parcels)
	last := p.Parcels[n-1]
	s.note = fmt.Sprintf("✓ Parcel %d closed: box %s, %s, %s", n, last.Box, Grams(last.WeightG), units(last.Units))
	if p.AllVerified() && p.Unboxed() == 0 {
		s.note += ". Ready to ship"
	}
	s.prompt()
	return nil
}

// wantRates reads the packing again and the carriers' offers for its parcels, when every unit
// is verified and in a parcel.
func (s *Screen) wantRates() tea.Cmd {
	if s.step != stepVerify || s.p == nil {
		return nil
	}
	p := s.p
	switch {
	case !p.AllVerified():
		n := 0
		for _, l := range p.Lines {
			n += l.ToVerify()
		}
		s.refuse(fmt.Sprintf("%s still to verify: scan them first", units(n)))
		return nil
	case p.Unboxed() > 0:
		s.refuse(fmt.Sprintf("%s in no parcel: %s closes one", units(p.Unboxed()), keyName(s.ctx.Keys.Packing.Parcel)))
		return nil
	case len(p.Parcels) == 0:
		s.refuse("Nothing to ship")
		return nil
	}
	s.busy = true
	return s.ratesF.Want(p.Shipment)
}

func (s *Screen) rated(r rated, err error) {
	s.busy = false
	if err != nil {
		s.refuse(ui.Explain(err))
		return
	}
	s.p = &r.p
	s.customs = r.p.CustomsProblems()
	if len(s.customs) > 0 {
		s.refuse(fmt.Sprintf("%s cannot leave for %s until its customs data is complete", r.p.Order, r.p.ShipTo.Country))
		return
	}
	if len(r.offers) == 0 {
		s.refuse(fmt.Sprintf("No carrier carries these parcels to %s %s", r.p.ShipTo.Country, r.p.ShipTo.PostalCode))
		return
	}
	s.offers, s.offer, s.step = r.offers, 0, stepRates
	for i, o := range r.offers {
		if o.Default {
			s.offer = i
		}
	}
	s.note, s.bad, s.misses = "", false, 0
	s.scan.SetValue("")
	s.prompt()
}

// shipChosen ships with the chosen offer.
func (s *Screen) shipChosen() tea.Cmd {
	if len(s.offers) == 0 {
		return nil
	}
	o := s.offers[s.offer]
	req := shipReq{key: ui.NewCommandKey("pack-ship"),
		r: shipping.ShipRequest{Shipment: s.p.Shipment, Carrier: o.Carrier, Service: o.Service, Day: s.day()}}
	if s.pendingShip.key != "" && s.pendingShip.r == req.r {
		req.key = s.pendingShip.key
	}
	s.pendingShip, s.busy = req, true
	return s.shipF.Want(req)
}

func (s *Screen) wasShipped(out shipping.Shipped, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		// The offers stay; enter again retries with the same key.
		s.refuse(ui.Explain(err))
		return nil
	}
	s.pendingShip = shipReq{}
	s.shipped, s.step, s.offers, s.fails = &out, stepDone, nil, 0
	s.note, s.bad, s.misses = "", false, 0
	s.scan.SetValue("")
	s.prompt()
	return s.print()
}

// print prints the shipped order's labels and papers (again).
func (s *Screen) print() tea.Cmd {
	warehouse := s.warehouse
	if s.p != nil {
		warehouse = s.p.Warehouse
	}
	s.busy, s.printed, s.printOK = true, "", false
	return s.printF.Want(printReq{shipped: *s.shipped, warehouse: warehouse, station: s.station, day: s.day()})
}

// packed says every unit of the open order is verified and in a parcel: it can ship.
func (s *Screen) packed() bool {
	return s.p != nil && s.p.AllVerified() && s.p.Unboxed() == 0 && len(s.p.Parcels) > 0
}

// onRelabelKey answers "void the labels and print new ones?".
func (s *Screen) onRelabelKey(msg tea.KeyMsg) tea.Cmd {
	d := &s.ctx.Keys.Dialog
	switch {
	case key.Matches(msg, d.Confirm):
		req := relabelReq{key: ui.NewCommandKey("pack-relabel"), shipment: s.shipped.Shipment,
			tracking: strings.Join(s.shipped.Tracking, ","), day: s.day()}
		if s.pendingNew.key != "" && s.pendingNew.shipment == req.shipment && s.pendingNew.tracking == req.tracking {
			req.key = s.pendingNew.key
		}
		s.pendingNew, s.busy = req, true
		return s.relabelF.Want(req)
	case key.Matches(msg, d.Cancel), key.Matches(msg, s.ctx.Keys.Input.Cancel):
		s.step, s.note, s.bad = stepDone, "", false
		s.prompt()
	}
	return nil
}

// relabelled takes the new labels and prints them.
func (s *Screen) relabelled(out shipping.Shipped, err error) tea.Cmd {
	s.busy = false
	if err != nil {
		// Still at the question: y again retries with the same key.
		s.refuse(ui.Explain(err))
		return nil
	}
	s.pendingNew = relabelReq{}
	was := s.shipped.Tracking
	next := *s.shipped
	next.Tracking, next.SSCC, next.Labels, next.LabelFormat = out.Tracking, out.SSCC, out.Labels, out.LabelFormat
	s.shipped, s.step, s.misses = &next, stepDone, 0
	s.note = fmt.Sprintf("✓ Voided %s", strings.Join(was, ", "))
	s.prompt()
	return s.print()
}

// refuse shows why a scan or command was refused: the field keeps the scan.
func (s *Screen) refuse(why string) {
	s.note, s.bad, s.replace = why, true, true
	s.misses++
}

// prompt sets the field's placeholder for the current step.
func (s *Screen) prompt() {
	p := map[step]string{stepWarehouse: "warehouse code", stepStation: "station, or enter for none",
		stepOrder: "scan tote or order", stepChoose: "scan order or enter", stepVerify: "scan item",
		stepBox: "scan box", stepWeight: "grams, or 1.25kg", stepConfirm: "grams, or 1.25kg",
		stepDone: "scan tote or order"}[s.step]
	if s.step == stepVerify && s.lastItem != "" {
		p = "scan item or type a count"
	}
	if s.step == stepVerify && s.packed() {
		p = "enter: offers"
	}
	if s.w > 0 && s.w < 40 {
		p = map[step]string{stepStation: "code or enter", stepOrder: "tote or order",
			stepChoose: "order or enter", stepWeight: "g or kg", stepConfirm: "g or kg", stepDone: "tote or order"}[s.step]
		if p == "" {
			p = map[step]string{stepWarehouse: "warehouse", stepVerify: "scan item", stepBox: "scan box"}[s.step]
		}
		if s.step == stepVerify && s.packed() {
			p = "enter: offers"
		}
	}
	s.scan.Placeholder = p
}

func units(n int) string {
	if n == 1 {
		return "1 unit"
	}
	return strconv.Itoa(n) + " units"
}

// keyName is a binding's first key as a short hint says it: "^x".
func keyName(b key.Binding) string {
	keys := b.Keys()
	if len(keys) == 0 {
		return ""
	}
	return strings.Replace(keys[0], "ctrl+", "^", 1)
}
