package keymaps_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"oms/keymaps"
)

func TestDefaultsAreValid(t *testing.T) {
	if err := keymaps.Default().Validate(); err != nil {
		t.Fatalf("default key map does not validate:\n%v", err)
	}
	km, err := keymaps.Parse("keys.yaml", []byte("# nothing overridden\n"))
	if err != nil {
		t.Fatalf("empty file: %v", err)
	}
	if !reflect.DeepEqual(km, keymaps.Default()) {
		t.Fatal("an empty file changed the key map")
	}
}

func lowerCamel(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// Every key.Binding field of every scope struct is in the registry under its
// lowerCamel name, and Binding returns that very field; and nothing else is.
func TestRegistryCoversEveryField(t *testing.T) {
	km := keymaps.Default()
	v := reflect.ValueOf(&km).Elem()
	scopes := km.Scopes()
	if len(scopes) != v.NumField() {
		t.Fatalf("Scopes() has %d scopes, KeyMap has %d fields", len(scopes), v.NumField())
	}
	bindingType := reflect.TypeOf(key.Binding{})
	for i := 0; i < v.NumField(); i++ {
		sf := v.Type().Field(i)
		scope := lowerCamel(sf.Name)
		if scopes[i].Name != scope {
			t.Errorf("scope %d is %q, field is %s", i, scopes[i].Name, sf.Name)
		}
		sv := v.Field(i)
		if len(scopes[i].Actions) != sv.NumField() {
			t.Errorf("%s: %d actions, %d fields", scope, len(scopes[i].Actions), sv.NumField())
		}
		for j := 0; j < sv.NumField(); j++ {
			f := sv.Type().Field(j)
			if f.Type != bindingType {
				t.Errorf("%s.%s is not a key.Binding", sf.Name, f.Name)
				continue
			}
			action := lowerCamel(f.Name)
			b, ok := km.Binding(scope, action)
			if !ok {
				t.Errorf("%s.%s: not in the registry", scope, action)
				continue
			}
			if b != sv.Field(j).Addr().Interface().(*key.Binding) {
				t.Errorf("%s.%s: Binding returns another field", scope, action)
			}
			if len(b.Keys()) == 0 || b.Help().Key == "" || b.Help().Desc == "" {
				t.Errorf("%s.%s: default has no keys or help: %+v", scope, action, b.Help())
			}
		}
	}
	if _, ok := km.Binding("queue", "nope"); ok {
		t.Error("Binding found an unknown action")
	}
	if _, ok := km.Binding("nope", "search"); ok {
		t.Error("Binding found an unknown scope")
	}
}

func TestDefaultReturnsIndependentMaps(t *testing.T) {
	a, b := keymaps.Default(), keymaps.Default()
	a.Queue.Search.Keys()[0] = "z"
	a.Global.Quit.SetKeys("f12")
	if b.Queue.Search.Keys()[0] != "/" || keymaps.Default().Queue.Search.Keys()[0] != "/" {
		t.Fatal("changing one key map changed another")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown scope", "quue:\n  search: x\n",
			[]string{`keys.yaml: line 1: quue: unknown scope (valid: global, list, queue, order, products, newOrder, invoices, picking, packing, returns, counts, stockwork, supervisor, input, dialog)`}},
		{"unknown action", "queue:\n  serch: x\n",
			[]string{`keys.yaml: line 2: queue.serch: unknown action (valid: search, clearFilter, filterStatus, filterChannel, filterWarehouse, sortToggle, nextStatus, prevStatus, refresh, newOrder, hold, cancel, edit, reroute, split)`}},
		{"unknown key", "queue:\n  search: [\"/\", \"ctrl+shift+x\"]\n",
			[]string{`keys.yaml: line 2: queue.search: unknown key "ctrl+shift+x"`}},
		{"unknown key in a single string", "queue:\n  search: Entr\n",
			[]string{`keys.yaml: line 2: queue.search: unknown key "Entr"`}},
		{"non-ASCII key", "queue:\n  search: ä\n",
			[]string{`keys.yaml: line 2: queue.search: unknown key "ä"`}},
		{"empty list", "queue:\n  search: []\n",
			[]string{`keys.yaml: line 2: queue.search: no keys given (an action needs at least one key)`}},
		{"null", "queue:\n  search:\n",
			[]string{`keys.yaml: line 2: queue.search: no keys given (an action needs at least one key)`}},
		{"key listed twice", "queue:\n  search: [\"/\", \"/\"]\n",
			[]string{`keys.yaml: line 2: queue.search: "/" is listed twice`}},
		{"alias listed twice", "queue:\n  search: [tab, ctrl+i]\n",
			[]string{`keys.yaml: line 2: queue.search: "tab" is listed twice`}},
		{"conflict within a scope", "queue:\n  search: s\n",
			[]string{`keys.yaml: line 2: queue.search: "s" is already bound to queue.filterStatus`}},
		{"conflict with a scope active at the same time", "queue:\n  search: j\n",
			[]string{`keys.yaml: line 2: queue.search: "j" is already bound to list.down`}},
		{"conflict with global", "queue:\n  refresh: f3\n",
			[]string{`keys.yaml: line 2: queue.refresh: "f3" is already bound to global.queue`}},
		{"global override against a scope's default", "global:\n  help: s\n",
			[]string{`keys.yaml: line 2: global.help: "s" is already bound to queue.filterStatus`,
				`keys.yaml: line 2: global.help: "s" is already bound to invoices.series`}},
		{"conflict while typing", "input:\n  clear: ctrl+c\n",
			[]string{`keys.yaml: line 2: input.clear: "ctrl+c" is already bound to global.quit`}},
		{"two overrides on the same key", "queue:\n  search: v\n  refresh: v\n",
			[]string{`keys.yaml: line 3: queue.refresh: "v" is already bound to queue.search`}},
		{"space is named space", "list:\n  open: space\nqueue:\n  search: \" \"\n",
			[]string{`keys.yaml: line 4: queue.search: "space" is already bound to list.open`}},
		{"quit needs a key that works while typing", "global:\n  quit: q\n",
			[]string{`keys.yaml: line 2: global.quit: needs at least one key that works while a text field is focused (a function key, or a ctrl key fields do not use, such as ctrl+g)`}},
		{"menu needs a key that works while typing", "global:\n  menu: m\n",
			[]string{`keys.yaml: line 2: global.menu: needs at least one key that works while a text field is focused (a function key, or a ctrl key fields do not use, such as ctrl+g)`}},
		{"scope is not a mapping", "queue: [a]\n",
			[]string{`keys.yaml: line 1: queue: expected a mapping of actions, got a list`}},
		{"action value is a mapping", "queue:\n  search:\n    a: b\n",
			[]string{`keys.yaml: line 3: queue.search: expected a key name or a list of key names, got a mapping`}},
		{"list item is a list", "queue:\n  search:\n    - [a]\n",
			[]string{`keys.yaml: line 3: queue.search: expected a key name, got a list`}},
		{"document is a list", "- queue\n",
			[]string{`keys.yaml: line 1: expected a mapping of scopes (global, list, queue, order, products, newOrder, invoices, picking, packing, returns, counts, stockwork, supervisor, input, dialog), got a list`}},
		{"document is a scalar", "hello\n",
			[]string{`keys.yaml: line 1: expected a mapping of scopes (global, list, queue, order, products, newOrder, invoices, picking, packing, returns, counts, stockwork, supervisor, input, dialog), got "hello"`}},
		{"scope twice", "queue:\n  search: v\nqueue:\n  refresh: u\n",
			[]string{`keys.yaml: line 3: queue: scope given twice`}},
		{"action twice", "queue:\n  search: v\n  search: u\n",
			[]string{`keys.yaml: line 3: queue.search: action given twice`}},
		{"malformed YAML", "queue:\n  search: x\nc 2\nd: 3\n",
			[]string{`keys.yaml: line 3: could not find expected ':'`}},
		{"tab indentation", "queue:\n\tsearch: x\n",
			[]string{`keys.yaml: line 2: found character that cannot start any token`}},
		{"all errors at once", "queue:\n  search: s\n  serch: x\nlist:\n  up: [\"hyper+k\", \"k\"]\n  down: []\n",
			[]string{
				`keys.yaml: line 3: queue.serch: unknown action (valid: search, clearFilter, filterStatus, filterChannel, filterWarehouse, sortToggle, nextStatus, prevStatus, refresh, newOrder, hold, cancel, edit, reroute, split)`,
				`keys.yaml: line 5: list.up: unknown key "hyper+k"`,
				`keys.yaml: line 6: list.down: no keys given (an action needs at least one key)`,
				`keys.yaml: line 2: queue.search: "s" is already bound to queue.filterStatus`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			km, err := keymaps.Parse("keys.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Fatalf("error\n got: %s\nwant: %s", got, want)
			}
			if !reflect.DeepEqual(km, keymaps.Default()) {
				t.Error("on error Parse must return the defaults")
			}
			var ce *keymaps.ConfigError
			if !errors.As(err, &ce) || ce.File != "keys.yaml" {
				t.Errorf("error is not a *ConfigError naming the file: %#v", err)
			}
			// The README promises the file, the line and the field in every message.
			problems := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				problems = j.Unwrap()
			}
			for _, e := range problems {
				if !errors.As(e, &ce) || ce.Line < 1 {
					t.Errorf("problem without a line: %v", e)
				}
			}
		})
	}
}

// A conflict is reported at the line that sets the key, wherever that is in a longer file, and
// a problem with one key of a block list at that key's own line.
func TestProblemsNameTheLineThatCausesThem(t *testing.T) {
	yaml := `# my keys
global:
  help: f1

queue:
  refresh: u
  search:
    - ctrl+s
    - s          # taken by queue.filterStatus
list:
  top:
    - home
    - hyper+h
`
	_, err := keymaps.Parse("keys.yaml", []byte(yaml))
	want := []string{
		`keys.yaml: line 13: list.top: unknown key "hyper+h"`,
		`keys.yaml: line 7: queue.search: "s" is already bound to queue.filterStatus`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Fatalf("got:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	var ce *keymaps.ConfigError
	if !errors.As(err, &ce) || ce.Line != 13 || ce.Path != "list.top" {
		t.Fatalf("first problem: %#v", ce)
	}
}

func TestNoConflictWhereFocusShadowsGlobal(t *testing.T) {
	// esc is global.back, input.cancel and dialog.cancel at once; "?" is
	// global.help and may be a dialog key: a focused field or dialog gets
	// these keys first, so they are not conflicts.
	_, err := keymaps.Parse("keys.yaml", []byte("dialog:\n  confirm: [\"?\", y]\ninput:\n  cancel: [esc, f12]\n"))
	if err != nil {
		t.Fatal(err)
	}
}

func TestSingleStringAndList(t *testing.T) {
	km, err := keymaps.Parse("keys.yaml", []byte(`# ~/.config/oms/keys.yaml
queue:
  search: ["/", "ctrl+s"]
global:
  help: "?"          # a single string is also accepted
list:
  open: Enter        # named keys are case-insensitive
  top:
    - home
    - space
`))
	if err != nil {
		t.Fatal(err)
	}
	check := func(b key.Binding, keys []string, label string) {
		t.Helper()
		if !slices.Equal(b.Keys(), keys) {
			t.Errorf("keys %q, want %q", b.Keys(), keys)
		}
		if b.Help().Key != label {
			t.Errorf("help label %q, want %q", b.Help().Key, label)
		}
	}
	check(km.Queue.Search, []string{"/", "ctrl+s"}, "/, ctrl+s")
	check(km.Global.Help, []string{"?"}, "?")
	check(km.List.Open, []string{"enter"}, "enter")
	check(km.List.Top, []string{"home", " "}, "home/space")
	if km.Global.Help.Help().Desc != "help" {
		t.Errorf("override changed the description: %q", km.Global.Help.Help().Desc)
	}
}

func TestOverrideReplacesKeys(t *testing.T) {
	km, err := keymaps.Parse("keys.yaml", []byte("global:\n  help: f1\nlist:\n  down: [n]\n"))
	if err != nil {
		t.Fatal(err)
	}
	mustMsg := func(name string) tea.KeyMsg {
		m, err := keymaps.KeyMsg(name)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if key.Matches(mustMsg("?"), km.Global.Help) {
		t.Error(`"?" still opens help after help was set to f1`)
	}
	if !key.Matches(mustMsg("f1"), km.Global.Help) || km.Global.Help.Help().Key != "f1" {
		t.Errorf("help: keys %q label %q", km.Global.Help.Keys(), km.Global.Help.Help().Key)
	}
	if key.Matches(mustMsg("j"), km.List.Down) || key.Matches(mustMsg("down"), km.List.Down) {
		t.Error("old keys of list.down still match")
	}
	if km.List.Down.Help().Key != "n" {
		t.Errorf("list.down label %q", km.List.Down.Help().Key)
	}
	// Scopes reports the new keys too, and the cheatsheet follows.
	for _, s := range km.Scopes() {
		for _, a := range s.Actions {
			if s.Name == "list" && a.Name == "down" && !slices.Equal(a.Keys, []string{"n"}) {
				t.Errorf("Scopes: list.down keys %q", a.Keys)
			}
		}
	}
	if !strings.Contains(keymaps.Cheatsheet(km), "| `n` | `down` — ") {
		t.Error("cheatsheet does not show the override")
	}
}

// Every default key of every action, pressed as a tea.KeyMsg, matches its
// binding; Press gives the first one.
func TestPressRoundTripsEveryDefaultBinding(t *testing.T) {
	km := keymaps.Default()
	n := 0
	for _, s := range km.Scopes() {
		for _, a := range s.Actions {
			b, _ := km.Binding(s.Name, a.Name)
			for i, k := range b.Keys() {
				msg, err := keymaps.KeyMsg(k)
				if err != nil {
					t.Errorf("%s.%s: %v", s.Name, a.Name, err)
					continue
				}
				if !key.Matches(msg, *b) {
					t.Errorf("%s.%s: KeyMsg(%q) = %q does not match", s.Name, a.Name, k, msg.String())
				}
				if i == 0 {
					if p := keymaps.Press(km, s.Name, a.Name); !reflect.DeepEqual(p, msg) {
						t.Errorf("Press(%s, %s) = %#v, want %#v", s.Name, a.Name, p, msg)
					}
				}
				n++
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d keys checked", n)
	}
}

func TestPressFollowsOverrides(t *testing.T) {
	km, err := keymaps.Parse("keys.yaml", []byte("queue:\n  search: [ctrl+s, \"/\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	msg := keymaps.Press(km, "queue", "search")
	if msg.Type != tea.KeyCtrlS || !key.Matches(msg, km.Queue.Search) {
		t.Fatalf("Press = %#v", msg)
	}
}

// Every accepted key name produces a KeyMsg whose String() is the name
// bubbletea reports, i.e. the name the binding stores.
func TestEveryKeyNameRoundTrips(t *testing.T) {
	want := map[string]tea.KeyMsg{
		"ctrl+c": {Type: tea.KeyCtrlC},
		"ctrl+q": {Type: tea.KeyCtrlQ},
		"f3":     {Type: tea.KeyF3},
		"f12":    {Type: tea.KeyF12},
		"enter":  {Type: tea.KeyEnter},
		"esc":    {Type: tea.KeyEsc},
		"pgdown": {Type: tea.KeyPgDown},
		"home":   {Type: tea.KeyHome},
		"/":      {Type: tea.KeyRunes, Runes: []rune{'/'}},
		"G":      {Type: tea.KeyRunes, Runes: []rune{'G'}},
		"space":  {Type: tea.KeySpace, Runes: []rune{' '}},
		"alt+x":  {Type: tea.KeyRunes, Runes: []rune{'x'}, Alt: true},
		"ctrl+i": {Type: tea.KeyTab},
		"Enter":  {Type: tea.KeyEnter},
		"F3":     {Type: tea.KeyF3},
	}
	for name, w := range want {
		got, err := keymaps.KeyMsg(name)
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Errorf("KeyMsg(%q) = %#v, %v; want %#v", name, got, err, w)
		}
	}
	names := keymaps.KeyNames()
	if len(names) < 150 {
		t.Fatalf("only %d key names", len(names))
	}
	for _, name := range names {
		c, ok := keymaps.Canonical(name)
		if !ok {
			t.Errorf("KeyNames lists %q but Canonical rejects it", name)
			continue
		}
		msg, err := keymaps.KeyMsg(name)
		if err != nil {
			t.Errorf("KeyMsg(%q): %v", name, err)
			continue
		}
		if msg.String() != c {
			t.Errorf("KeyMsg(%q).String() = %q, want %q", name, msg.String(), c)
		}
		if !key.Matches(msg, key.NewBinding(key.WithKeys(c))) {
			t.Errorf("%q does not match a binding of itself", name)
		}
	}
	for _, bad := range []string{"", "ctrl+shift+x", "hyper+a", "alt+", "alt+/", "f21", "ctrl+", "enterr", "\t", "é", "ab"} {
		if _, err := keymaps.KeyMsg(bad); err == nil {
			t.Errorf("KeyMsg(%q) accepted", bad)
		}
	}
}

func TestWorksWhileTyping(t *testing.T) {
	for name, want := range map[string]bool{
		"ctrl+c": true, "ctrl+q": true, "ctrl+g": true, "f1": true, "f8": true,
		"q": false, "?": false, "esc": false, "enter": false, "space": false, "tab": false,
		"ctrl+u": false, "ctrl+a": false, "ctrl+w": false, "ctrl+j": false, "ctrl+n": false,
		"ctrl+right": false, "left": false, "backspace": false, "alt+b": false,
	} {
		msg, err := keymaps.KeyMsg(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := keymaps.WorksWhileTyping(msg); got != want {
			t.Errorf("WorksWhileTyping(%q) = %v", name, got)
		}
	}
	// Every screen jump, quit and menu reach their action from a focused scan field.
	g := keymaps.Default().Global
	for _, b := range []key.Binding{g.Quit, g.Menu, g.Queue, g.Picking, g.Packing, g.Returns, g.Counts, g.Supervisor} {
		msg, _ := keymaps.KeyMsg(b.Keys()[0])
		if !keymaps.WorksWhileTyping(msg) {
			t.Errorf("%s (%s) does not work while typing", b.Help().Desc, b.Keys()[0])
		}
	}
}

// Handheld screens are 40 columns wide: each scope's short help fits.
func TestShortHelpFits40Columns(t *testing.T) {
	km := keymaps.Default()
	h := help.New()
	for name, m := range map[string]help.KeyMap{
		"global": km.Global, "list": km.List, "queue": km.Queue,
		"order": km.Order, "input": km.Input, "dialog": km.Dialog,
	} {
		out := h.ShortHelpView(m.ShortHelp())
		if w := lipgloss.Width(out); w > 40 {
			t.Errorf("%s short help is %d columns: %s", name, w, out)
		}
		if len(m.FullHelp()) == 0 {
			t.Errorf("%s has no full help", name)
		}
		for _, col := range m.FullHelp() {
			for _, b := range col {
				if !b.Enabled() {
					t.Errorf("%s full help has an unbound entry", name)
				}
			}
		}
	}
}

func TestActiveTogetherCoversEveryScopeWithGlobal(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range keymaps.ActiveTogether() {
		if !slices.Contains(g.Scopes, "global") {
			t.Errorf("group %q has no global scope", g.Name)
		}
		for _, s := range g.Scopes {
			seen[s] = true
		}
	}
	for _, s := range keymaps.Default().Scopes() {
		if !seen[s.Name] {
			t.Errorf("scope %s is in no group", s.Name)
		}
	}
}

func TestCheatsheet(t *testing.T) {
	km := keymaps.Default()
	a, b := keymaps.Cheatsheet(km), keymaps.Cheatsheet(keymaps.Default())
	if a != b {
		t.Fatal("cheatsheet is not deterministic")
	}
	for _, s := range km.Scopes() {
		if !strings.Contains(a, "### "+s.Title+"\n") {
			t.Errorf("no section for %s", s.Name)
		}
		for _, act := range s.Actions {
			if !strings.Contains(a, "`"+act.Name+"` — "+act.Description) {
				t.Errorf("no row for %s.%s", s.Name, act.Name)
			}
		}
	}
	for _, want := range []string{
		"| Key | Action |\n| --- | --- |\n| `ctrl+c`, `ctrl+q` | `quit` — ",
		"| `end`, `G` | `bottom` — ",
	} {
		if !strings.Contains(a, want) {
			t.Errorf("cheatsheet lacks %q", want)
		}
	}
	// Keys that are Markdown syntax stay inside their table cell.
	km2, err := keymaps.Parse("keys.yaml", []byte("queue:\n  search: [\"|\", \"`\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(keymaps.Cheatsheet(km2), "| `\\|`, `` ` `` | `search` — ") {
		t.Errorf("markdown special keys not escaped:\n%s", keymaps.Cheatsheet(km2))
	}
}

func TestLoadAndLoadDefault(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)

	path, err := keymaps.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "oms", "keys.yaml"); path != want {
		t.Fatalf("DefaultPath = %s, want %s", path, want)
	}
	km, err := keymaps.LoadDefault()
	if err != nil || !reflect.DeepEqual(km, keymaps.Default()) {
		t.Fatalf("no file: %v", err)
	}
	if _, err := keymaps.Load(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of a missing file: %v", err)
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("queue:\n  refresh: ctrl+r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	km, err = keymaps.LoadDefault()
	if err != nil || !slices.Equal(km.Queue.Refresh.Keys(), []string{"ctrl+r"}) {
		t.Fatalf("LoadDefault: %v %q", err, km.Queue.Refresh.Keys())
	}

	if err := os.WriteFile(path, []byte("queue:\n  refresh: ctrl+shift+x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = keymaps.LoadDefault()
	if err == nil || err.Error() != path+`: line 2: queue.refresh: unknown key "ctrl+shift+x"` {
		t.Fatalf("error does not name the file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"queue:\n  search: [\"/\", \"ctrl+s\"]\nglobal:\n  help: \"?\"\n",
		"queue: [a]\n",
		"a: &x [f1]\nglobal:\n  menu: *x\n",
		"global:\n  quit: ctrl+c\n  menu: {a: b}\n",
		"- - -\n",
		"queue:\n  search: [\"/\"\n",
		"list: ~\ndialog:\n  confirm: [y, y]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		km, err := keymaps.Parse("keys.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "keys.yaml: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := km.Validate(); err != nil {
			t.Fatalf("Parse accepted a key map that does not validate: %v", err)
		}
		for _, s := range km.Scopes() {
			for _, a := range s.Actions {
				if len(a.Keys) == 0 {
					t.Fatalf("%s.%s has no keys", s.Name, a.Name)
				}
				_ = keymaps.Press(km, s.Name, a.Name)
			}
		}
	})
}

// The returns desk's, the stock counts screen's and the receiving and moves screen's own keys work beside their scan fields: none is a key the field edits with
// (bubbles' textinput: ctrl+a/b/d/e/f/h/k/n/p/u/v/w) or a printable one, each has a help text,
// and binding one to a key the desk already uses is a conflict.
func TestReturnsDeskKeysLeaveTheFieldAlone(t *testing.T) {
	editing := map[string]bool{}
	for _, c := range "abdefhknpuvw" {
		editing["ctrl+"+string(c)] = true
	}
	km := keymaps.Default()
	for desk, bindings := range map[string][]key.Binding{"returns desk": km.Returns.ShortHelp(), "stock counts": km.Counts.ShortHelp(),
		"receiving and moves": km.Stockwork.ShortHelp()} {
		for _, b := range bindings {
			if b.Help().Key == "" || b.Help().Desc == "" {
				t.Errorf("%s: %v has no help", desk, b.Keys())
			}
			for _, k := range b.Keys() {
				if editing[k] || len([]rune(k)) == 1 {
					t.Errorf("%s %s (%s) would take a key the scan field types or edits with", desk, b.Help().Desc, k)
				}
				msg, _ := keymaps.KeyMsg(k)
				if desk != "returns desk" && !keymaps.WorksWhileTyping(msg) {
					t.Errorf("%s %s (%s) does not reach the screen beside a focused field", desk, b.Help().Desc, k)
				}
			}
		}
	}
	if _, err := keymaps.Parse("keys.yaml", []byte("counts:\n  plan: ctrl+s\n")); err == nil ||
		!strings.Contains(err.Error(), `counts.plan: "ctrl+s" is already bound to counts.finish`) {
		t.Errorf("binding plan to finish's key: %v", err)
	}
	for _, action := range []string{"authorize", "end", "aside"} {
		if b, ok := km.Binding(keymaps.ScopeReturns, action); !ok || len(b.Keys()) == 0 {
			t.Errorf("returns.%s is not bound", action)
		}
	}
	_, err := keymaps.Parse("keys.yaml", []byte("returns:\n  aside: ctrl+o\n"))
	if err == nil || !strings.Contains(err.Error(), `returns.aside: "ctrl+o" is already bound to returns.open`) {
		t.Errorf("binding aside to open's key: %v", err)
	}
}
