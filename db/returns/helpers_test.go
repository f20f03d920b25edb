package returns_test

import (
	"context"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/db/returns"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// desk is floortest's floor and a returns clerk.
type desk struct {
	*floortest.Floor
	clerk *returns.Store
	login *db.DB
}

func newDesk(t testing.TB) *desk {
	t.Helper()
	f := floortest.New(t)
	clerk, login := returnsClerk(t, f, "Rita Returns")
	return &desk{Floor: f, clerk: clerk, login: login}
}

// returnsClerk is a fresh returns login named name and its commands.
func returnsClerk(t testing.TB, f *floortest.Floor, name string, jobs ...string) (*returns.Store, *db.DB) {
	t.Helper()
	if len(jobs) == 0 {
		jobs = []string{"returns"}
	}
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: name, Jobs: jobs})
	d := dbtest.Open(t, u)
	return returns.New(d), d
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

func checkClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}
