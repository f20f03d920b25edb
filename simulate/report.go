package simulate

import (
	"fmt"
	"io"
	"sort"
	"time"
)

// stages are the day's stages in the order work flows, each with its commands.
var stages = []struct {
	name     string
	commands []string
}{
	{"intake", []string{"import"}},
	{"allocation", []string{"allocate", "allocate-woken"}},
	{"waves", []string{"release"}},
	{"picking", []string{"claim", "pick", "short"}},
	{"packing", []string{"pack-open", "verify", "parcel"}},
	{"shipping", []string{"ship"}},
	{"returns", []string{"rma-open", "receive", "inspect", "refund"}},
	{"counts", []string{"count-plan", "count-claim", "count"}},
}

// CommandStats is what the workers' journals say of one command.
type CommandStats struct {
	Stage, Command string
	Done, Refused  int
	Units          int64 // the units the answers say were done
	Latency        Latency
}

// Report is a day's outcome.
type Report struct {
	Elapsed  time.Duration
	Commands []CommandStats
	Faults   Faults
	Failures []string
	// Resolved are commands a killed worker left in doubt that its successor re-sent with the
	// same key; Resent are commands whose answer was lost (a killed connection, a restarting
	// server) and that the worker re-sent with the same key until it had one.
	Resolved, Resent int
	// The units the pickers were told they picked and the returns desk it received, and what
	// the ledger holds of the workers' pick and return movements.
	PickedAcked, PickedInLedger     int64
	ReturnedAcked, ReturnedInLedger int64
	Refusals                        map[string]int // refusal sentences by command, for the log
	latencies                       map[string][]time.Duration
}

// Duplicates are units the ledger moved that no answer accounts for (a command applied twice),
// plus acknowledged units it did not move (an answer for nothing); both must be 0.
func (r Report) Duplicates() int64 {
	return abs(r.PickedInLedger-r.PickedAcked) + abs(r.ReturnedInLedger-r.ReturnedAcked)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// add counts one worker's journal.
func (r *Report) add(entries []Entry) {
	if r.Refusals == nil {
		r.Refusals = map[string]int{}
	}
	type acc struct {
		done, refused int
		units         int64
		lat           []time.Duration
	}
	byCommand := map[string]*acc{}
	for _, c := range r.Commands {
		byCommand[c.Command] = &acc{done: c.Done, refused: c.Refused, units: c.Units}
	}
	lat := map[string][]time.Duration{}
	for _, e := range entries {
		if e.T == "nowork" && e.Resolved {
			r.Resolved++
		}
		if e.T != "done" && e.T != "refused" {
			continue
		}
		a := byCommand[e.Op]
		if a == nil {
			a = &acc{}
			byCommand[e.Op] = a
		}
		if e.Resolved {
			r.Resolved++
		}
		if e.Resent {
			r.Resent++
		}
		if e.T == "refused" {
			a.refused++
			r.Refusals[e.Op+": "+firstLine(e.Why)]++
			continue
		}
		a.done++
		a.units += e.N
		lat[e.Op] = append(lat[e.Op], e.Latency())
		switch e.Op {
		case pickCmd.name:
			r.PickedAcked += e.N
		case receiveCmd.name:
			r.ReturnedAcked += e.N
		}
	}
	// Merge the latencies kept so far (Commands keep only summaries, so keep raw ones aside).
	if r.latencies == nil {
		r.latencies = map[string][]time.Duration{}
	}
	r.Commands = r.Commands[:0]
	for _, st := range stages {
		for _, c := range st.commands {
			a := byCommand[c]
			if a == nil {
				a = &acc{}
			}
			r.latencies[c] = append(r.latencies[c], lat[c]...)
			r.Commands = append(r.Commands, CommandStats{Stage: st.name, Command: c, Done: a.done, Refused: a.refused,
				Units: a.units, Latency: Summarize(r.latencies[c])})
		}
	}
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' || i > 160 {
			return s[:i]
		}
	}
	return s
}

// Print writes one line per stage's command with its throughput and latencies, then the faults
// survived and the duplicates found.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%-10s %-14s %6s %8s %8s %8s %8s %8s\n", "stage", "command", "done", "refused", "ops/min", "p50", "p95", "p99")
	for _, c := range r.Commands {
		fmt.Fprintf(w, "%-10s %-14s %6d %8d %8.1f %8s %8s %8s\n", c.Stage, c.Command, c.Done, c.Refused,
			PerMinute(c.Done, r.Elapsed), ms(c.Latency.P50), ms(c.Latency.P95), ms(c.Latency.P99))
	}
	fmt.Fprintf(w, "faults survived: %d connections killed, %d workers killed (SIGKILL) and restarted, %d server restarts\n",
		r.Faults.ConnectionsKilled, r.Faults.WorkersKilled, r.Faults.ServerRestarts)
	fmt.Fprintf(w, "commands in doubt resolved by their keys: %d left by killed workers, %d re-sent after a lost answer\n",
		r.Resolved, r.Resent)
	fmt.Fprintf(w, "duplicates found: %d (units picked: %d acknowledged, %d in the ledger; returned: %d acknowledged, %d in the ledger)\n",
		r.Duplicates(), r.PickedAcked, r.PickedInLedger, r.ReturnedAcked, r.ReturnedInLedger)
	for _, f := range r.Failures {
		fmt.Fprintf(w, "worker failure: %s\n", f)
	}
}

// maxRefusalsShown is how many refusal sentences PrintRefusals shows.
const maxRefusalsShown = 12

// PrintRefusals writes how often each refusal came, most frequent first (the first dozen): the
// sentences the people on the floor would have seen.
func (r Report) PrintRefusals(w io.Writer) {
	type kv struct {
		k string
		v int
	}
	var all []kv
	for k, v := range r.Refusals {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || all[i].v == all[j].v && all[i].k < all[j].k })
	for i, e := range all {
		if i == maxRefusalsShown {
			rest := 0
			for _, e := range all[i:] {
				rest += e.v
			}
			fmt.Fprintf(w, "refused %5d × … %d other sentences\n", rest, len(all)-i)
			break
		}
		fmt.Fprintf(w, "refused %5d × %s\n", e.v, e.k)
	}
}
