package db

import "context"

// MigrateDownTo undoes the migrations above version, so that a test can store data as it was
// before a migration and see what the migration (run again by Migrate) does to it.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := newProvider(d.DB.DB)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}
