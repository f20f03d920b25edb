package server

import (
	"context"
	"strings"
	"testing"

	"oms/db/dbtest"
	"oms/keymaps"
)

// TestIdleSessionsThatNeverShowTheQueueFail: BM9 with a key the directory does not know opens
// no session; that is the measurement's FAIL, with the reason, not an error of the run.
func TestIdleSessionsThatNeverShowTheQueueFail(t *testing.T) {
	r, err := MeasureIdleSessions(context.Background(), Config{DB: dbtest.New(t), Directory: &directory{}, Keys: keymaps.Default()},
		IdleOptions{Login: "nobody", Key: newSigner(t), Sessions: 3, Wait: waitLimit})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.Shown != 0 || len(r.Messages) == 0 || !strings.HasPrefix(r.Messages[0], "the first session: ") {
		t.Fatalf("want a failure naming the first session, got %+v", r)
	}
	if line := r.Line(); !strings.HasPrefix(line, "ssh-idle sessions=3 ") || !strings.HasSuffix(line, " target=1MB FAIL") {
		t.Errorf("line %q", line)
	}
}

func TestIdleVerdict(t *testing.T) {
	const mb = 1 << 20
	ok := IdleResult{Sessions: 200, Shown: 200, HeapPerSession: 0.146 * mb, RSSPerSession: 0.354 * mb, GoroutinesPerSession: 23}
	if got, want := ok.Line(), "ssh-idle sessions=200 heap=0.15MB/session rss=0.35MB/session goroutines=23/session target=1MB ok"; got != want {
		t.Errorf("line:\n got %q\nwant %q", got, want)
	}
	over := ok
	over.RSSPerSession = mb + 1
	lost := ok
	lost.Shown = 199
	ended := ok
	ended.Messages = []string{"1 sessions ended while idle"}
	for name, r := range map[string]IdleResult{"over 1 MB": over, "a session not shown": lost, "a session ended": ended} {
		if r.OK() {
			t.Errorf("%s: want FAIL", name)
		}
	}
	at := ok
	at.RSSPerSession = mb
	if !at.OK() {
		t.Error("exactly 1 MB a session is within the target")
	}
}
