package cli

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"oms/db/dbtest"
)

// TestBenchAllocateStressProvesAndSaysSo runs a small allocation stress through the command: one
// line saying what was allocated, backordered, cancelled and received, that nothing deadlocked
// and that oms check found nothing; the scratch database is gone afterwards.
func TestBenchAllocateStressProvesAndSaysSo(t *testing.T) {
	url := dbtest.URL(t)
	code, stdout, stderr := oms(t, "bench", "--db", url, "allocate-stress", "--allocators", "4", "--orders", "60")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	line := regexp.MustCompile(`^allocate-stress allocators=4 orders=60 allocated=(\d+) backordered=(\d+) cancelled=(\d+) restocks=(\d+) deadlocks=0 check=ok ok$`)
	m := line.FindStringSubmatch(strings.TrimSpace(stdout))
	if m == nil {
		t.Fatalf("output %q does not match %s", stdout, line)
	}
	if a, _ := strconv.Atoi(m[1]); a == 0 {
		t.Errorf("nothing was allocated: %s", stdout)
	}
	if r, _ := strconv.Atoi(m[4]); r != 6 {
		t.Errorf("restocks %d, want one per ten orders", r)
	}
	if stderr != "" {
		t.Errorf("stderr should stay empty when not a terminal: %q", stderr)
	}
	d := dbtest.Open(t, url)
	var left int
	if err := d.Get(&left, `SELECT count(*) FROM pg_database WHERE datname LIKE 'oms\_bench\_%'`); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d scratch databases left", left)
	}
}

func TestBenchAllocateStressRefusesNonsense(t *testing.T) {
	code, _, stderr := oms(t, "bench", "allocate-stress", "--allocators", "0")
	if code != 2 || !strings.Contains(stderr, "--allocators") {
		t.Errorf("--allocators 0: exit %d, %q", code, stderr)
	}
	if code, _, _ := oms(t, "bench", "allocate-stress", "extra"); code != 2 {
		t.Errorf("an argument: exit %d, want 2", code)
	}
}
