package products

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	pcatalog "oms/catalog"
	"oms/db/catalog"
	"oms/tui/ui"
)

// EditJobs may change products (migration 00009 grants the update to the back office, and the
// supervisor holds every operational job); the page offers the form only to them. The database
// refuses anyone else whatever the screen shows.
var EditJobs = []string{"backoffice", "supervisor"}

// formField is one field of the form: its label and the column of a products file it is, whose
// checks (catalog.ParseProduct) it gets.
type formField struct {
	label, column string
	limit         int
}

var formFields = []formField{
	{"Name", "name", 200},
	{"GTIN", "gtin", 14},
	{"Barcodes", "barcodes", 1000}, // ;-separated, as a products file lists them
	{"Weight (g)", "weight_g", 9},
	{"Length (mm)", "length_mm", 9},
	{"Width (mm)", "width_mm", 9},
	{"Height (mm)", "height_mm", 9},
	{"HS code", "hs_code", 10},
	{"Origin", "country_of_origin", 2},
	{"Tax category", "tax_category", 40},
	{"Lot tracked", "lot_tracked", 5},
	{"Expiry tracked", "expiry_tracked", 5},
	{"Reorder point", "reorder_point", 9},
	{"Active", "active", 5},
}

// fieldOf is the index of the field of a column, -1 for none.
func fieldOf(column string) int {
	for i, f := range formFields {
		if f.column == column {
			return i
		}
	}
	return -1
}

// form edits the back-office fields of one product, against the version it was opened on.
type form struct {
	sku     string
	version int
	fields  []textinput.Model // as formFields
	focus   int
	problem string // the last save's refusal or a field that does not pass; typed text kept
	about   int    // the field the problem is about, shown under it; -1: the form as a whole
	saving  bool
}

func newForm(p catalog.ProductDetail) *form {
	f := &form{sku: p.SKU, version: p.Version, about: -1}
	codes := make([]string, len(p.Barcodes))
	for i, b := range p.Barcodes {
		codes[i] = b.Barcode
	}
	num := func(n *int) string {
		if n == nil {
			return ""
		}
		return strconv.Itoa(*n)
	}
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	values := []string{p.Name, text(p.GTIN), strings.Join(codes, ";"), num(p.WeightG), num(p.LengthMM),
		num(p.WidthMM), num(p.HeightMM), text(p.HSCode), text(p.Origin), p.TaxCategory, yesNo(p.LotTracked),
		yesNo(p.ExpiryTracked), strconv.Itoa(p.ReorderPoint), yesNo(p.Active)}
	f.fields = make([]textinput.Model, len(formFields))
	for i := range f.fields {
		ti := textinput.New()
		ti.Prompt = ""
		ti.CharLimit = formFields[i].limit
		ti.Cursor.SetMode(cursor.CursorStatic)
		ti.SetValue(values[i])
		if formFields[i].column == "barcodes" {
			ti.Placeholder = "none: a;b;c"
		}
		f.fields[i] = ti
	}
	f.fields[0].Focus()
	return f
}

// edit reads the fields as an edit of product id with a products file's checks, or says which
// field is wrong (its index) and why.
func (f *form) edit(id int64) (catalog.ProductEdit, int, string) {
	values := map[string]string{"sku": f.sku}
	for i, ff := range formFields {
		values[ff.column] = f.fields[i].Value()
	}
	p, err := pcatalog.ParseProduct(values)
	if err != nil {
		column, reason := "", err.Error()
		if fe := (*pcatalog.FieldError)(nil); errors.As(err, &fe) {
			column = fe.Column
		}
		return catalog.ProductEdit{}, fieldOf(column), refusal(column, reason)
	}
	if strings.TrimSpace(values["active"]) == "" { // a file's empty cell means yes; a form's is a slip
		return catalog.ProductEdit{}, fieldOf("active"), refusal("active", "active is empty: yes or no")
	}
	return catalog.EditOf(id, f.version, p), -1, ""
}

// refusal is the sentence shown for a refused value, naming the field by the form's label: a
// file's sentence names its column ("weight_g \"0\" is not…"), which the label replaces.
func refusal(column, reason string) string {
	i := fieldOf(column)
	switch {
	case i < 0:
		return reason
	case strings.HasPrefix(reason, column+" "):
		return formFields[i].label + strings.TrimPrefix(reason, column)
	}
	return formFields[i].label + ": " + reason
}

func (f *form) refuse(field int, problem string) {
	f.problem, f.about = problem, field
	if field >= 0 {
		f.fields[f.focus].Blur()
		f.focus = field
		f.fields[f.focus].Focus()
	}
}

func (f *form) move(step int) {
	f.fields[f.focus].Blur()
	f.focus = (f.focus + step + len(f.fields)) % len(f.fields)
	f.fields[f.focus].Focus()
}

// EditData is the one command the form runs.
type EditData interface {
	UpdateProduct(ctx context.Context, e catalog.ProductEdit) (int, error)
}

type saved struct{ version int }

// mayEdit says whether the user's jobs include one that may change products.
func (s *Detail) mayEdit() bool {
	return s.save != nil && (ui.Def{Jobs: EditJobs}).For(s.ctx.Jobs)
}

// formKey handles a key while the form is open: enter saves, esc leaves (dropping the typing),
// tab and shift+tab move between fields, anything else is typed.
func (s *Detail) formKey(msg tea.KeyMsg) tea.Cmd {
	f, in, p := s.form, &s.ctx.Keys.Input, &s.ctx.Keys.Products
	switch {
	case key.Matches(msg, in.Submit):
		if f.saving {
			return nil
		}
		e, field, problem := f.edit(s.p.ID)
		f.refuse(field, problem)
		if problem != "" {
			s.layout()
			return nil
		}
		f.saving = true
		s.layout()
		return s.save.Want(e)
	case key.Matches(msg, in.Cancel):
		s.form = nil
		s.layout()
		return nil
	case key.Matches(msg, p.NextField):
		f.move(1)
	case key.Matches(msg, p.PrevField):
		f.move(-1)
	case key.Matches(msg, in.Clear):
		f.fields[f.focus].SetValue("")
	default:
		var cmd tea.Cmd
		f.fields[f.focus], cmd = f.fields[f.focus].Update(msg)
		s.layout()
		return cmd
	}
	s.layout()
	return nil
}

// saveResult takes the save's answer: on success the form closes and the page reloads; on a
// refusal (someone saved first, a grant missing) the form stays with what was typed, and says so.
func (s *Detail) saveResult(a ui.Answer[catalog.ProductEdit, saved]) tea.Cmd {
	if s.form == nil {
		return nil
	}
	s.form.saving = false
	if a.Err != nil {
		switch column, reason, ok := catalog.RefusedField(a.Err); {
		case ok:
			s.form.refuse(fieldOf(column), refusal(column, reason))
		case errorsIs(a.Err, catalog.ErrChangedSinceOpened):
			s.form.refuse(-1, catalog.ErrChangedSinceOpened.Error())
		default:
			s.form.refuse(-1, a.Err.Error())
		}
		s.layout()
		return nil
	}
	s.form = nil
	s.layout()
	return tea.Batch(s.fetch.Want(s.ref.ID), func() tea.Msg { return ui.StatusMsg{Text: "Saved " + s.ref.SKU} })
}

// formLines lays the form out: the title, a refusal of the form as a whole (someone saved
// first), then one labelled field a line (label above the field below 40 columns), a refusal of
// a field wrapped under it. first and last are the lines that must be in view: the focused
// field and its refusal (the title too while the first field has the focus).
func (s *Detail) formLines() (out []string, first, last int) {
	st, w, f := s.ctx.Styles, s.width, s.form
	add := func(line string) { out = append(out, ui.Fit(line, w)) }
	problem := func() {
		for _, l := range ui.Wrap(f.problem, max(w-2, 1)) {
			add(" " + st.Error.Render(l))
		}
	}
	add(st.Title.Render(" Edit " + s.p.SKU))
	if f.saving {
		add(" " + st.Muted.Render("saving…"))
	}
	if f.problem != "" && f.about < 0 {
		problem()
	}
	for i := range f.fields {
		mark := " "
		if i == f.focus {
			mark = ">"
			first = len(out)
			if i == 0 {
				first = 0
			}
		}
		fi := f.fields[i]
		if w < 40 {
			add(mark + formFields[i].label)
			fi.Width = max(w-3, 1)
			add("  " + fi.View())
		} else {
			fi.Width = max(w-19, 1) // the field draws one more cell for its cursor
			add(mark + ui.Fit(formFields[i].label, 15) + " " + fi.View())
		}
		if f.problem != "" && f.about == i {
			problem()
		}
		if i == f.focus {
			last = len(out) - 1
		}
	}
	add("")
	return out, first, last
}
