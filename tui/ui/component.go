package ui

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// Component is a screen (or a view pushed on top of one, like an order's detail). The root
// model routes to it; it never sees another screen's messages.
//
// Update mutates the component in place (components are pointers) and returns itself, so the
// root never copies a screen's rows on a key press. View must draw exactly the size given to
// SetSize and build no styles (they come from Context.Styles).
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
	// ID identifies this instance; data messages carry it back (see Result).
	ID() InstanceID
	// Title names the component in the header: "Queue", "SO-0001234".
	Title() string
}

// Capturer is implemented by components that sometimes have a focused text or scan field: while
// Capturing is true, keys go to the component before any global shortcut (only Quit stays global).
type Capturer interface {
	Capturing() bool
}

// Unsaved is implemented by components that can hold input that would be lost on quit; the root
// asks for confirmation first.
type Unsaved interface {
	HasUnsavedInput() bool
}
