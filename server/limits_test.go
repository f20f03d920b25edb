package server

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// clock is a time that moves only when told.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

// TestRateLimiterIsATokenBucketPerAddress: each address has its own burst, refilled at the
// rate; an address whose bucket is full again is forgotten.
func TestRateLimiterIsATokenBucketPerAddress(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)}
	r := newRateLimiter(10, 10, c.Now)
	for i := range 10 {
		if !r.allow("10.0.0.1") {
			t.Fatalf("connection %d of a burst of 10 refused", i+1)
		}
	}
	if r.allow("10.0.0.1") {
		t.Fatal("the 11th connection within a moment was allowed")
	}
	if !r.allow("10.0.0.2") {
		t.Fatal("another address shares the first one's bucket")
	}
	c.advance(5 * time.Second)
	if r.allow("10.0.0.1") {
		t.Fatal("a token came back before 6 seconds (10 a minute)")
	}
	c.advance(time.Second)
	if !r.allow("10.0.0.1") || r.allow("10.0.0.1") {
		t.Fatal("6 seconds should give back exactly one token")
	}
	c.advance(2 * time.Minute)
	r.allow("10.0.0.3") // sweeps
	if _, ok := r.full["10.0.0.1"]; ok {
		t.Error("a full bucket is still remembered")
	}
}

// TestRateLimitRefusesAnAddressOverItsRate: with 2 connections a minute, a third at once is
// closed before the handshake; half a minute later one more gets in.
func TestRateLimitRefusesAnAddressOverItsRate(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	h.start(t, Config{ConnsPerMinute: 2})
	c := &clock{now: time.Now()}
	h.srv.limiter.mu.Lock()
	h.srv.limiter.now = c.Now
	h.srv.limiter.mu.Unlock()
	login := func() error {
		client, err := h.dial(anna.Login, gossh.PublicKeys(anna.signer))
		if err == nil {
			client.Close()
		}
		return err
	}
	for i := range 2 {
		if err := login(); err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
	}
	if err := login(); err == nil {
		t.Fatal("a third connection within the minute got in")
	}
	h.srv.limiter.mu.Lock()
	c.advance(30 * time.Second)
	h.srv.limiter.mu.Unlock()
	if err := login(); err != nil {
		t.Fatalf("after half a minute: %v", err)
	}
	if !strings.Contains(h.log.String(), "too many connections from this address") {
		t.Errorf("the refusal is not logged:\n%s", h.log.String())
	}
}

// TestHostKeyIsMadeOnceAndKeptPrivate: a missing key file is generated (ed25519, 0600, its
// directory 0700) and the same key is read back; a key others may read is refused.
func TestHostKeyIsMadeOnceAndKeptPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oms", "ssh_host_ed25519_key")
	first, created, err := LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("LoadHostKey of a missing file: created %v, %v", created, err)
	}
	if first.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("generated a %s key; want ed25519", first.PublicKey().Type())
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", p, info.Mode().Perm(), err, want)
		}
	}
	again, created, err := LoadHostKey(path)
	if err != nil || created || Fingerprint(again.PublicKey()) != Fingerprint(first.PublicKey()) {
		t.Fatalf("reading it back: created %v, %v; a different key or an error", created, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable host key: %v; want refused with the fix", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the key's directory holds %d files; want only the key (no temporary left)", len(entries))
	}
}

// TestDefaultHostKeyPathFollowsXDG: $XDG_DATA_HOME/oms/…, else ~/.local/share/oms/….
func TestDefaultHostKeyPathFollowsXDG(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/srv/data")
	if p, err := DefaultHostKeyPath(); err != nil || p != "/srv/data/oms/ssh_host_ed25519_key" {
		t.Errorf("with XDG_DATA_HOME: %q, %v", p, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/anna")
	if p, err := DefaultHostKeyPath(); err != nil || p != "/home/anna/.local/share/oms/ssh_host_ed25519_key" {
		t.Errorf("without XDG_DATA_HOME: %q, %v", p, err)
	}
}

// TestAConnectionMustLogInWithinTheGrace: a client that connects and never completes the
// handshake is disconnected once the login grace has passed.
func TestAConnectionMustLogInWithinTheGrace(t *testing.T) {
	h := newHarness(t)
	h.start(t, Config{LoginGrace: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A watchdog, not a clock the test reads: a server that never closes fails the test.
	if err := conn.SetReadDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn) // the server's banner and key exchange offer, then its close
	if err != nil {
		t.Fatalf("the server did not close a connection that never logged in: %v", err)
	}
	if !strings.HasPrefix(string(got), "SSH-2.0-oms") {
		t.Fatalf("the server closed without greeting: %q", got)
	}
}

// TestSessionsPerConnectionAreCapped: one connection may hold maxSessionsPerConn sessions; the
// next is told so.
func TestSessionsPerConnectionAreCapped(t *testing.T) {
	h := newHarness(t)
	anna := addPerson(t, h.owner, h.dir, "Anna Jansen", "picker", true)
	h.start(t, Config{})
	client, err := h.dial(anna.Login, gossh.PublicKeys(anna.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for range maxSessionsPerConn {
		startTerminal(t, client, 80, 24, nil, true).waitForText(0, "Anna Jansen (picker)")
	}
	extra := startTerminal(t, client, 80, 24, nil, true)
	if err := extra.waitEnd(); exitStatus(err) != 1 || !strings.Contains(extra.output(), "sessions per connection") {
		t.Errorf("session %d on one connection: %v, %q; want refused", maxSessionsPerConn+1, err, extra.output())
	}
}
