package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"oms/themes"
	"oms/tui"
)

// handle runs one SSH session: it confirms who is there from the key that signed, insists on a
// pty, and runs the TUI as that person until they quit, hang up, idle too long, reach the
// session's limit or the server drains.
func (s *Server) handle(sess ssh.Session) {
	ctx := sess.Context()
	addr := sess.RemoteAddr().String()

	// CVE-2024-45337: the key the public-key callback saw last need not be the one that signed.
	// The person comes from the key x/crypto verified, which must also be the one accepted, and
	// is looked up again: they may have been disabled since.
	verified, _ := ctx.Value(ctxVerifiedKey).(gossh.PublicKey)
	accepted := sess.PublicKey()
	if verified == nil || accepted == nil || !ssh.KeysEqual(verified, accepted) {
		s.log.Warn("ssh session refused", "addr", addr, "user", sess.User(), "reason", "the key that signed is not the key accepted")
		refuse(sess, "permission denied")
		return
	}
	person, err := s.authorize(ctx, sess.User(), verified, sess.RemoteAddr())
	if err != nil {
		refuse(sess, "permission denied")
		return
	}
	if n, _ := ctx.Value(ctxSessions).(*atomic.Int32); n != nil {
		if n.Add(1) > maxSessionsPerConn {
			n.Add(-1)
			refuse(sess, fmt.Sprintf("at most %d sessions per connection", maxSessionsPerConn))
			return
		}
		defer n.Add(-1)
	}
	if sess.RawCommand() != "" || sess.Subsystem() != "" {
		refuse(sess, "no commands here: connect without one (ssh -t -p PORT LOGIN@HOST) to use the screens")
		return
	}
	pty, winch, ok := sess.Pty()
	if !ok {
		refuse(sess, "the screens need a terminal: connect with ssh -t, not -T")
		return
	}

	id := newSessionID()
	log := s.log.With("login", person.Login, "addr", addr, "ssh_session", id)
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	l := &live{login: person.Login, key: verified, cancel: cancel, done: make(chan struct{})}
	if !s.add(l) {
		refuse(sess, errShutdown.Error())
		return
	}
	defer s.remove(l)
	if g, ok := ctx.Value(ctxGrace).(*graceConn); ok {
		g.release()
	}

	idle := time.AfterFunc(s.cfg.IdleTimeout, func() { cancel(errIdle) })
	defer idle.Stop()
	limit := time.AfterFunc(s.cfg.MaxSession, func() { cancel(errMaxSession) })
	defer limit.Stop()
	in := &input{r: sess, idle: idle, every: s.cfg.IdleTimeout, hangUp: func() { cancel(errHangUp) }}

	sizes := make(chan tea.WindowSizeMsg, 1)
	go followWindow(winch, sizes)

	env := sessionEnv(sess.Environ(), pty.Term)
	theme, err := themes.Resolve(s.cfg.Theme, env)
	if err != nil { // the name was checked at start; only a bug gets here
		refuse(sess, err.Error())
		return
	}
	started := time.Now()
	log.Info("ssh session start", "name", person.Name, "jobs", person.Jobs, "term", pty.Term,
		"width", pty.Window.Width, "height", pty.Window.Height)
	err = s.run(sctx, tui.Config{
		DB:     s.cfg.DB.As(person.Login, "oms-ssh:"+id),
		Keys:   s.cfg.Keys,
		Theme:  theme,
		In:     in,
		Out:    sess,
		Env:    env,
		Logger: log,
		Poller: s.feed.Poll,
		Sizes:  sizes,
		TTY:    true,
	})

	reason, notice, code := "quit", "", 0
	cause := context.Cause(sctx)
	switch {
	case errors.Is(cause, errShutdown):
		reason, notice = "shutdown", errShutdown.Error()
	case errors.Is(cause, errIdle):
		reason, notice = "idle", fmt.Sprintf("closed after %s without a key pressed", s.cfg.IdleTimeout)
	case errors.Is(cause, errRevoked):
		reason, notice = "revoked", errRevoked.Error()
	case errors.Is(cause, errMaxSession):
		reason, notice = "max-session", fmt.Sprintf("closed: sessions last at most %s", s.cfg.MaxSession)
	case cause != nil:
		reason = "hang-up"
	case err != nil:
		reason, notice, code = "error", err.Error(), 1
	}
	attrs := []any{"reason", reason, "duration", time.Since(started).Round(time.Millisecond)}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	log.Info("ssh session end", attrs...)
	if notice != "" {
		_, _ = fmt.Fprintf(sess, "\noms: %s\n", notice)
	}
	_ = sess.Exit(code)
}

// refuse tells the client why, on standard error, and ends the session with status 1.
func refuse(sess ssh.Session, why string) {
	_, _ = fmt.Fprintf(sess.Stderr(), "oms: %s\n", why)
	_ = sess.Exit(1)
}

// followWindow passes the pty's sizes on, keeping only the newest one not yet taken. It never
// blocks, since it runs on the session's request loop's behalf (a full channel would stall
// it), and it ends when the session's requests end.
func followWindow(winch <-chan ssh.Window, sizes chan tea.WindowSizeMsg) {
	for w := range winch {
		select {
		case <-sizes: // an older size nobody took: only the newest matters
		default:
		}
		sizes <- tea.WindowSizeMsg{Width: w.Width, Height: w.Height} // the only sender: room is left
	}
}

// input is the session's keyboard: each read restarts the idle timer, and the end of input
// (the client closed the session) ends the session.
type input struct {
	r      io.Reader
	idle   *time.Timer
	every  time.Duration
	hangUp func()
}

func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	if n > 0 {
		in.idle.Reset(in.every)
	}
	if err != nil {
		in.hangUp()
	}
	return n, err
}

// sessionEnv is the environment the client sent (colours: COLORTERM, NO_COLOR, …), with TERM
// from the pty request. The server's own environment is never consulted.
func sessionEnv(environ []string, term string) func(string) string {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	env["TERM"] = term
	return func(k string) string { return env[k] }
}

func newSessionID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
