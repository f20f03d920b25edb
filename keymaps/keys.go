package keymaps

import (
	"fmt"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// namedKeys are the multi-character key names accepted besides single
// printable characters, "space" and "alt+<letter or digit>". Each is the
// exact string Bubble Tea's KeyMsg.String() reports for that key (verified by
// the tests and by init below).
var namedKeys = func() []string {
	names := []string{
		"enter", "esc", "tab", "shift+tab", "backspace", "delete", "insert",
		"up", "down", "left", "right", "home", "end", "pgup", "pgdown",
		"shift+up", "shift+down", "shift+left", "shift+right", "shift+home", "shift+end",
		"ctrl+up", "ctrl+down", "ctrl+left", "ctrl+right", "ctrl+home", "ctrl+end",
		"ctrl+pgup", "ctrl+pgdown",
		"ctrl+shift+up", "ctrl+shift+down", "ctrl+shift+left", "ctrl+shift+right",
		"ctrl+shift+home", "ctrl+shift+end",
		"ctrl+@", `ctrl+\`, "ctrl+]", "ctrl+^", "ctrl+_",
	}
	for i := 1; i <= 20; i++ {
		names = append(names, fmt.Sprintf("f%d", i))
	}
	for c := 'a'; c <= 'z'; c++ {
		if c == 'i' || c == 'm' { // same bytes as tab and enter: aliases below
			continue
		}
		names = append(names, "ctrl+"+string(c))
	}
	return names
}()

// aliases are names for keys a terminal cannot tell apart from another key.
var aliases = map[string]string{
	"ctrl+i": "tab",
	"ctrl+m": "enter",
	"ctrl+[": "esc",
	"space":  " ",
}

// typeByName maps each named key to the tea.KeyType that reports it.
var typeByName = func() map[string]tea.KeyType {
	all := map[string]tea.KeyType{}
	// tea's KeyType values are -64..-1 for special keys and 0..127 for
	// control characters; scan them and keep what String() names.
	for t := tea.KeyType(-128); t <= 127; t++ {
		if s := t.String(); s != "" {
			if _, dup := all[s]; !dup {
				all[s] = t
			}
		}
	}
	m := make(map[string]tea.KeyType, len(namedKeys))
	for _, n := range namedKeys {
		t, ok := all[n]
		if !ok {
			panic("keymaps: bubbletea does not report key " + n)
		}
		m[n] = t
	}
	return m
}()

// KeyNames returns every accepted key name, sorted: the named keys, the
// aliases, "space", the printable ASCII characters and alt+<letter or digit>.
func KeyNames() []string {
	var out []string
	out = append(out, namedKeys...)
	for a := range aliases {
		out = append(out, a)
	}
	for c := byte('!'); c <= '~'; c++ {
		out = append(out, string(c))
		if isAlnum(c) {
			out = append(out, "alt+"+string(c))
		}
	}
	sort.Strings(out)
	return out
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Canonical returns the form of a key name that bindings store and
// tea.KeyMsg.String() reports ("Enter" → "enter", "space" → " ",
// "ctrl+i" → "tab"), or false if name is not an accepted key name.
func Canonical(name string) (string, bool) {
	if name == " " {
		return " ", true
	}
	if len(name) == 1 {
		if name[0] >= '!' && name[0] <= '~' {
			return name, true
		}
		return "", false
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "alt+") {
		rest := name[len("alt+"):]
		if len(rest) == 1 && isAlnum(rest[0]) {
			return "alt+" + rest, true
		}
		return "", false
	}
	if a, ok := aliases[lower]; ok {
		return a, true
	}
	if _, ok := typeByName[lower]; ok {
		return lower, true
	}
	return "", false
}

// DisplayName is the name of a canonical key as written in keys.yaml and
// shown in help: the key itself, except " " which is "space".
func DisplayName(canonical string) string {
	if canonical == " " {
		return "space"
	}
	return canonical
}

// KeyMsg returns the tea.KeyMsg a terminal produces for the named key (any
// accepted name, see [Canonical]). Its String() is the canonical name, so
// key.Matches finds the bindings that hold it.
func KeyMsg(name string) (tea.KeyMsg, error) {
	c, ok := Canonical(name)
	if !ok {
		return tea.KeyMsg{}, fmt.Errorf("keymaps: unknown key %q", name)
	}
	switch {
	case c == " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}, nil
	case len(c) == 1:
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(c)}, nil
	case strings.HasPrefix(c, "alt+"):
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(c[len("alt+"):]), Alt: true}, nil
	default:
		return tea.KeyMsg{Type: typeByName[c]}, nil
	}
}

// Press returns the tea.KeyMsg of the first key bound to scope.action in km,
// so tests can press keys by action name and keep working when the keys are
// remapped. It panics if the action does not exist or has no keys, which in
// a test is a bug in the test.
func Press(km KeyMap, scope, action string) tea.KeyMsg {
	b, ok := km.Binding(scope, action)
	if !ok {
		panic(fmt.Sprintf("keymaps.Press: unknown action %s.%s", scope, action))
	}
	keys := b.Keys()
	if len(keys) == 0 {
		panic(fmt.Sprintf("keymaps.Press: %s.%s has no keys", scope, action))
	}
	msg, err := KeyMsg(keys[0])
	if err != nil {
		panic(fmt.Sprintf("keymaps.Press: %s.%s: %v", scope, action, err))
	}
	return msg
}

// whileTyping are the keys a focused bubbles text field does not use:
// function keys, page keys and the ctrl keys that are not editing commands
// in textinput or textarea. ctrl+j is left out because scanners configured
// to end a scan with line feed send it, ctrl+h because some terminals send it
// for backspace, ctrl+t because textarea transposes with it.
var whileTyping = func() map[string]bool {
	m := map[string]bool{
		"pgup": true, "pgdown": true, "ctrl+pgup": true, "ctrl+pgdown": true,
		"ctrl+up": true, "ctrl+down": true,
		"ctrl+c": true, "ctrl+g": true, "ctrl+l": true, "ctrl+o": true, "ctrl+q": true,
		"ctrl+r": true, "ctrl+s": true, "ctrl+x": true, "ctrl+y": true, "ctrl+z": true,
		"ctrl+@": true, `ctrl+\`: true, "ctrl+]": true, "ctrl+^": true, "ctrl+_": true,
	}
	for i := 1; i <= 20; i++ {
		m[fmt.Sprintf("f%d", i)] = true
	}
	return m
}()

// WorksWhileTyping reports whether a global key still applies while a text
// or scan field (or a dialog) is focused. Everything a field uses for
// typing or editing — printable characters, space, enter, esc, tab, arrows,
// home/end, backspace/delete, alt+ keys and ctrl+a/b/d/e/f/h/j/k/n/p/t/u/v/w —
// goes to the field instead. The TUI's focus gate uses it like this:
//
//	if focused && !(keymaps.WorksWhileTyping(msg) && key.Matches(msg, globals...)) {
//		// give msg to the field
//	}
func WorksWhileTyping(msg tea.KeyMsg) bool {
	return worksWhileTyping(msg.String())
}

func worksWhileTyping(canonical string) bool { return whileTyping[canonical] }
