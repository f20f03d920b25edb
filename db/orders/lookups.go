package orders

import "context"

// Lookup is a channel or warehouse as filters show them.
type Lookup struct {
	ID   int64  `db:"id"`
	Code string `db:"code"`
	Name string `db:"name"`
}

// Lookups are the small reference lists the queue's filters choose from.
type Lookups struct {
	Channels   []Lookup
	Warehouses []Lookup
}

// LoadLookups reads the active channels and warehouses, by code.
func (s *Store) LoadLookups(ctx context.Context) (Lookups, error) {
	var l Lookups
	if err := s.d.SelectContext(ctx, &l.Channels, `SELECT id, code, name FROM channels WHERE active ORDER BY code`); err != nil {
		return l, err
	}
	err := s.d.SelectContext(ctx, &l.Warehouses, `SELECT id, code, name FROM warehouses WHERE active ORDER BY code`)
	return l, err
}
