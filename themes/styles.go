package themes

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
)

// Styles are the ready lipgloss styles of one theme on one renderer. Build
// them once per session with [NewStyles] and read them in View; a
// lipgloss.Style is a value, so callers may derive from one (Width, Inline)
// without changing it here.
type Styles struct {
	Theme Theme

	Header      lipgloss.Style // top bar: screen name, user, clock
	HeaderDim   lipgloss.Style // secondary text in the top bar
	StatusLine  lipgloss.Style // bottom status line, normal messages
	StatusError lipgloss.Style // bottom status line, errors (stay until the next key)
	StatusOK    lipgloss.Style // bottom status line, success
	Footer      lipgloss.Style // help footer
	Title       lipgloss.Style // section and dialog titles
	Text        lipgloss.Style // body text
	Muted       lipgloss.Style // secondary text, placeholders, "stale since …"
	Selected    lipgloss.Style // the whole selected row
	Border      lipgloss.Style // separators drawn as text
	Box         lipgloss.Style // a bordered box (dialogs, panels)
	TableHeader lipgloss.Style // column headings
	Late        lipgloss.Style // past the promised date / SLA breached
	DueToday    lipgloss.Style // due today
	OK          lipgloss.Style
	Warning     lipgloss.Style
	Error       lipgloss.Style

	// Help styles the bubbles/help footer from this renderer, so the help
	// model does not fall back to the global renderer.
	Help help.Styles

	tone        map[string]lipgloss.Style
	toneDefault lipgloss.Style
}

// Tone returns the style for a tone (model.Tone's names: "ok", "late", …); an unknown tone
// gets the body text style. It is a map lookup.
func (s *Styles) Tone(tone string) lipgloss.Style {
	if st, ok := s.tone[tone]; ok {
		return st
	}
	return s.toneDefault
}

// NewStyles builds every style of theme t on renderer r.
func NewStyles(r *lipgloss.Renderer, t Theme) *Styles {
	if t.Mono {
		return monoStyles(r, t)
	}
	p := t.Palette
	fg := func(c lipgloss.TerminalColor) lipgloss.Style { return r.NewStyle().Foreground(c) }
	s := &Styles{
		Theme:       t,
		Header:      r.NewStyle().Foreground(p.HeaderFg).Background(p.HeaderBg).Bold(true),
		HeaderDim:   r.NewStyle().Foreground(p.HeaderFg).Background(p.HeaderBg).Faint(true),
		StatusLine:  fg(p.Muted),
		StatusError: fg(p.Error).Bold(true),
		StatusOK:    fg(p.OK),
		Footer:      fg(p.Muted),
		Title:       fg(p.Accent).Bold(true),
		Text:        fg(p.Text),
		Muted:       fg(p.Muted),
		Selected:    r.NewStyle().Foreground(p.SelectionFg).Background(p.SelectionBg).Bold(true),
		Border:      fg(p.Border),
		Box:         r.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(p.Border),
		TableHeader: fg(p.Accent).Bold(true),
		Late:        fg(p.Late).Bold(true),
		DueToday:    fg(p.Warning),
		OK:          fg(p.OK),
		Warning:     fg(p.Warning),
		Error:       fg(p.Error).Bold(true),
		Help: help.Styles{
			Ellipsis:       fg(p.Border),
			ShortKey:       fg(p.Text).Bold(true),
			ShortDesc:      fg(p.Muted),
			ShortSeparator: fg(p.Border),
			FullKey:        fg(p.Text).Bold(true),
			FullDesc:       fg(p.Muted),
			FullSeparator:  fg(p.Border),
		},
		tone:        make(map[string]lipgloss.Style, len(p.Tone)),
		toneDefault: fg(p.Text),
	}
	for name, col := range p.Tone {
		st := fg(col)
		if urgent(name) {
			st = st.Bold(true)
		}
		s.tone[name] = st
	}
	return s
}

// urgent tones need someone's attention; they are bold in every theme, so they stand out
// without colour too.
func urgent(tone string) bool { return tone == ToneWarning || tone == ToneLate }

// monoStyles uses attributes only: reverse marks the header and selection,
// bold and underline mark what is urgent, faint what is secondary.
func monoStyles(r *lipgloss.Renderer, t Theme) *Styles {
	plain := r.NewStyle()
	s := &Styles{
		Theme:       t,
		Header:      r.NewStyle().Reverse(true).Bold(true),
		HeaderDim:   r.NewStyle().Reverse(true),
		StatusLine:  plain,
		StatusError: r.NewStyle().Bold(true).Reverse(true),
		StatusOK:    r.NewStyle().Bold(true),
		Footer:      r.NewStyle().Faint(true),
		Title:       r.NewStyle().Bold(true).Underline(true),
		Text:        plain,
		Muted:       r.NewStyle().Faint(true),
		Selected:    r.NewStyle().Reverse(true).Bold(true),
		Border:      plain,
		Box:         r.NewStyle().Border(lipgloss.NormalBorder()),
		TableHeader: r.NewStyle().Bold(true).Underline(true),
		Late:        r.NewStyle().Bold(true).Underline(true),
		DueToday:    r.NewStyle().Underline(true),
		OK:          plain,
		Warning:     r.NewStyle().Underline(true),
		Error:       r.NewStyle().Bold(true),
		Help: help.Styles{
			Ellipsis:       plain,
			ShortKey:       r.NewStyle().Bold(true),
			ShortDesc:      plain,
			ShortSeparator: plain,
			FullKey:        r.NewStyle().Bold(true),
			FullDesc:       plain,
			FullSeparator:  plain,
		},
		tone:        make(map[string]lipgloss.Style, len(Tones())),
		toneDefault: plain,
	}
	for _, name := range Tones() {
		st := plain
		switch {
		case urgent(name):
			st = r.NewStyle().Bold(true)
		case name == ToneMuted:
			st = r.NewStyle().Faint(true)
		}
		s.tone[name] = st
	}
	return s
}
