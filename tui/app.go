package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/keymaps"
	"oms/tui/ui"
)

// Smallest terminal the UI draws in; below it the screen says so (ARCHITECTURE.md §5).
const (
	MinWidth  = 20
	MinHeight = 10
)

// slot is one top-level screen, built on first visit, with the views opened over it.
type slot struct {
	def   ui.Def
	stack []ui.Component // stack[0] is the screen itself
}

func (s *slot) top() ui.Component { return s.stack[len(s.stack)-1] }

// maxHistory bounds how many screens Back remembers.
const maxHistory = 16

// Model is the root of the UI. It only routes and draws the chrome.
type Model struct {
	ctx    *ui.Context
	keys   *keymaps.KeyMap
	routes map[ui.Route]ui.Def
	slots  []*slot
	// hidden are the screens not for the user's jobs: their keys say so instead of opening them.
	hidden []ui.Def
	active int
	// history is the top-level screens left by a jump, newest last: Back on a screen with
	// nothing opened over it returns to the one before, with its views as they were.
	history       []int
	width, height int

	live   liveState
	status ui.StatusMsg
	// fetchError says the status line holds a failed fetch's error, which the next good
	// answer for the showing screen clears (a key press clears any message).
	fetchError bool
	menu       *menu
	showHelp   bool
	// helpOffset scrolls the help page on small screens.
	helpOffset int
	notice     string
	askQuit    bool
	help       help.Model
}

// New builds the root model on a context with a route table (Routes); the first top-level
// screen shows first. poll is the change feed, asked every pollEvery (0: only on PollNow).
func New(c *ui.Context, routes []ui.Def, poll Poller, pollEvery time.Duration) *Model {
	m := &Model{ctx: c, keys: c.Keys, routes: map[ui.Route]ui.Def{}, live: newLiveState(poll, pollEvery, c.Now())}
	for _, def := range routes {
		if !def.For(c.Jobs) {
			m.hidden = append(m.hidden, def)
			continue
		}
		m.routes[def.Route] = def
		if def.Key != nil {
			m.slots = append(m.slots, &slot{def: def})
		}
	}
	if len(m.slots) == 0 {
		m.slots = []*slot{{def: placeholder("none", "oms", "oms", nil,
			"None of oms's screens is for your job roles ("+strings.Join(c.Jobs, ", ")+"). Ask an administrator.")}}
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
		m.status = ui.StatusMsg{Text: m.noticeStatus()}
	}
}

func (m *Model) noticeStatus() string { return m.notice + " (? shows it again)" }

// ensureBuilt builds screen i on first visit; the caller runs its Init.
func (m *Model) ensureBuilt(i int) (built bool) {
	s := m.slots[i]
	if len(s.stack) > 0 {
		return false
	}
	comp := s.def.Build(m.ctx, nil)
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
	case ui.Open:
		return m, m.open(msg)
	case ui.StatusMsg:
		m.status, m.fetchError = msg, false
		return m, nil
	case clockMsg:
		return m, tea.Batch(m.live.clockTick(), m.current().Update(ui.ClockMsg{}))
	case pollTickMsg, pollResultMsg:
		return m, m.poll(msg)
	}
	return m, m.current().Update(msg)
}

// poll runs the change feed for every screen built (so a screen switched to meanwhile misses
// nothing) and wakes the showing one only when a table it watches changed.
func (m *Model) poll(msg tea.Msg) tea.Cmd {
	changed, cmd, err := m.live.update(msg, m.watched(), m.ctx.Now())
	if err != nil {
		m.ctx.Logger().Warn("poll failed", "err", err.Error(), "failures", m.live.failures)
	}
	if w, ok := m.current().(ui.Watcher); ok && changed.Intersects(w.Watches()) {
		return tea.Batch(cmd, m.current().Update(ui.ChangedMsg{Tables: changed & w.Watches(), Seen: m.live.seen}))
	}
	return cmd
}

// watched is every table a built screen shows.
func (m *Model) watched() db.TableSet {
	var all db.TableSet
	for _, s := range m.slots {
		for _, c := range s.stack {
			if w, ok := c.(ui.Watcher); ok {
				all |= w.Watches()
			}
		}
	}
	return all
}

// route delivers a data result to the component that asked, wherever it is; an error for the
// showing component goes to the status line too, and a good answer clears such an error. What
// the user typed is the component's, and no error touches it.
func (m *Model) route(r ui.Result) tea.Cmd {
	if r.To == m.current().ID() {
		switch {
		case r.Err != nil:
			m.status, m.fetchError = ui.StatusMsg{Text: ui.Explain(r.Err), Error: true}, true
			if ui.IsConnectionError(r.Err) {
				m.live.markOffline()
			}
		case m.fetchError:
			m.status, m.fetchError = ui.StatusMsg{}, false
		}
	}
	for _, s := range m.slots {
		for _, c := range s.stack {
			if c.ID() == r.To {
				return c.Update(r)
			}
		}
	}
	m.ctx.Logger().Info("fetch dropped", "reason", "screen closed", "took_ms", r.Took.Milliseconds())
	return nil // the component was closed meanwhile: drop the answer
}

// open shows a route: a top-level screen is switched to, any other is pushed over the
// showing screen.
func (m *Model) open(o ui.Open) tea.Cmd {
	def, ok := m.routes[o.Route]
	if !ok {
		m.ctx.Logger().Error("open unknown or hidden route", "route", string(o.Route))
		m.status = ui.StatusMsg{Text: "no screen called " + string(o.Route) + " for your job roles", Error: true}
		return nil
	}
	if def.Key != nil {
		for i, s := range m.slots {
			if s.def.Route == o.Route {
				return m.jumpTo(i)
			}
		}
	}
	m.ctx.Logger().Debug("open", "route", string(o.Route))
	return m.push(def.Build(m.ctx, o.Arg))
}

func (m *Model) push(c ui.Component) tea.Cmd {
	s := m.slots[m.active]
	s.stack = append(s.stack, c)
	c.SetSize(m.bodySize())
	return c.Init()
}

// back closes the view on top, or returns to the screen jumped from.
func (m *Model) back() tea.Cmd {
	s := m.slots[m.active]
	if len(s.stack) > 1 {
		s.stack = s.stack[:len(s.stack)-1]
		return m.current().Update(ui.ActivatedMsg{})
	}
	if n := len(m.history); n > 0 {
		prev := m.history[n-1]
		m.history = m.history[:n-1]
		return m.show(prev)
	}
	return nil
}

func (m *Model) canGoBack() bool { return len(m.slots[m.active].stack) > 1 || len(m.history) > 0 }

// jumpTo switches to top-level screen i, remembering where the user came from.
func (m *Model) jumpTo(i int) tea.Cmd {
	if i == m.active {
		return nil
	}
	m.history = append(m.history, m.active)
	if len(m.history) > maxHistory {
		m.history = m.history[1:]
	}
	return m.show(i)
}

func (m *Model) show(i int) tea.Cmd {
	m.active = i
	if m.ensureBuilt(i) {
		return m.current().Init()
	}
	return m.current().Update(ui.ActivatedMsg{})
}

// key applies the focus gate: dialog, then menu and help, then a focused field, then global
// shortcuts, then the screen.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	g := &m.keys.Global
	m.status, m.fetchError = ui.StatusMsg{}, false // messages and errors stay until the next key
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
		return m.current().Update(msg)
	}
	switch {
	case key.Matches(msg, g.Help):
		m.showHelp, m.helpOffset = true, 0
		return nil
	case key.Matches(msg, g.Menu):
		m.menu = newMenu(m.active)
		return nil
	case key.Matches(msg, g.NextScreen):
		return m.jumpTo((m.active + 1) % len(m.slots))
	case key.Matches(msg, g.PrevScreen):
		return m.jumpTo((m.active + len(m.slots) - 1) % len(m.slots))
	case key.Matches(msg, g.Back) && m.canGoBack():
		return m.back()
	}
	for i, s := range m.slots {
		if s.def.Key != nil && key.Matches(msg, s.def.Key(m.keys)) {
			return m.jumpTo(i)
		}
	}
	for _, def := range m.hidden {
		if def.Key != nil && key.Matches(msg, def.Key(m.keys)) {
			m.status = ui.StatusMsg{Text: def.Title + " is for the " + orList(def.Jobs) + " role", Error: true}
			return nil
		}
	}
	return m.current().Update(msg)
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
		if s.def.Key != nil && key.Matches(msg, s.def.Key(m.keys)) {
			return true
		}
	}
	// A hidden screen's key too: it says whose screen that is, even from a scan field.
	for _, def := range m.hidden {
		if def.Key != nil && key.Matches(msg, def.Key(m.keys)) {
			return true
		}
	}
	return false
}

func capturing(c ui.Component) bool {
	cp, ok := c.(ui.Capturer)
	return ok && cp.Capturing()
}

// quit asks first when any screen holds what the user typed or scanned.
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
	case key.Matches(msg, d.Cancel), key.Matches(msg, m.keys.Global.Back):
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
	return m.jumpTo(choice)
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
	// Names, notes and addresses come from outside: no escape sequence in them reaches the
	// terminal.
	return ui.TerminalSafe(b.String())
}

// orList is "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func tooSmall(w, h int) string {
	msg := "Terminal too\nsmall: " + itoa(w) + "×" + itoa(h) + "\nneed " + itoa(MinWidth) + "×" + itoa(MinHeight)
	return ui.Clamp(msg, w, h)
}
