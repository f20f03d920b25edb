package staff

import (
	"context"

	"oms/db"
)

// Identity is who the session runs as, for the header and the audit trail.
type Identity struct {
	Login     string `db:"login"`     // the database role
	Name      string `db:"name"`      // "" when the role is not a staff member
	Job       string `db:"job"`       // the staff member's job function, or ""
	Warehouse string `db:"warehouse"` // the code of their warehouse, or ""
}

// Store runs the staff queries on one database.
type Store struct{ d *db.DB }

// New returns the staff queries of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Whoami reads the session's role and, when the role is an active staff member, their name,
// job and warehouse.
func (s *Store) Whoami(ctx context.Context) (Identity, error) {
	var id Identity
	err := s.d.GetContext(ctx, &id, `
		SELECT current_user AS login, coalesce(s.name, '') AS name, coalesce(s.job, '') AS job,
		       coalesce(w.code, '') AS warehouse
		  FROM (SELECT 1) one
		  LEFT JOIN staff s ON s.login = current_user AND s.active
		  LEFT JOIN warehouses w ON w.id = s.warehouse_id`)
	return id, err
}
