// Package order is the order detail screen: one order's header (status, channel, customer,
// addresses, dates against the promise), its lines with the quantity at every stage, the
// money totals in the order's currency, and its history, newest first.
//
// The screen is a scrolled page rather than a set of widgets: whenever the data, the width or
// the minute changes it lays the whole order out once as a list of lines fitted to the width,
// and View only slices that list. One layout function per width class (wide ≥ 80, medium ≥ 60,
// compact ≥ 30, tiny below) keeps handheld screens readable instead of squeezing the desktop
// table into them. The section key jumps between the Lines and History sections.
//
// Data comes from ui.Store.OrderDetail, one fetch at a time: a change notice that arrives
// while a fetch is running is remembered and fetched after it, and a failed fetch keeps the
// last good data on screen, marked stale.
package order
