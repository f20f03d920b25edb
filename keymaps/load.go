package keymaps

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConfigError is one problem found in a key file or key map. Load and
// Validate return all problems at once, joined with errors.Join; use
// errors.As or the Unwrap() []error method to get them one by one.
type ConfigError struct {
	File string // the file as named to Load or Parse; empty for Validate
	Line int    // 1-based line in File; 0 only for a key map not read from a file (Validate)
	Path string // "scope" or "scope.action"; empty for the whole file
	Msg  string
}

// Error formats the problem as "file: [line N: ][path: ]message", e.g.
// `keys.yaml: line 2: queue.search: unknown key "ctrl+shift+x"`.
func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// DefaultPath is the user's key file: $XDG_CONFIG_HOME/oms/keys.yaml, or the
// platform's equivalent of it (os.UserConfigDir).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "oms", "keys.yaml"), nil
}

// LoadDefault loads [DefaultPath]. A missing file (or no config directory
// at all) is not an error: it returns Default().
func LoadDefault() (KeyMap, error) {
	path, err := DefaultPath()
	if err != nil {
		return Default(), nil
	}
	km, err := Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	return km, err
}

// Load reads a key file and returns Default() with its overrides applied.
// An override replaces the action's keys (it does not add to them) and
// updates the help label. All problems are reported at once; see [Parse].
func Load(path string) (KeyMap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Default(), fmt.Errorf("keymaps: %w", err)
	}
	return Parse(path, data)
}

// Parse applies the overrides in data (the contents of file, which names it
// in error messages) to Default(). The format is
//
//	queue:
//	  search: ["/", "ctrl+s"]   # a list of key names
//	global:
//	  help: "?"                  # or a single key name
//
// It reports, all at once: malformed YAML (with its line), a wrong shape,
// unknown scopes and actions, unknown key names, empty key lists, a key
// listed twice for one action, conflicts within the scopes of each
// [ActiveTogether] group, and a global.quit or global.menu that no longer
// has a key that works while typing. On error it returns Default() together
// with the error, so a caller may report it and carry on with the defaults.
func Parse(file string, data []byte) (km KeyMap, err error) {
	km = Default()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Default(), syntaxError(file, err)
	}
	p := parser{file: file, km: &km, overridden: map[string]int{}}
	p.document(&doc)
	p.errs = append(p.errs, validate(km, file, p.overridden)...)
	if len(p.errs) > 0 {
		return Default(), joinErrors(p.errs)
	}
	return km, nil
}

// Validate checks a key map as Parse does after applying overrides
// (conflicts, quit and menu reachable while typing); Default() passes.
func (k KeyMap) Validate() error {
	return joinErrors(validate(k, "", nil))
}

func joinErrors(errs []*ConfigError) error {
	if len(errs) == 0 {
		return nil
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// syntaxError turns yaml.v3's "yaml: line 3: …" into "file: line 3: …".
func syntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &ConfigError{File: file, Msg: msg}
	var n int
	var rest string
	if k, _ := fmt.Sscanf(msg, "line %d:", &n); k == 1 {
		if i := strings.Index(msg, ":"); i >= 0 {
			rest = strings.TrimSpace(msg[i+1:])
		}
		e.Line, e.Msg = n, rest
	}
	return e
}

type parser struct {
	file       string
	km         *KeyMap
	overridden map[string]int // "scope.action" set by the file → the line that sets it
	errs       []*ConfigError
}

func (p *parser) fail(line int, path, format string, args ...any) {
	p.errs = append(p.errs, &ConfigError{File: p.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func (p *parser) document(doc *yaml.Node) {
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return
		}
		root = root.Content[0]
	}
	root = resolve(root)
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.fail(root.Line, "", "expected a mapping of scopes (%s), got %s", strings.Join(scopeNames(), ", "), kindName(root))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		kn, vn := resolve(root.Content[i]), resolve(root.Content[i+1])
		if kn == nil || kn.Kind != yaml.ScalarNode {
			p.fail(root.Content[i].Line, "", "scope names must be plain words")
			continue
		}
		name := kn.Value
		s := lookupScope(name)
		if s == nil {
			p.fail(kn.Line, name, "unknown scope (valid: %s)", strings.Join(scopeNames(), ", "))
			continue
		}
		if seen[name] {
			p.fail(kn.Line, name, "scope given twice")
			continue
		}
		seen[name] = true
		p.scope(s, kn, vn)
	}
}

func (p *parser) scope(s *scopeDef, kn, vn *yaml.Node) {
	if isNull(vn) {
		return
	}
	if vn.Kind != yaml.MappingNode {
		p.fail(vn.Line, s.name, "expected a mapping of actions, got %s", kindName(vn))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(vn.Content); i += 2 {
		an, val := resolve(vn.Content[i]), resolve(vn.Content[i+1])
		if an == nil || an.Kind != yaml.ScalarNode {
			p.fail(vn.Content[i].Line, s.name, "action names must be plain words")
			continue
		}
		path := s.name + "." + an.Value
		a := s.lookup(an.Value)
		if a == nil {
			p.fail(an.Line, path, "unknown action (valid: %s)", strings.Join(s.actionNames(), ", "))
			continue
		}
		if seen[a.name] {
			p.fail(an.Line, path, "action given twice")
			continue
		}
		seen[a.name] = true
		p.action(a, path, an.Line, val)
	}
}

func (p *parser) action(a *actionDef, path string, line int, val *yaml.Node) {
	type named struct {
		name string
		line int
	}
	var raw []named
	switch {
	case isNull(val):
	case val.Kind == yaml.ScalarNode:
		raw = []named{{val.Value, val.Line}}
	case val.Kind == yaml.SequenceNode:
		for _, item := range val.Content {
			item = resolve(item)
			if item == nil || item.Kind != yaml.ScalarNode || isNull(item) {
				line := val.Line
				if item != nil {
					line = item.Line
				}
				p.fail(line, path, "expected a key name, got %s", kindName(item))
				return
			}
			raw = append(raw, named{item.Value, item.Line})
		}
	default:
		p.fail(val.Line, path, "expected a key name or a list of key names, got %s", kindName(val))
		return
	}
	if len(raw) == 0 {
		p.fail(line, path, "no keys given (an action needs at least one key)")
		return
	}
	var keys []string
	seen := map[string]bool{}
	for _, r := range raw {
		c, ok := Canonical(r.name)
		if !ok {
			p.fail(r.line, path, "unknown key %q", r.name)
			continue
		}
		if seen[c] {
			p.fail(r.line, path, "%q is listed twice", DisplayName(c))
			continue
		}
		seen[c] = true
		keys = append(keys, c)
	}
	if len(keys) == 0 {
		return
	}
	b := a.field(p.km)
	setKeys(b, b.Help().Desc, keys)
	p.overridden[path] = line
}
