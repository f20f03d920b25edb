package tuitest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/keymaps"
	"oms/tui/ui"
)

var update = flag.Bool("update", false, "rewrite golden frames with what the code draws now")

// Driver runs a model synchronously: the shell (a tea.Model) or one screen on its own (a
// ui.Component, whose Update returns only a command). The model must not schedule timers (the
// UI is built with polling off in tests), so every command returns promptly.
type Driver struct {
	t     testing.TB
	Model tea.Model
	Keys  keymaps.KeyMap
	// Quit is set when the model asked to quit.
	Quit bool
	// Hold, when set, keeps messages for which it returns true instead of delivering them, so a
	// test can interleave other events with an answer in flight; Release delivers them.
	Hold func(tea.Msg) bool
	held []tea.Msg
}

// New starts m (runs Init's commands) at the given size. m is a tea.Model or a ui.Component.
func New(t testing.TB, m any, keys keymaps.KeyMap, width, height int) *Driver {
	var model tea.Model
	switch m := m.(type) {
	case ui.Component:
		model = component{m}
	case tea.Model:
		model = m
	default:
		t.Fatalf("tuitest.New: %T is neither a tea.Model nor a ui.Component", m)
	}
	d := &Driver{t: t, Model: model, Keys: keys}
	d.Resize(width, height)
	d.run(model.Init())
	return d
}

// component makes a ui.Component a tea.Model for the driver.
type component struct{ ui.Component }

func (c component) Update(msg tea.Msg) (tea.Model, tea.Cmd) { return c, c.Component.Update(msg) }

// Send delivers messages one by one, each followed by all the work it causes.
func (d *Driver) Send(msgs ...tea.Msg) {
	d.t.Helper()
	for _, msg := range msgs {
		d.deliver(msg)
	}
}

func (d *Driver) deliver(msg tea.Msg) {
	if d.Hold != nil && d.Hold(msg) {
		d.held = append(d.held, msg)
		return
	}
	switch msg := msg.(type) {
	case nil:
		return
	case tea.QuitMsg:
		d.Quit = true
		return
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
		return
	}
	var cmd tea.Cmd
	d.Model, cmd = d.Model.Update(msg)
	d.run(cmd)
}

func (d *Driver) run(cmd tea.Cmd) {
	if cmd != nil {
		d.deliver(cmd())
	}
}

// Release delivers the held messages (and stops holding).
func (d *Driver) Release() {
	held := d.held
	d.held, d.Hold = nil, nil
	d.Send(held...)
}

// Press presses the first key bound to scope.action, e.g. Press("queue", "search").
func (d *Driver) Press(scope, action string) {
	d.t.Helper()
	d.Send(keymaps.Press(d.Keys, scope, action))
}

// Type types text as a keyboard or scanner does, one key per character.
func (d *Driver) Type(text string) {
	for _, r := range text {
		d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// Resize changes the terminal size. A component (which the shell sizes with SetSize rather
// than a message) is sized directly.
func (d *Driver) Resize(width, height int) {
	if c, ok := d.Model.(component); ok {
		c.SetSize(width, height)
		return
	}
	d.Send(tea.WindowSizeMsg{Width: width, Height: height})
}

// Frame is what the terminal shows now.
func (d *Driver) Frame() string { return d.Model.View() }

// Golden compares frame with testdata/<name>.golden, or rewrites it with -update.
func Golden(t testing.TB, name, frame string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(frame), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if string(want) != frame {
		t.Errorf("frame %s differs from %s (go test -update rewrites it):\n%s", name, path, sideBySide(string(want), frame))
	}
}

func sideBySide(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		mark := "  "
		if wl != gl {
			mark = "≠ "
		}
		b.WriteString(mark + "want |" + wl + "|\n" + mark + "got  |" + gl + "|\n")
	}
	return b.String()
}
