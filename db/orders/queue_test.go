package orders

import (
	"context"
	"strings"
	"testing"

	"oms/db/dbtest"
	"oms/model"
)

func TestOpenStatusSQLMatchesModel(t *testing.T) {
	var quoted []string
	for _, s := range model.OpenStatuses() {
		quoted = append(quoted, "'"+string(s)+"'")
	}
	want := "o.status IN (" + strings.Join(quoted, ", ") + ")"
	if openStatusSQL != want {
		t.Fatalf("openStatusSQL = %s\nmodel says    %s", openStatusSQL, want)
	}
}

// TestQueueStatementsArePreparedOnce: the page and counts a live queue repeats are prepared once
// and reused, pages of nearby sizes share a statement, and searches are never prepared.
func TestQueueStatementsArePreparedOnce(t *testing.T) {
	d := dbtest.New(t)
	s := New(d)
	ctx := context.Background()
	prepared := func(want int, after string) {
		t.Helper()
		if got := d.PreparedCount(); got != want {
			t.Fatalf("after %s: %d statements prepared, want %d", after, got, want)
		}
	}
	prepared(0, "nothing")
	for range 3 {
		for _, limit := range []int{17, 20} {
			if _, err := s.QueuePage(ctx, PageRequest{Filter: QueueFilter{Status: StatusOpen}, Limit: limit}); err != nil {
				t.Fatal(err)
			}
		}
	}
	prepared(1, "six first pages of 17 and 20 rows")
	if _, err := s.QueuePage(ctx, PageRequest{Filter: QueueFilter{Status: OnlyStatus(model.StatusShipped)}, Limit: 20}); err != nil {
		t.Fatal(err)
	}
	prepared(2, "a page of another status")
	for range 3 {
		if _, err := s.QueueCounts(ctx, QueueFilter{WarehouseID: 1}); err != nil {
			t.Fatal(err)
		}
	}
	prepared(3, "three counts")
	if _, err := s.QueuePage(ctx, PageRequest{Filter: QueueFilter{Search: "anna"}, Limit: 20}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueCounts(ctx, QueueFilter{Search: "anna"}); err != nil {
		t.Fatal(err)
	}
	prepared(3, "a search")
	if _, err := s.QueuePage(ctx, PageRequest{Filter: QueueFilter{Status: "bogus"}, Limit: 20}); err == nil {
		t.Fatal("an unknown status was accepted")
	}
}
