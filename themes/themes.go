package themes

import (
	"fmt"
	"io"
	"maps"
	"os"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Tones are what a status means to someone looking at the screen (model.Tone spells the same
// names; a test in tui/ui ties the two lists). Themes colour tones, not statuses, so a new kind
// of status (a pick task's, an RMA's, a count's) needs no palette change.
const (
	ToneOK      = "ok"      // ready, nothing wrong
	ToneActive  = "active"  // work in progress
	ToneWaiting = "waiting" // waits for something else
	ToneWarning = "warning" // needs a person's attention
	ToneLate    = "late"    // past a promise or deadline
	ToneDone    = "done"    // finished
	ToneMuted   = "muted"   // no longer matters
)

// Tones returns every tone a palette colours.
func Tones() []string {
	return []string{ToneOK, ToneActive, ToneWaiting, ToneWarning, ToneLate, ToneDone, ToneMuted}
}

// Palette names colours by meaning, not by hue. In the mono theme every
// colour is lipgloss.NoColor{} and Tone is empty.
type Palette struct {
	Text        lipgloss.TerminalColor
	Muted       lipgloss.TerminalColor
	Accent      lipgloss.TerminalColor
	SelectionFg lipgloss.TerminalColor
	SelectionBg lipgloss.TerminalColor
	Border      lipgloss.TerminalColor
	OK          lipgloss.TerminalColor
	Warning     lipgloss.TerminalColor
	Late        lipgloss.TerminalColor
	Error       lipgloss.TerminalColor
	HeaderFg    lipgloss.TerminalColor
	HeaderBg    lipgloss.TerminalColor
	Tone        map[string]lipgloss.TerminalColor // keyed by Tones()
}

// Theme is a named palette and what it assumes about the terminal.
type Theme struct {
	Name    string
	Dark    bool // drawn for a dark background; set on the renderer so it never asks the terminal
	Mono    bool // no colours at all, only bold, reverse, underline and faint
	Palette Palette
}

// Theme names.
const (
	Dark         = "dark"
	Light        = "light"
	HighContrast = "high-contrast"
	Mono         = "mono"
)

// DefaultName is the theme used when none is chosen.
const DefaultName = Dark

type c = lipgloss.Color

var builtins = []Theme{
	{
		Name: Dark, Dark: true,
		Palette: Palette{
			Text: c("#E4E4E4"), Muted: c("#8A8A8A"), Accent: c("#5FAFFF"),
			SelectionFg: c("#FFFFFF"), SelectionBg: c("#005F87"), Border: c("#585858"),
			OK: c("#5FD75F"), Warning: c("#FFD75F"), Late: c("#FF8700"), Error: c("#FF5F5F"),
			HeaderFg: c("#FFFFFF"), HeaderBg: c("#1C3A5E"),
			Tone: map[string]lipgloss.TerminalColor{
				ToneOK: c("#87D7FF"), ToneActive: c("#5FAFFF"), ToneWaiting: c("#BCBCBC"),
				ToneWarning: c("#FFD75F"), ToneLate: c("#FF8700"), ToneDone: c("#5FD75F"),
				ToneMuted: c("#767676"),
			},
		},
	},
	{
		Name: Light, Dark: false,
		Palette: Palette{
			Text: c("#1C1C1C"), Muted: c("#6C6C6C"), Accent: c("#005FAF"),
			SelectionFg: c("#000000"), SelectionBg: c("#AFD7FF"), Border: c("#A8A8A8"),
			OK: c("#008700"), Warning: c("#AF5F00"), Late: c("#D75F00"), Error: c("#D70000"),
			HeaderFg: c("#FFFFFF"), HeaderBg: c("#005F87"),
			Tone: map[string]lipgloss.TerminalColor{
				ToneOK: c("#0087AF"), ToneActive: c("#005FD7"), ToneWaiting: c("#585858"),
				ToneWarning: c("#AF8700"), ToneLate: c("#D75F00"), ToneDone: c("#008700"),
				ToneMuted: c("#8A8A8A"),
			},
		},
	},
	{
		// The 16 basic ANSI colours, so the terminal's own (possibly
		// accessibility-tuned) palette decides the exact hues.
		Name: HighContrast, Dark: true,
		Palette: Palette{
			Text: c("15"), Muted: c("7"), Accent: c("14"),
			SelectionFg: c("0"), SelectionBg: c("11"), Border: c("15"),
			OK: c("10"), Warning: c("11"), Late: c("13"), Error: c("9"),
			HeaderFg: c("0"), HeaderBg: c("15"),
			Tone: map[string]lipgloss.TerminalColor{
				ToneOK: c("14"), ToneActive: c("12"), ToneWaiting: c("15"),
				ToneWarning: c("11"), ToneLate: c("13"), ToneDone: c("10"),
				ToneMuted: c("7"),
			},
		},
	},
	{
		Name: Mono, Dark: true, Mono: true,
		Palette: Palette{
			Text: lipgloss.NoColor{}, Muted: lipgloss.NoColor{}, Accent: lipgloss.NoColor{},
			SelectionFg: lipgloss.NoColor{}, SelectionBg: lipgloss.NoColor{}, Border: lipgloss.NoColor{},
			OK: lipgloss.NoColor{}, Warning: lipgloss.NoColor{}, Late: lipgloss.NoColor{}, Error: lipgloss.NoColor{},
			HeaderFg: lipgloss.NoColor{}, HeaderBg: lipgloss.NoColor{},
			Tone: map[string]lipgloss.TerminalColor{},
		},
	},
}

// Names returns the built-in theme names.
func Names() []string {
	names := make([]string, len(builtins))
	for i, t := range builtins {
		names[i] = t.Name
	}
	return names
}

// ByName returns a copy of the built-in theme called name.
func ByName(name string) (Theme, error) {
	for _, t := range builtins {
		if t.Name == name {
			t.Palette.Tone = maps.Clone(t.Palette.Tone)
			return t, nil
		}
	}
	return Theme{}, fmt.Errorf("unknown theme %q (valid: %s)", name, strings.Join(Names(), ", "))
}

// Resolve chooses the theme from a --theme value and the environment
// (env is os.Getenv or a session's environment; nil means os.Getenv). If
// NO_COLOR is set and non-empty it returns mono whatever name is: NO_COLOR
// is the user's standing wish for every program and wins over a flag that
// may come from a shared script or alias. An empty name means "dark".
func Resolve(name string, env func(string) string) (Theme, error) {
	if noColor(env) {
		return ByName(Mono)
	}
	if name == "" {
		name = DefaultName
	}
	return ByName(name)
}

func getenv(env func(string) string) func(string) string {
	if env == nil {
		return os.Getenv
	}
	return env
}

func noColor(env func(string) string) bool { return getenv(env)("NO_COLOR") != "" }

// environ adapts an env function to termenv.Environ.
type environ func(string) string

func (e environ) Getenv(k string) string { return e(k) }
func (e environ) Environ() []string      { return nil }

// NewRenderer returns a lipgloss renderer for output w (a terminal, or one
// SSH session), to be made once per session and passed down, never the
// global one. It reads TERM, COLORTERM, NO_COLOR, CLICOLOR and so on from env
// (nil: os.Getenv), not from the process, so SSH sessions get their own
// colour profile.
//
//   - If NO_COLOR is set it forces the termenv.Ascii profile: no escape
//     codes at all.
//   - It sets the dark/light background explicitly from t, so neither it nor
//     any AdaptiveColor rendered through it ever queries the terminal (an
//     OSC 11 query that stalls start-up on terminals that do not answer).
//   - The mono theme keeps the detected profile: its styles hold no colours,
//     but bold and reverse must survive so the selection stays visible.
//
// opts are passed to termenv.NewOutput after the environment, e.g.
// termenv.WithTTY(true) for an SSH pty.
func NewRenderer(w io.Writer, t Theme, env func(string) string, opts ...termenv.OutputOption) *lipgloss.Renderer {
	env = getenv(env)
	all := append([]termenv.OutputOption{termenv.WithEnvironment(environ(env))}, opts...)
	r := lipgloss.NewRenderer(w, all...)
	if noColor(env) {
		r.SetColorProfile(termenv.Ascii)
	}
	r.SetHasDarkBackground(t.Dark)
	return r
}
