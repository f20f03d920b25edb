package cli

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// oms simulate --minutes 2 --faults, as issue 17 asks, on a small floor (3 pickers, 2 packers, a
// returns clerk, 60 orders a minute) so it stays light on a small machine: with no database
// configured it starts a private server, runs the day as worker processes (this test binary
// re-run as oms), kills connections and workers and restarts the server once, and must end
// with every stage having worked, faults survived, no duplicate and a clean oms check.
func TestSimulateTwoMinutesWithFaults(t *testing.T) {
	for _, v := range []string{"OMS_DATABASE_URL", "DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGSERVICE"} {
		t.Setenv(v, "") // restored afterwards
		os.Unsetenv(v)
	}
	t.Setenv(asOMS, "1") // the workers the command starts from os.Executable() run as oms
	code, stdout, stderr := oms(t, "simulate", "--minutes", "2", "--faults", "--pickers", "3", "--packers", "2",
		"--returns", "1", "--orders-per-minute", "60", "--seed-orders", "200")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("stdout:\n%s", stdout)
	// One line per stage's command: stage, command, done, refused, ops/min, p50, p95, p99.
	line := regexp.MustCompile(`(?m)^(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+ms)\s+([\d.]+ms)\s+([\d.]+ms)$`)
	done := map[string]int{}
	stages := map[string]bool{}
	for _, m := range line.FindAllStringSubmatch(stdout, -1) {
		n, _ := strconv.Atoi(m[3])
		done[m[2]] = n
		stages[m[1]] = true
	}
	for _, s := range []string{"intake", "allocation", "waves", "picking", "packing", "shipping", "returns", "counts"} {
		if !stages[s] {
			t.Errorf("no line for the stage %s", s)
		}
	}
	for _, c := range []string{"import", "allocate", "release", "claim", "pick", "pack-open", "verify", "parcel", "ship"} {
		if done[c] == 0 {
			t.Errorf("no %s was done", c)
		}
	}
	faults := regexp.MustCompile(`faults survived: (\d+) connections killed, (\d+) workers killed \(SIGKILL\) and restarted, (\d+) server restarts`).
		FindStringSubmatch(stdout)
	if faults == nil {
		t.Fatal("no line of faults survived")
	}
	conns, _ := strconv.Atoi(faults[1])
	workers, _ := strconv.Atoi(faults[2])
	if conns == 0 || workers == 0 || faults[3] != "1" {
		t.Errorf("faults survived: %s connections, %s workers, %s server restarts; want some of each and one restart",
			faults[1], faults[2], faults[3])
	}
	if !strings.Contains(stdout, "\nduplicates found: 0 (") {
		t.Error("duplicates found is not 0")
	}
	if strings.Contains(stdout, "worker failure") {
		t.Error("a worker failed by itself")
	}
	if !strings.HasSuffix(stdout, "all invariants hold\n") || strings.Contains(stdout, "FAIL") {
		t.Error("oms check is not clean, or not the last word")
	}
}

// Mistaken flags are usage mistakes, said before anything starts.
func TestSimulateFlagsAreChecked(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--pickers", "0"}, "oms: --pickers must be from 1 to 200, not 0"},
		{[]string{"--packers", "0"}, "oms: --packers must be from 1 to 100, not 0"},
		{[]string{"--returns", "-1"}, "oms: --returns must be from 0 to 100, not -1"},
		{[]string{"--orders-per-minute", "0"}, "oms: --orders-per-minute must be from 1 to 100,000, not 0"},
		{[]string{"--minutes", "0"}, "oms: --minutes must be above 0 and at most 1440, not 0"},
	} {
		code, stdout, stderr := oms(t, append([]string{"simulate"}, tt.args...)...)
		if code != 2 || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q", tt.args, code, stdout)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.want)
	}
}
