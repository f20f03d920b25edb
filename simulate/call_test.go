package simulate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/counts"
	"oms/db/picking"
)

// A command is re-sent with its key only when its answer was lost; an answer — a refusal, no
// work, a reused key — is never re-sent.
func TestWhichErrorsMeanTheAnswerWasLost(t *testing.T) {
	lost := []error{
		&pq.Error{Code: "57P01", Message: "terminating connection due to administrator command"},
		fmt.Errorf("claiming: %w", &pq.Error{Code: "57P03", Message: "the database system is starting up"}),
		&pq.Error{Code: "08006"},
		&pq.Error{Code: "40001"},
		&pq.Error{Code: "57014", Message: "canceling statement due to statement timeout"},
		&db.BusyError{Err: &pq.Error{Code: "55P03"}},
		&db.UnreachableError{Target: "127.0.0.1:5432/oms", Err: syscall.ECONNREFUSED},
		io.EOF, io.ErrUnexpectedEOF,
		&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		errors.New("driver: bad connection"),
		context.DeadlineExceeded,
	}
	for _, err := range lost {
		if !Lost(err) {
			t.Errorf("%v (%T): not taken for a lost answer", err, err)
		}
	}
	answers := []error{
		nil,
		&db.ConstraintError{Kind: db.Forbidden, Message: "batch B-000012 is no longer yours"},
		db.MapError(&pq.Error{Code: "P0001", Message: "Wrong bin", Routine: "exec_stmt_raise"}),
		fmt.Errorf("%w (key k was picking.short)", db.ErrKeyReused),
		picking.ErrNoWork, counts.ErrNoWork, db.ErrNotFound,
		&pq.Error{Code: "42703", Message: "column does not exist"}, // a bug: an answer, loudly
		context.Canceled,
		errors.New("SO-0000206 has nothing picked to pack"),
	}
	for _, err := range answers {
		if Lost(err) {
			t.Errorf("%v (%T): taken for a lost answer", err, err)
		}
	}
}

func TestBackoffGrowsToASecond(t *testing.T) {
	prev := backoff(0)
	if prev <= 0 {
		t.Fatal(prev)
	}
	for a := 1; a < 20; a++ {
		b := backoff(a)
		if b < prev || b > 1e9 {
			t.Errorf("attempt %d: %v after %v", a, b, prev)
		}
		prev = b
	}
	if prev != 1e9 {
		t.Errorf("backoff tops out at %v", prev)
	}
}
