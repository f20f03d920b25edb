// Package keymaps owns every key binding of the oms terminal UI: one typed
// struct per scope (Global, List, Queue, Order, Input, Dialog), one
// key.Binding field per action, their defaults, the help groups shown by
// bubbles/help, user overrides read from YAML (~/.config/oms/keys.yaml),
// validation of those overrides, the key cheatsheet for the README, and the
// conversion from key names to tea.KeyMsg that tests use to press keys by
// action name.
//
// # Scopes and names
//
// A scope is a set of actions that are active in one place of the UI. In Go
// an action is a field (Queue.FilterStatus); in YAML, error messages and
// tests it is "scope.action" in lowerCamel case (queue.filterStatus). The
// table behind [KeyMap.Scopes] is the single source of the names, the default
// keys and the help texts.
//
// # Key names
//
// Keys are named as Bubble Tea reports them (tea.KeyMsg.String()), except
// that the space bar is written "space". The accepted names are a fixed
// allowlist (see [KeyNames]): single printable ASCII characters ("a", "G",
// "/", "?"), "alt+" followed by a letter or digit, "space", "enter", "esc",
// "tab", "shift+tab", "backspace", "delete", "insert", the arrows, "home",
// "end", "pgup", "pgdown" and their ctrl/shift variants that Bubble Tea
// decodes, "f1".."f20", and "ctrl+a".."ctrl+z" plus "ctrl+@", "ctrl+\",
// "ctrl+]", "ctrl+^", "ctrl+_". "ctrl+i", "ctrl+m" and "ctrl+[" are the same
// bytes as tab, enter and esc, so they are accepted and stored as those.
// Named keys are case-insensitive ("Enter", "F3"); single characters are not
// ("g" and "G" are different keys).
//
// # The focus gate and global keys
//
// A focused text or scan field gets keys before global shortcuts. Everything
// a field uses for typing and editing (printable characters, space, enter,
// esc, tab, the arrows, home/end, backspace/delete, alt+ keys and the ctrl
// keys bubbles/textinput and textarea use for editing) therefore never
// reaches a global action while a field is focused; only function keys and
// the remaining ctrl keys do (see [WorksWhileTyping]). Dialogs follow the same
// rule. This is why the defaults are:
//
//   - quit: ctrl+c and ctrl+q (q itself is typed into search fields);
//   - menu: f2 and ctrl+g ("go to"): handheld scanners have F1–F8 at most and
//     often no ctrl+arrows, so every screen is reachable from the menu, and
//     the menu from any screen, even while the scan field is focused;
//   - screen jumps: f3 queue, f4 picking, f5 packing, f6 returns, f7 counts,
//     f8 supervisor — all within F1–F8;
//   - help: "?" (when no field is focused) and f1 (always);
//   - back: esc (when no field is focused; in a field esc cancels the field);
//   - next/previous screen: ctrl+right/ctrl+left and ctrl+n/ctrl+p. These
//     are editing keys in text fields, so they cycle screens only when no
//     field is focused; they are a desktop convenience, not the only way.
//     ctrl+pgup/pgdown were rejected because common terminal emulators take
//     them for their own tabs; tab/shift+tab move between form fields.
//
// Validation requires global.quit and global.menu to keep at least one key
// that works while a field is focused, so an override can never lock a
// handheld user into a screen.
//
// # Conflicts
//
// Scopes that are active at the same time are listed by [ActiveTogether];
// within each group no key may be bound to two actions. In the groups where
// a field or dialog is focused, only the global keys that work while typing
// take part, so input.cancel and global.back may both be esc.
package keymaps
