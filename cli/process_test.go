package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"oms/db/dbtest"
	"oms/db/staff"
)

// asOMS makes the test binary run the command line instead of the tests (see TestMain), so the
// tests can start oms as a real process: signals, terminals and exit statuses are the real ones.
const asOMS = "OMS_TEST_RUN_AS_OMS"

// exitDeadline bounds how long a process may take to stop after a signal. It is generous: the
// processes stop in well under a second, and a hung one is what the tests look for.
const exitDeadline = 30 * time.Second

// output collects what a process writes and wakes whoever waits for a text in it.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

func (o *output) snapshot() (string, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String(), o.changed
}

func (o *output) String() string { s, _ := o.snapshot(); return s }

// process is oms running as a child process.
type process struct {
	cmd            *exec.Cmd
	term           *os.File // the pseudo-terminal's master side; nil without one
	screen         *output  // what was written to the terminal, or to stdout without one
	stderr         *output
	exited         chan struct{}
	termClosedOnce sync.Once
}

// How a process is attached: to nothing (standard input from /dev/null, standard output into a
// pipe), to a pseudo-terminal that is its controlling terminal (so a hang-up sends it SIGHUP),
// or to one that is not (a hang-up only ends its input, as for a process that is not in the
// terminal's foreground process group).
type attach int

const (
	noTerminal attach = iota
	controllingTerminal
	otherTerminal
)

// startOMS starts oms with args, attached as how says; a terminal is 80×24.
func startOMS(t *testing.T, how attach, args ...string) *process {
	t.Helper()
	p := &process{screen: newOutput(), stderr: newOutput(), exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(os.Environ(), asOMS+"=1", "TERM=xterm-256color")
	p.cmd.Stderr = p.stderr
	if how != noTerminal {
		attrs := &syscall.SysProcAttr{Setsid: true, Setctty: how == controllingTerminal}
		term, err := pty.StartWithAttrs(p.cmd, &pty.Winsize{Rows: 24, Cols: 80}, attrs)
		if err != nil {
			t.Fatalf("starting oms under a pseudo-terminal: %v", err)
		}
		p.term = term
		go p.emulateTerminal()
	} else {
		p.cmd.Stdout = p.screen
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		p.closeTerminal()
	})
	return p
}

// emulateTerminal collects what oms writes to the terminal and answers the two questions a
// terminal emulator answers: the background colour (OSC 11) and the cursor position (DSR).
// Without answers the colour probe waits seconds for them, as on a terminal that does not
// answer.
func (p *process) emulateTerminal() {
	buf := make([]byte, 32<<10)
	for {
		n, err := p.term.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			_, _ = p.screen.Write(chunk)
			if bytes.Contains(chunk, []byte("\x1b]11;?")) {
				_, _ = p.term.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
			}
			if bytes.Contains(chunk, []byte("\x1b[6n")) {
				_, _ = p.term.Write([]byte("\x1b[1;1R"))
			}
		}
		if err != nil {
			return
		}
	}
}

// closeTerminal closes the terminal's master side: the kernel hangs the terminal up, as when a
// terminal window, an SSH session or a tmux session is closed.
func (p *process) closeTerminal() {
	if p.term != nil {
		p.termClosedOnce.Do(func() { p.term.Close() })
	}
}

// waitFor waits until the text o holds passes ok, and fails if the process ends first or the
// deadline passes.
func (p *process) waitFor(t *testing.T, o *output, what string, ok func(text string) bool) string {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for {
		text, changed := o.snapshot()
		if ok(text) {
			return text
		}
		select {
		case <-changed:
		case <-p.exited:
			if text = o.String(); ok(text) {
				return text
			}
			t.Fatalf("oms ended (%v) before %s\nscreen:\n%s\nstderr:\n%s", p.cmd.ProcessState, what, ansi.Strip(p.screen.String()), p.stderr)
		case <-deadline:
			t.Fatalf("no %s after 2 minutes\nscreen:\n%s\nstderr:\n%s", what, ansi.Strip(p.screen.String()), p.stderr)
		}
	}
}

// waitExit waits, at most exitDeadline, for the process to end by itself and returns its status.
func (p *process) waitExit(t *testing.T, after string) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(exitDeadline):
		_ = p.cmd.Process.Signal(syscall.SIGQUIT) // its goroutine dump goes to stderr
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		t.Fatalf("oms still ran %s after %s\nstderr:\n%s", exitDeadline, after, p.stderr)
	}
	st := p.cmd.ProcessState
	if !st.Exited() {
		t.Fatalf("after %s oms was killed (%v) instead of ending by itself\nstderr:\n%s", after, st, p.stderr)
	}
	return st.ExitCode()
}

// ending is one way a session ends from outside.
type ending struct {
	name   string
	attach attach
	hangUp bool // the terminal goes away, so it cannot be restored
	do     func(p *process)
}

func bySignal(sig syscall.Signal) ending {
	return ending{name: unix.SignalName(sig), attach: controllingTerminal, do: func(p *process) { _ = p.cmd.Process.Signal(sig) }}
}

// endings are SIGTERM (kill, systemd, a supervisor), SIGINT (kill -INT; Ctrl-C where the
// terminal is not in raw mode), SIGHUP sent by hand, and real hang-ups: the terminal itself goes
// away (tmux kill-session, a closed window or SSH connection), which sends SIGHUP too when it is
// the process's controlling terminal, and otherwise only ends its input.
var endings = []ending{
	bySignal(syscall.SIGTERM),
	bySignal(syscall.SIGINT),
	bySignal(syscall.SIGHUP),
	{name: "hang-up", attach: controllingTerminal, hangUp: true, do: (*process).closeTerminal},
	{name: "hang-up without SIGHUP", attach: otherTerminal, hangUp: true, do: (*process).closeTerminal},
}

// restored says whether the terminal was given back: the alternate screen left after it was
// entered, the cursor shown again, and the line discipline out of raw mode (echo and line
// editing on).
func (p *process) restored() error {
	screen := p.screen.String()
	enter := strings.LastIndex(screen, "\x1b[?1049h")
	leave := strings.LastIndex(screen, "\x1b[?1049l")
	if enter < 0 || leave < enter || !strings.Contains(screen[enter:], "\x1b[?25h") {
		return fmt.Errorf("alternate screen not left or cursor not shown: %q", tail(screen, 200))
	}
	tio, err := unix.IoctlGetTermios(int(p.term.Fd()), unix.TCGETS)
	if err != nil {
		return err
	}
	if tio.Lflag&(unix.ECHO|unix.ICANON) != unix.ECHO|unix.ICANON {
		return fmt.Errorf("the terminal is still in raw mode (lflag %#x)", tio.Lflag)
	}
	return nil
}

// A dropped handheld must never leave a process behind: whatever ends the session from
// outside, the TUI restores the terminal (when there still is one) and the process exits.
func TestTUIEndsOnEverySignalAndHangUp(t *testing.T) {
	url := dbtest.URL(t)
	for _, e := range endings {
		for _, command := range [][]string{{"--db", url}, {"tui", "--db", url}} {
			name := e.name + "/oms"
			if command[0] == "tui" {
				name += " tui"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				logFile := filepath.Join(t.TempDir(), "oms.log")
				p := startOMS(t, e.attach, append(command, "--log", logFile)...)
				p.waitFor(t, p.screen, "the queue on the screen", func(s string) bool {
					return strings.Contains(s, "\x1b[?1049h") && strings.Contains(ansi.Strip(s), "Order")
				})
				e.do(p)
				if code := p.waitExit(t, e.name); code != 0 {
					t.Errorf("exit status %d after %s, want 0\nstderr:\n%s", code, e.name, p.stderr)
				}
				if !e.hangUp {
					if err := p.restored(); err != nil {
						t.Errorf("terminal not restored after %s: %v", e.name, err)
					}
				}
				if s := p.stderr.String(); s != "" {
					t.Errorf("stderr after %s: %q", e.name, s)
				}
				// The session's logger reached the TUI: its records carry the same session id.
				ids, by := sessions(t, readLog(t, logFile))
				if len(ids) != 1 {
					t.Fatalf("%d sessions in the log, want 1", len(ids))
				}
				var msgs []string
				for _, r := range by[ids[0]] {
					msgs = append(msgs, r.str("msg"))
				}
				want := []string{"command start", "tui start", "tui end", "command end"}
				rest := msgs
				for _, w := range want {
					i := slices.Index(rest, w)
					if i < 0 {
						t.Errorf("log: %q, want %q in that order", msgs, want)
						break
					}
					rest = rest[i+1:]
				}
			})
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Without a terminal `oms`, `oms tui` and `oms demo` say so in one sentence and what to do
// instead, exit 1, and write nothing to standard output: no escape codes, no epoll error, and
// the demo starts no server.
func TestWithoutATerminalTheTUISaysSo(t *testing.T) {
	url := dbtest.URL(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--db", url}, "oms: needs a terminal, and its input or output is not one: run it in a terminal (over SSH: ssh -t)"},
		{[]string{"tui", "--db", url}, "oms: needs a terminal, and its input or output is not one: run it in a terminal (over SSH: ssh -t)"},
		{[]string{"demo"}, "oms: demo needs a terminal for its screens, and its input or output is not one: use `oms demo --no-tui` to run only the demo database"},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			p := startOMS(t, noTerminal, tt.args...)
			if code := p.waitExit(t, "start"); code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if out := p.screen.String(); out != "" {
				t.Errorf("wrote to stdout: %q", out)
			}
			stderr := p.stderr.String()
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], tt.want) {
				t.Errorf("stderr %q, want one line starting %q", stderr, tt.want)
			}
		})
	}
	// In-process, with output into a buffer, the same.
	code, stdout, stderr := oms(t, "--db", url)
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, tests[0].want) {
		t.Errorf("in-process: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

var errNoDataDir = errors.New("no data directory")

// demoSSHDir is the directory of the demo's SSH keys and config, as it prints it; the config
// must name a host per job role and be readable by the user alone.
func demoSSHDir(t *testing.T, p *process) string {
	t.Helper()
	text := ansi.Strip(p.waitFor(t, p.screen, "how to join over SSH", func(s string) bool {
		return strings.Contains(ansi.Strip(s), "/config picker")
	}))
	i := strings.Index(text, "ssh -F ")
	config, _, _ := strings.Cut(text[i+len("ssh -F "):], " ")
	b, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	for _, job := range []string{"picker", "packer", "returns", "stock", "backoffice", "supervisor", "admin"} {
		if !strings.Contains(string(b), "Host "+job+"\n") {
			t.Errorf("%s has no host %s:\n%s", config, job, b)
		}
	}
	if fi, err := os.Stat(config); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", config, fi.Mode().Perm())
	}
	return filepath.Dir(config)
}

// staffURLFiles are the demo staff's address files next to the superuser's.
func staffURLFiles(urlFile string) []string {
	files, _ := filepath.Glob(strings.TrimSuffix(urlFile, ".url") + "-*.url")
	return files
}

// demoFiles waits for the demo to print how to join, and returns the file holding the address
// and the server's data directory.
func demoFiles(t *testing.T, p *process) (urlFile, dataDir string) {
	t.Helper()
	text := p.waitFor(t, p.screen, "the join commands", func(s string) bool {
		s = ansi.Strip(s)
		i := strings.Index(s, "join as each job role")
		return i >= 0 && strings.Contains(s[i:], "    admin ") && strings.Contains(s[strings.Index(s[i:], "    admin ")+i:], ".url)")
	})
	text = ansi.Strip(text)
	// Stock control has goods announced to receive (oms asn receive) the moment the demo is up.
	if !strings.Contains(text, "receiving at RTM1: PO-000001 from NORDTEX is due today (notice DESADV-1001, pallet SSCC 387123450000077816)") {
		t.Errorf("the demo does not say what stock control can receive:\n%s", text)
	}
	i := strings.Index(text, `oms --db "$(cat `)
	if i < 0 {
		t.Fatalf("no join command in %q", text)
	}
	urlFile, _, _ = strings.Cut(text[i+len(`oms --db "$(cat `):], ")")
	fi, err := os.Stat(urlFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600: it holds the password", urlFile, fi.Mode().Perm())
	}
	b, err := os.ReadFile(urlFile)
	if err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSpace(string(b))
	people := staffURLFiles(urlFile)
	if len(people) != len(staff.Jobs) {
		t.Errorf("the demo wrote %d staff address files, want one per job role: %v", len(people), people)
	}
	for _, f := range people {
		fi, err := os.Stat(f)
		if err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600: it holds a password", f, fi.Mode().Perm())
		}
	}
	if !strings.Contains(text, "demo database: "+url) {
		t.Errorf("the file holds %q, the demo printed\n%s", url, text)
	}
	d := dbtest.Open(t, url)
	if err := d.Get(&dataDir, `SHOW data_directory`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if dataDir == "" {
		t.Fatal(errNoDataDir)
	}
	return urlFile, dataDir
}

func gone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there (%v)", path, err)
	}
}

// oms demo, whatever ends it, stops its private server and removes its files and the file with
// its address. While it runs, its status line shows the whole join command, short enough for
// 80 columns because it reads the address from that file.
func TestDemoCleansUpOnEverySignalAndHangUp(t *testing.T) {
	for _, e := range endings {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			p := startOMS(t, e.attach, "demo", "--orders", "13", "--skus", "50")
			urlFile, dataDir := demoFiles(t, p)
			sshDir := demoSSHDir(t, p)
			want := joinNotice(urlFile)
			p.waitFor(t, p.screen, fmt.Sprintf("%q in the status line", want), func(s string) bool {
				return strings.Contains(ansi.Strip(s), want)
			})
			// The first key clears the status line; the help page keeps the notice on top, whole.
			before := len(p.screen.String())
			if _, err := p.term.Write([]byte("?")); err != nil {
				t.Fatal(err)
			}
			p.waitFor(t, p.screen, fmt.Sprintf("%q on the help page", want), func(s string) bool {
				return strings.Contains(ansi.Strip(s[before:]), want)
			})
			e.do(p)
			if code := p.waitExit(t, e.name); code != 0 {
				t.Errorf("exit status %d after %s, want 0\nstderr:\n%s", code, e.name, p.stderr)
			}
			gone(t, filepath.Dir(dataDir))
			gone(t, urlFile)
			if left := staffURLFiles(urlFile); len(left) > 0 {
				t.Errorf("staff address files left behind: %v", left)
			}
			gone(t, sshDir)
			if !strings.Contains(p.stderr.String(), "demo database stopped and removed") {
				t.Errorf("stderr: %q", p.stderr)
			}
		})
	}
	t.Run("no-tui/SIGTERM", func(t *testing.T) {
		t.Parallel()
		p := startOMS(t, noTerminal, "demo", "--no-tui", "--orders", "13", "--skus", "50")
		urlFile, dataDir := demoFiles(t, p)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		if code := p.waitExit(t, "SIGTERM"); code != 0 {
			t.Errorf("exit status %d, want 0\nstderr:\n%s", code, p.stderr)
		}
		gone(t, filepath.Dir(dataDir))
		gone(t, urlFile)
	})
}
