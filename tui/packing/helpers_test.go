package packing

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/db/shipping"
	"oms/keymaps"
	"oms/tui/tuitest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// floor is floortest's, its orders promised for the day after tuitest.Now (the screen's
// clock) and ordered in the two days before it.
type floor struct{ *floortest.Floor }

func newFloor(t testing.TB) floor {
	t.Helper()
	f := floortest.New(t)
	f.Day, f.Promise = tuitest.Now, tuitest.Now.Add(24*time.Hour)
	return floor{f}
}

func mustExec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustGet(t testing.TB, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// rotterdam is where the test orders go unless told otherwise.
var rotterdam = floortest.Rotterdam

// bench is the screen's data as a packer's login has it, with one verify whose answer is lost
// on the way back when loseNext is set: it commits, and the screen hears a time-out.
type bench struct {
	*shipping.Store
	loseNext bool
}

func (b *bench) Verify(ctx context.Context, key string, shipment int64, scan string, qty int, today time.Time) (shipping.Verified, error) {
	v, err := b.Store.Verify(ctx, key, shipment, scan, qty, today)
	if b.loseNext && err == nil {
		b.loseNext = false
		return shipping.Verified{}, errors.New("the database did not answer in time")
	}
	return v, err
}

// station is a packer's screen on the floor at a size: a fresh login of name, the screen and
// its driver.
type station struct {
	t    *testing.T
	s    *Screen
	drv  *tuitest.Driver
	data *bench
	w, h int
}

func (f floor) station(t *testing.T, name string, w, h int) *station {
	t.Helper()
	_, url := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: []string{"packer"}, Warehouse: "RTM1"})
	data := &bench{Store: shipping.New(dbtest.Open(t, url))}
	c := tuitest.NewContext()
	c.Jobs, c.User.Warehouse, c.User.Name = []string{"packer"}, "RTM1", name
	s := Def(data).Build(c, nil).(*Screen)
	return &station{t: t, s: s, drv: tuitest.New(t, s, *c.Keys, w, h), data: data, w: w, h: h}
}

// scan types text and ends it with enter, as a scanner does.
func (st *station) scan(text string) {
	st.drv.Type(text)
	st.drv.Press(keymaps.ScopeInput, "submit")
}

// frame is the frame now, checked to fill the size and to say each of want (line breaks and
// padding aside).
func (st *station) frame(what string, want ...string) string {
	st.t.Helper()
	frame := st.drv.Frame()
	tuitest.Exactly(st.t, frame, st.w, st.h)
	for _, w := range want {
		if !strings.Contains(flat(frame), w) {
			st.t.Fatalf("%s: the frame does not say %q:\n%s", what, w, frame)
		}
	}
	return frame
}

// flat is a frame's text with its line breaks and padding gone, so a sentence wrapped at 20
// columns reads as one.
func flat(frame string) string { return strings.Join(strings.Fields(frame), " ") }
