package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"oms/db"
	"oms/db/staff"
	"oms/keymaps"
	"oms/server"
)

// demoSSH is the demo's SSH server: where it listens and the files that let each demo person
// in (a key each and an ssh config naming them), all in dir, removed when the demo stops.
type demoSSH struct {
	dir     string
	addr    *net.TCPAddr
	own     string // the user's own public key file registered for the supervisor, or ""
	ownUser string
	stop    func()
}

// demoSSHPort is where the demo's SSH server listens when the port is free; otherwise any
// free port.
const demoSSHPort = 2222

// startDemoSSH serves the TUI over SSH on the demo database: every demo person gets a key of
// their own and an entry in an ssh config file; the user's own key (~/.ssh/*.pub), when there
// is one, is registered for the supervisor.
func startDemoSSH(ctx context.Context, d *db.DB, people []demoPerson, keys keymaps.KeyMap, log *slog.Logger) (*demoSSH, error) {
	dir, err := os.MkdirTemp("", "oms-demo-ssh-")
	if err != nil {
		return nil, err
	}
	s := &demoSSH{dir: dir, stop: func() {}}
	fail := func(err error) (*demoSSH, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	hostKey, _, err := server.LoadHostKey(filepath.Join(dir, "ssh_host_ed25519_key"))
	if err != nil {
		return fail(err)
	}
	st := staff.New(d)
	for _, p := range people {
		line, err := writeKeyPair(filepath.Join(dir, p.Login), p.Login+"@oms-demo")
		if err != nil {
			return fail(err)
		}
		if _, err := st.AddKeys(ctx, p.Login, line); err != nil {
			return fail(fmt.Errorf("registering %s's demo key: %w", p.Login, err))
		}
	}
	for _, p := range people {
		if p.Job == "supervisor" {
			s.own, s.ownUser = registerOwnKey(ctx, st, p.Login)
		}
	}
	srv, err := server.New(server.Config{DB: d, Directory: staffDirectory{st}, HostKey: hostKey, Keys: keys, Logger: log})
	if err != nil {
		return fail(err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(demoSSHPort)))
	if err != nil {
		if l, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return fail(err)
		}
	}
	s.addr = l.Addr().(*net.TCPAddr)
	if err := s.writeConfig(people, hostKey.PublicKey()); err != nil {
		l.Close()
		return fail(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(sctx, l); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("demo ssh server", "err", err.Error())
		}
	}()
	s.stop = func() {
		cancel()
		<-done
		os.RemoveAll(dir)
	}
	log.Info("demo ssh server listening", "addr", s.addr.String(), "host_key", srv.HostKeyFingerprint())
	return s, nil
}

// writeKeyPair writes a new ed25519 key to path (private, OpenSSH format, 0600) and path.pub,
// and returns the public key as an authorized_keys line.
func writeKeyPair(path, comment string) ([]byte, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	line := []byte(strings.TrimSuffix(string(gossh.MarshalAuthorizedKey(sshPub)), "\n") + " " + comment + "\n")
	return line, os.WriteFile(path+".pub", line, 0o644)
}

// registerOwnKey registers the first of the user's own public keys that nobody has yet for
// login, so that plain `ssh -p 2222 LOGIN@localhost` works; it returns the file, or "".
func registerOwnKey(ctx context.Context, st *staff.Store, login string) (file, user string) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", ""
	}
	files, _ := filepath.Glob(filepath.Join(home, ".ssh", "*.pub"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if _, err := st.AddKeys(ctx, login, b); err == nil {
			return f, login
		}
	}
	return "", ""
}

// writeConfig writes an ssh config with a host entry per job role, and the host key as the
// only known host, so `ssh -F DIR/config picker` logs in as the demo picker without asking.
func (s *demoSSH) writeConfig(people []demoPerson, hostKey gossh.PublicKey) error {
	known := filepath.Join(s.dir, "known_hosts")
	host := "[127.0.0.1]:" + strconv.Itoa(s.addr.Port)
	if err := os.WriteFile(known, []byte(host+" "+string(gossh.MarshalAuthorizedKey(hostKey))), 0o644); err != nil {
		return err
	}
	var b strings.Builder
	for _, p := range people {
		fmt.Fprintf(&b, "Host %s\n  HostName 127.0.0.1\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n\n",
			p.Job, s.addr.Port, p.Login, filepath.Join(s.dir, p.Login), known)
	}
	return os.WriteFile(s.config(), []byte(b.String()), 0o600)
}

func (s *demoSSH) config() string { return filepath.Join(s.dir, "config") }

// sshCommand is how to log in as the person with job over SSH.
func (s *demoSSH) sshCommand(job string) string {
	return "ssh -F " + shellWord(s.config()) + " " + job
}

// print says how to reach the demo over SSH.
func (s *demoSSH) print(w io.Writer) {
	fmt.Fprintf(w, "  over SSH (oms serve, listening on %s): ssh -F %s JOB, e.g. %s\n",
		s.addr, shellWord(s.config()), s.sshCommand("picker"))
	if s.own != "" {
		fmt.Fprintf(w, "  your own key %s is the supervisor's: ssh -p %d %s@localhost\n", s.own, s.addr.Port, s.ownUser)
	}
}
