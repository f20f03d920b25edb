package simulate

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The report counts each worker's answers once, resolved and re-sent commands, refusals, and
// compares the units the workers were told they moved with the ledger's.
func TestTheReportCountsTheJournals(t *testing.T) {
	var r Report
	r.Elapsed = 2 * time.Minute
	r.add([]Entry{
		{T: "start"},
		{T: "sent", Op: "pick", Key: "a"}, {T: "done", Op: "pick", Key: "a", Ms: 4, N: 1},
		{T: "sent", Op: "pick", Key: "b"}, {T: "done", Op: "pick", Key: "b", Ms: 8, N: 1, Resent: true},
		{T: "sent", Op: "pick", Key: "c"}, {T: "refused", Op: "pick", Key: "c", Why: "Wrong bin: X, go to A-01"},
		{T: "sent", Op: "claim", Key: "d"}, {T: "nowork", Op: "claim", Key: "d"},
		{T: "sent", Op: "pick", Key: "e"}, // in doubt: killed
	})
	r.add([]Entry{ // a second worker, and the first one's successor
		{T: "done", Op: "pick", Key: "e", Ms: 100, N: 1, Resolved: true},
		{T: "sent", Op: "receive", Key: "f"}, {T: "done", Op: "receive", Key: "f", Ms: 12, N: 2},
		{T: "sent", Op: "ship", Key: "g"}, {T: "done", Op: "ship", Key: "g", Ms: 30, N: 1},
	})
	stats := map[string]CommandStats{}
	for _, c := range r.Commands {
		stats[c.Command] = c
	}
	if len(r.Commands) != 18 {
		t.Errorf("%d command lines, want one for each of the 18 commands", len(r.Commands))
	}
	if p := stats["pick"]; p.Stage != "picking" || p.Done != 3 || p.Refused != 1 || p.Units != 3 ||
		p.Latency.P50 != 8*time.Millisecond || p.Latency.P99 != 100*time.Millisecond {
		t.Errorf("pick: %+v", p)
	}
	if c := stats["claim"]; c.Done != 0 || c.Refused != 0 {
		t.Errorf("a claim that found no work is neither done nor refused: %+v", c)
	}
	if r.Resolved != 1 || r.Resent != 1 || r.PickedAcked != 3 || r.ReturnedAcked != 2 {
		t.Errorf("resolved %d, resent %d, picked %d, returned %d", r.Resolved, r.Resent, r.PickedAcked, r.ReturnedAcked)
	}
	r.PickedInLedger, r.ReturnedInLedger = 3, 2
	if r.Duplicates() != 0 {
		t.Errorf("duplicates %d", r.Duplicates())
	}
	r.PickedInLedger = 4 // a pick applied twice
	if r.Duplicates() != 1 {
		t.Errorf("a pick applied twice: duplicates %d", r.Duplicates())
	}
	r.PickedInLedger = 3
	var out bytes.Buffer
	r.Faults = Faults{ConnectionsKilled: 5, WorkersKilled: 2, ServerRestarts: 1}
	r.Print(&out)
	for _, want := range []string{
		"picking    pick                3        1      1.5    8.0ms    100ms    100ms",
		"returns    receive             1        0      0.5     12ms     12ms     12ms",
		"faults survived: 5 connections killed, 2 workers killed (SIGKILL) and restarted, 1 server restarts",
		"duplicates found: 0 (units picked: 3 acknowledged, 3 in the ledger; returned: 2 acknowledged, 2 in the ledger)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	r.PrintRefusals(&out)
	if !strings.Contains(out.String(), "1 × pick: Wrong bin: X, go to A-01") {
		t.Errorf("refusals: %s", out.String())
	}
}
