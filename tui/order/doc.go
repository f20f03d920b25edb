// Package order is the order detail screen: one order's header (status, channel, customer,
// addresses, dates against the promise), its lines with the quantity at every stage, the
// money totals in the order's currency, and its history, newest first.
//
// The screen is a scrolled page rather than a set of widgets: whenever the data, the width or
// the minute changes it lays the whole order out once as a list of lines fitted to the width,
// and View only slices that list. Each width class has its own layout instead of one layout
// squeezed: wide (≥ 80) shows the lines as a table with a column per stage; medium (≥ 60)
// drops the unit price; compact (≥ 30) and tiny (a 20-column RF gun) show each line as rows
// of labelled quantities and put the customer details after the lines, so a picker's first
// screenful is the status, the promise and what to pick. The section key jumps between the
// Lines and History sections.
//
// Data comes from the screen's Data (OrderDetail) through a ui.Fetcher, one fetch at a time:
// a change notice that arrives while a fetch is running is remembered and fetched after it, and
// a failed fetch keeps the last good data on screen, marked stale. It is registered in the
// shell's route table as ui.RouteOrder and opened with a ui.OrderRef.
//
// The back office (and the supervisor) act on the order from here (actions.go, form.go): h holds
// it with a reason from a picker or, when held, asks and releases it; x asks what to cancel (the
// whole order or a line), why, and then y/n; e opens the edit form (tab and shift+tab between
// fields, enter saves, esc leaves); w lists the active warehouses with what each has free of the
// order's lines and, once one is chosen, asks and re-routes the order there (db/alloc Reroute,
// offered when the Data is also a Router, as Stores is); b asks and splits the units still
// waiting off into a new order (SplitBackorder). Each action makes its idempotency key when it opens and keeps
// it until the command succeeds, so Enter twice or a retry applies it once; a refusal keeps what
// was chosen or typed and says why, and an edit that met someone else's change names who and
// when. The action is drawn above the page, which reloads after it with the new history line.
package order
