package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// record is one line of the log.
type record map[string]any

func (r record) str(k string) string { s, _ := r[k].(string); return s }

// readLog returns the log's records, failing on a line that is not JSON.
func readLog(t *testing.T, path string) []record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

// sessions groups records by session id, in order, and fails on a record without one.
func sessions(t *testing.T, recs []record) (ids []string, by map[string][]record) {
	t.Helper()
	by = map[string][]record{}
	for _, r := range recs {
		id := r.str("session")
		if len(id) != 16 {
			t.Fatalf("record without a session id: %v", r)
		}
		if _, seen := by[id]; !seen {
			ids = append(ids, id)
		}
		by[id] = append(by[id], r)
	}
	return ids, by
}

// hasMsg returns the first record with message msg.
func hasMsg(recs []record, msg string) (record, bool) {
	for _, r := range recs {
		if r.str("msg") == msg {
			return r, true
		}
	}
	return nil, false
}

// --log FILE and OMS_LOG append JSON records to a file only the user can read; every record of
// a run carries that run's session id; each run records its start and its end with exit status
// and duration; a database that cannot be opened is recorded, without its password.
func TestLogRecordsEachRunUnderItsOwnSessionID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oms.log")
	if code, _, _ := oms(t, "--log", path, "version"); code != 0 {
		t.Fatalf("version: exit %d", code)
	}
	if code, _, _ := oms(t, "version", "--log", path); code != 0 {
		t.Fatalf("version: exit %d", code)
	}
	t.Setenv("OMS_LOG", path)
	const secret = "s3cr3tPW"
	if code, _, _ := oms(t, "check", "--db", "postgres://me:"+secret+"@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"); code != 1 {
		t.Fatalf("check: exit %d, want 1", code)
	}
	if code, _, _ := oms(t, "seed", "--orders", "0"); code != 2 {
		t.Fatalf("seed: exit %d, want 2", code)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), secret) {
		t.Errorf("the log holds the password:\n%s", raw)
	}
	ids, by := sessions(t, readLog(t, path))
	if len(ids) != 4 {
		t.Fatalf("%d sessions in the log, want 4:\n%s", len(ids), raw)
	}
	for i, want := range []struct {
		command string
		status  float64
	}{{"oms version", 0}, {"oms version", 0}, {"oms check", 1}, {"oms seed", 2}} {
		recs := by[ids[i]]
		start, ok := hasMsg(recs, "command start")
		if !ok || start.str("command") != want.command {
			t.Errorf("run %d: no start of %q: %v", i, want.command, recs)
		}
		end, ok := hasMsg(recs, "command end")
		if !ok || end["status"] != want.status || end["duration"] == nil || end.str("command") != want.command {
			t.Errorf("run %d: end %v, want status %v", i, end, want.status)
		}
		if recs[len(recs)-1].str("msg") != "command end" {
			t.Errorf("run %d: the end is not the last record: %v", i, recs)
		}
	}
	failed, ok := hasMsg(by[ids[2]], "database open failed")
	if !ok || failed.str("level") != "ERROR" || !strings.Contains(failed.str("err"), "127.0.0.1:1") {
		t.Errorf("check: database open failure not recorded: %v", by[ids[2]])
	}
}

// Without --log and OMS_LOG nothing is written anywhere: not to a file in the working, home or
// state directory, not to stdout or stderr.
func TestNoLogWithoutLogFlag(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("OMS_LOG", "")
	for _, v := range []string{"HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"} {
		t.Setenv(v, dir)
	}
	code, stdout, stderr := oms(t, "version")
	if code != 0 || stderr != "" || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = oms(t, "check", "--db", "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1")
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files appeared: %v", entries)
	}
	if g := (&globals{log: noSession()}); g.log.Enabled(t.Context(), -100) {
		t.Error("the default logger is enabled")
	}
}
