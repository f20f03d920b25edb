package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"oms/db/dbtest"
	"oms/db/staff"
	"oms/server"
)

var readyLine = regexp.MustCompile(`(?m)^listening on (\S+) host key (SHA256:[A-Za-z0-9+/]{43})$`)

// sshKey makes a key and registers it for login, as `oms staff key add` does.
func sshKey(t *testing.T, s *staff.Store, login string) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddKeys(context.Background(), login, gossh.MarshalAuthorizedKey(signer.PublicKey())); err != nil {
		t.Fatal(err)
	}
	return signer
}

// TestServeLetsStaffInAndDrainsOnSIGTERM runs `oms serve` as a process, as a member of
// oms_server: it makes its host key in the XDG data directory and says where it listens and
// the key's fingerprint; a person whose key `oms staff key add` registered gets the queue as
// themselves over SSH, a disabled person does not; SIGTERM tells the session the server is
// shutting down, and the process exits 0; the log has the session's start and end.
func TestServeLetsStaffInAndDrainsOnSIGTERM(t *testing.T) {
	owner := dbtest.New(t)
	_, poolURL := dbtest.ServerLogin(t, owner)
	anna, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Anna Jansen", Jobs: []string{"picker"}})
	bram, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Bram Vos", Jobs: []string{"packer"}})
	store := staff.New(owner)
	annaKey, bramKey := sshKey(t, store, anna), sshKey(t, store, bram)
	if err := store.Disable(context.Background(), bram); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	logFile := filepath.Join(t.TempDir(), "serve.log")

	p := startOMS(t, noTerminal, "serve", "--db", poolURL, "--listen", "127.0.0.1:0", "--log", logFile)
	ready := readyLine.FindStringSubmatch(p.waitFor(t, p.screen, "the ready line", readyLine.MatchString))
	addr, fingerprint := ready[1], ready[2]
	hostKey, created, err := server.LoadHostKey(filepath.Join(data, "oms", "ssh_host_ed25519_key"))
	if err != nil || created || server.Fingerprint(hostKey.PublicKey()) != fingerprint {
		t.Fatalf("the host key in the XDG data directory: created now %v, %v; printed %s", created, err, fingerprint)
	}
	if !strings.Contains(p.stderr.String(), "generated a new SSH host key in "+data) {
		t.Errorf("stderr does not say a host key was made: %q", p.stderr)
	}
	dial := func(user string, key gossh.Signer) (*gossh.Client, error) {
		return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
			Timeout: exitDeadline,
			HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
				if got := gossh.FingerprintSHA256(key); got != fingerprint {
					return fmt.Errorf("host key %s; printed %s", got, fingerprint)
				}
				return nil
			}})
	}
	if c, err := dial(bram, bramKey); err == nil {
		c.Close()
		t.Error("a disabled person logged in")
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	stranger, _ := gossh.NewSignerFromKey(priv)
	if c, err := dial(anna, stranger); err == nil {
		c.Close()
		t.Error("an unregistered key logged in")
	}

	client, err := dial(anna, annaKey)
	if err != nil {
		t.Fatalf("Anna with her registered key: %v", err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	screen := newOutput()
	sess.Stdout, sess.Stderr = screen, screen
	// A keyboard that stays open: the end of a session's input ends the session.
	if _, err := sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	waitScreen := func(what string) {
		t.Helper()
		deadline := time.After(2 * time.Minute)
		for {
			text, changed := screen.snapshot()
			if strings.Contains(ansi.Strip(text), what) {
				return
			}
			select {
			case <-changed:
			case <-deadline:
				logged, _ := os.ReadFile(logFile)
				t.Fatalf("the session never showed %q:\n%s\nstderr of oms serve:\n%s\nlog:\n%s", what, ansi.Strip(text), p.stderr, logged)
			}
		}
	}
	waitScreen("Anna Jansen (picker)")

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitScreen("oms: server shutting down")
	select {
	case <-ended:
	case <-time.After(exitDeadline):
		t.Fatal("the session was not closed after the notice")
	}
	if code := p.waitExit(t, "SIGTERM"); code != 0 {
		t.Fatalf("oms serve exited %d after SIGTERM; want 0\nstderr:\n%s", code, p.stderr)
	}
	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"msg":"ssh server listening"`, `"msg":"ssh session start"`, `"login":"` + anna,
		`"reason":"shutdown"`, `"msg":"ssh server stopped"`, `"msg":"command end"`,
		`"reason":"the key's owner is not an active staff member"`, `"reason":"the key is not registered to anyone: no staff member has the key`} {
		if !strings.Contains(string(logged), want) {
			t.Errorf("the log lacks %s:\n%s", want, logged)
		}
	}
}

// TestServeRefusesAPoolThatCannotActForPeople: a login that is not a member of oms_server would
// have every change recorded as its own, so oms serve will not start as it.
func TestServeRefusesAPoolThatCannotActForPeople(t *testing.T) {
	owner := dbtest.New(t)
	_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}})
	code, stdout, stderr := oms(t, "serve", "--db", url, "--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(t.TempDir(), "key"))
	if code != 1 || stdout != "" || !strings.Contains(stderr, "is not a member of oms_server") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and the reason", code, stdout, stderr)
	}
}

// TestServeHostKeyFlag: --host-key names the file, which is generated there when missing and
// read when present.
func TestServeHostKeyFlag(t *testing.T) {
	owner := dbtest.New(t)
	// A database with no staff yet: the pool reads the schema version and the change feed as
	// itself (migration 00010), not through the people granted to oms_server.
	_, poolURL := dbtest.ServerLogin(t, owner)
	path := filepath.Join(t.TempDir(), "keys", "host")
	var fingerprints []string
	for range 2 {
		p := startOMS(t, noTerminal, "serve", "--db", poolURL, "--listen", "127.0.0.1:0", "--host-key", path)
		ready := readyLine.FindStringSubmatch(p.waitFor(t, p.screen, "the ready line", readyLine.MatchString))
		fingerprints = append(fingerprints, ready[2])
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		if code := p.waitExit(t, "SIGINT"); code != 0 {
			t.Fatalf("exit %d after SIGINT\n%s", code, p.stderr)
		}
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the host key file: %v, %v", info, err)
	}
	if fingerprints[0] != fingerprints[1] {
		t.Errorf("the second start used another key: %v", fingerprints)
	}
}
