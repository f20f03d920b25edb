package ui

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A frozen server keeps the driver waiting past its context; the screen must not wait with it.
func TestWithDeadlineReturnsWhenTheCallDoesNot(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, err := WithDeadline(20*time.Millisecond, func(ctx context.Context) (int, error) {
		<-release // ignores ctx, as a driver blocked on a socket read does
		return 1, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline", err)
	}
	v, err := WithDeadline(time.Minute, func(context.Context) (int, error) { return 42, nil })
	if v != 42 || err != nil {
		t.Fatalf("a prompt answer came back as %d, %v", v, err)
	}
}

// fn's goroutine cancels the context right after answering; the answer must win every time,
// never "context canceled" (select picks at random between ready cases).
func TestWithDeadlineNeverLosesAPromptAnswer(t *testing.T) {
	for i := 0; i < 20000; i++ {
		v, err := WithDeadline(time.Minute, func(context.Context) (int, error) { return i, nil })
		if err != nil || v != i {
			t.Fatalf("call %d: got %d, %v", i, v, err)
		}
	}
}
