package ui

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
)

// Component is a screen, or a view pushed on top of one (an order's detail). This is the
// contract between the shell and every screen:
//
//   - The shell routes to it; it never sees another screen's messages. Data answers come back
//     to it by its ID wherever it is in the stack (see Result).
//   - Update changes the component in place (components are pointers, so the shell never
//     copies a screen's rows on a key press) and returns the work to do next.
//   - View draws exactly the size last given to SetSize. It changes nothing and builds no
//     styles: layouts are built in SetSize and Update, styles come from Context.Styles.
//   - Init runs when the component is first shown; ActivatedMsg when it is shown again.
//   - ShortHelp is the footer, most important binding first (the shell elides from the end);
//     FullHelp is the help page.
type Component interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	help.KeyMap
	SetSize(width, height int)
	// ID identifies this instance; data messages carry it back (see Result).
	ID() InstanceID
	// Title names the component in the header: "Queue", "SO-0001234".
	Title() string
}

// Watcher is implemented by components that show data from the database: the shell's live
// poll wakes the showing component (ChangedMsg) only when one of these tables changed.
type Watcher interface {
	Watches() db.TableSet
}

// Capturer is implemented by components that sometimes have a focused text or scan field or a
// picker: while Capturing is true, keys go to the component before any global shortcut (only
// Quit stays global).
type Capturer interface {
	Capturing() bool
}

// Unsaved is implemented by components that can hold input that would be lost on quit; the
// shell asks for confirmation first.
type Unsaved interface {
	HasUnsavedInput() bool
}
