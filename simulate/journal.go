package simulate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// Entry is one line of a worker's journal. A worker writes "sent" with the command, its key and
// its arguments before it sends a command, and "done" or "refused" once the database answered;
// ("nowork" for a claim that found nothing to do); a "sent" without its answer is a command in doubt, which the worker's successor re-sends with
// the same key. Other entries record hand-overs (T "batch", "dropped") and starts ("start").
type Entry struct {
	T    string          `json:"t"`
	Op   string          `json:"op,omitempty"`
	Key  string          `json:"key,omitempty"`
	Args json.RawMessage `json:"args,omitempty"`
	// Answers: the latency from the first send to the answer, the units the answer says were
	// done, whether it came only after re-sending (an answer lost on the way), whether it is
	// a predecessor's command in doubt resolved by its key, and a refusal's sentence.
	Ms       float64 `json:"ms,omitempty"`
	N        int64   `json:"n,omitempty"`
	Resent   bool    `json:"resent,omitempty"`
	Resolved bool    `json:"resolved,omitempty"`
	Why      string  `json:"why,omitempty"`
}

// Latency is the entry's latency.
func (e Entry) Latency() time.Duration { return time.Duration(e.Ms * float64(time.Millisecond)) }

// Journal is a worker's append-only journal file. Each entry is written with one write(2) to a
// file opened O_APPEND, so a process killed at any point leaves whole lines, and at worst a torn
// last one, which reading skips.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// OpenJournal opens path for appending, creating it, and returns the entries already in it.
func OpenJournal(path string) (*Journal, []Entry, error) {
	old, err := ReadJournal(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	return &Journal{f: f, path: path}, old, nil
}

// ReadJournal reads a journal's entries; a missing file has none, a torn line is skipped.
func ReadJournal(path string) ([]Entry, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.T != "" {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

// Write appends one entry.
func (j *Journal) Write(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing the journal %s: %w", j.path, err)
	}
	return nil
}

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }

// InDoubt are the commands sent and never answered, in the order they were sent.
func InDoubt(entries []Entry) []Entry {
	answered := map[string]bool{}
	for _, e := range entries {
		if e.T == "done" || e.T == "refused" || e.T == "nowork" {
			answered[e.Key] = true
		}
	}
	var out []Entry
	for _, e := range entries {
		if e.T == "sent" && !answered[e.Key] {
			out = append(out, e)
		}
	}
	return out
}

// Undropped are the keys of entries of kind t whose hand-over (an entry "dropped" with the same
// key) never happened, with their arguments.
func Undropped(entries []Entry, t string) []Entry {
	dropped := map[string]bool{}
	for _, e := range entries {
		if e.T == "dropped" {
			dropped[e.Key] = true
		}
	}
	var out []Entry
	for _, e := range entries {
		if e.T == t && !dropped[e.Key] {
			out = append(out, e)
		}
	}
	return out
}
