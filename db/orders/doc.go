// Package orders is the orders area of the data layer: commands that change order lines. The
// database derives each order's status from its lines (migration 00005), so a command here
// changes quantities and never writes a status.
package orders
