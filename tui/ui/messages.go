package ui

import (
	"sync/atomic"
	"time"

	"oms/db"
)

// InstanceID identifies one component instance for the lifetime of the program.
type InstanceID uint64

var lastInstance atomic.Uint64

// NewInstanceID returns an id no other component has.
func NewInstanceID() InstanceID { return InstanceID(lastInstance.Add(1)) }

// ChangedMsg tells the showing component that data it watches has changed in the database
// (another terminal, an import, psql): refetch what you show.
type ChangedMsg struct {
	Tables db.TableSet
	// Seen is when the database answered the poll that saw the change: a read begun after it
	// shows the change (floor.Store.SharedBoard takes it). Zero means unknown: read anew.
	Seen time.Time
}

// ClockMsg is sent to the showing component every second, so ages and due times stay current
// on a screen nobody touches.
type ClockMsg struct{}

// ActivatedMsg tells a component it has just become the one showing again.
type ActivatedMsg struct{}

// StatusMsg puts a message in the status line until the next key press.
type StatusMsg struct {
	Text  string
	Error bool
}
