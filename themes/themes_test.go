package themes_test

import (
	"bytes"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"oms/themes"
)

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func trueColor() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return r
}

// every style of s, by name, for tests that look at all of them.
func allStyles(s *themes.Styles) map[string]lipgloss.Style {
	out := map[string]lipgloss.Style{}
	v := reflect.ValueOf(s).Elem()
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		if st, ok := v.Field(i).Interface().(lipgloss.Style); ok {
			out[v.Type().Field(i).Name] = st
		}
	}
	out["Help.ShortKey"] = s.Help.ShortKey
	out["Help.ShortDesc"] = s.Help.ShortDesc
	for _, st := range themes.Tones() {
		out["Tone("+st+")"] = s.Tone(st)
	}
	return out
}

func TestNamesAndByName(t *testing.T) {
	if got, want := themes.Names(), []string{"dark", "light", "high-contrast", "mono"}; !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	for _, n := range themes.Names() {
		th, err := themes.ByName(n)
		if err != nil || th.Name != n {
			t.Errorf("ByName(%q) = %q, %v", n, th.Name, err)
		}
	}
	_, err := themes.ByName("drak")
	if err == nil || err.Error() != `unknown theme "drak" (valid: dark, light, high-contrast, mono)` {
		t.Fatalf("ByName(drak) error: %v", err)
	}
	// A theme is a copy: changing it does not change the built-in.
	th, _ := themes.ByName("dark")
	th.Palette.Tone["done"] = lipgloss.Color("#000000")
	again, _ := themes.ByName("dark")
	if again.Palette.Tone["done"] == lipgloss.Color("#000000") {
		t.Fatal("ByName shares the built-in tone map")
	}
}

func TestEveryThemeColoursEveryTone(t *testing.T) {
	for _, n := range themes.Names() {
		th, _ := themes.ByName(n)
		v := reflect.ValueOf(th.Palette)
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.Name == "Tone" {
				continue
			}
			col, _ := v.Field(i).Interface().(lipgloss.TerminalColor)
			_, none := col.(lipgloss.NoColor)
			switch {
			case col == nil:
				t.Errorf("%s: %s is nil", n, f.Name)
			case th.Mono && !none:
				t.Errorf("mono: %s is a colour", f.Name)
			case !th.Mono && none:
				t.Errorf("%s: %s has no colour", n, f.Name)
			}
		}
		if th.Mono {
			if len(th.Palette.Tone) != 0 {
				t.Errorf("mono has tone colours")
			}
			continue
		}
		for _, st := range themes.Tones() {
			col, ok := th.Palette.Tone[st]
			if _, none := col.(lipgloss.NoColor); !ok || col == nil || none {
				t.Errorf("%s: no colour for tone %s", n, st)
			}
		}
		if len(th.Palette.Tone) != len(themes.Tones()) {
			t.Errorf("%s colours tones that do not exist", n)
		}
	}
}

func TestToneStyles(t *testing.T) {
	for _, n := range themes.Names() {
		th, _ := themes.ByName(n)
		s := themes.NewStyles(trueColor(), th)
		for _, st := range themes.Tones() {
			if got := s.Tone(st).Render(st); !strings.Contains(got, st) {
				t.Errorf("%s: Tone(%s) renders %q", n, st, got)
			}
		}
		if got := s.Tone("no_such_tone").Render("x"); got != s.Text.Render("x") {
			t.Errorf("%s: unknown tone renders %q, want the text style", n, got)
		}
		if !th.Mono && s.Tone("done").Render("x") == s.Tone("waiting").Render("x") {
			t.Errorf("%s: done and waiting look the same", n)
		}
		if allocs := testing.AllocsPerRun(100, func() { _ = s.Tone("active") }); allocs != 0 {
			t.Errorf("%s: Tone allocates %v times", n, allocs)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		env     func(string) string
		want    string
		wantErr string
	}{
		{"", envOf(), "dark", ""},
		{"light", envOf(), "light", ""},
		{"light", envOf("NO_COLOR", "1"), "mono", ""},
		{"high-contrast", envOf("NO_COLOR", "yes"), "mono", ""},
		{"", envOf("NO_COLOR", "1"), "mono", ""},
		{"light", envOf("NO_COLOR", ""), "light", ""},
		{"mono", envOf(), "mono", ""},
		{"neon", envOf(), "", `unknown theme "neon" (valid: dark, light, high-contrast, mono)`},
	}
	for _, tt := range tests {
		th, err := themes.Resolve(tt.name, tt.env)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Resolve(%q): error %v, want %s", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || th.Name != tt.want {
			t.Errorf("Resolve(%q, NO_COLOR=%q) = %q, %v; want %s", tt.name, tt.env("NO_COLOR"), th.Name, err, tt.want)
		}
	}
	t.Setenv("NO_COLOR", "1")
	if th, _ := themes.Resolve("dark", nil); th.Name != "mono" {
		t.Errorf("nil env does not read the process environment: %s", th.Name)
	}
}

var escape = regexp.MustCompile("\x1b")

func TestNoColorRendererEmitsNoEscapeCodes(t *testing.T) {
	env := envOf("NO_COLOR", "1", "TERM", "xterm-256color", "COLORTERM", "truecolor")
	for _, n := range themes.Names() {
		th, _ := themes.ByName(n) // even if a theme with colours reaches it
		r := themes.NewRenderer(&bytes.Buffer{}, th, env, termenv.WithTTY(true))
		if p := r.ColorProfile(); p != termenv.Ascii {
			t.Fatalf("%s: NO_COLOR renderer has profile %v", n, p)
		}
		for name, st := range allStyles(themes.NewStyles(r, th)) {
			if out := st.Render("PK-1001 shipped"); escape.MatchString(out) {
				t.Errorf("%s: %s emits escape codes: %q", n, name, out)
			}
		}
	}
}

func TestRendererUsesSessionEnvironmentAndNeverAsksBackground(t *testing.T) {
	env := envOf("TERM", "xterm-256color", "COLORTERM", "truecolor")
	for _, n := range themes.Names() {
		th, _ := themes.ByName(n)
		r := themes.NewRenderer(&bytes.Buffer{}, th, env, termenv.WithTTY(true))
		if p := r.ColorProfile(); p != termenv.TrueColor {
			t.Errorf("%s: profile %v, want TrueColor from the session's COLORTERM", n, p)
		}
		if r.HasDarkBackground() != th.Dark {
			t.Errorf("%s: background not set from the theme", n)
		}
	}
	light, _ := themes.ByName("light")
	if themes.NewRenderer(&bytes.Buffer{}, light, env).HasDarkBackground() {
		t.Error("light theme renderer assumes a dark background")
	}
}

func TestMonoUsesAttributesNotColours(t *testing.T) {
	mono, _ := themes.ByName("mono")
	s := themes.NewStyles(trueColor(), mono)
	if out := s.Selected.Render("row"); out == "row" || !strings.Contains(out, "row") {
		t.Fatalf("mono selection is invisible: %q", out)
	}
	for _, name := range []string{"Header", "TableHeader", "Late", "Error", "StatusError"} {
		if out := allStyles(s)[name].Render("x"); out == "x" {
			t.Errorf("mono %s looks like plain text", name)
		}
	}
	colour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]`)
	for name, st := range allStyles(s) {
		if out := st.Render("x"); colour.MatchString(out) {
			t.Errorf("mono %s emits a colour: %q", name, out)
		}
	}
	if s.Late.Render("x") == s.DueToday.Render("x") {
		t.Error("mono: late and due today look the same")
	}
	// mono without NO_COLOR keeps the terminal's profile so attributes survive.
	r := themes.NewRenderer(&bytes.Buffer{}, mono, envOf("TERM", "xterm-256color", "COLORTERM", "truecolor"), termenv.WithTTY(true))
	if out := themes.NewStyles(r, mono).Selected.Render("row"); out == "row" {
		t.Error("mono renderer drops reverse/bold")
	}
}

func TestColourThemesLookDifferent(t *testing.T) {
	seen := map[string]string{}
	for _, n := range themes.Names() {
		th, _ := themes.ByName(n)
		out := themes.NewStyles(trueColor(), th).Selected.Render("row")
		if prev, ok := seen[out]; ok {
			t.Errorf("%s and %s render the selection the same", n, prev)
		}
		seen[out] = n
	}
}
