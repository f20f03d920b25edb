package db_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"oms/db/dbtest"
)

// The server's JIT compiler is off in oms's sessions: a short statement the planner misjudged
// (the order counts' fold after a large import) spent up to 0.8 s compiling while it held its
// transaction's locks. A URL that asks for JIT keeps it.
func TestSessionsRunWithoutJIT(t *testing.T) {
	ctx := context.Background()
	var jit string
	d := dbtest.New(t)
	if err := d.GetContext(ctx, &jit, `SHOW jit`); err != nil || jit != "off" {
		t.Fatalf("jit in an oms session is %q (%v), want off", jit, err)
	}
	asked := dbtest.Open(t, withParam(dbtest.URL(t), "jit", "on"))
	if err := asked.GetContext(ctx, &jit, `SHOW jit`); err != nil || jit != "on" {
		t.Fatalf("jit with jit=on in the URL is %q (%v), want on", jit, err)
	}
}

// withParam is the database address raw with one more connection parameter, in its own form.
func withParam(raw, key, value string) string {
	if !strings.Contains(raw, "://") {
		return raw + " " + key + "=" + value
	}
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
