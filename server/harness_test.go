package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"oms/db"
	"oms/db/dbtest"
	"oms/keymaps"
	"oms/tui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// waitLimit bounds how long a test waits for something the server must do; reaching it is a
// failure, never a way to let time pass.
const waitLimit = 30 * time.Second

// directory is a Directory in memory: the server's contract is the interface, not a table.
type directory struct {
	mu      sync.Mutex
	byKey   map[string]Person
	lookups int
}

func (d *directory) PersonByKey(_ context.Context, fingerprint string) (Person, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	p, ok := d.byKey[fingerprint]
	if !ok {
		return Person{}, fmt.Errorf("%w: %s", ErrUnknownKey, fingerprint)
	}
	return p, nil
}

func (d *directory) add(key gossh.PublicKey, p Person) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byKey == nil {
		d.byKey = map[string]Person{}
	}
	d.byKey[Fingerprint(key)] = p
}

func (d *directory) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lookups
}

// person is a staff member made as `oms staff add` makes one (a login role in their job's
// group, granted to oms_server), with a key of their own in the directory.
type person struct {
	Person
	signer gossh.Signer
}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// addPerson adds a staff member with one job and registers a new key for them in dir; an
// inactive one is only inactive in dir.
func addPerson(t testing.TB, owner *db.DB, dir *directory, name, job string, active bool) person {
	t.Helper()
	login, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Name: name, Jobs: []string{job}})
	p := person{Person: Person{Login: login, Name: name, Jobs: []string{job}, Active: active}, signer: newSigner(t)}
	dir.add(p.signer.PublicKey(), p.Person)
	return p
}

// harness is a server on 127.0.0.1 over a fresh database, its pool logged in as a member of
// oms_server (as `oms serve` must be), and what it logged.
type harness struct {
	owner, pool *db.DB
	dir         *directory
	srv         *Server
	addr        string
	hostKey     gossh.PublicKey
	log         *lockedBuffer
	stop        context.CancelFunc
	served      chan error

	mu      sync.Mutex
	configs []tui.Config // what each session ran the TUI with
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newHarness makes the database; start starts the server with cfg's limits.
func newHarness(t *testing.T) *harness {
	t.Helper()
	owner := dbtest.New(t)
	_, poolURL := dbtest.ServerLogin(t, owner)
	return &harness{owner: owner, pool: dbtest.Open(t, poolURL), dir: &directory{}, log: &lockedBuffer{}}
}

func (h *harness) start(t *testing.T, cfg Config) {
	t.Helper()
	host := newSigner(t)
	h.hostKey = host.PublicKey()
	cfg.DB, cfg.Directory, cfg.HostKey, cfg.Keys = h.pool, h.dir, host, keymaps.Default()
	cfg.Logger = slog.New(slog.NewJSONHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.ConnsPerMinute == 0 {
		cfg.ConnsPerMinute = -1 // tests connect often from one address; TestRateLimit sets one
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.run = func(ctx context.Context, c tui.Config) error {
		h.mu.Lock()
		h.configs = append(h.configs, c)
		h.mu.Unlock()
		return tui.Run(ctx, c)
	}
	h.srv = srv
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = l.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	h.served = make(chan error, 1)
	go func() { h.served <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-h.served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

func (h *harness) sessionConfigs() []tui.Config {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]tui.Config(nil), h.configs...)
}

// dial connects as user with the given ways to authenticate.
func (h *harness) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", h.addr, &gossh.ClientConfig{User: user, Auth: auth,
		HostKeyCallback: gossh.FixedHostKey(h.hostKey), Timeout: waitLimit})
}

// terminal is one session with a pty, as a person at a handheld sees it.
type terminal struct {
	t       *testing.T
	client  *gossh.Client
	sess    *gossh.Session
	stdin   io.Writer
	mu      sync.Mutex
	raw     strings.Builder
	update  chan struct{} // a token whenever output arrived
	ended   chan struct{} // closed when the output ended
	exitErr error         // the session's end, once ended is closed
}

// open logs in as p and starts a session with a w×h pty.
func (h *harness) open(t *testing.T, p person, w, h2 int, env map[string]string) *terminal {
	t.Helper()
	client, err := h.dial(p.Login, gossh.PublicKeys(p.signer))
	if err != nil {
		t.Fatalf("logging in as %s: %v", p.Login, err)
	}
	t.Cleanup(func() { client.Close() })
	return startTerminal(t, client, w, h2, env, true)
}

func startTerminal(t *testing.T, client *gossh.Client, w, h int, env map[string]string, pty bool) *terminal {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if pty {
		if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := sess.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, client: client, sess: sess, stdin: stdin,
		update: make(chan struct{}, 1), ended: make(chan struct{})}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	var readers sync.WaitGroup
	for _, r := range []io.Reader{stdout, stderr} {
		readers.Go(func() {
			buf := make([]byte, 32<<10)
			for {
				n, err := r.Read(buf)
				if n > 0 {
					term.mu.Lock()
					term.raw.Write(buf[:n])
					term.mu.Unlock()
					select {
					case term.update <- struct{}{}:
					default:
					}
				}
				if err != nil {
					return
				}
			}
		})
	}
	go func() {
		readers.Wait()
		term.exitErr = sess.Wait()
		close(term.ended)
	}()
	return term
}

// output is everything the session wrote so far; text is it without escape sequences.
func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.raw.String()
}

func (term *terminal) mark() int { return len(term.output()) }

// waitFor waits until the text written since mark matches re, and fails the test if the
// session ends first or nothing matches within waitLimit.
func (term *terminal) waitFor(mark int, re *regexp.Regexp) {
	term.t.Helper()
	limit := time.NewTimer(waitLimit)
	defer limit.Stop()
	for {
		if re.MatchString(ansi.Strip(term.output()[mark:])) {
			return
		}
		select {
		case <-term.update:
		case <-term.ended:
			if re.MatchString(ansi.Strip(term.output()[mark:])) {
				return
			}
			term.t.Fatalf("the session ended (%v) without showing %v; it showed:\n%s", term.exitErr, re, ansi.Strip(term.output()[mark:]))
		case <-limit.C:
			term.t.Fatalf("%v not shown within %s; the session showed:\n%s", re, waitLimit, ansi.Strip(term.output()[mark:]))
		}
	}
}

func (term *terminal) waitForText(mark int, text string) {
	term.t.Helper()
	term.waitFor(mark, regexp.MustCompile(regexp.QuoteMeta(text)))
}

func (term *terminal) send(keys string) {
	term.t.Helper()
	if _, err := io.WriteString(term.stdin, keys); err != nil {
		term.t.Fatal(err)
	}
}

// waitEnd waits for the session to end and returns how it ended.
func (term *terminal) waitEnd() error {
	term.t.Helper()
	select {
	case <-term.ended:
		return term.exitErr
	case <-time.After(waitLimit):
		term.t.Fatalf("the session did not end within %s; it showed:\n%s", waitLimit, ansi.Strip(term.output()))
		return nil
	}
}

// exitStatus is the status the session ended with (-1 when it ended without one).
func exitStatus(err error) int {
	var exit *gossh.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitStatus()
	}
	return -1
}
