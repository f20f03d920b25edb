package orders

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"oms/db/dbtest"
	"oms/model"

	"golang.org/x/text/unicode/norm"
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

// TestSearchUsesIndexes asks the planner, with every way of reading a table other than by
// bitmap made to look dear, how it would run each kind of search: every meaning must come from
// an index, or a million orders are read for one search.
func TestSearchUsesIndexes(t *testing.T) {
	d := dbtest.New(t)
	for _, text := range []string{"Müller", "mu\u0308l", "SO-1976", "1976", "ext-123", "anna@example.com",
		"+31 6 1234 5678", "06 1234 5678", "3011 AB", "1Z999AA10123456784"} {
		for _, f := range []QueueFilter{{Search: text}, {Search: text, Status: StatusOpen, WarehouseID: 2}} {
			p, err := pageQuery(PageRequest{Filter: f, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			tx, err := d.Beginx()
			if err != nil {
				t.Fatal(err)
			}
			for _, off := range []string{"enable_seqscan", "enable_indexscan", "enable_indexonlyscan"} {
				if _, err := tx.Exec(`SET LOCAL ` + off + ` = off`); err != nil {
					t.Fatal(err)
				}
			}
			var plan []string
			err = tx.Select(&plan, `EXPLAIN `+p.sql, p.args...)
			tx.Rollback()
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			// Disabled paths are only made dear, not impossible: what must not remain is a scan
			// of a table other than from a bitmap, the one way to OR several indexes.
			for _, line := range plan {
				for _, table := range []string{"orders", "customers", "addresses", "packages", "shipments"} {
					if strings.Contains(line, " on "+table+" ") && !strings.Contains(line, "Bitmap Heap Scan") {
						t.Errorf("search %+v reads %s other than by index:\n%s", f, table, strings.Join(plan, "\n"))
					}
				}
			}
		}
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

// FuzzParseSearch: whatever is typed or scanned, the meanings handed to SQL keep their shape.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"SO-1976", "so 0001976", "Mu\u0308ller", "+31 6 1234 5678", "06-1234 5678",
		"anna@example.com", "3011 AB", "\x1d010871234567890\r\n", "", "   ", "SO-", "12345678901234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q := parseSearch(raw)
		if q.text != strings.TrimSpace(q.text) || strings.ContainsFunc(q.text, unicode.IsControl) {
			t.Errorf("%q: text %q keeps spaces at its ends or control characters", raw, q.text)
		}
		if utf8.ValidString(raw) && !norm.NFC.IsNormalString(q.text) {
			t.Errorf("%q: text %q is not composed", raw, q.text)
		}
		if q.numDigits != "" && (strings.Trim(q.numDigits, "0123456789") != "" || len(q.numDigits) > 12 ||
			q.numDigits != "0" && q.numDigits[0] == '0') {
			t.Errorf("%q: number digits %q", raw, q.numDigits)
		}
		if q.phone != "" && (strings.Trim(strings.TrimSuffix(q.phone, "%"), "0123456789") != "" ||
			len(q.phone) < minPhoneDigits+1 || !strings.HasSuffix(q.phone, "%")) {
			t.Errorf("%q: phone pattern %q", raw, q.phone)
		}
	})
}
