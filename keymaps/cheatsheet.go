package keymaps

import (
	"strings"
)

// Cheatsheet renders km as Markdown: one "### Title" section per scope with a
// sentence on when it applies and a "| Key | Action |" table. The output is
// deterministic (scopes and actions in registry order, keys in binding
// order), so a test can compare it with the block between
// <!-- keys:start --> and <!-- keys:end --> in README.md.
func Cheatsheet(km KeyMap) string {
	var b strings.Builder
	for i, s := range km.Scopes() {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("### " + s.Title + "\n\n")
		b.WriteString(s.About + " YAML scope: `" + s.Name + "`.\n\n")
		b.WriteString("| Key | Action |\n")
		b.WriteString("| --- | --- |\n")
		for _, a := range s.Actions {
			keys := make([]string, len(a.Keys))
			for j, k := range a.Keys {
				keys[j] = mdCode(k)
			}
			b.WriteString("| " + strings.Join(keys, ", ") + " | `" + a.Name + "` — " + a.Description + " |\n")
		}
	}
	return b.String()
}

// mdCode writes s as a Markdown code span that is safe inside a table cell:
// a backtick needs a longer fence, and "|" must be escaped even in code.
func mdCode(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}
