package invoices

import (
	"fmt"
	"strings"
	"time"
)

// The typed range of issue days: the dates key goes any day → today → this month → a range
// typed in a prompt (prefilled with this month, or the range typed last) → any day again.
// What the prompt accepts, in UTC calendar days as the quick choices:
//
//	2026-11-03              one day
//	2026-11                 a month
//	2026-11-01..2026-11-15  from and to, both included ("to" or a space between works too)
//	2026-11-01..            from a day on; ..2026-11-15 up to a day
//	today, yesterday        a day by name; "month" (or "this month") is this month
//	(nothing)               any day
//
// A range in another form is refused with a sentence saying what was wrong, and the prompt
// keeps what was typed.

// dayRange is a range of issue days as the data layer takes it: YYYY-MM-DD, "" for no bound.
type dayRange struct{ from, to string }

// rangeError says what is wrong with a typed range: long for a wide screen, short for a
// handheld.
type rangeError struct{ long, short string }

func (e *rangeError) Error() string { return e.long }

const rangeHint = "YYYY-MM-DD, YYYY-MM, from..to, today or month"

// parseRange reads a typed range; now is the day words are relative to. word is set when the
// whole text names a quick choice (today, this month, any day), which the screen shows as such.
func parseRange(text string, now time.Time) (r dayRange, word period, err error) {
	t := strings.ToLower(strings.Join(strings.Fields(text), " "))
	switch t {
	case "", "any", "any day", "..":
		return dayRange{}, anyDay, nil
	case "today":
		return dayRange{}, today, nil
	case "month", "this month":
		return dayRange{}, thisMonth, nil
	}
	var parts []string
	switch {
	case strings.Contains(t, ".."):
		parts = strings.Split(t, "..")
	case strings.Contains(t, " to "):
		parts = strings.Split(t, " to ")
	default:
		parts = strings.Split(t, " ")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch len(parts) {
	case 1:
		from, to, err := bounds(parts[0], now)
		return dayRange{from: from, to: to}, custom, err
	case 2:
		if parts[0] != "" {
			if r.from, _, err = bounds(parts[0], now); err != nil {
				return dayRange{}, custom, err
			}
		}
		if parts[1] != "" {
			if _, r.to, err = bounds(parts[1], now); err != nil {
				return dayRange{}, custom, err
			}
		}
		if r.from != "" && r.to != "" && r.from > r.to {
			return dayRange{}, custom, &rangeError{
				long:  fmt.Sprintf("from %s is after to %s: type the earlier day first", r.from, r.to),
				short: "from is after to"}
		}
		return r, custom, nil
	}
	return dayRange{}, custom, &rangeError{long: fmt.Sprintf("%q is not a range: type %s", text, rangeHint),
		short: "want YYYY-MM-DD"}
}

// bounds is the first and last day of one typed day or month.
func bounds(s string, now time.Time) (from, to string, err error) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch s {
	case "today":
		return day.Format(time.DateOnly), day.Format(time.DateOnly), nil
	case "yesterday":
		y := day.AddDate(0, 0, -1).Format(time.DateOnly)
		return y, y, nil
	case "month", "this month":
		first := day.AddDate(0, 0, 1-day.Day())
		return first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly), nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Format(time.DateOnly), d.Format(time.DateOnly), nil
	}
	if m, err := time.Parse("2006-01", s); err == nil {
		return m.Format(time.DateOnly), m.AddDate(0, 1, -1).Format(time.DateOnly), nil
	}
	return "", "", &rangeError{long: fmt.Sprintf("%q is not a day: type %s", s, rangeHint),
		short: "want YYYY-MM-DD"}
}

// text is the range as the prompt shows it, so it reads back as the same range.
func (r dayRange) text() string {
	switch {
	case r.from == "" && r.to == "":
		return ""
	case r.from == r.to:
		return r.from
	}
	return r.from + ".." + r.to
}

// name is the range in words on the filter line: wide "1 Nov 2026 – 15 Nov 2026", "from 1 Nov
// 2026", "3 Nov 2026"; short "1–15 Nov", "≥1 Nov", "3 Nov".
func (r dayRange) name(short bool) string {
	f, t := parseDay(r.from), parseDay(r.to)
	long := "2 Jan 2006"
	if short {
		long = "2 Jan"
	}
	switch {
	case r.from == "" && r.to == "":
		return "any day"
	case r.to == "":
		if short {
			return "≥" + f.Format(long)
		}
		return "from " + f.Format(long)
	case r.from == "":
		if short {
			return "≤" + t.Format(long)
		}
		return "to " + t.Format(long)
	case r.from == r.to:
		return f.Format(long)
	case short && f.Year() == t.Year() && f.Month() == t.Month():
		return f.Format("2") + "–" + t.Format("2 Jan")
	case short:
		return f.Format(long) + "–" + t.Format(long)
	}
	return f.Format(long) + " – " + t.Format(long)
}

// parseDay reads a day the parser wrote; "" is the zero time.
func parseDay(s string) time.Time {
	d, _ := time.Parse(time.DateOnly, s)
	return d
}
