package ui

import (
	"context"
	"time"

	"oms/db/orders"
	"oms/db/staff"
	"oms/keymaps"
	"oms/themes"
)

// Store is the part of the database the screens use. *orders.Store implements it; benchmarks
// use an in-memory one so that they measure drawing, not PostgreSQL.
type Store interface {
	QueuePage(ctx context.Context, req orders.PageRequest) ([]orders.QueueRow, error)
	QueueCounts(ctx context.Context, f orders.QueueFilter) (orders.StatusCounts, error)
	OrderDetail(ctx context.Context, id int64) (orders.Detail, error)
	LoadLookups(ctx context.Context) (orders.Lookups, error)
}

// Context is what every component is given: no globals (ARCHITECTURE.md §5). Under SSH each session
// has its own Context with its own renderer's styles.
type Context struct {
	Styles  *themes.Styles
	Keys    *keymaps.KeyMap
	Store   Store
	User    staff.Identity
	Lookups orders.Lookups
	// Now is the clock; tests fix it so frames are reproducible.
	Now func() time.Time
	// Location is the time zone for clock times and "due today".
	Location *time.Location
}

// Clock returns the current time in the context's time zone.
func (c *Context) Clock() time.Time { return c.Now().In(c.Location) }
