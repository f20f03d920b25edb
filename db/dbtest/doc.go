// Package dbtest gives each test its own freshly migrated PostgreSQL database (ARCHITECTURE.md §6).
//
// It uses OMS_TEST_DATABASE_URL when set (the role needs CREATEDB; a superuser is best because
// `oms seed` writes backdated history), and otherwise starts a private cluster from the installed
// server binaries once per test binary. The schema is migrated once into a template database and
// each test gets a clone, dropped when the test ends. With no PostgreSQL anywhere, tests fail with
// a sentence saying what to install; they never skip.
//
// A package using it needs
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
// so the cluster and template are removed when its tests finish.
package dbtest
