package ui

import (
	"log/slog"
	"time"

	"oms/db/staff"
	"oms/keymaps"
	"oms/themes"
)

// Context is what every component is given: the session's things, no data access and no
// globals (ARCHITECTURE.md §5). Each screen gets its data through the small interface it
// declares, when it is built. Under SSH each session has its own Context with its own
// renderer's styles and logger.
type Context struct {
	Styles *themes.Styles
	Keys   *keymaps.KeyMap
	User   staff.Identity
	// Jobs are the job roles the user holds ("picker", "backoffice"); empty for a database
	// role that is not a staff member. The shell offers the screens of these jobs.
	Jobs []string
	// Now is the clock; tests fix it so frames are reproducible.
	Now func() time.Time
	// Location is the time zone for clock times and "due today".
	Location *time.Location
	// Log records failed and dropped fetches and commands' outcomes (never nil: NewLogger's
	// discard logger when logging is off).
	Log *slog.Logger
	// Timeout bounds each database call of a screen; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Clock returns the current time in the context's time zone.
func (c *Context) Clock() time.Time { return c.Now().In(c.Location) }

// Logger returns c.Log, or a logger that discards when none was set.
func (c *Context) Logger() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}
