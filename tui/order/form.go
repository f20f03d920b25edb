package order

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/orders"
	"oms/tui/ui"
)

// field is one labelled input of the edit form; line is the order line a quantity field sets.
type field struct {
	label string
	in    textinput.Model
	line  int64
	name  string // "line 2 (MUG-1)" for a quantity's refusal
}

// form edits an order against the version it was opened on. Address parts the form does not
// show (company, region, phone) are kept as they were.
type form struct {
	version int
	number  string
	shipTo  orders.Address
	fields  []field
	focus   int
	problem string // the last refusal or a field that does not parse; typed text kept
}

// The fixed fields, in order; a quantity field per line follows, then the new lines.
const (
	fPriority = iota
	fNotes
	fService
	fName
	fCompany
	fStreet
	fStreet2
	fPostcode
	fCity
	fRegion
	fCountry
	fPhone
	fixedFields
)

func newForm(d *orders.Detail) *form {
	h, a := &d.Header, d.ShipTo
	f := &form{version: h.Version, number: h.Number, shipTo: a}
	add := func(label, value string, limit int) *field {
		ti := textinput.New()
		ti.Prompt = ""
		ti.CharLimit = limit
		ti.Cursor.SetMode(cursor.CursorStatic)
		ti.SetValue(value)
		f.fields = append(f.fields, field{label: label, in: ti})
		return &f.fields[len(f.fields)-1]
	}
	add("Priority", strconv.Itoa(h.Priority), 4)
	add("Notes", h.Notes, 500)
	add("Service", h.ServiceCode, 65)
	add("Ship to", a.Name, 200)
	add("Company", a.Company, 200)
	add("Street", a.Line1, 200)
	add("Street 2", a.Line2, 200)
	add("Postcode", a.PostalCode, 20)
	add("City", a.City, 100)
	add("Region", a.Region, 100)
	add("Country", a.Country, 2)
	add("Phone", a.Phone, 40)
	for _, l := range d.Lines {
		if l.Ordered == l.Cancelled {
			continue // cancelled lines stay cancelled
		}
		q := add(fmt.Sprintf("#%d %s", l.LineNo, l.SKU), strconv.FormatInt(l.Ordered-l.Cancelled, 10), 6)
		q.line, q.name = l.ID, fmt.Sprintf("line %d (%s)", l.LineNo, l.SKU)
	}
	add("Add lines", "", 200).in.Placeholder = "SKU qty, SKU qty"
	f.fields[0].in.Focus()
	return f
}

var country = regexp.MustCompile(`^[A-Z]{2}$`)

// edit reads the fields as an edit of order id, or says which field is wrong.
func (f *form) edit(id int64) (orders.OrderEdit, string) {
	v := func(i int) string { return strings.TrimSpace(f.fields[i].in.Value()) }
	e := orders.OrderEdit{Order: id, Version: f.version, Notes: f.fields[fNotes].in.Value(), Service: v(fService)}
	p, err := strconv.Atoi(v(fPriority))
	if err != nil || p < -999 || p > 999 {
		return e, "the priority is a whole number from -999 to 999"
	}
	e.Priority = p
	e.ShipTo = f.shipTo
	e.ShipTo.Name, e.ShipTo.Line1, e.ShipTo.Line2 = v(fName), v(fStreet), v(fStreet2)
	e.ShipTo.PostalCode, e.ShipTo.City, e.ShipTo.Country = v(fPostcode), v(fCity), strings.ToUpper(v(fCountry))
	e.ShipTo.Company, e.ShipTo.Region, e.ShipTo.Phone = v(fCompany), v(fRegion), v(fPhone)
	switch {
	case e.ShipTo.Name == "" || e.ShipTo.Line1 == "" || e.ShipTo.City == "":
		return e, "the ship-to address needs a name, a street and a city"
	case !country.MatchString(e.ShipTo.Country):
		return e, "the country is two letters, such as NL"
	}
	for i := fixedFields; i < len(f.fields); i++ {
		fl := f.fields[i]
		if fl.line == 0 {
			continue
		}
		n, err := strconv.ParseInt(v(i), 10, 64)
		if err != nil || n < 0 {
			return e, fl.name + ": the quantity is a whole number, 0 or more (0 cancels the line)"
		}
		e.Lines = append(e.Lines, orders.LineQty{Line: fl.line, Qty: n})
	}
	for _, part := range strings.Split(v(len(f.fields)-1), ",") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		nl := orders.NewLine{SKU: words[0], Qty: 1}
		if len(words) > 2 {
			return e, "add lines as SKU and quantity: MUG-1 2, TEE-1 1"
		}
		if len(words) == 2 {
			n, err := strconv.ParseInt(words[1], 10, 64)
			if err != nil || n < 1 {
				return e, "add lines as SKU and quantity: MUG-1 2, TEE-1 1"
			}
			nl.Qty = n
		}
		e.Add = append(e.Add, nl)
	}
	return e, ""
}

func (f *form) move(step int) {
	f.fields[f.focus].in.Blur()
	f.focus = (f.focus + step + len(f.fields)) % len(f.fields)
	f.fields[f.focus].in.Focus()
}

// formKey handles a key while the edit form is open: enter saves, esc leaves (dropping the
// typing), tab and shift+tab move between fields, anything else is typed.
func (s *Screen) formKey(msg tea.KeyMsg) tea.Cmd {
	f, in, o := s.act.form, &s.c.Keys.Input, &s.c.Keys.Order
	switch {
	case key.Matches(msg, in.Submit):
		return s.send()
	case key.Matches(msg, in.Cancel):
		s.act = nil
	case key.Matches(msg, o.ToggleSection):
		f.move(1)
	case key.Matches(msg, o.PrevField):
		f.move(-1)
	case key.Matches(msg, in.Clear):
		f.fields[f.focus].in.SetValue("")
	default:
		var cmd tea.Cmd
		f.fields[f.focus].in, cmd = f.fields[f.focus].in.Update(msg)
		return cmd
	}
	return nil
}

// formLines lays the form out for width w in at most height lines: the title, a window of the
// fields that keeps the focused one in view (label above the field below 40 columns), then
// the refusal, wrapped.
func (s *Screen) formLines(w, height int) []string {
	st, f := s.c.Styles, s.act.form
	var tail []string
	if s.act.running {
		tail = append(tail, " "+st.Muted.Render("saving…"))
	}
	if f.problem != "" {
		for _, l := range ui.Wrap(f.problem, max(w-2, 1)) {
			tail = append(tail, " "+st.Error.Render(l))
		}
	}
	tail = append(tail, "")
	rowsPer, label := 1, 22
	switch {
	case w < 40:
		rowsPer = 2
	case w < 60:
		label = 18
	}
	fit := max((height-1-len(tail))/rowsPer, 1)
	first := min(max(f.focus-fit/2, 0), max(len(f.fields)-fit, 0))
	last := min(first+fit, len(f.fields))
	out := []string{st.Title.Render(ui.Fit(" Edit "+f.number, w))}
	for i := first; i < last; i++ {
		mark := " "
		if i == f.focus {
			mark = ">"
		}
		fi := f.fields[i].in
		if rowsPer == 2 {
			fi.Width = max(w-3, 1)
			out = append(out, mark+f.fields[i].label, "  "+fi.View())
			continue
		}
		fi.Width = max(w-label-4, 1) // the field draws one more cell for its cursor
		out = append(out, mark+ui.Fit(f.fields[i].label, label)+" "+fi.View())
	}
	return append(out, tail...)
}
