package pgcluster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/lib/pq" // the only driver oms uses
)

// ErrNoPostgres is returned when no PostgreSQL server binaries can be found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries found (looked for initdb on PATH, " +
	"in `pg_config --bindir` and under /usr/lib/postgresql/*/bin): install them, e.g. " +
	"`apt-get install postgresql` on Debian/Ubuntu, or set OMS_TEST_DATABASE_URL / --db to an existing server")

// Options tune a private cluster.
type Options struct {
	// Durable keeps fsync and synchronous commit on, for benchmarks that must be comparable with
	// a real server. Tests and demos run without them: the data is thrown away anyway.
	Durable bool
	// Log receives the server's log; nil discards it (it is kept in the data directory either way).
	Log func(line string)
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir      string
	port     int
	durable  bool // started with Options.Durable; a restart keeps it
	password string
	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// FindBinDir returns the directory holding initdb and postgres: on PATH, then where
// `pg_config --bindir` says, then the newest /usr/lib/postgresql/*/bin.
func FindBinDir() (string, error) {
	return findBinDir(exec.LookPath, "/usr/lib/postgresql/*/bin")
}

func findBinDir(lookPath func(string) (string, error), glob string) (string, error) {
	var candidates []string
	if p, err := lookPath("initdb"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	if pgConfig, err := lookPath("pg_config"); err == nil {
		if out, err := exec.Command(pgConfig, "--bindir").Output(); err == nil {
			candidates = append(candidates, strings.TrimSpace(string(out)))
		}
	}
	globbed, _ := filepath.Glob(glob)
	sort.Slice(globbed, func(i, j int) bool { return versionOf(globbed[i]) > versionOf(globbed[j]) })
	candidates = append(candidates, globbed...)
	for _, dir := range candidates {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", ErrNoPostgres
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Start creates a new cluster in a fresh temporary directory and starts it on a free loopback
// port. As root it runs the server as the `postgres` user, because PostgreSQL refuses to run as
// root. The server dies with this process (Pdeathsig); Stop also removes its files.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "oms-pg-")
	if err != nil {
		return nil, fmt.Errorf("creating a directory for the private database: %w", err)
	}
	c := &Cluster{dir: dir, password: randomHex(16)}
	if err := c.initdb(ctx, bin, cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		err = c.startServer(ctx, bin, cred, opts)
		if err == nil {
			return c, nil
		}
		// Another process may have taken the port between our probe and the server's bind.
		if attempt >= 4 || !strings.Contains(err.Error(), "could not bind") {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b)
}

// serverCredential returns the identity to run the server as: nil (ourselves) unless we are root.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, and PostgreSQL refuses to run as root, but there is no `postgres` user to run it as: create one (useradd -r postgres) or run as an ordinary user")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *Cluster) logPath() string { return filepath.Join(c.dir, "server.log") }

func (c *Cluster) initdb(ctx context.Context, bin string, cred *syscall.Credential) error {
	pwfile := filepath.Join(c.dir, "pw")
	if err := os.WriteFile(pwfile, []byte(c.password+"\n"), 0o600); err != nil {
		return err
	}
	if cred != nil {
		for _, p := range []string{c.dir, pwfile} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return fmt.Errorf("handing %s to the postgres user: %w", p, err)
			}
		}
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", c.dataDir(), "-U", "postgres", "--pwfile", pwfile,
		"--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
		"-E", "UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	os.Remove(pwfile)
	if err != nil {
		return fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	return nil
}

func (c *Cluster) startServer(ctx context.Context, bin string, cred *syscall.Credential, opts Options) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port, c.durable = port, opts.Durable
	if err := c.launch(bin, cred); err != nil {
		return err
	}
	return c.waitReady(ctx)
}

// launch starts the postgres process on the cluster's port and data directory; waitReady then
// waits for it to accept connections.
func (c *Cluster) launch(bin string, cred *syscall.Credential) error {
	args := []string{"-D", c.dataDir(), "-p", strconv.Itoa(c.port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200",
		"-c", "shared_buffers=256MB", "-c", "max_wal_size=4GB", "-c", "logging_collector=off"}
	if !c.durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	logFile, err := os.OpenFile(c.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Dir = c.dir
	// The server must not outlive us, even when we are killed: the kernel sends it SIGQUIT
	// (immediate shutdown) when this process dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting postgres: %w", err)
	}
	c.cmd = cmd
	exited := make(chan struct{})
	c.exited = exited
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(exited)
	}()
	return nil
}

// waitReady polls until the server accepts connections, fails early when it exits.
func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	for {
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = db.PingContext(pingCtx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited during start-up: %s", c.tailLog())
		case <-ctx.Done():
			c.Stop()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.Stop()
			return fmt.Errorf("postgres did not accept connections within a minute: %v; %s", err, c.tailLog())
		}
	}
}

func (c *Cluster) tailLog() string {
	b, _ := os.ReadFile(c.logPath())
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the connection URL of database name on this cluster, as the superuser.
func (c *Cluster) URL(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword("postgres", c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port is the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// Dir is the directory holding the cluster's data and log.
func (c *Cluster) Dir() string { return c.dir }

// Stop shuts the server down fast (open sessions are disconnected) and removes its files.
func (c *Cluster) Stop() error {
	var err error
	c.stopOnce.Do(func() {
		if c.cmd != nil && c.cmd.Process != nil {
			_ = c.cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-c.exited:
			case <-time.After(30 * time.Second):
				_ = c.cmd.Process.Kill()
				<-c.exited
			}
		}
		err = os.RemoveAll(c.dir)
	})
	return err
}
