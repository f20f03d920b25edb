// Package themes owns how oms looks: semantic palettes (text, selection,
// borders, warnings, lateness, one colour per tone: ok, active, waiting,
// warning, late, done, muted), the built-in
// themes "dark", "light", "high-contrast" and "mono", the choice of theme
// from --theme and NO_COLOR ([Resolve]), a per-session lipgloss renderer
// that never queries the terminal ([NewRenderer]), and the lipgloss styles
// built once from a renderer and a theme ([NewStyles]).
//
// The TUI never calls lipgloss.NewStyle in View: it takes ready styles from
// [Styles]. Colour is never the only signal; screens show statuses as text
// and the selection with a cursor glyph as well, so frames rendered without
// colour (NO_COLOR, golden tests) stay readable.
//
// Tones are plain strings here (see [Tones]); this package imports nothing
// of oms. Any status (an order's, a pick task's, an RMA's) is drawn by its
// tone (model's OrderStatus.Tone and the like), so a new kind of status needs
// no palette change.
//
// # NO_COLOR and mono
//
// When NO_COLOR is set to a non-empty value, [Resolve] returns mono whatever
// --theme says, because NO_COLOR is the user's standing wish for every
// program, and [NewRenderer] forces the termenv.Ascii profile, which emits no
// escape codes at all (no colours and no attributes, as lipgloss itself does
// under NO_COLOR). The mono theme chosen without NO_COLOR uses no colours but
// keeps bold, reverse, underline and faint, so the selection and the header
// stay visible; its renderer is therefore not forced to Ascii.
//
// # Background detection
//
// lipgloss asks the terminal for its background colour (an OSC 11 query)
// the first time a renderer needs it; terminals and SSH clients that never
// answer stall for seconds. [NewRenderer] sets the renderer's dark/light
// background explicitly from the theme, so a renderer made here never
// queries. Note that Bubble Tea v1 itself queries the process-wide default
// renderer once in its package init, on stdout only; that is outside this
// package and does not happen for SSH sessions.
package themes
