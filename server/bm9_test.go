package server

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"oms/db/dbtest"
	"oms/keymaps"
	"oms/tui/tuitest"
)

var bm9Sessions = flag.Int("bm9.sessions", 200, "BM9: idle SSH sessions to open")

// BenchmarkBM9IdleSessions is BM9 of reference/performance.md (≤ 1 MB per idle SSH session):
// it serves the demo business, opens -bm9.sessions sessions (200) at 80×24 with x/crypto/ssh
// clients, waits until every one shows the queue with its first order, lets them idle, and
// reports the growth of the live heap (after GC) and of the process's resident memory per
// session. Clients and server share the process, so the figures include the clients' side of
// each connection: they are an upper bound on the server's cost. Run it alone:
//
//	go test ./server/ -run '^$' -bench BM9 -benchtime 1x
func BenchmarkBM9IdleSessions(b *testing.B) {
	owner := tuitest.DemoDB(b)
	login, _ := dbtest.NewLogin(b, owner, dbtest.Staff{Name: "Idle Ida", Jobs: []string{"supervisor"}})
	signer := newSigner(b)
	dir := &directory{}
	dir.add(signer.PublicKey(), Person{Login: login, Name: "Idle Ida", Jobs: []string{"supervisor"}, Active: true})
	host := newSigner(b)
	srv, err := New(Config{DB: owner, Directory: dir, HostKey: host, Keys: keymaps.Default(), ConnsPerMinute: -1,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, l) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			b.Error(err)
		}
	}()
	cfg := &gossh.ClientConfig{User: login, Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.FixedHostKey(host.PublicKey()), Timeout: waitLimit}

	for b.Loop() {
		// One session first, so what every session shares (the feed, prepared statements,
		// the pool's connections) is not counted as the sessions' own.
		warm, err := openIdle(l.Addr().String(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		heap0, rss0 := memory(b)
		sessions := make([]*idleSession, *bm9Sessions)
		errs := make([]error, *bm9Sessions)
		var wg sync.WaitGroup
		start := time.Now()
		for i := range sessions {
			wg.Go(func() { sessions[i], errs[i] = openIdle(l.Addr().String(), cfg) })
			if i%20 == 19 {
				wg.Wait() // twenty at a time: what is measured is sessions, not a stampede
			}
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			b.Fatal(err)
		}
		opened := time.Since(start)
		// Idle: several clock ticks and change-feed polls pass on every screen.
		idle := time.NewTimer(3 * time.Second)
		<-idle.C
		heap1, rss1 := memory(b)
		if n := srv.Sessions(); n != *bm9Sessions+1 {
			b.Fatalf("%d sessions running; want %d", n, *bm9Sessions+1)
		}
		n := float64(*bm9Sessions)
		b.ReportMetric(float64(heap1-heap0)/n/(1<<20), "heap-MB/session")
		b.ReportMetric(float64(rss1-rss0)/n/(1<<20), "rss-MB/session")
		b.ReportMetric(float64(runtime.NumGoroutine())/(n+1), "goroutines/session")
		b.ReportMetric(opened.Seconds()/n*1000, "ms-to-open/session")
		for _, s := range append(sessions, warm) {
			s.close()
		}
	}
}

// idleSession is one client showing the queue and reading, and discarding, what the server
// sends (the clock ticks) so nothing piles up on either side.
type idleSession struct {
	client *gossh.Client
	done   chan struct{}
}

func openIdle(addr string, cfg *gossh.ClientConfig) (*idleSession, error) {
	client, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*idleSession, error) {
		client.Close()
		return nil, err
	}
	sess, err := client.NewSession()
	if err != nil {
		return fail(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		return fail(err)
	}
	if _, err := sess.StdinPipe(); err != nil {
		return fail(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	if err := sess.Shell(); err != nil {
		return fail(err)
	}
	// Until the first order row of the queue shows; then discard.
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	deadline := time.AfterFunc(waitLimit, func() { client.Close() })
	defer deadline.Stop()
	for !bytes.Contains(seen.Bytes(), []byte("SO-0")) {
		n, err := out.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			return fail(fmt.Errorf("the session ended before showing the queue: %w\n%q", err, seen.String()))
		}
	}
	s := &idleSession{client: client, done: make(chan struct{})}
	go func() {
		_, _ = io.Copy(io.Discard, out)
		close(s.done)
	}()
	return s, nil
}

func (s *idleSession) close() {
	s.client.Close()
	<-s.done
}

// memory is the live heap after a full collection, and the resident set size.
func memory(b *testing.B) (heap, rss uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			rss = kb << 10
		}
	}
	return m.HeapAlloc, rss
}
