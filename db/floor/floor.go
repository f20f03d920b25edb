package floor

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
)

// Store reads the floor and runs the supervisor's commands on one database.
type Store struct{ d *db.DB }

// New returns the floor of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Window says what the reads measure: Day is the start of today where the supervisor is (due
// today, done today, orders per hour), Since the start of the shift (picks and parcels per
// person; 8 hours ago, or the start of today if later, is a good value). Warehouse narrows the
// floor to one warehouse by code; "" is all of them.
type Window struct {
	Day       time.Time
	Since     time.Time
	Warehouse string
}

// ShiftStart is the start of a shift as the screen reads it: 8 hours before now, or the start of
// day if that is later.
func ShiftStart(now, day time.Time) time.Time {
	if s := now.Add(-8 * time.Hour); s.After(day) {
		return s
	}
	return day
}

// Board is the whole floor in one snapshot.
type Board struct {
	At         time.Time // the database's clock when it was read
	Due        []Due
	Stages     []Stage
	People     []Person
	Exceptions []Exception
	Hourly     Hourly
	Held       []Hold
}

// Board reads everything the supervisor screen shows in one read-only snapshot.
func (s *Store) Board(ctx context.Context, w Window) (Board, error) {
	var b Board
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		b = Board{}
		var err error
		if err = tx.GetContext(ctx, &b.At, `SELECT now()`); err != nil {
			return err
		}
		if b.Due, b.Held, err = readDue(ctx, tx, w); err != nil {
			return err
		}
		if b.Stages, err = readStages(ctx, tx, w); err != nil {
			return err
		}
		if b.People, err = readPeople(ctx, tx, w); err != nil {
			return err
		}
		if b.Exceptions, err = readExceptions(ctx, tx, w, exceptionsEach); err != nil {
			return err
		}
		b.Hourly, err = readHourly(ctx, tx, w)
		return err
	})
	return b, err
}

// Now reads what is due and the stages, in one snapshot.
func (s *Store) Now(ctx context.Context, w Window) (due []Due, held []Hold, stages []Stage, err error) {
	err = s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		var err error
		if due, held, err = readDue(ctx, tx, w); err != nil {
			return err
		}
		stages, err = readStages(ctx, tx, w)
		return err
	})
	return due, held, stages, err
}

// People reads who works at what pace since w.Since, in one snapshot.
func (s *Store) People(ctx context.Context, w Window) ([]Person, error) {
	var out []Person
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = readPeople(ctx, tx, w)
		return err
	})
	return out, err
}

// Exceptions reads the exceptions, at most each of a kind, in one snapshot.
func (s *Store) Exceptions(ctx context.Context, w Window, each int) ([]Exception, error) {
	var out []Exception
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = readExceptions(ctx, tx, w, each)
		return err
	})
	return out, err
}

// OrdersPerHour reads the orders that came in per hour of w.Day and of the same weekday a week
// before, in one snapshot.
func (s *Store) OrdersPerHour(ctx context.Context, w Window) (Hourly, error) {
	var out Hourly
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = readHourly(ctx, tx, w)
		return err
	})
	return out, err
}
