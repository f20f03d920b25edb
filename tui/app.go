package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/db/staff"
	"oms/keymaps"
	"oms/tui/order"
	"oms/tui/ui"
)

// Smallest terminal the UI draws in; below it the screen says so (DESIGN.md §7).
const (
	MinWidth  = 20
	MinHeight = 10
)

// slot is one top-level screen, built on first visit, with the views opened over it.
type slot struct {
	def   screenDef
	stack []ui.Component // stack[0] is the screen itself
}

func (s *slot) top() ui.Component { return s.stack[len(s.stack)-1] }

// Model is the root of the UI. It only routes and draws the chrome.
type Model struct {
	ctx           *ui.Context
	keys          *keymaps.KeyMap
	slots         []*slot
	active        int
	width, height int

	live     liveState
	status   ui.StatusMsg
	menu     *menu
	showHelp bool
	// helpOffset scrolls the help page on small screens.
	helpOffset int
	notice     string
	askQuit    bool
	help       help.Model
}

// storeOf is the data the screens read from d.
func storeOf(d *db.DB) ui.Store { return orders.New(d) }

// whoami is who d's session runs as.
func whoami(ctx context.Context, d *db.DB) (staff.Identity, error) { return staff.New(d).Whoami(ctx) }

// New builds the root model on a context; the first screen is the order queue.
func New(c *ui.Context, poll Poller, pollEvery time.Duration) *Model {
	m := &Model{ctx: c, keys: c.Keys, live: newLiveState(poll, pollEvery, c.Now())}
	for _, def := range screenDefs() {
		m.slots = append(m.slots, &slot{def: def})
	}
	m.help = help.New()
	m.help.Styles = c.Styles.Help
	m.ensureBuilt(0)
	return m
}

// SetNotice shows text in the status line until the first key, and keeps it at the top of the
// help page.
func (m *Model) SetNotice(text string) {
	m.notice = text
	if text != "" {
		m.status = ui.StatusMsg{Text: text + " (? shows it again)"}
	}
}

// ensureBuilt builds screen i on first visit; the caller runs its Init.
func (m *Model) ensureBuilt(i int) (built bool) {
	s := m.slots[i]
	if len(s.stack) > 0 {
		return false
	}
	comp := s.def.build(m.ctx)
	s.stack = []ui.Component{comp}
	if m.width > 0 {
		comp.SetSize(m.bodySize())
	}
	return true
}

func (m *Model) current() ui.Component { return m.slots[m.active].top() }

// Init starts the first screen and the live poll.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.current().Init(), m.live.start(), m.live.clockTick())
}

// Update routes one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.KeyMsg:
		return m, m.key(msg)
	case ui.Result:
		return m, m.route(msg)
	case ui.OpenMsg:
		return m, m.push(msg.Component)
	case ui.OpenOrderMsg:
		return m, m.push(order.New(m.ctx, msg.ID, msg.Number))
	case ui.StatusMsg:
		m.status = msg
		return m, nil
	case clockMsg:
		return m, tea.Batch(m.live.clockTick(), m.toCurrent(ui.ClockMsg{}))
	case pollTickMsg, pollResultMsg:
		changed, cmd := m.live.update(msg, m.ctx.Now())
		if changed {
			return m, tea.Batch(cmd, m.toCurrent(ui.ChangedMsg{}))
		}
		return m, cmd
	}
	return m, m.toCurrent(msg)
}

func (m *Model) toCurrent(msg tea.Msg) tea.Cmd {
	_, cmd := m.current().Update(msg)
	return cmd
}

// route delivers a data result to the component that asked, wherever it is; an error for the
// showing component goes to the status line too. What the user typed is the component's, and
// no error touches it.
func (m *Model) route(r ui.Result) tea.Cmd {
	if r.Err != nil && r.To == m.current().ID() {
		m.status = ui.StatusMsg{Text: ui.Explain(r.Err), Error: true}
		if ui.IsConnectionError(r.Err) {
			m.live.markOffline()
		}
	}
	for _, s := range m.slots {
		for _, c := range s.stack {
			if c.ID() == r.To {
				_, cmd := c.Update(r)
				return cmd
			}
		}
	}
	return nil // the component was closed meanwhile: drop the answer
}

func (m *Model) push(c ui.Component) tea.Cmd {
	s := m.slots[m.active]
	s.stack = append(s.stack, c)
	c.SetSize(m.bodySize())
	return c.Init()
}

func (m *Model) pop() tea.Cmd {
	s := m.slots[m.active]
	if len(s.stack) == 1 {
		return nil
	}
	s.stack = s.stack[:len(s.stack)-1]
	return m.toCurrent(ui.ActivatedMsg{})
}

func (m *Model) switchTo(i int) tea.Cmd {
	if i == m.active && len(m.slots[i].stack) > 0 {
		return nil
	}
	m.active = i
	if m.ensureBuilt(i) {
		return m.current().Init()
	}
	return m.toCurrent(ui.ActivatedMsg{})
}

// key applies the focus gate: dialog, then menu and help, then a focused field, then global
// shortcuts, then the screen.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	g := &m.keys.Global
	m.status = ui.StatusMsg{} // messages and errors stay until the next key
	if m.askQuit {
		return m.answerQuit(msg)
	}
	if key.Matches(msg, g.Quit) {
		return m.quit()
	}
	if m.menu != nil {
		return m.menuKey(msg)
	}
	if m.showHelp {
		m.helpKey(msg)
		return nil
	}
	if capturing(m.current()) && !(keymaps.WorksWhileTyping(msg) && m.isGlobal(msg)) {
		return m.toCurrent(msg)
	}
	switch {
	case key.Matches(msg, g.Help):
		m.showHelp, m.helpOffset = true, 0
		return nil
	case key.Matches(msg, g.Menu):
		m.menu = newMenu(m.active)
		return nil
	case key.Matches(msg, g.NextScreen):
		return m.switchTo((m.active + 1) % len(m.slots))
	case key.Matches(msg, g.PrevScreen):
		return m.switchTo((m.active + len(m.slots) - 1) % len(m.slots))
	case key.Matches(msg, g.Back) && len(m.slots[m.active].stack) > 1:
		return m.pop()
	}
	for i, s := range m.slots {
		if key.Matches(msg, s.def.key(m.keys)) {
			return m.switchTo(i)
		}
	}
	return m.toCurrent(msg)
}

func (m *Model) helpKey(msg tea.KeyMsg) {
	l := &m.keys.List
	switch {
	case key.Matches(msg, m.keys.Global.Help, m.keys.Global.Back):
		m.showHelp = false
	case key.Matches(msg, l.Down):
		m.helpOffset++
	case key.Matches(msg, l.Up):
		m.helpOffset = max(m.helpOffset-1, 0)
	case key.Matches(msg, l.PageDown):
		m.helpOffset += max(m.height-4, 1)
	case key.Matches(msg, l.PageUp):
		m.helpOffset = max(m.helpOffset-m.height+4, 0)
	}
}

func (m *Model) isGlobal(msg tea.KeyMsg) bool {
	g := &m.keys.Global
	if key.Matches(msg, g.Quit, g.Help, g.Menu, g.NextScreen, g.PrevScreen) {
		return true
	}
	for _, s := range m.slots {
		if key.Matches(msg, s.def.key(m.keys)) {
			return true
		}
	}
	return false
}

func capturing(c ui.Component) bool {
	cp, ok := c.(ui.Capturer)
	return ok && cp.Capturing()
}

func (m *Model) quit() tea.Cmd {
	for _, s := range m.slots {
		for _, c := range s.stack {
			if u, ok := c.(ui.Unsaved); ok && u.HasUnsavedInput() {
				m.askQuit = true
				return nil
			}
		}
	}
	return tea.Quit
}

func (m *Model) answerQuit(msg tea.KeyMsg) tea.Cmd {
	d := &m.keys.Dialog
	switch {
	case key.Matches(msg, d.Confirm), key.Matches(msg, m.keys.Global.Quit):
		return tea.Quit
	case key.Matches(msg, d.Cancel):
		m.askQuit = false
	}
	return nil
}

func (m *Model) menuKey(msg tea.KeyMsg) tea.Cmd {
	choice, done := m.menu.update(msg, m.keys, len(m.slots))
	if !done {
		return nil
	}
	m.menu = nil
	if choice < 0 {
		return nil
	}
	return m.switchTo(choice)
}

func (m *Model) resize(w, h int) {
	m.width, m.height = w, h
	m.help.Width = w
	bw, bh := m.bodySize()
	for _, s := range m.slots {
		for _, c := range s.stack {
			c.SetSize(bw, bh)
		}
	}
}

// bodySize is what is left for the component: header, status line and footer take a line each.
func (m *Model) bodySize() (int, int) {
	return max(m.width, 0), max(m.height-3, 0)
}

// View draws header, component, status line and footer, clamped to the terminal.
func (m *Model) View() string {
	if m.width == 0 {
		return ""
	}
	if m.width < MinWidth || m.height < MinHeight {
		return tooSmall(m.width, m.height)
	}
	bw, bh := m.bodySize()
	var body string
	switch {
	case m.menu != nil:
		body = m.menu.view(m.ctx, m.slots, m.keys, bw, bh)
	case m.showHelp:
		body = m.fullHelp(bw, bh)
	default:
		body = m.current().View()
	}
	var b strings.Builder
	b.Grow((m.width + 16) * m.height)
	b.WriteString(m.header())
	b.WriteByte('\n')
	b.WriteString(ui.Clamp(body, bw, bh))
	b.WriteByte('\n')
	b.WriteString(m.statusLine())
	b.WriteByte('\n')
	b.WriteString(m.footer())
	return b.String()
}

func tooSmall(w, h int) string {
	msg := "Terminal too\nsmall: " + itoa(w) + "×" + itoa(h) + "\nneed " + itoa(MinWidth) + "×" + itoa(MinHeight)
	return ui.Clamp(msg, w, h)
}
