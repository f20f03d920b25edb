package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// BM9 (the README's Measured table): what an idle SSH session costs the server's memory. Both
// `oms bench ssh-idle` and the Go benchmark BenchmarkBM9IdleSessions measure it here.

// IdleTarget is BM9's bound: the resident memory one idle session may add, 1 MB (2^20 bytes).
const IdleTarget = 1 << 20

// IdleOptions say who the sessions log in as and how many to open.
type IdleOptions struct {
	// Login and Key are who every session logs in as: an active staff member whom the
	// server's Directory knows by Key's public key, and who may see the open-orders queue.
	Login string
	Key   gossh.Signer
	// Sessions is how many idle sessions to open and measure; default 200.
	Sessions int
	// Idle is how long the sessions idle, once all show the queue, before the second
	// measurement: several clock ticks and change-feed polls; default 3 s.
	Idle time.Duration
	// Wait bounds how long one session may take to show the queue; default 30 s. Reaching it
	// is that session's failure.
	Wait time.Duration
	// Progress, when set, hears what is going on: a stage and done/total (sessions while
	// opening, milliseconds while idling, 0/0 otherwise).
	Progress func(stage string, done, total int64)
}

func (o IdleOptions) withDefaults() IdleOptions {
	setDefault(&o.Sessions, 200)
	setDefault(&o.Idle, 3*time.Second)
	setDefault(&o.Wait, 30*time.Second)
	if o.Progress == nil {
		o.Progress = func(string, int64, int64) {}
	}
	return o
}

// IdleResult is one BM9 measurement. The per-session figures are the growth of the process
// from one open session to all of them, divided by the sessions that showed the queue.
type IdleResult struct {
	Sessions int `json:"sessions"` // sessions asked for
	Shown    int `json:"shown"`    // sessions that showed the queue and were still open after idling
	// HeapPerSession is the growth of the live heap after a full collection, in bytes.
	HeapPerSession float64 `json:"heap_bytes_per_session"`
	// RSSPerSession is the growth of the process's resident set, in bytes: what BM9 bounds.
	RSSPerSession        float64       `json:"rss_bytes_per_session"`
	GoroutinesPerSession float64       `json:"goroutines_per_session"`
	OpenPerSession       time.Duration `json:"open_ns_per_session"` // wall time to open them all, per session
	Target               float64       `json:"target_rss_bytes_per_session"`
	// Messages say which sessions failed and how (the first few).
	Messages []string `json:"messages,omitempty"`
}

// OK says whether BM9 holds: every session showed the queue and stayed open, and the resident
// memory per session is within IdleTarget.
func (r IdleResult) OK() bool {
	return r.Sessions > 0 && r.Shown == r.Sessions && len(r.Messages) == 0 && r.RSSPerSession <= IdleTarget
}

// Line is the text form of the result, as `oms bench` prints it:
//
//	ssh-idle sessions=200 heap=0.15MB/session rss=0.35MB/session goroutines=23/session target=1MB ok
func (r IdleResult) Line() string {
	verdict := "FAIL"
	if r.OK() {
		verdict = "ok"
	}
	const mb = 1 << 20
	return fmt.Sprintf("ssh-idle sessions=%d heap=%.2fMB/session rss=%.2fMB/session goroutines=%.0f/session target=%gMB %s",
		r.Sessions, r.HeapPerSession/mb, r.RSSPerSession/mb, r.GoroutinesPerSession, float64(IdleTarget)/mb, verdict)
}

// idleMarker is what a session shows once the queue has drawn its first order row: order
// numbers are SO- and seven digits, so any of the first million begins SO-0.
const idleMarker = "SO-0"

// MeasureIdleSessions is BM9: it serves cfg on 127.0.0.1, opens one session and then
// o.Sessions more at 80×24 with x/crypto/ssh clients in this process (twenty at a time), waits
// until each shows the queue with its first order, lets them idle, and measures the growth of
// the live heap (after a full collection), of the resident set and of the goroutines. The
// first session is not counted, so what all sessions share (the change feed, prepared
// statements, the pool's connections) is not counted as theirs. Clients and server share the
// process, so the figures include the clients' side of each connection: they are an upper
// bound on the server's cost. Sessions that fail are reported in the result, not as an error.
//
// cfg's DB must hold orders (the queue must show one) and its Directory must know o.Key; a nil
// HostKey is generated, and there is no limit on connections per address (every session comes
// from 127.0.0.1). The error is for what stops the measurement: the listener, the memory
// figures, or ctx.
func MeasureIdleSessions(ctx context.Context, cfg Config, o IdleOptions) (r IdleResult, err error) {
	o = o.withDefaults()
	r = IdleResult{Sessions: o.Sessions, Target: IdleTarget}
	if o.Login == "" || o.Key == nil {
		return r, errors.New("server: BM9 needs a login and a key to log in with")
	}
	if cfg.HostKey == nil {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return r, err
		}
		if cfg.HostKey, err = gossh.NewSignerFromKey(priv); err != nil {
			return r, err
		}
	}
	cfg.ConnsPerMinute = -1
	srv, err := New(cfg)
	if err != nil {
		return r, err
	}
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return r, err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, l) }()
	var sessions []*idleSession
	defer func() {
		for _, s := range sessions {
			s.close()
		}
		stop()
		if serr := <-served; serr != nil && err == nil {
			err = fmt.Errorf("serving the sessions: %w", serr)
		}
	}()

	addr := l.Addr().String()
	client := &gossh.ClientConfig{User: o.Login, Auth: []gossh.AuthMethod{gossh.PublicKeys(o.Key)},
		HostKeyCallback: gossh.FixedHostKey(cfg.HostKey.PublicKey())}
	o.Progress("ssh-idle: the first session", 0, 0)
	warm, err := openIdle(ctx, addr, client, o.Wait)
	if err != nil {
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		r.Messages = append(r.Messages, "the first session: "+err.Error())
		return r, nil
	}
	sessions = append(sessions, warm)
	// The baseline returns what is free to the OS first: whatever ran before (loading the demo
	// data, in oms bench) leaves freed pages that the runtime would hand back during the
	// measurement, and the growth would look smaller than it is, even negative.
	heap0, rss0, err := memory(true)
	if err != nil {
		return r, err
	}
	goroutines0 := runtime.NumGoroutine()

	opened := make([]*idleSession, o.Sessions)
	errs := make([]error, o.Sessions)
	const batch = 20 // what is measured is sessions, not a stampede
	start := time.Now()
	for from := 0; from < o.Sessions && ctx.Err() == nil; from += batch {
		o.Progress("ssh-idle: opening sessions", int64(from), int64(o.Sessions))
		var wg sync.WaitGroup
		for i := from; i < min(from+batch, o.Sessions); i++ {
			wg.Go(func() { opened[i], errs[i] = openIdle(ctx, addr, client, o.Wait) })
		}
		wg.Wait()
	}
	r.OpenPerSession = time.Since(start) / time.Duration(o.Sessions)
	o.Progress("ssh-idle: opening sessions", int64(o.Sessions), int64(o.Sessions))
	failed := 0
	for i, s := range opened {
		if s != nil {
			sessions = append(sessions, s)
		} else if ctx.Err() == nil {
			failed++
			r.note(fmt.Sprintf("session %d: %v", i+1, errs[i]))
		}
	}
	if ctx.Err() != nil {
		return r, ctx.Err()
	}

	// Idle: several clock ticks and change-feed polls pass on every screen.
	idle := time.NewTimer(o.Idle)
	ticker := time.NewTicker(100 * time.Millisecond)
	began := time.Now()
wait:
	for {
		select {
		case <-ctx.Done():
			idle.Stop()
			ticker.Stop()
			return r, ctx.Err()
		case <-ticker.C:
			o.Progress("ssh-idle: idling", time.Since(began).Milliseconds(), o.Idle.Milliseconds())
		case <-idle.C:
			break wait
		}
	}
	ticker.Stop()
	heap1, rss1, err := memory(false)
	if err != nil {
		return r, err
	}
	goroutines1 := runtime.NumGoroutine()

	ended := 0
	for i, s := range sessions {
		select {
		case <-s.done:
			if i == 0 {
				r.note("the first session ended while idle")
			} else {
				ended++
			}
		default:
		}
	}
	if ended > 0 {
		r.note(fmt.Sprintf("%d sessions ended while idle", ended))
	}
	if n := srv.Sessions(); n != len(sessions) {
		r.note(fmt.Sprintf("the server runs %d sessions; %d were opened", n, len(sessions)))
	}
	r.Shown = len(sessions) - 1 - ended
	if len(sessions) > 1 {
		n := float64(len(sessions) - 1)
		r.HeapPerSession = (float64(heap1) - float64(heap0)) / n
		r.RSSPerSession = (float64(rss1) - float64(rss0)) / n
		r.GoroutinesPerSession = float64(goroutines1-goroutines0) / n
	}
	if failed > 0 {
		r.Messages = append([]string{fmt.Sprintf("%d of %d sessions did not show the queue", failed, o.Sessions)}, r.Messages...)
	}
	return r, nil
}

// note keeps the first few messages.
func (r *IdleResult) note(msg string) {
	const most = 5
	if len(r.Messages) < most {
		r.Messages = append(r.Messages, msg)
	}
}

// idleSession is one client showing the queue and reading, and discarding, what the server
// sends (the clock ticks) so nothing piles up on either side.
type idleSession struct {
	client *gossh.Client
	done   chan struct{} // closed when the session's output ends
}

// openIdle logs in, asks for an 80×24 pty and a shell, and reads until the queue shows its
// first order; it gives up after wait.
func openIdle(ctx context.Context, addr string, cfg *gossh.ClientConfig, wait time.Duration) (*idleSession, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	// Whatever blocks (the handshake, a read) ends when ctx does.
	unwatch := context.AfterFunc(ctx, func() { conn.Close() })
	var seen bytes.Buffer
	fail := func(err error) (*idleSession, error) {
		unwatch()
		conn.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("the queue did not show within %s (%w)", wait, err)
		}
		if seen.Len() > 0 {
			err = fmt.Errorf("%w; the session showed: %q", err, tail(ansi.Strip(seen.String()), 300))
		}
		return nil, err
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, cfg)
	if err != nil {
		return fail(err)
	}
	client := gossh.NewClient(c, chans, reqs)
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
	buf := make([]byte, 4096)
	for !bytes.Contains(seen.Bytes(), []byte(idleMarker)) {
		n, err := out.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			return fail(fmt.Errorf("the session ended before showing the queue: %w", err))
		}
	}
	if !unwatch() { // ctx ended as the queue showed, and closed the connection
		return fail(ctx.Err())
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

// tail is the last n bytes of s or a little less, from the start of a character.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return "…" + s[i:]
}

// memory is the live heap after a full collection, and the resident set size (Linux); release
// returns the free pages to the OS first.
func memory(release bool) (heap, rss uint64, err error) {
	runtime.GC()
	runtime.GC()
	if release {
		debug.FreeOSMemory()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0, fmt.Errorf("reading the resident set size (BM9 needs Linux's /proc): %w", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, 0, fmt.Errorf("reading the resident set size: %q: %w", line, err)
			}
			return m.HeapAlloc, kb << 10, nil
		}
	}
	return 0, 0, errors.New("reading the resident set size: no VmRSS in /proc/self/status")
}
