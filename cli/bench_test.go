package cli

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"oms/db/bench"
	"oms/db/dbtest"
	"oms/server"
)

var benchLineFormat = regexp.MustCompile(`^([a-z0-9-]+) clients=(\d+) oms=(\d+)/s raw=(\d+)/s ratio=(\d+\.\d\d) target=(\d+\.\d\d) (ok|FAIL) deadlocks=(\d+)$`)

// TestBenchRunsAndReportsEachPoint runs two cases end to end on a scratch database of the test
// server, briefly: every line has the documented format, nothing deadlocked or broke, and a
// line says FAIL only when its ratio is below its target (speed itself is not asserted).
func TestBenchRunsAndReportsEachPoint(t *testing.T) {
	url := dbtest.URL(t)
	code, stdout, stderr := oms(t, "bench", "--db", url, "--duration", "300ms", "--clients", "3",
		"ledger-random-1", "status-2")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per case at one client count, got:\n%s", stdout)
	}
	for i, want := range []string{"ledger-random-1", "status-2"} {
		m := benchLineFormat.FindStringSubmatch(lines[i])
		if m == nil {
			t.Fatalf("line %q does not match NAME clients=N oms=X/s raw=Y/s ratio=R target=T ok|FAIL deadlocks=D", lines[i])
		}
		if m[1] != want || m[2] != "3" || m[8] != "0" {
			t.Errorf("line %q: want %s at 3 clients with 0 deadlocks", lines[i], want)
		}
		if m[3] == "0" || m[4] == "0" {
			t.Errorf("line %q: a path committed nothing", lines[i])
		}
		ratio, _ := strconv.ParseFloat(m[5], 64)
		target, _ := strconv.ParseFloat(m[6], 64)
		if (m[7] == "ok") != (ratio >= target) {
			t.Errorf("line %q: the verdict must follow the ratio when nothing broke", lines[i])
		}
	}
	if stderr != "" { // progress is for terminals only
		t.Errorf("stderr should stay empty when not a terminal: %q", stderr)
	}

	// The database the URL names is left alone, and the scratch database is gone.
	d := dbtest.Open(t, url)
	var left, schemas int
	if err := d.Get(&left, `SELECT count(*) FROM pg_database WHERE datname LIKE 'oms\_bench\_%'`); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&schemas, `SELECT count(*) FROM pg_namespace WHERE nspname = 'oms_bench'`); err != nil {
		t.Fatal(err)
	}
	if left != 0 || schemas != 0 {
		t.Errorf("after the run: %d scratch databases left, %d oms_bench schemas in the named database", left, schemas)
	}
}

func TestBenchUnknownNameIsUsageError(t *testing.T) {
	code, stdout, stderr := oms(t, "bench", "--db", "postgres://x@127.0.0.1:1/x", "ledger", "ledger-cold-3")
	if code != 2 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, name := range bench.Names() {
		if !strings.Contains(stderr, name) {
			t.Errorf("the message should list %s: %q", name, stderr)
		}
	}
	if code, _, stderr := oms(t, "bench", "--clients", "0", "ledger"); code != 2 || !strings.Contains(stderr, "--clients") {
		t.Errorf("--clients 0: exit %d, %q", code, stderr)
	}
}

func TestBenchLineAndJSONFormat(t *testing.T) {
	r := bench.Result{Name: "ledger-hot-2", Clients: 32, OMS: 1234, Raw: 2980, Ratio: 0.41, Target: 0.5,
		OK: false, Deadlocks: 0, SerializationRetries: 7, OMSTxns: 24680, RawTxns: 59600}
	if got, want := benchLine(r), "ledger-hot-2 clients=32 oms=1234/s raw=2980/s ratio=0.41 target=0.50 FAIL deadlocks=0"; got != want {
		t.Errorf("text:\n got %q\nwant %q", got, want)
	}
	r = bench.Result{Name: "status-1", Clients: 8, OMS: 905, Raw: 1003, Ratio: 0.90, Target: 0.5, OK: true, Deadlocks: 0}
	if got, want := benchLine(r), "status-1 clients=8 oms=905/s raw=1003/s ratio=0.90 target=0.50 ok deadlocks=0"; got != want {
		t.Errorf("text:\n got %q\nwant %q", got, want)
	}
	r.Deadlocks, r.OK, r.Violations = 2, false, []string{"raw ledger: product 1 at location 2 holds 5, but …"}
	if got := benchLine(r); !strings.HasSuffix(got, " FAIL deadlocks=2") {
		t.Errorf("a deadlock must print FAIL and the count: %q", got)
	}

	var b strings.Builder
	writeBenchJSON(&b, r)
	if !strings.HasSuffix(b.String(), "}\n") || strings.Count(b.String(), "\n") != 1 {
		t.Fatalf("want one JSON object on one line: %q", b.String())
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "status-1", "clients": 8.0, "oms": 905.0, "raw": 1003.0, "ratio": 0.9,
		"target": 0.5, "ok": false, "deadlocks": 2.0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("JSON %s = %v, want %v", k, got[k], v)
		}
	}
	for _, k := range []string{"serialization_retries", "lock_timeouts", "violations", "pg_stat_deadlocks"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %s: %s", k, b.String())
		}
	}
}

// TestBenchStressProvesAndSaysSo runs a small stress through the command: one line that says
// how much was done, that oms check found nothing and that nothing deadlocked.
func TestBenchStressProvesAndSaysSo(t *testing.T) {
	code, stdout, stderr := oms(t, "bench", "--db", dbtest.URL(t), "--workers", "4", "--ops", "40", "stress")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	line := regexp.MustCompile(`^stress workers=4 ops=40 done=(\d+) refused=\d+ retries=\d+ deadlocks=0 check=ok ok seed=-?\d+$`)
	m := line.FindStringSubmatch(strings.TrimSpace(stdout))
	if m == nil {
		t.Fatalf("output %q does not match %s", stdout, line)
	}
	if done, _ := strconv.Atoi(m[1]); done < 40 {
		t.Errorf("only %d of 160 operations succeeded: the run proved little", done)
	}
}

var sshIdleLine = regexp.MustCompile(`^ssh-idle sessions=10 heap=-?\d+\.\d\dMB/session rss=-?\d+\.\d\dMB/session goroutines=\d+/session target=1MB ok$`)

// TestBenchSSHIdleMeasuresAndSaysSo runs BM9 through the command with a few sessions: one line
// with the figures and ok (a session that did not show the queue, or more than 1 MB a session,
// would print FAIL and exit 1), and nothing left behind: neither the scratch databases nor the
// supervisor's login role.
func TestBenchSSHIdleMeasuresAndSaysSo(t *testing.T) {
	url := dbtest.URL(t)
	code, stdout, stderr := oms(t, "bench", "--db", url, "--quick", "--sessions", "10", "ssh-idle")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !sshIdleLine.MatchString(strings.TrimSpace(stdout)) {
		t.Errorf("output %q does not match %s", stdout, sshIdleLine)
	}
	if stderr != "" {
		t.Errorf("stderr should stay empty: %q", stderr)
	}
	d := dbtest.Open(t, url)
	var databases, roles int
	if err := d.Get(&databases, `SELECT count(*) FROM pg_database WHERE datname LIKE 'oms\_bench\_%'`); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&roles, `SELECT count(*) FROM pg_roles WHERE rolname LIKE 'bm9\_%'`); err != nil {
		t.Fatal(err)
	}
	if databases != 0 || roles != 0 {
		t.Errorf("after the run: %d scratch databases and %d bm9_ login roles left", databases, roles)
	}
}

func TestBenchSSHIdleFailsLoudly(t *testing.T) {
	if code, _, stderr := oms(t, "bench", "--sessions", "0", "ssh-idle"); code != 2 || !strings.Contains(stderr, "--sessions") {
		t.Errorf("--sessions 0: exit %d, %q", code, stderr)
	}
	var out, errOut strings.Builder
	r := server.IdleResult{Sessions: 200, Shown: 198, HeapPerSession: 0.15 * (1 << 20), RSSPerSession: 1.2 * (1 << 20),
		GoroutinesPerSession: 23, Messages: []string{"2 of 200 sessions did not show the queue"}}
	if !reportSSHIdle(&out, &errOut, r, false) {
		t.Error("a run with sessions that failed must fail")
	}
	if got, want := out.String(), "ssh-idle sessions=200 heap=0.15MB/session rss=1.20MB/session goroutines=23/session target=1MB FAIL\n"; got != want {
		t.Errorf("line:\n got %q\nwant %q", got, want)
	}
	for _, want := range []string{"ssh-idle: 2 of 200 sessions did not show the queue\n", "ssh-idle: 1.20 MB resident per idle session, above the target of 1 MB\n"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr %q lacks %q", errOut.String(), want)
		}
	}
	out.Reset()
	r = server.IdleResult{Sessions: 50, Shown: 50, HeapPerSession: 0.15 * (1 << 20), RSSPerSession: 0.35 * (1 << 20), GoroutinesPerSession: 23}
	if reportSSHIdle(&out, &errOut, r, true) {
		t.Error("a run within the target with every session shown passes")
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil || got["name"] != "ssh-idle" || got["ok"] != true {
		t.Errorf("JSON %q (%v): want name ssh-idle and ok true", out.String(), err)
	}
}
