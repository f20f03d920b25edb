package invoices

import (
	"strings"
	"testing"
	"time"

	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestParseRange(t *testing.T) {
	now := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in       string
		from, to string
		word     period
		bad      string // part of the long message; "" when the range is good
	}{
		{"", "", "", anyDay, ""},
		{"  ", "", "", anyDay, ""},
		{"Today", "", "", today, ""},
		{"this  month", "", "", thisMonth, ""},
		{"2026-11-03", "2026-11-03", "2026-11-03", custom, ""},
		{"2026-02", "2026-02-01", "2026-02-28", custom, ""},
		{"2026-11-01..2026-11-15", "2026-11-01", "2026-11-15", custom, ""},
		{"2026-11-01 .. 2026-11-15", "2026-11-01", "2026-11-15", custom, ""},
		{"2026-11-01 to 2026-11-15", "2026-11-01", "2026-11-15", custom, ""},
		{"2026-11-01 2026-11-15", "2026-11-01", "2026-11-15", custom, ""},
		{"2026-10..2026-11", "2026-10-01", "2026-11-30", custom, ""},
		{"2026-11-20..", "2026-11-20", "", custom, ""},
		{"..2026-11-20", "", "2026-11-20", custom, ""},
		{"yesterday..today", "2026-11-25", "2026-11-26", custom, ""},
		{"yesterday", "2026-11-25", "2026-11-25", custom, ""},
		{"2026-11-01..month", "2026-11-01", "2026-11-30", custom, ""},
		{"2026-02-30", "", "", custom, `"2026-02-30" is not a day`},
		{"26/11/2026", "", "", custom, `"26/11/2026" is not a day`},
		{"2026-11-15..2026-11-01", "", "", custom, "from 2026-11-15 is after to 2026-11-01"},
		{"2026-11-01..2026-11-02..2026-11-03", "", "", custom, "is not a range"},
		{"next week", "", "", custom, `"next" is not a day`},
	} {
		r, word, err := parseRange(c.in, now)
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%q: error %v, want one saying %q", c.in, err, c.bad)
		case c.bad == "" && (r.from != c.from || r.to != c.to || word != c.word):
			t.Errorf("%q: %q..%q (%d), want %q..%q (%d)", c.in, r.from, r.to, word, c.from, c.to, c.word)
		}
		if c.bad == "" && word == custom {
			if back, _, err := parseRange(r.text(), now); err != nil || back != r {
				t.Errorf("%q shown as %q reads back as %+v (%v)", c.in, r.text(), back, err)
			}
		}
	}
}

// openDates presses the dates key until the prompt opens: today, this month, then the prompt.
func openDates(t *testing.T, s *Screen, drv *tuitest.Driver) {
	t.Helper()
	for i := 0; i < 4 && !s.dates.Focused(); i++ {
		drv.Press(keymaps.ScopeInvoices, "dates")
	}
	if !s.dates.Focused() || !s.Capturing() {
		t.Fatalf("the dates prompt did not open:\n%s", drv.Frame())
	}
}

// A typed range shows exactly the documents issued on those days, newest first, paged down by
// keyset through several pages and a bounded window with none skipped or repeated.
func TestTypedDateRangePagesThroughItsDays(t *testing.T) {
	d := tuitest.DemoDB(t)
	var want []string
	if err := d.Select(&want, `SELECT number FROM invoices WHERE number IS NOT NULL
		AND issued_at >= '2026-10-10'::timestamp AT TIME ZONE 'UTC' AND issued_at < '2026-10-21'::timestamp AT TIME ZONE 'UTC'
		ORDER BY issued_at DESC, id DESC`); err != nil {
		t.Fatal(err)
	}
	s, drv, _ := list(t, d, 20, 16)
	if len(want) <= s.maxWindow() {
		t.Fatalf("%d documents in the range fit one window of %d: the walk proves nothing", len(want), s.maxWindow())
	}
	openDates(t, s, drv)
	if got := s.dates.Value(); got != "2026-11-01..2026-11-30" {
		t.Fatalf("the prompt offers %q, want this month", got)
	}
	drv.Press(keymaps.ScopeInput, "clear")
	drv.Type("2026-10-10..2026-10-20")
	drv.Press(keymaps.ScopeInput, "submit")
	if s.Capturing() || s.f.period != custom {
		t.Fatalf("the range was not applied:\n%s", drv.Frame())
	}
	got := []string{s.rows[s.cursor].Number}
	for !s.atEnd || s.cursor < len(s.rows)-1 {
		drv.Press(keymaps.ScopeList, "down")
		got = append(got, s.rows[s.cursor].Number)
		if len(got) > len(want) {
			break
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("walked %d documents, want the %d issued 10–20 Oct\ngot  %v\nwant %v", len(got), len(want), got, want)
	}
	// The range stays through a refresh, and the dates key goes back to any day.
	drv.Send(ui.ChangedMsg{})
	for _, r := range s.rows {
		if day := r.IssuedAt.UTC().Format(time.DateOnly); day < "2026-10-10" || day > "2026-10-20" {
			t.Fatalf("after a refresh the range lists %s of %s", r.Number, day)
		}
	}
	drv.Press(keymaps.ScopeInvoices, "dates")
	if s.f.period != anyDay || !strings.Contains(drv.Frame(), "any day") {
		t.Fatalf("the dates key after a range:\n%s", drv.Frame())
	}
	// The prompt offers the range typed last.
	openDates(t, s, drv)
	if got := s.dates.Value(); got != "2026-10-10..2026-10-20" {
		t.Fatalf("the prompt offers %q, want the range typed last", got)
	}
}

// The prompt, a refused range and an applied one, drawn at every size.
func TestDatesPromptGolden(t *testing.T) {
	d := tuitest.DemoDB(t)
	for _, size := range sizes {
		s, drv, _ := list(t, d, size.w, size.h)
		openDates(t, s, drv)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "invoices-dates-"+size.name, frame)

		// A day that does not exist: said so, and the text stays for fixing.
		before := len(s.rows)
		drv.Press(keymaps.ScopeInput, "clear")
		drv.Type("2026-02-30")
		drv.Press(keymaps.ScopeInput, "submit")
		frame = drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "invoices-dates-bad-"+size.name, frame)
		msg := `"2026-02-30" is not a day: type YYYY-MM-DD`
		switch {
		case size.w < 40:
			msg = "want YYYY-MM-DD"
		case size.w < 60:
			msg = `"2026-02-30" is not a day`
		}
		if !s.Capturing() || s.dates.Value() != "2026-02-30" || !strings.Contains(frame, msg) || len(s.rows) != before {
			t.Fatalf("%s: a bad day was not refused in place:\n%s", size.name, frame)
		}
		// Typing clears the message; a range the wrong way round is refused too.
		drv.Press(keymaps.ScopeInput, "clear")
		drv.Type("2026-11-20..2026-11-10")
		if strings.Contains(drv.Frame(), msg) {
			t.Fatalf("%s: the message outlived the text it was about:\n%s", size.name, drv.Frame())
		}
		drv.Press(keymaps.ScopeInput, "submit")
		if !s.Capturing() || s.dateErr == nil || !strings.Contains(s.dateErr.long, "after") {
			t.Fatalf("%s: a reversed range was not refused:\n%s", size.name, drv.Frame())
		}

		drv.Press(keymaps.ScopeInput, "clear")
		drv.Type("2026-11-20..2026-11-24")
		drv.Press(keymaps.ScopeInput, "submit")
		frame = drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "invoices-range-"+size.name, frame)
		name := "20 Nov 2026 – 24 Nov 2026"
		if size.w < 60 {
			name = "20–24 Nov"
		}
		if s.Capturing() || !strings.Contains(frame, name) && size.w >= 40 {
			t.Fatalf("%s: the applied range:\n%s", size.name, frame)
		}
	}
}

// Esc leaves the prompt and the dates as they were.
func TestEscLeavesTheDatesAsTheyWere(t *testing.T) {
	d := tuitest.DemoDB(t)
	s, drv, _ := list(t, d, 80, 24)
	openDates(t, s, drv)
	before := s.f
	drv.Type("2026-10")
	drv.Press(keymaps.ScopeInput, "cancel")
	if s.Capturing() || s.f != before || !strings.Contains(drv.Frame(), "November 2026") {
		t.Fatalf("after esc: %+v, was %+v\n%s", s.f, before, drv.Frame())
	}
	// Nothing typed is any day.
	openDates(t, s, drv)
	drv.Press(keymaps.ScopeInput, "clear")
	drv.Press(keymaps.ScopeInput, "submit")
	if s.Capturing() || s.f.period != anyDay {
		t.Fatalf("an empty range: %+v", s.f)
	}
}
