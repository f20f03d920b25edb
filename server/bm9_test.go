package server

import (
	"context"
	"flag"
	"strings"
	"testing"

	"oms/db/dbtest"
	"oms/keymaps"
	"oms/tui/tuitest"
)

var bm9Sessions = flag.Int("bm9.sessions", 200, "BM9: idle SSH sessions to open")

// BenchmarkBM9IdleSessions is BM9, the README's idle-session figure (≤ 1 MB per idle SSH session),
// measured by MeasureIdleSessions as `oms bench ssh-idle` does, on the demo business with the
// directory in memory: it opens -bm9.sessions sessions (200) at 80×24 with x/crypto/ssh
// clients, waits until every one shows the queue with its first order, lets them idle, and
// reports the growth of the live heap (after GC) and of the process's resident memory per
// session. Run it alone:
//
//	go test ./server/ -run '^$' -bench BM9 -benchtime 1x
func BenchmarkBM9IdleSessions(b *testing.B) {
	owner := tuitest.DemoDB(b)
	login, _ := dbtest.NewLogin(b, owner, dbtest.Staff{Name: "Idle Ida", Jobs: []string{"supervisor"}})
	signer := newSigner(b)
	dir := &directory{}
	dir.add(signer.PublicKey(), Person{Login: login, Name: "Idle Ida", Jobs: []string{"supervisor"}, Active: true})

	for b.Loop() {
		r, err := MeasureIdleSessions(context.Background(), Config{DB: owner, Directory: dir, Keys: keymaps.Default()},
			IdleOptions{Login: login, Key: signer, Sessions: *bm9Sessions, Wait: waitLimit})
		if err != nil {
			b.Fatal(err)
		}
		if !r.OK() {
			b.Errorf("%s\n%s", r.Line(), strings.Join(r.Messages, "\n"))
		}
		const mb = 1 << 20
		b.ReportMetric(r.HeapPerSession/mb, "heap-MB/session")
		b.ReportMetric(r.RSSPerSession/mb, "rss-MB/session")
		b.ReportMetric(r.GoroutinesPerSession, "goroutines/session")
		b.ReportMetric(r.OpenPerSession.Seconds()*1000, "ms-to-open/session")
	}
}
