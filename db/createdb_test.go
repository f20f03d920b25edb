package db_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/lib/pq"

	"oms/db/dbtest"
)

// TestCreateDatabaseQuotesItsName: the name is an identifier, never SQL (oms demo creates its
// database this way, so that nothing outside db runs SQL).
func TestCreateDatabaseQuotesItsName(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	name := fmt.Sprintf(`oms "demo"; DROP TABLE orders; %d`, os.Getpid())
	if err := d.CreateDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name)) })
	var n int
	if mustGet(t, d, &n, `SELECT count(*) FROM pg_database WHERE datname = $1`, name); n != 1 {
		t.Fatalf("%d databases called %q, want 1", n, name)
	}
	mustGet(t, d, &n, `SELECT count(*) FROM orders`) // still there
	if err := d.CreateDatabase(ctx, name); err == nil {
		t.Error("a second database of the same name was created")
	}
}
