package floor_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"oms/db/floor"
)

// TestScreensToldOfOneChangeShareOneRead: twenty screens told of the same change at once get
// one read between them (the same database clock on every board), a screen told of a later
// change is not handed the earlier read, and the later read shows the change.
func TestScreensToldOfOneChangeShareOneRead(t *testing.T) {
	y := newYard(t)
	ctx := context.Background()
	w := y.window()
	first, err := y.sup.SharedBoard(ctx, w, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got := dueToday(first); got != 0 {
		t.Fatalf("an empty floor shows %d orders due today", got)
	}

	y.order(t, "DUE", -time.Hour, time.Hour, map[string]int64{"MUG-1": 1})
	seen := time.Now() // as a poll that saw the change would answer
	const screens = 20
	boards := make([]floor.Board, screens)
	var wg sync.WaitGroup
	for i := range screens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each screen its own store on the pool, as each supervisor screen builds one.
			boards[i], err = floor.New(y.supDB).SharedBoard(ctx, w, seen)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, b := range boards {
		if !b.At.Equal(boards[0].At) {
			t.Fatalf("screen %d got a board read at %v, screen 0 one read at %v: not one shared read", i, b.At, boards[0].At)
		}
		if b.At.Equal(first.At) {
			t.Fatalf("screen %d, told of a change, got the read from before it", i)
		}
		if got := dueToday(b); got != 1 {
			t.Fatalf("screen %d shows %d orders due today after one came in", i, got)
		}
	}

	// Asked again for a change seen before that read began: the same read, not another.
	again, err := y.sup.SharedBoard(ctx, w, seen)
	if err != nil || !again.At.Equal(boards[0].At) {
		t.Fatalf("a screen told of the same change later read again (%v, %v), want the shared read", again.At, err)
	}
	// Another window is another read.
	other := w
	other.Warehouse = "RTM1"
	if b, err := y.sup.SharedBoard(ctx, other, seen); err != nil || b.At.Equal(boards[0].At) {
		t.Fatalf("another window got the shared read (%v, %v)", b.At, err)
	}
}

// TestAGivenUpReadDoesNotFailTheOthers: a screen whose deadline passes while the shared read
// runs gets its own time-out; a screen that waits gets the board.
func TestAGivenUpReadDoesNotFailTheOthers(t *testing.T) {
	y := newYard(t)
	w := y.window()
	seen := time.Now()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := y.sup.SharedBoard(gone, w, seen); err == nil {
		t.Fatal("a screen that gave up got a board")
	}
	if _, err := y.sup.SharedBoard(context.Background(), w, seen); err != nil {
		t.Fatalf("the next screen: %v", err)
	}
}

func dueToday(b floor.Board) int64 {
	var n int64
	for _, d := range b.Due {
		n += d.DueToday
	}
	return n
}
