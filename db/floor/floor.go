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

// ShiftStart is the start of a shift as the screen reads it: 8 hours before now to the minute,
// or the start of day if that is later. To the minute, so that screens reading within the same
// minute read the same window and can share one read (SharedBoard).
func ShiftStart(now, day time.Time) time.Time {
	if s := now.Add(-8 * time.Hour).Truncate(time.Minute); s.After(day) {
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
	err := s.read(ctx, func(tx snap) error {
		b = Board{}
		var err error
		if err = tx.GetContext(ctx, &b.At, nowSQL); err != nil {
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
	err = s.read(ctx, func(tx snap) error {
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
	err := s.read(ctx, func(tx snap) error {
		var err error
		out, err = readPeople(ctx, tx, w)
		return err
	})
	return out, err
}

// Exceptions reads the exceptions, at most each of a kind, in one snapshot.
func (s *Store) Exceptions(ctx context.Context, w Window, each int) ([]Exception, error) {
	var out []Exception
	err := s.read(ctx, func(tx snap) error {
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
	err := s.read(ctx, func(tx snap) error {
		var err error
		out, err = readHourly(ctx, tx, w)
		return err
	})
	return out, err
}

// read runs fn in one read-only snapshot whose statements run prepared. A board is a score of
// statements, and planning them again on every read was most of its cost (about 2 ms each for
// the exceptions); prepared once per connection, they only execute.
func (s *Store) read(ctx context.Context, fn func(snap) error) error {
	if err := s.d.Prepare(ctx, boardQueries...); err != nil {
		return err
	}
	return s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error { return fn(snap{d: s.d, tx: tx}) })
}

// snap is one snapshot's transaction, read through the pool's prepared statements.
type snap struct {
	d  *db.DB
	tx *sqlx.Tx
}

func (t snap) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return t.d.TxSelect(ctx, t.tx, dest, query, args...)
}

func (t snap) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return t.d.TxGet(ctx, t.tx, dest, query, args...)
}

// boardQueries is every statement a board reads, the texts read prepares.
var boardQueries = func() []string {
	out := []string{nowSQL, dueSQL, heldSQL, peopleSQL, hourlySQL}
	for _, name := range Stages {
		out = append(out, stageQueries[name])
	}
	for _, k := range Kinds {
		out = append(out, paddedExceptions[k])
	}
	return out
}()
