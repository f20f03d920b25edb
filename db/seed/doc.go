// Package seed loads a synthetic but realistic oms data set into an empty, migrated database:
// warehouses with bins and a walkable pick path, a catalogue with valid GTINs, reference data
// (FX rates, tax rates, carriers and their rate cards, staff), channels, customers, and orders in
// every status together with the physical truth behind them — stock movements, reservations,
// shipments, invoices, returns and refunds, and the event history the order screen shows.
//
// It owns `oms seed` and the data behind `oms demo`. Everything it writes obeys the rules the
// database enforces for clients and `oms check` audits: balances equal the ledger per real
// location, no real location goes negative, reservations equal open allocations, picked, shipped
// and returned units equal their movements, every stored status is model.DeriveStatus of its
// lines, invoices and credit notes add up (lines, tax lines, base-currency amounts at the day's
// rate) and are numbered without gaps per series and year, and credit notes, refunds, RMA lines
// and packages stay within what they refer to. Stock only ever enters through stock_movements.
//
// Output is a pure function of Options: every random draw comes from a PCG stream keyed by the
// seed, the kind of entity and its index, and every id is assigned in Go, so two runs with the
// same Options (including Now) write identical rows. Orders are generated twice — once to learn
// how much stock each bin must hold, once to write them — so memory stays bounded by one batch.
//
// Loading is one transaction of COPY statements. Every table, the stock ledger included, is
// copied as pg_restore --disable-triggers does, with session_replication_role = replica, so the
// seed writes what the triggers would have written (final line quantities, reservations,
// stamps). What the triggers would have kept is derived at the end in one statement each:
// stock_balances from the ledger and the reservations, invoice_counters from the invoices. Each
// foreign key of every table loaded this way is then proved with one anti-join before commit.
// That keeps a million orders within a few minutes on two cores.
package seed
