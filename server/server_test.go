package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// compactHeader is the header below 60 columns: the screen's name, then the clock and the live
// dot, without the person's name (at 80 columns "· " comes before the clock).
var compactHeader = regexp.MustCompile(`[a-z] +\d\d:\d\d:\d\d ●`)

// TestRegisteredKeyGetsTheTUIAsThatPerson: a registered key logs in as its owner, who sees their
// first screen with their name in the header, in colour, at the pty's size and at every new
// size; keys reach the screens; quitting ends the session with status 0; the session's database
// handle runs as the person, names the session, and is who the audit trail names (oms_actor());
// and the log says who came from where and why they left.
func TestRegisteredKeyGetsTheTUIAsThatPerson(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	h.start(t, Config{})

	term := h.open(t, anna, 80, 24, nil)
	term.waitForText(0, "Anna Jansen (picker)")
	if out := term.output(); !strings.Contains(out, "\x1b[38;5;") {
		t.Errorf("TERM=xterm-256color, yet no 256-colour sequence was sent:\n%q", out[:min(len(out), 400)])
	}
	m := term.mark()
	term.send("?")
	term.waitForText(m, "ctrl+c/ctrl+q  quit") // the help page lists the global keys

	// 40×16: the compact header, with the clock and no name.
	m = term.mark()
	if _, err := term.sess.SendRequest("window-change", false, gossh.Marshal(struct{ W, H, PW, PH uint32 }{40, 16, 0, 0})); err != nil {
		t.Fatal(err)
	}
	term.waitFor(m, compactHeader)

	configs := h.sessionConfigs()
	if len(configs) != 1 {
		t.Fatalf("%d sessions ran the TUI; want 1", len(configs))
	}
	c := configs[0]
	var who struct {
		User   string `db:"usr"`
		App    string `db:"app"`
		Person string `db:"person"`
	}
	err := c.DB.GetContext(context.Background(), &who, `SELECT current_user::text AS usr,
		current_setting('application_name') AS app, oms_actor() AS person`)
	if err != nil || who.User != anna.Login || who.Person != anna.Login || !strings.HasPrefix(who.App, "oms-ssh:") {
		t.Errorf("the session's database handle runs as %+v (%v); want %s, oms-ssh:…", who, err, anna.Login)
	}
	if c.Env("TERM") != "xterm-256color" || !c.TTY || c.Sizes == nil || c.Poller == nil {
		t.Errorf("the session's TUI config: TERM %q, TTY %v, sizes %v, poller %v", c.Env("TERM"), c.TTY, c.Sizes != nil, c.Poller != nil)
	}

	term.send("\x03") // ctrl+c: quit
	if err := term.waitEnd(); exitStatus(err) != 0 {
		t.Fatalf("quitting ended the session with %v; want status 0", err)
	}
	id := strings.TrimPrefix(who.App, "oms-ssh:")
	logged := h.log.String()
	for _, want := range []string{`"msg":"ssh session start"`, `"msg":"ssh session end"`, `"reason":"quit"`,
		`"login":"` + anna.Login + `"`, `"ssh_session":"` + id + `"`, `"addr":"127.0.0.1:`, `"duration":`} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %s:\n%s", want, logged)
		}
	}
}

// TestRefusals: an unknown key, an inactive person, a user name that is not the key owner's
// login, a password and keyboard-interactive are all refused before any screen runs.
func TestRefusals(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	gone := addPerson(t, h.owner, h.dir, "Bram Vos", "packer", false)
	bob := addPerson(t, h.owner, h.dir, "Bob Smit", "packer", true)
	h.start(t, Config{})
	stranger := newSigner(t)

	for _, c := range []struct {
		name string
		user string
		auth gossh.AuthMethod
	}{
		{"unknown key", anna.Login, gossh.PublicKeys(stranger)},
		{"unknown key, no such user", "nobody", gossh.PublicKeys(stranger)},
		{"inactive person", gone.Login, gossh.PublicKeys(gone.signer)},
		{"another person's login", anna.Login, gossh.PublicKeys(bob.signer)},
		{"a login that is no one's", "postgres", gossh.PublicKeys(anna.signer)},
		{"password", anna.Login, gossh.Password("anything")},
		{"keyboard-interactive", anna.Login, gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return []string{"anything"}, nil })},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, err := h.dial(c.user, c.auth)
			if err == nil {
				client.Close()
				t.Fatal("logged in")
			}
			if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Errorf("refused with %v; want an authentication failure", err)
			}
		})
	}
	if n := len(h.sessionConfigs()); n != 0 {
		t.Errorf("%d sessions ran the TUI", n)
	}
	for _, want := range []string{ErrUnknownKey.Error(), errInactive.Error(), errWrongUser.Error()} {
		if !strings.Contains(h.log.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, h.log.String())
		}
	}
}

// badSigner offers someone else's public key and signs with its own private key: what a client
// that holds one key and names another can do.
type badSigner struct {
	pub    gossh.PublicKey
	signer gossh.Signer
}

func (b badSigner) PublicKey() gossh.PublicKey { return b.pub }
func (b badSigner) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return b.signer.Sign(r, data)
}

// TestOfferingAKeyIsNotHoldingIt: a client offers Anna's key, which the server finds acceptable,
// and signs with Bob's: it gets in as no one, whatever user name it gives.
func TestOfferingAKeyIsNotHoldingIt(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	bob := addPerson(t, h.owner, h.dir, "Bob Smit", "packer", true)
	h.start(t, Config{})
	offerAnnaSignAsBob := gossh.PublicKeys(badSigner{pub: anna.signer.PublicKey(), signer: bob.signer}, bob.signer)
	for _, user := range []string{anna.Login, bob.Login} {
		if client, err := h.dial(user, offerAnnaSignAsBob); err == nil {
			client.Close()
			t.Errorf("logged in as %s by offering Anna's key and signing with Bob's", user)
		}
	}
	if n := len(h.sessionConfigs()); n != 0 {
		t.Errorf("%d sessions ran the TUI", n)
	}
}

// fakeContext and fakeSession are what the session handler sees of a connection, so that a
// test can give it what a client cannot make x/crypto produce: an accepted key that is not the
// verified one. Anything else the handler asked of them would panic (the embedded interfaces
// are nil).
type fakeContext struct {
	ssh.Context
	values map[any]any
}

func (c *fakeContext) Value(k any) any             { return c.values[k] }
func (c *fakeContext) SetValue(k, v any)           { c.values[k] = v }
func (c *fakeContext) Done() <-chan struct{}       { return nil }
func (c *fakeContext) Err() error                  { return nil }
func (c *fakeContext) Deadline() (time.Time, bool) { return time.Time{}, false }

type fakeSession struct {
	ssh.Session
	ctx      *fakeContext
	user     string
	accepted ssh.PublicKey
	stderr   bytes.Buffer
	status   int
}

func (f *fakeSession) Context() ssh.Context     { return f.ctx }
func (f *fakeSession) User() string             { return f.user }
func (f *fakeSession) PublicKey() ssh.PublicKey { return f.accepted }
func (f *fakeSession) RemoteAddr() net.Addr     { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
func (f *fakeSession) Stderr() io.ReadWriter    { return &f.stderr }
func (f *fakeSession) Exit(code int) error      { f.status = code; return nil }
func (f *fakeSession) RawCommand() string       { return "" }
func (f *fakeSession) Subsystem() string        { return "" }
func (f *fakeSession) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	return ssh.Pty{}, nil, false
}

// TestTheSessionIsThePersonWhoseKeySigned (CVE-2024-45337): the session handler takes the
// person from the key x/crypto verified, insists that it is the key the public-key callback
// accepted, and checks the person again: a mismatch, a missing verification, another login or
// a person disabled since logging in are all refused before anything runs.
func TestTheSessionIsThePersonWhoseKeySigned(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	bob := addPerson(t, h.owner, h.dir, "Bob Smit", "packer", true)
	h.start(t, Config{})
	annaKey, bobKey := anna.signer.PublicKey(), bob.signer.PublicKey()

	run := func(user string, accepted, verified gossh.PublicKey) *fakeSession {
		ctx := &fakeContext{values: map[any]any{}}
		if verified != nil {
			ctx.SetValue(ctxVerifiedKey, verified)
		}
		f := &fakeSession{ctx: ctx, user: user, accepted: accepted}
		h.srv.handle(f)
		return f
	}
	for _, c := range []struct {
		name               string
		user               string
		accepted, verified gossh.PublicKey
	}{
		{"Anna's key accepted, Bob's verified, as Anna", anna.Login, annaKey, bobKey},
		{"Anna's key accepted, Bob's verified, as Bob", bob.Login, annaKey, bobKey},
		{"Anna's key accepted, none verified", anna.Login, annaKey, nil},
		{"Anna's key, as Bob", bob.Login, annaKey, annaKey},
	} {
		f := run(c.user, c.accepted, c.verified)
		if f.status != 1 || !strings.Contains(f.stderr.String(), "permission denied") {
			t.Errorf("%s: status %d, %q; want refused", c.name, f.status, f.stderr.String())
		}
	}
	// Anna herself passes who-she-is and is stopped only for want of a pty (the fake has none)…
	if f := run(anna.Login, annaKey, annaKey); !strings.Contains(f.stderr.String(), "need a terminal") {
		t.Errorf("Anna with her own key: %q; want past the identity checks", f.stderr.String())
	}
	// …until she is disabled.
	anna.Active = false
	h.dir.add(annaKey, anna.Person)
	if f := run(anna.Login, annaKey, annaKey); !strings.Contains(f.stderr.String(), "permission denied") {
		t.Errorf("Anna disabled since logging in: %q; want refused", f.stderr.String())
	}
	if n := len(h.sessionConfigs()); n != 0 {
		t.Errorf("%d sessions ran the TUI", n)
	}
}

// TestAuthenticationAttemptsAreCapped: a client with twenty unregistered keys is disconnected
// long before it has tried them all.
func TestAuthenticationAttemptsAreCapped(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	h.start(t, Config{MaxAuthTries: 3})
	var keys []gossh.Signer
	for range 20 {
		keys = append(keys, newSigner(t))
	}
	before := h.dir.count()
	_, err := h.dial(anna.Login, gossh.PublicKeys(keys...))
	if err == nil || !strings.Contains(err.Error(), "too many authentication failures") {
		t.Fatalf("twenty unknown keys: %v; want too many authentication failures", err)
	}
	if n := h.dir.count() - before; n >= 20 {
		t.Errorf("%d keys were looked up; the cap should stop the client well before 20", n)
	}
}

// TestSessionsNeedAPtyAndRunNoCommands: without a pty, or with a command, the person is told
// why and the session ends with status 1.
func TestSessionsNeedAPtyAndRunNoCommands(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	h.start(t, Config{})
	client, err := h.dial(anna.Login, gossh.PublicKeys(anna.signer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })

	term := startTerminal(t, client, 80, 24, nil, false)
	err = term.waitEnd()
	if exitStatus(err) != 1 || !strings.Contains(term.output(), "oms: the screens need a terminal") {
		t.Errorf("no pty: ended with %v after %q; want status 1 and why", err, term.output())
	}

	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.CombinedOutput("psql")
	if exitStatus(err) != 1 || !strings.Contains(string(out), "oms: no commands here") {
		t.Errorf("a command: ended with %v after %q; want status 1 and why", err, out)
	}
	if n := len(h.sessionConfigs()); n != 0 {
		t.Errorf("%d sessions ran the TUI", n)
	}
}

// TestShutdownTellsEverySessionAndCloses: when Serve's context ends (SIGTERM in oms serve),
// each session is told the server is shutting down and closed, and Serve returns nil.
func TestShutdownTellsEverySessionAndCloses(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	bob := addPerson(t, h.owner, h.dir, "Bob Smit", "packer", true)
	h.start(t, Config{})
	terms := []*terminal{h.open(t, anna, 80, 24, nil), h.open(t, bob, 40, 16, nil)}
	terms[0].waitForText(0, "Anna Jansen (picker)")
	terms[1].waitFor(0, compactHeader)
	if n := h.srv.Sessions(); n != 2 {
		t.Fatalf("%d sessions running; want 2", n)
	}

	marks := []int{terms[0].mark(), terms[1].mark()}
	h.stop()
	for i, term := range terms {
		term.waitForText(marks[i], "oms: server shutting down")
		term.waitEnd()
	}
	select {
	case err := <-h.served:
		h.served <- err // for the cleanup
		if err != nil {
			t.Fatalf("Serve after the drain: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("Serve did not return within %s of its sessions ending", waitLimit)
	}
	if _, err := h.dial(anna.Login, gossh.PublicKeys(anna.signer)); err == nil {
		t.Error("a new connection was accepted after the drain")
	}
	if !strings.Contains(h.log.String(), `"reason":"shutdown"`) {
		t.Errorf("the log does not say the sessions ended for the shutdown:\n%s", h.log.String())
	}
}

// TestIdleAndLongSessionsAreClosed: a session where no key is pressed for the idle timeout,
// and one that reaches the maximum length, are closed with a notice.
func TestIdleAndLongSessionsAreClosed(t *testing.T) {
	for _, c := range []struct {
		name   string
		cfg    Config
		notice string
		reason string
	}{
		{"idle", Config{IdleTimeout: 300 * time.Millisecond}, "without a key pressed", "idle"},
		{"max session", Config{MaxSession: 300 * time.Millisecond}, "sessions last at most", "max-session"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
			h.start(t, c.cfg)
			term := h.open(t, anna, 80, 24, nil)
			term.waitForText(0, c.notice)
			if err := term.waitEnd(); exitStatus(err) != 0 {
				t.Errorf("ended with %v", err)
			}
			if !strings.Contains(h.log.String(), `"reason":"`+c.reason+`"`) {
				t.Errorf("the log does not give the reason %s:\n%s", c.reason, h.log.String())
			}
		})
	}
}

// TestNoColorFromTheClient: a client that sends NO_COLOR gets no colour, whatever its TERM.
func TestNoColorFromTheClient(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	h.start(t, Config{})
	term := h.open(t, anna, 80, 24, map[string]string{"NO_COLOR": "1"})
	term.waitForText(0, "Anna Jansen (picker)")
	if out := term.output(); strings.Contains(out, "\x1b[38;") || strings.Contains(out, "\x1b[48;") {
		t.Errorf("NO_COLOR, yet colours were sent")
	}
}

// TestASessionsWritesNameThePersonAndTheTerminal: what a session writes is stamped by the
// database with the person (oms_actor()) and the SSH session (application_name), though the
// pool logs in as the server; and the person's own grants apply (a stock clerk may post a
// receipt).
func TestASessionsWritesNameThePersonAndTheTerminal(t *testing.T) {
	h := newHarness(t)
	sven := addPerson(t, h.owner, h.dir, "Sven Berg", "stock", true)
	var warehouse, bin, product, supplier int64
	for _, q := range []struct {
		dest *int64
		sql  string
	}{
		{&warehouse, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
			VALUES ('TST1', 'Test DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`},
		{&bin, `INSERT INTO locations (warehouse_id, code, kind, zone) SELECT id, 'A-01-01-1', 'bin', 'A' FROM warehouses RETURNING id`},
		{&product, `INSERT INTO products (sku, name, tax_category) VALUES ('MUG-01', 'Stoneware mug', 'standard') RETURNING id`},
		{&supplier, `SELECT id FROM locations WHERE code = 'SUPPLIER'`},
	} {
		if err := h.owner.Get(q.dest, q.sql); err != nil {
			t.Fatal(err)
		}
	}
	h.start(t, Config{})
	term := h.open(t, sven, 80, 24, nil)
	term.waitForText(0, "Sven Berg (stock)")

	d := h.sessionConfigs()[0].DB
	if _, err := d.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		VALUES ($1, $2, $3, 4, 'receipt')`, product, supplier, bin); err != nil {
		t.Fatalf("the stock clerk's receipt: %v", err)
	}
	var stamp struct {
		Actor    string `db:"actor"`
		Terminal string `db:"terminal"`
	}
	if err := h.owner.Get(&stamp, `SELECT actor, terminal FROM stock_movements WHERE product_id = $1`, product); err != nil {
		t.Fatal(err)
	}
	var app string
	if err := d.Get(&app, `SELECT current_setting('application_name')`); err != nil {
		t.Fatal(err)
	}
	if stamp.Actor != sven.Login || stamp.Terminal != app || !strings.HasPrefix(app, "oms-ssh:") {
		t.Errorf("the movement is stamped %+v; want %s from %s", stamp, sven.Login, app)
	}
	// A picker's session may not post it: the person's grants, not the pool's, decide.
	pia := addPerson(t, h.owner, h.dir, "Pia Smit", "picker", true)
	other := h.open(t, pia, 80, 24, nil)
	other.waitForText(0, "Pia Smit (picker)")
	pd := h.sessionConfigs()[1].DB
	if _, err := pd.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		VALUES ($1, $2, $3, 4, 'receipt')`, product, supplier, bin); err == nil {
		t.Error("a picker's session posted a receipt")
	}
}

// TestSessionsOfADisabledPersonEnd: `oms staff disable` ends a person's own database sessions,
// not the server's pool's; the server's recheck closes their SSH sessions, and those of a key
// removed from them, and leaves everyone else's alone.
func TestSessionsOfADisabledPersonEnd(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	bob := addPerson(t, h.owner, h.dir, "Bob Smit", "packer", true)
	cas := addPerson(t, h.owner, h.dir, "Cas Mol", "stock", true)
	h.start(t, Config{Recheck: 50 * time.Millisecond})
	ta, tb, tc := h.open(t, anna, 80, 24, nil), h.open(t, bob, 80, 24, nil), h.open(t, cas, 80, 24, nil)
	ta.waitForText(0, "Anna Jansen (picker)")
	tb.waitForText(0, "Bob Smit (packer)")
	tc.waitForText(0, "Cas Mol (stock)")
	marks := []int{ta.mark(), tb.mark()}

	anna.Active = false
	h.dir.add(anna.signer.PublicKey(), anna.Person)
	h.dir.mu.Lock()
	delete(h.dir.byKey, Fingerprint(bob.signer.PublicKey()))
	h.dir.mu.Unlock()

	ta.waitForText(marks[0], "oms: closed: your access was withdrawn")
	tb.waitForText(marks[1], "oms: closed: your access was withdrawn")
	ta.waitEnd()
	tb.waitEnd()
	m := tc.mark()
	tc.send("?")
	tc.waitForText(m, "ctrl+c/ctrl+q  quit") // Cas works on
	if !strings.Contains(h.log.String(), `"reason":"revoked"`) {
		t.Errorf("the log does not say why:\n%s", h.log.String())
	}
}
