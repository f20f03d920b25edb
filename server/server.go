package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"

	"oms/db"
	"oms/keymaps"
	"oms/tui"
)

// Person is who a key belongs to, as the Directory knows them.
type Person struct {
	Login     string // their PostgreSQL role, and the SSH user name they must give
	Name      string
	Jobs      []string
	Warehouse string
	Active    bool // an inactive person may not log in, whatever key they hold
}

// Directory names the person a public key belongs to.
type Directory interface {
	// PersonByKey returns the person one of whose registered keys has this fingerprint
	// ("SHA256:…", as ssh-keygen -l shows it). When none has, the error is (or wraps)
	// ErrUnknownKey; any other error means the directory could not be asked.
	PersonByKey(ctx context.Context, fingerprint string) (Person, error)
}

// ErrUnknownKey is a Directory's answer for a key registered to no one.
var ErrUnknownKey = errors.New("the key is not registered to anyone")

// Config is what a Server needs. DB, Directory and HostKey are required; zero limits take the
// defaults below.
type Config struct {
	// DB is the pool. Its login must be a member of every person's role: each session runs as
	// DB.As(person's login).
	DB        *db.DB
	Directory Directory
	HostKey   gossh.Signer
	Keys      keymaps.KeyMap
	// Theme is the theme's name ("" the default); a session whose client sends NO_COLOR gets
	// the mono theme.
	Theme string
	// Logger receives a record per connection refused and per session start and end, and the
	// sessions' own records; nil discards them.
	Logger *slog.Logger

	IdleTimeout  time.Duration // a session with no key pressed this long is closed (15m)
	MaxSession   time.Duration // no session lasts longer (12h)
	MaxAuthTries int           // failed authentications per connection before it is dropped (6)
	// ConnsPerMinute is how many new connections one address may open a minute (10), in a
	// burst of as many; negative means no limit.
	ConnsPerMinute int
	// LoginGrace is how long a connection has to authenticate and start a session (30s).
	LoginGrace time.Duration
	// DrainTimeout is how long Serve waits, once its context ends, for sessions to close (5s).
	DrainTimeout time.Duration
	// Recheck is how often running sessions' people are looked up again: a session whose key
	// was removed, or whose person was disabled, is then closed (30s).
	Recheck time.Duration
}

// Defaults of Config's limits.
const (
	DefaultIdleTimeout    = 15 * time.Minute
	DefaultMaxSession     = 12 * time.Hour
	DefaultMaxAuthTries   = 6
	DefaultConnsPerMinute = 10
	DefaultLoginGrace     = 30 * time.Second
	DefaultDrainTimeout   = 5 * time.Second
	DefaultRecheck        = 30 * time.Second
	// maxSessionsPerConn bounds the sessions (each a TUI) one connection may hold open at once.
	maxSessionsPerConn = 4
	// lookupTimeout bounds one Directory lookup.
	lookupTimeout = 5 * time.Second
)

// Server serves the TUI over SSH. Make it with New; run it with Serve.
type Server struct {
	cfg         Config
	srv         *ssh.Server
	feed        *tui.Feed
	limiter     *rateLimiter // nil: no limit
	fingerprint string
	log         *slog.Logger
	// run is tui.Run; tests wrap it to see each session's configuration.
	run func(context.Context, tui.Config) error

	mu       sync.Mutex
	closing  bool
	sessions map[*live]struct{}
}

// live is one running session, as the drain and the recheck see it.
type live struct {
	login  string
	key    gossh.PublicKey
	cancel context.CancelCauseFunc
	done   chan struct{} // closed when the session's handler has finished
}

// Why a session was ended from the server's side; each is also the notice the person sees.
var (
	errShutdown   = errors.New("server shutting down")
	errIdle       = errors.New("closed: no key pressed for too long")
	errMaxSession = errors.New("closed: the session reached its time limit")
	errHangUp     = errors.New("the client closed the session")
	errRevoked    = errors.New("closed: your access was withdrawn")
)

// Context keys of what the server keeps per connection.
type ctxKey string

const (
	ctxVerifiedKey ctxKey = "oms-verified-key" // the key that signed (gossh.PublicKey)
	ctxGrace       ctxKey = "oms-grace-conn"   // *graceConn
	ctxSessions    ctxKey = "oms-sessions"     // *atomic.Int32: sessions open on the connection
)

// New checks cfg, fills in the defaults and builds the server.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.DB == nil:
		return nil, errors.New("server: no database")
	case cfg.Directory == nil:
		return nil, errors.New("server: no directory of people and keys")
	case cfg.HostKey == nil:
		return nil, errors.New("server: no host key")
	}
	setDefault(&cfg.IdleTimeout, DefaultIdleTimeout)
	setDefault(&cfg.MaxSession, DefaultMaxSession)
	setDefault(&cfg.MaxAuthTries, DefaultMaxAuthTries)
	setDefault(&cfg.ConnsPerMinute, DefaultConnsPerMinute)
	setDefault(&cfg.LoginGrace, DefaultLoginGrace)
	setDefault(&cfg.DrainTimeout, DefaultDrainTimeout)
	setDefault(&cfg.Recheck, DefaultRecheck)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, feed: tui.NewFeed(cfg.DB, tui.LiveEvery), log: cfg.Logger,
		fingerprint: Fingerprint(cfg.HostKey.PublicKey()), run: tui.Run, sessions: map[*live]struct{}{}}
	if cfg.ConnsPerMinute > 0 {
		s.limiter = newRateLimiter(cfg.ConnsPerMinute, cfg.ConnsPerMinute, time.Now)
	}
	srv, err := wish.NewServer(
		wish.WithVersion("oms"),
		func(srv *ssh.Server) error { srv.AddHostKey(cfg.HostKey); return nil },
		// Public keys only: with no password or keyboard-interactive handler, those methods are
		// not offered, and "none" is refused.
		wish.WithPublicKeyAuth(s.offered),
		// A backstop: the session's own limit closes it first, with a notice.
		wish.WithMaxTimeout(cfg.MaxSession+cfg.DrainTimeout+time.Minute),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
		func(srv *ssh.Server) error {
			srv.ConnCallback = s.accept
			srv.ServerConfigCallback = s.serverConfig
			srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
				s.log.Info("ssh connection failed", "addr", conn.RemoteAddr().String(), "err", err.Error())
			}
			return nil
		},
	)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	return s, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// HostKeyFingerprint is the host key's fingerprint, "SHA256:…", for people to check on first
// connecting.
func (s *Server) HostKeyFingerprint() string { return s.fingerprint }

// Serve accepts connections on l until ctx ends, then drains: every session is told "server
// shutting down" and closed (waiting at most DrainTimeout), the remaining connections are
// closed, and Serve returns nil. An error of the listener ends it early with that error.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(l) }()
	recheck := time.NewTicker(s.cfg.Recheck)
	defer recheck.Stop()
wait:
	for {
		select {
		case err := <-errc:
			return err
		case <-recheck.C:
			s.recheck(ctx)
		case <-ctx.Done():
			break wait
		}
	}
	s.log.Info("ssh server draining", "sessions", s.Sessions())
	// Closing the listener here, not through the ssh server, holds even if its Serve has not
	// started yet (the ssh server would forget a Shutdown that came first).
	_ = l.Close()
	s.drain()
	_ = s.srv.Close() // the connections left
	if err := <-errc; err != nil && !errors.Is(err, ssh.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		return err
	}
	s.log.Info("ssh server stopped")
	return nil
}

// drain ends every session with errShutdown and waits for them, at most DrainTimeout.
func (s *Server) drain() {
	s.mu.Lock()
	s.closing = true
	var done []chan struct{}
	for l := range s.sessions {
		l.cancel(errShutdown)
		done = append(done, l.done)
	}
	s.mu.Unlock()
	timer := time.NewTimer(s.cfg.DrainTimeout)
	defer timer.Stop()
	for _, d := range done {
		select {
		case <-d:
		case <-timer.C:
			s.log.Warn("ssh sessions still open after the drain timeout; closing their connections", "timeout", s.cfg.DrainTimeout)
			return
		}
	}
}

// recheck looks every running session's person up again and closes the sessions of those whose
// key is no longer theirs or who are no longer active (`oms staff disable` ends a person's own
// database sessions, but the server's are the pool's). A directory that cannot answer closes
// nothing: the next recheck asks again.
func (s *Server) recheck(ctx context.Context) {
	s.mu.Lock()
	byKey := map[string][]*live{}
	for l := range s.sessions {
		fp := Fingerprint(l.key)
		byKey[fp] = append(byKey[fp], l)
	}
	s.mu.Unlock()
	for fp, sessions := range byKey {
		p, err := s.lookup(ctx, sessions[0].key)
		if err != nil && !errors.Is(err, ErrUnknownKey) {
			s.log.Warn("ssh recheck failed", "key", fp, "err", err.Error())
			continue
		}
		for _, l := range sessions {
			if err != nil || !p.Active || p.Login != l.login {
				l.cancel(errRevoked)
			}
		}
	}
}

// Sessions is how many sessions are running.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// add registers a session; false once the server is draining.
func (s *Server) add(l *live) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.sessions[l] = struct{}{}
	return true
}

func (s *Server) remove(l *live) {
	s.mu.Lock()
	delete(s.sessions, l)
	s.mu.Unlock()
	close(l.done)
}

// accept is the first look at a connection: the address's rate limit, and the deadline to log
// in and start a session.
func (s *Server) accept(ctx ssh.Context, conn net.Conn) net.Conn {
	addr := conn.RemoteAddr().String()
	if s.limiter != nil && !s.limiter.allow(hostOf(conn.RemoteAddr())) {
		s.log.Warn("ssh connection refused", "addr", addr, "reason", "too many connections from this address")
		return nil
	}
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		return nil
	}
	g := newGraceConn(conn, time.Now().Add(s.cfg.LoginGrace))
	ctx.SetValue(ctxGrace, g)
	ctx.SetValue(ctxSessions, new(atomic.Int32))
	return g
}

func hostOf(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// serverConfig is x/crypto's configuration for one connection: the cap on authentication
// attempts, and the callback that sees the key that actually signed.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		MaxAuthTries: s.cfg.MaxAuthTries,
		VerifiedPublicKeyCallback: func(conn gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			if _, err := s.authorize(ctx, conn.User(), key, conn.RemoteAddr()); err != nil {
				return nil, err
			}
			ctx.SetValue(ctxVerifiedKey, key)
			return perms, nil
		},
	}
}

// offered answers a client asking whether a key would do: only if it belongs to an active
// person. It decides nothing: x/crypto may call it for keys the client never signs with, and
// the user name it would see is the connection's first, which a client may change.
// VerifiedPublicKeyCallback and the session handler decide.
func (s *Server) offered(ctx ssh.Context, key ssh.PublicKey) bool {
	p, err := s.lookup(ctx, key)
	switch {
	case errors.Is(err, ErrUnknownKey):
	case err != nil:
		err = fmt.Errorf("the directory of people could not be asked: %w", err)
	case !p.Active:
		err = errInactive
	}
	if err != nil {
		s.log.Info("ssh key not accepted", "addr", ctx.RemoteAddr().String(), "key", Fingerprint(key), "reason", err.Error())
		return false
	}
	return true
}

// Why a key is refused, for the log (the client only hears "permission denied").
var (
	errInactive  = errors.New("the key's owner is not an active staff member")
	errWrongUser = errors.New("the user name is not the key owner's login")
)

// authorize says whether key may log in as user: it must belong to an active person whose
// login is user.
func (s *Server) authorize(ctx context.Context, user string, key gossh.PublicKey, addr net.Addr) (Person, error) {
	p, err := s.lookup(ctx, key)
	switch {
	case errors.Is(err, ErrUnknownKey):
	case err != nil:
		err = fmt.Errorf("the directory of people could not be asked: %w", err)
	case !p.Active:
		err = errInactive
	case p.Login != user:
		err = errWrongUser
	}
	if err != nil {
		s.log.Warn("ssh login refused", "addr", addr.String(), "user", user, "key", Fingerprint(key), "reason", err.Error())
		return Person{}, err
	}
	return p, nil
}

func (s *Server) lookup(ctx context.Context, key gossh.PublicKey) (Person, error) {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	return s.cfg.Directory.PersonByKey(ctx, Fingerprint(key))
}

// graceConn holds a connection to a deadline until released: x/crypto's handshake and
// authentication, and opening a session, must finish by then. The ssh package sets a deadline
// on every read and write (the session's maximum length); until release, none later than the
// grace deadline is let through.
type graceConn struct {
	net.Conn
	mu    sync.Mutex
	until time.Time // zero once released
	asked time.Time // the deadline last asked for
}

func newGraceConn(c net.Conn, until time.Time) *graceConn {
	_ = c.SetDeadline(until)
	return &graceConn{Conn: c, until: until}
}

func (c *graceConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked = t
	if !c.until.IsZero() && (t.IsZero() || t.After(c.until)) {
		t = c.until
	}
	return c.Conn.SetDeadline(t)
}

// release lifts the grace deadline: a session has started.
func (c *graceConn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.until.IsZero() {
		return
	}
	c.until = time.Time{}
	_ = c.Conn.SetDeadline(c.asked)
}
