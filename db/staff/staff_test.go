package staff_test

import (
	"context"
	"testing"

	"oms/db/dbtest"
	"oms/db/staff"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestWhoamiIsTheSessionsRole: the identity comes from the database session, and names the
// staff member only while they are active.
func TestWhoamiIsTheSessionsRole(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	s := staff.New(d)
	var role string
	if err := d.Get(&role, `SELECT current_user`); err != nil {
		t.Fatal(err)
	}
	id, err := s.Whoami(ctx)
	if err != nil || id != (staff.Identity{Login: role}) {
		t.Fatalf("no staff row: Whoami = %+v, %v; want only the login %s", id, err, role)
	}
	for _, stmt := range []string{
		`INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		 VALUES ('RTM1', 'Rotterdam', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`,
		`INSERT INTO staff (login, name, job, warehouse_id)
		 VALUES (current_user, 'Anna Jansen', 'supervisor', (SELECT id FROM warehouses WHERE code = 'RTM1'))`,
	} {
		if _, err := d.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	code := "RTM1"
	id, err = s.Whoami(ctx)
	if want := (staff.Identity{Login: role, Name: "Anna Jansen", Job: "supervisor", Warehouse: code}); err != nil || id != want {
		t.Fatalf("Whoami = %+v, %v; want %+v", id, err, want)
	}
	if _, err := d.Exec(`UPDATE staff SET active = false WHERE login = current_user`); err != nil {
		t.Fatal(err)
	}
	if id, err = s.Whoami(ctx); err != nil || id.Name != "" {
		t.Fatalf("an inactive staff member is still named: %+v, %v", id, err)
	}
}
