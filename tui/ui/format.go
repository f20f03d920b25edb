package ui

import (
	"strconv"
	"time"
)

// Age is a compact duration for tables: "45s", "12m", "3h20m", "2d4h", "45d".
func Age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m"
	case d < 24*time.Hour:
		h := int(d.Hours())
		if m := int(d.Minutes()) % 60; m != 0 && h < 10 {
			return strconv.Itoa(h) + "h" + strconv.Itoa(m) + "m"
		}
		return strconv.Itoa(h) + "h"
	case d < 10*24*time.Hour:
		days := int(d.Hours()) / 24
		if h := int(d.Hours()) % 24; h != 0 {
			return strconv.Itoa(days) + "d" + strconv.Itoa(h) + "h"
		}
		return strconv.Itoa(days) + "d"
	}
	return strconv.Itoa(int(d.Hours())/24) + "d"
}

// SLA is where an order stands against its promised date.
type SLA int

const (
	// SLANone: nothing left to do (shipped, returned, cancelled).
	SLANone SLA = iota
	// SLALate: the promised date has passed.
	SLALate
	// SLADueToday: promised before the end of today.
	SLADueToday
	// SLAOnTime: promised later than today.
	SLAOnTime
)

// Due classifies a promised date at now (in now's time zone) and says it in a few characters:
// "late 2h", "today 16:00", "in 2d".
func Due(now, promised time.Time, done bool) (SLA, string) {
	if done {
		return SLANone, "—"
	}
	if promised.Before(now) {
		return SLALate, "late " + Age(now.Sub(promised))
	}
	y, mo, d := now.Date()
	endOfDay := time.Date(y, mo, d+1, 0, 0, 0, 0, now.Location())
	if promised.Before(endOfDay) {
		return SLADueToday, "today " + promised.In(now.Location()).Format("15:04")
	}
	return SLAOnTime, "in " + Age(promised.Sub(now))
}
