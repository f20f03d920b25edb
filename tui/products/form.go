package products

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/catalog"
	"oms/tui/ui"
)

// EditJobs may change products (migration 00009 grants the update to the back office, and the
// supervisor holds every operational job); the page offers the form only to them. The database
// refuses anyone else whatever the screen shows.
var EditJobs = []string{"backoffice", "supervisor"}

// form edits the back-office fields of one product, against the version it was opened on.
type form struct {
	version int
	fields  [3]textinput.Model // name, reorder point, active (yes/no)
	focus   int
	problem string // the last save's refusal or a field that does not parse; typed text kept
	saving  bool
}

var fieldNames = [3]string{"Name", "Reorder point", "Active"}

func newForm(p catalog.ProductDetail) *form {
	f := &form{version: p.Version}
	values := [3]string{p.Name, strconv.Itoa(p.ReorderPoint), yesNo(p.Active)}
	limits := [3]int{200, 9, 3}
	for i := range f.fields {
		ti := textinput.New()
		ti.Prompt = ""
		ti.CharLimit = limits[i]
		ti.Cursor.SetMode(cursor.CursorStatic)
		ti.SetValue(values[i])
		f.fields[i] = ti
	}
	f.fields[0].Focus()
	return f
}

// edit reads the fields as an edit of product id, or says which field is wrong.
func (f *form) edit(id int64) (catalog.ProductEdit, string) {
	e := catalog.ProductEdit{ID: id, Version: f.version, Name: strings.TrimSpace(f.fields[0].Value())}
	if e.Name == "" {
		return e, "the name is empty"
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.fields[1].Value()))
	if err != nil || n < 0 {
		return e, "the reorder point is a whole number, 0 or more"
	}
	e.ReorderPoint = n
	switch strings.ToLower(strings.TrimSpace(f.fields[2].Value())) {
	case "yes", "y":
		e.Active = true
	case "no", "n":
	default:
		return e, "active is yes or no"
	}
	return e, ""
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
		e, problem := f.edit(s.p.ID)
		f.problem = problem
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
		s.form.problem = a.Err.Error()
		if errorsIs(a.Err, catalog.ErrChangedSinceOpened) {
			s.form.problem = catalog.ErrChangedSinceOpened.Error()
		}
		s.layout()
		return nil
	}
	s.form = nil
	s.layout()
	return tea.Batch(s.fetch.Want(s.ref.ID), func() tea.Msg { return ui.StatusMsg{Text: "Saved " + s.ref.SKU} })
}

// formLines lays the form out: one labelled field a line (label above the field below 40
// columns), then the refusal, wrapped.
func (s *Detail) formLines() []string {
	st, w, f := s.ctx.Styles, s.width, s.form
	var out []string
	add := func(line string) { out = append(out, ui.Fit(line, w)) }
	add(st.Title.Render(" Edit " + s.p.SKU))
	for i := range f.fields {
		mark := " "
		if i == f.focus {
			mark = ">"
		}
		fi := f.fields[i]
		if w < 40 {
			add(mark + fieldNames[i])
			fi.Width = max(w-3, 1)
			add("  " + fi.View())
			continue
		}
		fi.Width = max(w-19, 1) // the field draws one more cell for its cursor
		add(mark + ui.Fit(fieldNames[i], 15) + " " + fi.View())
	}
	if f.saving {
		add(" " + st.Muted.Render("saving…"))
	}
	if f.problem != "" {
		for _, l := range ui.Wrap(f.problem, max(w-2, 1)) {
			add(" " + st.Error.Render(l))
		}
	}
	add("")
	return out
}
