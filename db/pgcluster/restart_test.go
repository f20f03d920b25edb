package pgcluster

import (
	"context"
	"database/sql"
	"testing"
)

// A restarted cluster answers on the same port with the same data, and a connection of before
// the restart fails rather than answering.
func TestRestartKeepsThePortAndTheData(t *testing.T) {
	ctx := context.Background()
	c, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	d, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Exec(`CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	conn, err := d.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	port := c.Port()
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Port() != port {
		t.Errorf("port %d after the restart, was %d", c.Port(), port)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT 1`).Scan(&n); err == nil {
		t.Error("a connection from before the restart still answers")
	}
	if err := d.QueryRow(`SELECT n FROM kept`).Scan(&n); err != nil || n != 42 {
		t.Errorf("after the restart: %d, %v", n, err)
	}
}
