// Package dbtest gives each test its own freshly migrated PostgreSQL database (ARCHITECTURE.md §6).
//
// It uses OMS_TEST_DATABASE_URL when set (the role needs CREATEDB; a superuser is best because
// `oms seed` writes backdated history), and otherwise starts a private cluster from the installed
// server binaries once per test binary. The schema is migrated once into a template database and
// each test gets a clone, dropped when the test ends. With no PostgreSQL anywhere, tests fail with
// a sentence saying what to install; they never skip.
//
// Tests connect as the superuser that migrated the database (New, Open), as ClientRole, a login
// in the supervisor job role that attack tests use (NewWithClient), as a fresh staff member
// holding given job roles (LoginAs, NewLogin: made by oms_staff_add, as `oms staff add` does), or
// as a fresh member of oms_server, as the SSH server's pool logs in (ServerLogin). Roles belong
// to the whole server, which many test databases share: each login has a name no other test
// uses and is dropped when its test ends.
//
// A package using it needs
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
// so the cluster and template are removed when its tests finish.
package dbtest
