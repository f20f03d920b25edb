package simulate

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAJournalFindsTheCommandsInDoubtAndSkipsATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "picker-1.jsonl")
	j, old, err := OpenJournal(path)
	if err != nil || len(old) != 0 {
		t.Fatalf("new journal: %v, %v", old, err)
	}
	for _, e := range []Entry{
		{T: "start"},
		{T: "sent", Op: "pick", Key: "k1", Args: []byte(`{"Task":1}`)},
		{T: "done", Op: "pick", Key: "k1", Ms: 3, N: 1},
		{T: "sent", Op: "pick", Key: "k2", Args: []byte(`{"Task":2}`)},
		{T: "sent", Op: "short", Key: "k3"},
		{T: "refused", Op: "short", Key: "k3", Why: "no"},
		{T: "batch", Key: "B-1"},
		{T: "batch", Key: "B-2"},
		{T: "dropped", Key: "B-1"},
	} {
		if err := j.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	// A process killed in the middle of a write leaves a torn last line.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"t":"sent","op":"pi`)
	f.Close()

	_, entries, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 9 {
		t.Fatalf("%d entries, want 9 (the torn one skipped)", len(entries))
	}
	doubt := InDoubt(entries)
	if len(doubt) != 1 || doubt[0].Key != "k2" || string(doubt[0].Args) != `{"Task":2}` {
		t.Errorf("in doubt: %+v, want only k2 with its arguments", doubt)
	}
	if u := Undropped(entries, "batch"); len(u) != 1 || u[0].Key != "B-2" {
		t.Errorf("undropped batches: %+v, want B-2", u)
	}
	if e := entries[2]; e.Latency().Milliseconds() != 3 {
		t.Errorf("latency %v", e.Latency())
	}
}
