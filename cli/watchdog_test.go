package cli

import (
	"bytes"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func newTestWatchdog(grace time.Duration) (w *watchdog, sigs chan os.Signal, cancelled chan struct{}, exited chan int, stderr *bytes.Buffer) {
	sigs = make(chan os.Signal, 2)
	cancelled = make(chan struct{})
	exited = make(chan int, 1)
	stderr = &bytes.Buffer{}
	w = &watchdog{sigs: sigs, cancel: func() { close(cancelled) }, done: make(chan struct{}),
		stopped: make(chan os.Signal, 1), grace: grace, stderr: stderr, exit: func(code int) { exited <- code }}
	return w, sigs, cancelled, exited, stderr
}

// A command that does not return after a signal, whatever it is stuck in, does not keep the
// process: the watchdog removes what the command registered and exits 1.
func TestWatchdogEndsAProcessWhoseCommandDoesNotStop(t *testing.T) {
	w, sigs, cancelled, exited, stderr := newTestWatchdog(time.Millisecond)
	removed := make(chan struct{})
	defer onForcedExit(func() { close(removed) })()
	go w.run()
	sigs <- syscall.SIGHUP
	<-cancelled
	select {
	case code := <-exited:
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("the watchdog did not end the process")
	}
	select {
	case <-removed:
	default:
		t.Error("the exit hooks did not run")
	}
	if !strings.Contains(stderr.String(), "oms: still running 1ms after a signal (hangup); exiting") {
		t.Errorf("stderr %q", stderr)
	}
	if w.signalled() != syscall.SIGHUP {
		t.Errorf("signalled() = %v", w.signalled())
	}
}

// A command that returns after the signal ends the watchdog; a second hang-up (shells pass
// theirs on) changes nothing.
func TestWatchdogStandsDownWhenTheCommandReturns(t *testing.T) {
	w, sigs, cancelled, exited, _ := newTestWatchdog(time.Hour)
	stoppedWatching := make(chan struct{})
	go func() { w.run(); close(stoppedWatching) }()
	sigs <- syscall.SIGHUP
	sigs <- syscall.SIGHUP
	<-cancelled
	close(w.done)
	<-stoppedWatching
	select {
	case code := <-exited:
		t.Fatalf("the watchdog exited %d after the command returned", code)
	default:
	}
	if w.signalled() != syscall.SIGHUP {
		t.Errorf("signalled() = %v", w.signalled())
	}
	// Without a signal it is nil.
	w, _, _, _, _ = newTestWatchdog(time.Hour)
	if w.signalled() != nil {
		t.Error("signalled() without a signal")
	}
}
