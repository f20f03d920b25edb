package order

import (
	"strconv"
	"strings"

	"oms/db/orders"
	"oms/tui/ui"
)

// Widest actor and kind columns of the history; longer values are cut with "…".
const (
	maxActorWidth = 14
	maxKindWidth  = 20
)

// historyLimit mirrors db's cap on the events one detail read returns: at that count the
// title says "latest" so nobody takes it for the whole history.
const historyLimit = 200

// historySection writes the events, newest first, and returns the section's index. On wide
// screens each event is one row (time, actor, kind, message) with the message wrapping under
// itself; narrower screens drop the kind, and compact ones put the message under the time.
func (w *writer) historySection(events []orders.Event) int {
	count := plural(len(events), "event")
	if w.class == tiny {
		count = strconv.Itoa(len(events))
	}
	if len(events) >= historyLimit {
		count = "latest " + strconv.Itoa(len(events))
	}
	at := w.section("History", count)
	if len(events) == 0 {
		w.add(w.st.Muted.Render("nothing recorded yet"))
		return at
	}
	if w.class >= medium {
		w.historyTable(events)
	} else {
		w.historyStacked(events)
	}
	return at
}

func (w *writer) historyTable(events []orders.Event) {
	actorW, kindW := 0, 0
	for i := range events {
		actorW = max(actorW, min(ui.Width(events[i].Actor), maxActorWidth))
		kindW = max(kindW, min(ui.Width(events[i].Kind), maxKindWidth))
	}
	if w.class < wide {
		kindW = 0
	}
	lead := ui.Width(w.date(w.now)) + 2 + actorW + 2
	if kindW > 0 {
		lead += kindW + 2
	}
	indent := strings.Repeat(" ", lead)
	for i := range events {
		e := &events[i]
		head := w.st.Muted.Render(w.date(e.At)) + "  " + ui.Fit(e.Actor, actorW) + "  "
		if kindW > 0 {
			head += w.st.Muted.Render(ui.Fit(e.Kind, kindW)) + "  "
		}
		for j, row := range wrapParts(message(e), " ", w.inner()-lead) {
			if j == 0 {
				w.add(head + row)
			} else {
				w.add(indent + row)
			}
		}
	}
}

func (w *writer) historyStacked(events []orders.Event) {
	for i := range events {
		e := &events[i]
		w.addAll(wrapParts([]string{w.st.Muted.Render(w.date(e.At)), e.Actor}, " ", w.inner()))
		for _, row := range wrapParts(message(e), " ", w.inner()-2) {
			w.add("  " + row)
		}
	}
}

// message is an event's text as words to wrap; an event without one shows its kind, so no
// event is a blank row.
func message(e *orders.Event) []string {
	if words := strings.Fields(e.Message); len(words) > 0 {
		return words
	}
	return []string{e.Kind}
}
