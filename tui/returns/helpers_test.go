package returns

import (
	"context"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/floortest"
	dbreturns "oms/db/returns"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// newFloor is floortest's floor, its orders promised for the day after tuitest.Now (the
// screen's clock).
func newFloor(t testing.TB) *floortest.Floor {
	t.Helper()
	f := floortest.New(t)
	f.Day, f.Promise = tuitest.Now, tuitest.Now.Add(24*time.Hour)
	return f
}

func mustGet(t testing.TB, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// clerkData is the desk's data as a returns login has it, with one receive whose answer is
// lost on the way back when loseNext is set: it commits, and the screen hears a time-out.
type clerkData struct {
	*dbreturns.Store
	loseNext bool
	down     bool // the database does not answer reads of an RMA
}

func (c *clerkData) RMA(ctx context.Context, id int64) (dbreturns.RMA, error) {
	if c.down {
		return dbreturns.RMA{}, context.DeadlineExceeded
	}
	return c.Store.RMA(ctx, id)
}

func (c *clerkData) Receive(ctx context.Context, key string, rma int64, scan string, qty int, lot string) (dbreturns.Received, error) {
	r, err := c.Store.Receive(ctx, key, rma, scan, qty, lot)
	if c.loseNext && err == nil {
		c.loseNext = false
		return dbreturns.Received{}, context.DeadlineExceeded
	}
	return r, err
}

// desk is a returns clerk's screen on the floor at a size.
type desk struct {
	t    *testing.T
	s    *Screen
	drv  *tuitest.Driver
	data *clerkData
	w, h int
}

// openDesk opens the desk as a fresh login named name with jobs; with set, the context is
// changed before the screen is built (a warehouse, a clock).
func openDesk(t *testing.T, f *floortest.Floor, name string, jobs []string, w, h int, set ...func(*ui.Context)) *desk {
	t.Helper()
	login, url := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: jobs})
	data := &clerkData{Store: dbreturns.New(dbtest.Open(t, url))}
	c := tuitest.NewContext()
	c.Jobs, c.User.Warehouse, c.User.Name, c.User.Login = jobs, "", name, login
	for _, f := range set {
		f(c)
	}
	s := Def(data).Build(c, nil).(*Screen)
	return &desk{t: t, s: s, drv: tuitest.New(t, s, *c.Keys, w, h), data: data, w: w, h: h}
}

// scan types text and ends it with enter, as a scanner does.
func (d *desk) scan(text string) {
	d.drv.Type(text)
	d.press(keymaps.ScopeInput, "submit")
}

func (d *desk) press(scope, action string, times ...int) {
	n := 1
	if len(times) > 0 {
		n = times[0]
	}
	for range n {
		d.drv.Press(scope, action)
	}
}

// frame is the frame now, checked to fill the size and to say each of want (line breaks and
// padding aside).
func (d *desk) frame(what string, want ...string) string {
	d.t.Helper()
	frame := d.drv.Frame()
	tuitest.Exactly(d.t, frame, d.w, d.h)
	for _, w := range want {
		if !strings.Contains(flat(frame), w) {
			d.t.Fatalf("%s: the frame does not say %q:\n%s", what, w, frame)
		}
	}
	return frame
}

// flat is a frame's text with its line breaks and padding gone, so a sentence wrapped at 20
// columns reads as one.
func flat(frame string) string { return strings.Join(strings.Fields(frame), " ") }
