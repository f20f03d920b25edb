package order

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// label is a header field's name, long for desktops and short for 20-column screens.
type label struct{ long, short string }

var (
	lblHold      = label{"On hold", "Hold"}
	lblWasHeld   = label{"Was held", "Held"}
	lblCancelled = label{"Cancelled", "Canc"}
	lblChannel   = label{"Channel", "Chan"}
	lblWarehouse = label{"Warehouse", "Whse"}
	lblPickUp    = label{"Pickup", "Pkup"}
	lblCustomer  = label{"Customer", "Cust"}
	lblShipTo    = label{"Ship to", "Ship"}
	lblBillTo    = label{"Bill to", "Bill"}
	lblOrdered   = label{"Ordered", "Ord"}
	lblPromised  = label{"Promised", "Due"}
	lblService   = label{"Service", "Svc"}
	lblNotes     = label{"Notes", "Note"}
)

// orderPage writes the order. Desktops get the header a clerk reads top to bottom (who,
// where, when) above the lines. Handhelds get only what the person holding one acts on —
// status, exceptions, promise, warehouse, service, notes — then the lines, with the
// customer and channel details after them, so the first screenful shows what to pick.
func (w *writer) orderPage(od *orders.Detail, stale bool) (linesAt, historyAt int) {
	h := &od.Header
	w.titleRow(h, stale)
	w.exceptions(h)
	if w.class >= medium {
		w.origin(h)
		w.customer(od)
		w.field(lblOrdered, " · ", w.date(h.OrderedAt), ui.Age(w.now.Sub(h.OrderedAt))+" ago")
		w.field(lblPromised, " · ", w.promise(h)...)
		w.handling(h)
		linesAt = w.linesSection(od)
	} else {
		w.field(lblPromised, " · ", w.promise(h)...)
		w.handling(h)
		linesAt = w.linesSection(od)
		w.section("Details", "")
		w.origin(h)
		w.field(lblOrdered, " · ", w.date(h.OrderedAt), ui.Age(w.now.Sub(h.OrderedAt))+" ago")
		w.customer(od)
	}
	return linesAt, w.historySection(od.History)
}

// exceptions are why a supervisor opens an order: they come right under the title.
func (w *writer) exceptions(h *orders.Header) {
	switch {
	case h.HoldReason == "":
	case model.OrderStatus(h.Status) == model.StatusOnHold:
		w.field(lblHold, " ", styledWords(w.st.Warning, h.HoldReason)...)
	default: // released (or cancelled while held): the reason is history, not an alarm
		w.field(lblWasHeld, " ", h.HoldReason)
	}
	if h.CancelReason != "" || h.CancelledAt != nil {
		parts := []string{h.CancelReason}
		if h.CancelledAt != nil {
			parts = append(parts, "on "+w.date(*h.CancelledAt))
		}
		w.field(lblCancelled, " ", parts...)
	}
}

// origin: where the order came from (channel and its order id).
func (w *writer) origin(h *orders.Header) {
	w.field(lblChannel, " · ", w.channel(h)...)
}

// customer: who and where to, and who pays when that is someone else.
func (w *writer) customer(od *orders.Detail) {
	h := &od.Header
	w.field(lblCustomer, " · ", h.CustomerName, h.CustomerEmail, h.CustomerPhone)
	w.field(lblShipTo, ", ", addressParts(od.ShipTo)...)
	if od.BillTo != nil && *od.BillTo != od.ShipTo {
		w.field(lblBillTo, ", ", addressParts(*od.BillTo)...)
	}
}

// handling: where and how the order is fulfilled, and what the customer asked for.
func (w *writer) handling(h *orders.Header) {
	w.field(lblWarehouse, " ", orMuted(w, h.Warehouse, "not assigned"))
	switch {
	case h.StoreSale:
		w.field(lblPickUp, " · ", h.PickUpStore, "sold at the till")
	case h.PickUpStore != "":
		w.field(lblPickUp, " · ", h.PickUpStore, "click and collect")
	}
	if h.Service != "" {
		w.field(lblService, " ", h.Service)
	}
	if h.Notes != "" {
		w.field(lblNotes, " ", strings.Fields(h.Notes)...)
	}
}

// titleRow: the number and the status as glyph and words, so the status never depends on
// colour; tiny screens use the short status.
func (w *writer) titleRow(h *orders.Header, stale bool) {
	status := model.OrderStatus(h.Status)
	name := status.Label()
	if w.class == tiny {
		name = status.Short()
	}
	parts := []string{
		w.st.Title.Render(h.Number),
		w.st.Tone(string(status.Tone())).Render(string(status.Glyph()) + " " + name),
	}
	if stale {
		parts = append(parts, w.st.Muted.Render("(stale)"))
	}
	w.addAll(wrapParts(parts, "  ", w.inner()))
}

func (w *writer) channel(h *orders.Header) []string {
	parts := []string{h.Channel, h.ExternalID}
	if w.class >= medium && h.ChannelName != "" && h.ChannelName != h.Channel {
		parts = append(parts, w.st.Muted.Render(h.ChannelName))
	}
	return parts
}

// promise is the promised date and where the order stands against it. Orders with nothing
// left to ship have no SLA: only the date is shown.
func (w *writer) promise(h *orders.Header) []string {
	sla, text := ui.Due(w.now, h.PromisedAt, done(model.OrderStatus(h.Status)))
	switch sla {
	case ui.SLALate:
		text = w.st.Late.Render(text)
	case ui.SLADueToday:
		text = w.st.DueToday.Render(text)
	case ui.SLANone:
		text = ""
	}
	return []string{w.date(h.PromisedAt), text}
}

// done says whether the promise no longer matters: the goods left or never will, or they wait
// at the store for their customer (the promise was to have them ready).
func done(s model.OrderStatus) bool {
	switch s {
	case model.StatusReadyForPickup, model.StatusShipped, model.StatusDelivered, model.StatusCollected, model.StatusReturned, model.StatusPartiallyReturned, model.StatusCancelled:
		return true
	}
	return false
}

// field writes "Label     value" with the value's parts wrapped under one another, so an
// address or a contact line breaks between its parts rather than in the middle of a street.
func (w *writer) field(l label, sep string, parts ...string) {
	name := l.long
	if w.class == tiny {
		name = l.short
	}
	rows := wrapParts(parts, sep, w.inner()-w.labelW)
	if len(rows) == 0 {
		return
	}
	pad := strings.Repeat(" ", w.labelW)
	for i, row := range rows {
		lead := pad
		if i == 0 {
			lead = w.st.Muted.Render(ui.Fit(name, w.labelW))
		}
		w.add(lead + row)
	}
}

// styledWords styles each word on its own, so the words can wrap onto several rows without
// a style's escape codes spanning a line break.
func styledWords(st lipgloss.Style, text string) []string {
	words := strings.Fields(text)
	for i, word := range words {
		words[i] = st.Render(word)
	}
	return words
}

func orMuted(w *writer, s, missing string) string {
	if s == "" {
		return w.st.Muted.Render(missing)
	}
	return s
}

// addressParts is an address in the order it is written on a label, one part per item.
func addressParts(a orders.Address) []string {
	return []string{a.Name, a.Company, a.Line1, a.Line2,
		strings.TrimSpace(a.PostalCode + " " + a.City), a.Region, a.Country}
}
