package keymaps

import "fmt"

// Group is a set of scopes whose bindings are active at the same time, so
// no key may be bound twice within it. When Focused is true a text field or
// dialog has the focus: of the global actions only keys for which
// [WorksWhileTyping] is true take part, because every other key goes to the
// field or dialog first.
type Group struct {
	Name    string
	Scopes  []string
	Focused bool
}

var groups = []Group{
	{Name: "queue screen", Scopes: []string{ScopeGlobal, ScopeList, ScopeQueue}},
	{Name: "order detail", Scopes: []string{ScopeGlobal, ScopeOrder}},
	{Name: "products screen", Scopes: []string{ScopeGlobal, ScopeList, ScopeProducts}},
	{Name: "product form", Scopes: []string{ScopeGlobal, ScopeInput, ScopeProducts}, Focused: true},
	{Name: "order form", Scopes: []string{ScopeGlobal, ScopeInput, ScopeOrder}, Focused: true},
	{Name: "invoices screen", Scopes: []string{ScopeGlobal, ScopeList, ScopeInvoices}},
	{Name: "new order form", Scopes: []string{ScopeGlobal, ScopeInput, ScopeNewOrder}, Focused: true},
	{Name: "picking screen", Scopes: []string{ScopeGlobal, ScopeInput, ScopePicking}, Focused: true},
	{Name: "packing screen", Scopes: []string{ScopeGlobal, ScopeInput, ScopePacking}, Focused: true},
	{Name: "returns desk", Scopes: []string{ScopeGlobal, ScopeInput, ScopeReturns}, Focused: true},
	{Name: "stock counts screen", Scopes: []string{ScopeGlobal, ScopeInput, ScopeCounts}, Focused: true},
	{Name: "receiving and moves screen", Scopes: []string{ScopeGlobal, ScopeInput, ScopeStockwork}, Focused: true},
	{Name: "supervisor screen", Scopes: []string{ScopeGlobal, ScopeList, ScopeSupervisor}},
	{Name: "text field", Scopes: []string{ScopeGlobal, ScopeInput}, Focused: true},
	{Name: "dialog", Scopes: []string{ScopeGlobal, ScopeDialog}, Focused: true},
}

// ActiveTogether returns the groups of scopes that are active at the same
// time. Every scope is in at least one group with Global, so every scope is
// checked against itself and against Global.
func ActiveTogether() []Group {
	out := make([]Group, len(groups))
	for i, g := range groups {
		g.Scopes = append([]string(nil), g.Scopes...)
		out[i] = g
	}
	return out
}

// mustWorkWhileTyping are the global actions that must keep a key that
// reaches them from a focused field, so nobody is locked in a screen.
var mustWorkWhileTyping = []string{"quit", "menu"}

type owner struct {
	path       string
	overridden bool
	line       int // where the file sets it; 0 for a default
}

// validate reports conflicts and unreachable quit/menu in km. overridden
// maps the "scope.action" paths the user set to the line that sets them; in
// a conflict between a set and an unset action the set one is reported, at
// its line, otherwise the later one.
func validate(km KeyMap, file string, overridden map[string]int) []*ConfigError {
	var errs []*ConfigError
	reported := map[string]bool{}
	for _, g := range groups {
		var order []string
		owners := map[string][]owner{}
		for _, sn := range g.Scopes {
			s := lookupScope(sn)
			for _, a := range s.actions {
				path := s.name + "." + a.name
				for _, k := range a.field(&km).Keys() {
					if g.Focused && s.name == ScopeGlobal && !worksWhileTyping(k) {
						continue
					}
					if _, ok := owners[k]; !ok {
						order = append(order, k)
					}
					line, set := overridden[path]
					owners[k] = append(owners[k], owner{path: path, overridden: set, line: line})
				}
			}
		}
		for _, k := range order {
			ows := owners[k]
			if len(ows) < 2 {
				continue
			}
			holder := ows[0]
			for _, o := range ows {
				if !o.overridden {
					holder = o
					break
				}
			}
			for _, o := range ows {
				if o == holder {
					continue
				}
				msg := fmt.Sprintf("%q is already bound to %s", DisplayName(k), holder.path)
				if id := o.path + "\x00" + msg; !reported[id] {
					reported[id] = true
					errs = append(errs, &ConfigError{File: file, Line: o.line, Path: o.path, Msg: msg})
				}
			}
		}
	}
	for _, name := range mustWorkWhileTyping {
		b, _ := km.Binding(ScopeGlobal, name)
		ok := false
		for _, k := range b.Keys() {
			ok = ok || worksWhileTyping(k)
		}
		if !ok {
			errs = append(errs, &ConfigError{File: file, Line: overridden[ScopeGlobal+"."+name], Path: ScopeGlobal + "." + name,
				Msg: "needs at least one key that works while a text field is focused " +
					"(a function key, or a ctrl key fields do not use, such as ctrl+g)"})
		}
	}
	return errs
}
