package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func seeded(t *testing.T) *db.DB { return tuitest.DemoDB(t) }

// feed is the change feed with a switch that makes it fail like a lost connection.
type feed struct {
	d    *db.DB
	down atomic.Bool
}

func (f *feed) poll(ctx context.Context, since db.Snapshot, watch db.TableSet) (db.Snapshot, db.TableSet, error) {
	if f.down.Load() {
		return "", 0, errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	}
	return f.d.ChangesSince(ctx, since, watch)
}

func newShell(t *testing.T, d *db.DB, w, h int) (*Model, *tuitest.Driver, *feed) {
	t.Helper()
	c := tuitest.NewContext()
	f := &feed{d: d}
	m := New(c, Routes(d), f.poll, 0)
	return m, tuitest.New(t, m, *c.Keys, w, h), f
}

var sizes = []struct{ w, h int }{{80, 24}, {40, 16}, {20, 16}}

// TestGoldenShellFrames draws each view on a shell of its own, so no shot depends on how the
// one before it was left.
func TestGoldenShellFrames(t *testing.T) {
	d := seeded(t)
	shots := []struct {
		name string
		keys [][2]string
	}{
		{"queue", nil},
		{"detail", [][2]string{{"list", "open"}}},
		{"menu", [][2]string{{"global", "menu"}}},
		{"help", [][2]string{{"global", "help"}}},
		{"picking", [][2]string{{"global", "picking"}}},
		{"search", [][2]string{{"queue", "search"}}},
		{"picker", [][2]string{{"queue", "filterWarehouse"}}},
	}
	for _, sz := range sizes {
		for _, shot := range shots {
			_, drv, _ := newShell(t, d, sz.w, sz.h)
			for _, k := range shot.keys {
				drv.Press(k[0], k[1])
			}
			frame := drv.Frame()
			tuitest.Exactly(t, frame, sz.w, sz.h)
			tuitest.Golden(t, fmt.Sprintf("shell-%s-%dx%d", shot.name, sz.w, sz.h), frame)
		}
	}
}

func TestTooSmallSaysSo(t *testing.T) {
	d := seeded(t)
	_, drv, _ := newShell(t, d, 19, 9)
	frame := drv.Frame()
	if !strings.Contains(frame, "small: 19×9") || !strings.Contains(frame, "need 20×10") {
		t.Fatalf("frame at 19×9:\n%s", frame)
	}
	tuitest.Exactly(t, frame, 19, 9)
	drv.Resize(20, 10)
	if strings.Contains(drv.Frame(), "too small") {
		t.Fatal("20×10 is supported")
	}
}

func TestNavigationByKeysAndMenu(t *testing.T) {
	d := seeded(t)
	m, drv, _ := newShell(t, d, 80, 24)
	drv.Press("global", "picking")
	if !strings.Contains(drv.Frame(), "oms · Picking") || !strings.Contains(drv.Frame(), "Not built yet") {
		t.Fatalf("f4 should show the picking placeholder:\n%s", drv.Frame())
	}
	drv.Press("global", "menu")
	drv.Press("list", "down") // packing
	drv.Press("list", "down") // returns
	drv.Press("list", "open")
	if !strings.Contains(drv.Frame(), "oms · Returns") {
		t.Fatalf("menu → returns:\n%s", drv.Frame())
	}
	drv.Press("global", "nextScreen")
	if !strings.Contains(drv.Frame(), "oms · Stock counts") {
		t.Fatal("next screen after returns should be stock counts")
	}
	drv.Press("global", "queue")
	number := m.current().(interface{ Title() string }).Title()
	_ = number
	drv.Press("list", "down")
	drv.Press("list", "open")
	frame := drv.Frame()
	if !strings.Contains(frame, "Queue › SO-") || !strings.Contains(frame, "Lines") {
		t.Fatalf("enter should open the order's detail:\n%s", frame)
	}
	drv.Press("global", "picking")
	drv.Press("global", "queue")
	if !strings.Contains(drv.Frame(), "Queue › SO-") {
		t.Fatal("coming back to the queue should keep the order open over it")
	}
	drv.Press("global", "back")
	if strings.Contains(drv.Frame(), "›") {
		t.Fatal("esc should close the detail")
	}
}

func TestFocusedSearchGetsKeysBeforeShortcuts(t *testing.T) {
	d := seeded(t)
	_, drv, _ := newShell(t, d, 80, 24)
	drv.Press("queue", "search")
	drv.Type("?") // help outside a field
	if strings.Contains(drv.Frame(), "Show or hide") {
		t.Fatal("? opened the help while typing in the search field")
	}
	if !strings.Contains(drv.Frame(), "/?") {
		t.Fatalf("? was not typed into the search:\n%s", drv.Frame())
	}
	drv.Press("global", "picking") // an F-key still works while typing
	if !strings.Contains(drv.Frame(), "oms · Picking") {
		t.Fatal("F4 should switch screens even from a text field")
	}
	drv.Press("global", "queue")
	if !strings.Contains(drv.Frame(), "/?") {
		t.Fatal("the search text was lost on the way back")
	}
}

func TestLiveChangeAppearsOnNextPoll(t *testing.T) {
	d := seeded(t)
	_, drv, _ := newShell(t, d, 80, 24)
	drv.Send(PollNow()) // baseline
	var number string
	if err := d.Get(&number, `UPDATE orders SET status = 'on_hold', on_hold = true, hold_reason = 'HOLD_FRAUD'
		WHERE id = (SELECT min(id) FROM orders WHERE status = 'backordered') RETURNING number`); err != nil {
		t.Fatal(err)
	}
	drv.Send(PollNow())
	if !strings.Contains(drv.Frame(), number+" HOLD") {
		t.Fatalf("%s put on hold in psql is not shown after a poll:\n%s", number, drv.Frame())
	}
}

func TestOfflineHeaderAndRecovery(t *testing.T) {
	d := seeded(t)
	_, drv, f := newShell(t, d, 80, 24)
	drv.Send(PollNow())
	drv.Press("queue", "search")
	drv.Type("an")
	f.down.Store(true)
	drv.Send(PollNow())
	frame := drv.Frame()
	if !strings.Contains(frame, "OFFLINE · stale since 14:00:00") {
		t.Fatalf("header does not say the data is stale:\n%s", frame)
	}
	if !strings.Contains(frame, "/an") {
		t.Fatal("going offline cleared the search")
	}
	// Handhelds keep the screen's name and swap the live dot for an open one with the time the
	// data is from.
	for _, sz := range sizes[1:] {
		drv.Resize(sz.w, sz.h)
		header := strings.Split(drv.Frame(), "\n")[0]
		if !strings.Contains(header, "Queue") || !strings.Contains(header, "○") || strings.Contains(header, "●") {
			t.Fatalf("at %d×%d the header does not say the data is stale:\n%s", sz.w, sz.h, drv.Frame())
		}
	}
	drv.Resize(80, 24)
	f.down.Store(false)
	drv.Send(PollNow())
	if frame := drv.Frame(); strings.Contains(frame, "OFFLINE") || !strings.Contains(frame, "● live") || !strings.Contains(frame, "/an") {
		t.Fatalf("after recovery:\n%s", frame)
	}
}

// draft is a view holding input that quitting would lose, as a picking or packing form will.
type draft struct{ ui.Component }

func (draft) HasUnsavedInput() bool { return true }

func TestQuitAsksFirstWhenInputWouldBeLost(t *testing.T) {
	d := seeded(t)
	m, drv, _ := newShell(t, d, 80, 24)
	drv.Press("global", "quit")
	if !drv.Quit {
		t.Fatal("with nothing unsaved, quit should quit at once")
	}
	drv.Quit = false
	m.push(draft{newPlaceholder(m.ctx, "Draft", "unsaved work")})
	drv.Press("global", "quit")
	if drv.Quit || !strings.Contains(drv.Frame(), "Quit and lose what you typed?") {
		t.Fatalf("quit with unsaved input should ask first:\n%s", drv.Frame())
	}
	drv.Press("dialog", "cancel")
	if drv.Quit || strings.Contains(drv.Frame(), "Quit and lose") {
		t.Fatal("answering no should keep oms open")
	}
	drv.Press("global", "quit")
	drv.Press("dialog", "confirm")
	if !drv.Quit {
		t.Fatal("answering yes should quit")
	}
}
