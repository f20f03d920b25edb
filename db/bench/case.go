package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"oms/db"
)

// DefaultTarget is the least oms/raw throughput ratio a case passes with (performance.md).
const DefaultTarget = 0.50

// Case is one benchmark: a workload run through the project's code and through a raw-SQL
// baseline doing the same effect by hand.
type Case struct {
	Name   string  // what the command line selects it by, e.g. "ledger-hot-2"
	Suite  string  // the group it belongs to, e.g. "ledger"; also selectable
	Target float64 // the least oms/raw ratio that passes
	// Setup builds the case's fixture (not measured) and returns the operations on it.
	Setup func(ctx context.Context, env Env) (*Workload, error)
}

// Env is what a case's Setup gets: the bench database and a tag unique to the case in it, to
// put in codes, SKUs and order numbers so fixtures of several cases never collide. The tag is
// upper-case letters and digits.
type Env struct {
	DB  *db.DB
	Tag string
}

// Op is one transaction of a workload, run by one client. It returns nil once committed.
type Op func(ctx context.Context, c *Client) error

// Workload is a case's fixture, ready to be measured.
type Workload struct {
	OMS Op // through the project's code path
	Raw Op // the same effect by hand, in the oms_bench schema
	// Check audits both paths' invariants after a measurement and returns every violation as a
	// sentence; an error means the audit itself could not run.
	Check func(ctx context.Context) ([]string, error)
	// Figures, when set, are further measurements the case made, read after Check and printed
	// after the ratio as name=value ("decay=0.81").
	Figures func() []string
}

// Client is one concurrent client of a measurement; each runs in its own goroutine and has its
// own random source (not safe to share).
type Client struct {
	ID   int
	Rand *rand.Rand

	made     int64 // effects the operation running says it made (Made)
	reported bool  // whether it said so
}

// Made records that the operation now running made n of the baseline's effects, counted if it
// succeeds. An operation that never calls it counts as one. Throughput and ratio count effects,
// not transactions: an operation that batches as the project's path does in use (the
// allocator's 128 orders reserve as many units as they have lines) says how many it made.
func (c *Client) Made(n int64) { c.made, c.reported = c.made+n, true }

// effects is what the operation that just ran made: what it said, or one.
func (c *Client) effects() int64 {
	if c.reported {
		return c.made
	}
	return 1
}

// ErrInvariant marks an operation that found an invariant broken (for example a guarded UPDATE
// of a raw balance that matched no row). It fails the measurement whatever the speed.
var ErrInvariant = errors.New("invariant broken")

var registry []Case

// register adds a suite's cases; each suite file calls it from init. Names must be unique.
func register(cases ...Case) {
	for _, c := range cases {
		for _, have := range registry {
			if have.Name == c.Name || have.Name == c.Suite || have.Suite == c.Name {
				panic("bench: duplicate name " + c.Name)
			}
		}
		if c.Target == 0 {
			c.Target = DefaultTarget
		}
		registry = append(registry, c)
	}
}

// Cases returns every case, suite by suite.
func Cases() []Case { return append([]Case(nil), registry...) }

// Names lists what Select accepts: the suites, then the cases.
func Names() []string {
	var suites, cases []string
	for _, c := range registry {
		if len(suites) == 0 || suites[len(suites)-1] != c.Suite {
			suites = append(suites, c.Suite)
		}
		cases = append(cases, c.Name)
	}
	return append(suites, cases...)
}

// Select returns the cases named by suite or case name, in suite order; no names means all.
// An unknown name is an error that lists the valid ones.
func Select(names []string) ([]Case, error) {
	if len(names) == 0 {
		return Cases(), nil
	}
	want := map[string]bool{}
	for _, n := range names {
		found := false
		for _, c := range registry {
			if c.Name == n || c.Suite == n {
				found = true
				want[c.Name] = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown benchmark %q: choose from %s", n, strings.Join(Names(), ", "))
		}
	}
	var out []Case
	for _, c := range registry {
		if want[c.Name] {
			out = append(out, c)
		}
	}
	return out, nil
}
