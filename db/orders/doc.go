// Package orders is the orders area of the data layer: the order queue (keyset pages, counts per
// status, search), one order's detail, the channels and warehouses its filters choose from, and
// the commands that change order lines. Results are model types (model.OrderStatus,
// model.Money), never bare strings and minor units.
//
// The database derives each order's status from its lines (migration 00005), so a command here
// changes quantities and never writes a status. The queries a live screen repeats run as
// statements prepared once per connection (db.DB.SelectPrepared); a search is matched by the
// database with the folding and indexes of migration 00007.
package orders
