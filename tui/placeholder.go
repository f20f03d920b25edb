package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"oms/keymaps"
	"oms/tui/ui"
)

// placeholder is the route of a screen that is not built yet: it says what it will do.
func placeholder(route ui.Route, title, short string, k func(*keymaps.KeyMap) key.Binding, text string, jobs ...string) ui.Def {
	return ui.Def{Route: route, Title: title, Short: short, Key: k, Jobs: jobs,
		Build: func(c *ui.Context, _ any) ui.Component { return newPlaceholder(c, title, text) }}
}

// placeholderScreen stands in for a screen that is not built yet, saying what it will do.
type placeholderScreen struct {
	ctx           *ui.Context
	id            ui.InstanceID
	title, text   string
	width, height int
	body          string
}

func newPlaceholder(c *ui.Context, title, text string) *placeholderScreen {
	return &placeholderScreen{ctx: c, id: ui.NewInstanceID(), title: title, text: text}
}

func (p *placeholderScreen) Init() tea.Cmd             { return nil }
func (p *placeholderScreen) Update(tea.Msg) tea.Cmd    { return nil }
func (p *placeholderScreen) View() string              { return p.body }
func (p *placeholderScreen) ID() ui.InstanceID         { return p.id }
func (p *placeholderScreen) Title() string             { return p.title }
func (p *placeholderScreen) ShortHelp() []key.Binding  { return nil }
func (p *placeholderScreen) FullHelp() [][]key.Binding { return nil }

// SetSize lays the text out once; View only returns it.
func (p *placeholderScreen) SetSize(width, height int) {
	p.width, p.height = width, height
	wrapAt := min(width-2, 60)
	var b strings.Builder
	b.WriteString("\n " + p.ctx.Styles.Title.Render(p.title) + "\n\n")
	for _, line := range strings.Split(ansi.Wrap(p.text, wrapAt, ""), "\n") {
		b.WriteString(" " + line + "\n")
	}
	b.WriteString("\n " + p.ctx.Styles.Muted.Render(wrapLine("Not built yet. Press "+
		p.ctx.Keys.Global.Menu.Help().Key+" for the menu.", wrapAt)))
	p.body = ui.Clamp(b.String(), width, height)
}

func wrapLine(s string, width int) string {
	return strings.ReplaceAll(ansi.Wrap(s, width, ""), "\n", "\n ")
}
