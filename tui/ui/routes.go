package ui

import (
	"github.com/charmbracelet/bubbles/key"

	"oms/keymaps"
)

// Route names a screen the shell can open. Screens open one another by route, never by
// importing each other: the shell looks the route up in the table it was given.
type Route string

// The routes screens open today. A new screen adds its constant here only when another screen
// opens it; top-level screens are reached by their keys and the menu.
const (
	RouteQueue Route = "queue"
	// RouteOrder opens one order's detail; its Arg is an OrderRef.
	RouteOrder Route = "order"
	// RouteNewOrder opens the form of an order entered by hand (the queue's new-order key); no Arg.
	RouteNewOrder Route = "neworder"
)

// OrderRef is the argument of RouteOrder: the order's id, and its number to show while it loads.
type OrderRef struct {
	ID     int64
	Number string
	// Action is the order action to open as soon as the order is shown — the queue's row keys
	// open the page this way: one of OrderActions; empty for none.
	Action string
}

// OrderActions are the actions an OrderRef may open on the order page.
var OrderActions = []string{"hold", "cancel", "edit", "reroute", "split"}

// Open asks the shell to open the screen at Route with Arg. A top-level screen is switched to;
// any other is pushed over the showing one (Back pops it).
type Open struct {
	Route Route
	Arg   any
}

// Def is one entry of the route table: how the shell shows and builds a screen. Each screen
// package exports a function returning its Def, given the data it needs; the shell's table is a
// list of those calls.
type Def struct {
	Route Route
	// Title is the menu's and header's name; Short is for 20-column terminals.
	Title, Short string
	// Key, when set, makes this a top-level screen: in the menu, reached by this key.
	Key func(k *keymaps.KeyMap) key.Binding
	// Build makes a new instance for arg (nil for top-level screens).
	Build func(c *Context, arg any) Component
	// Jobs are the job roles whose work this screen is ("picker", "supervisor"); the shell
	// offers it only to people holding one of them. Empty: everyone. The database enforces
	// the same grants whatever the shell shows; hiding only keeps a screen nobody can use
	// out of the way.
	Jobs []string
}

// For says whether a person holding jobs may use the screen. Someone with no job roles is
// not a staff member (an administrator's own database role): the shell shows everything and
// leaves the refusals to the database.
func (d Def) For(jobs []string) bool {
	if len(d.Jobs) == 0 || len(jobs) == 0 {
		return true
	}
	for _, j := range jobs {
		for _, need := range d.Jobs {
			if j == need {
				return true
			}
		}
	}
	return false
}
