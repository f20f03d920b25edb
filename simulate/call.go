package simulate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"oms/db"
	"oms/db/counts"
	"oms/db/picking"
)

// Lost says whether err means the command's answer was lost or the database could not be asked
// (a killed connection, a server shutting down or starting, a lock or statement timeout, a
// transaction rerun too often): the command may or may not have applied, and re-sending it
// with the same key settles which, applying it at most once. A refusal, "no work" or a reused
// key is an answer, never lost.
func Lost(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ce *db.ConstraintError
	if errors.As(err, &ce) || errors.Is(err, db.ErrKeyReused) || errors.Is(err, db.ErrNotFound) ||
		errors.Is(err, picking.ErrNoWork) || errors.Is(err, counts.ErrNoWork) {
		return false
	}
	var busy *db.BusyError
	var unreachable *db.UnreachableError
	var netErr net.Error
	if errors.As(err, &busy) || errors.As(err, &unreachable) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if code := sqlState(err); code != "" {
		// 08: connection exception; 57: operator intervention (57P01 terminated by an
		// administrator, 57P02/57P03 a server shutting down or starting, 57014 a statement
		// timeout); 40001/40P01 past db.InTx's reruns; 55P03 a lock timeout; 53: out of resources.
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57") || strings.HasPrefix(code, "53") ||
			code == "40001" || code == "40P01" || code == "55P03"
	}
	msg := err.Error()
	for _, s := range []string{"bad connection", "connection reset", "connection refused", "broken pipe",
		"unexpected EOF", "the database system is", "terminating connection", "server closed the connection"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// sqlState is the SQLSTATE of a PostgreSQL error anywhere in err's chain, or "". The simulator
// does not import the driver: the error says its code itself (lib/pq's *pq.Error.SQLState).
func sqlState(err error) string {
	var e interface{ SQLState() string }
	if errors.As(err, &e) {
		return e.SQLState()
	}
	return ""
}

// lostFor is how long a worker keeps re-sending a command whose answer was lost before it gives
// up and exits, leaving the command in doubt in its journal for its successor: longer than a
// server restart takes.
const lostFor = 3 * time.Minute

// replayer re-sends a command in doubt from its journal entry, under its key.
type replayer func(ctx context.Context, w *Worker, key string, args json.RawMessage) (any, error)

var replayers = map[string]replayer{}

// command is a kind of command a worker sends: its name in the journal, how it is sent and how
// many units an answer counts. Defining one registers how a successor re-sends it from the
// journal.
type command[A, R any] struct {
	name  string
	send  func(ctx context.Context, w *Worker, key string, a A) (R, error)
	units func(a A, r R) int64
}

func define[A, R any](name string, send func(ctx context.Context, w *Worker, key string, a A) (R, error),
	units func(a A, r R) int64) command[A, R] {
	c := command[A, R]{name: name, send: send, units: units}
	replayers[name] = func(ctx context.Context, w *Worker, key string, raw json.RawMessage) (any, error) {
		var a A
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("reading a %s from the journal: %w", name, err)
		}
		return c.do(ctx, w, key, a, true)
	}
	return c
}

// call sends the command under a new key, journalled.
func (c command[A, R]) call(ctx context.Context, w *Worker, a A) (R, error) {
	return c.do(ctx, w, w.newKey(c.name), a, false)
}

// do journals the command as sent, sends it, re-sends it with the same key while its answer is
// lost, and journals the answer with the latency from the first send.
func (c command[A, R]) do(ctx context.Context, w *Worker, key string, a A, resolving bool) (R, error) {
	if !resolving {
		raw, err := json.Marshal(a)
		if err != nil {
			return *new(R), err
		}
		if err := w.j.Write(Entry{T: "sent", Op: c.name, Key: key, Args: raw}); err != nil {
			return *new(R), err
		}
	}
	start := time.Now()
	resent := false
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		r, err := c.send(cctx, w, key, a)
		cancel()
		if err == nil {
			n := int64(0)
			if c.units != nil {
				n = c.units(a, r)
			}
			return r, w.j.Write(Entry{T: "done", Op: c.name, Key: key, Ms: msOf(time.Since(start)), N: n,
				Resent: resent, Resolved: resolving})
		}
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		if errors.Is(err, picking.ErrNoWork) || errors.Is(err, counts.ErrNoWork) {
			return r, errors.Join(err, w.j.Write(Entry{T: "nowork", Op: c.name, Key: key, Resolved: resolving}))
		}
		if !Lost(err) {
			return r, errors.Join(err, w.j.Write(Entry{T: "refused", Op: c.name, Key: key, Ms: msOf(time.Since(start)),
				Why: err.Error(), Resolved: resolving}))
		}
		if time.Since(start) > lostFor {
			return r, fmt.Errorf("%s %s: the database has not answered for %s: %w", c.name, key, lostFor, err)
		}
		resent = true
		w.lostAnswers++
		w.logf("%s %s: answer lost (%v); re-sending with the same key", c.name, key, err)
		sleep(ctx, backoff(attempt))
	}
}

// read runs a query (no effect, so no journal), retrying while the database cannot answer.
func read[R any](ctx context.Context, w *Worker, what string, q func(ctx context.Context) (R, error)) (R, error) {
	start := time.Now()
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		r, err := q(cctx)
		cancel()
		if err == nil || !Lost(err) || ctx.Err() != nil {
			return r, err
		}
		if time.Since(start) > lostFor {
			return r, fmt.Errorf("%s: the database has not answered for %s: %w", what, lostFor, err)
		}
		sleep(ctx, backoff(attempt))
	}
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// backoff grows from 50 ms to 1 s.
func backoff(attempt int) time.Duration {
	return min(time.Duration(50<<min(attempt, 5))*time.Millisecond, time.Second)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
