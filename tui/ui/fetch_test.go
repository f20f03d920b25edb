package ui

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// run delivers cmd's Result as the shell would.
func run(t *testing.T, cmd tea.Cmd) Result {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command where a query was expected")
	}
	r, ok := cmd().(Result)
	if !ok {
		t.Fatal("the command did not answer with a Result")
	}
	return r
}

// A burst of wishes costs the query in flight and one more with the latest wish.
func TestFetcherRunsOneQueryAndTheLatestWish(t *testing.T) {
	var asked []int
	c := &Context{}
	f := NewFetcher(c, 1, "numbers", func(w int) Query[int] {
		asked = append(asked, w)
		return func(context.Context) (int, error) { return w * 10, nil }
	})
	first := f.Want(1)
	for w := 2; w <= 5; w++ {
		if f.Want(w) != nil {
			t.Fatalf("wish %d was sent while another query ran", w)
		}
	}
	a, mine, ok, next := f.Take(run(t, first))
	if !mine || !ok || a.Value != 10 || a.Wish != 1 {
		t.Fatalf("first answer: %+v mine=%v ok=%v", a, mine, ok)
	}
	a, _, ok, again := f.Take(run(t, next))
	if !ok || a.Value != 50 || again != nil {
		t.Fatalf("the queued answer is %+v (ok=%v), want the latest wish, 5, and nothing more", a, ok)
	}
	if len(asked) != 2 {
		t.Fatalf("queries sent for wishes %v, want only 1 and 5", asked)
	}
	// Another fetcher's answer is not this one's.
	other := NewFetcher(c, 1, "other", func(w int) Query[int] {
		return func(context.Context) (int, error) { return w, nil }
	})
	if _, mine, _, _ := f.Take(run(t, other.Want(7))); mine {
		t.Fatal("a fetcher took another fetcher's answer")
	}
}

// Defect 1: a time-out answered with a nil payload, which a type switch on the payload never
// matched, so the fetch stayed "in flight" and nothing ever refetched. The Result names its
// fetcher whatever the payload, and the next wish is sent.
func TestATimeOutIsAnAnswer(t *testing.T) {
	var logs bytes.Buffer
	c := &Context{Timeout: 20 * time.Millisecond, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	release := make(chan struct{})
	defer close(release)
	f := NewFetcher(c, 1, "queue page", func(w int) Query[[]string] {
		return func(context.Context) ([]string, error) {
			if w == 1 {
				<-release // a frozen server: the driver ignores the context
			}
			return []string{"row"}, nil
		}
	})
	r := run(t, f.Want(1))
	a, mine, ok, next := f.Take(r)
	if !mine || !ok || !errors.Is(a.Err, context.DeadlineExceeded) || next != nil {
		t.Fatalf("time-out answer: %+v mine=%v ok=%v", a, mine, ok)
	}
	if f.InFlight() {
		t.Fatal("the fetch stays in flight after its time-out")
	}
	a, _, ok, _ = f.Take(run(t, f.Want(2)))
	if !ok || a.Err != nil || len(a.Value) != 1 {
		t.Fatalf("the next wish after a time-out: %+v", a)
	}
	if !strings.Contains(logs.String(), "fetch failed") || !strings.Contains(logs.String(), "queue page") {
		t.Fatalf("the time-out was not logged:\n%s", logs.String())
	}
}
