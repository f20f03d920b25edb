// Package queue is the live order queue: counts per status, filters by status, channel and
// warehouse, search by order number or customer, sort by age or promised date, and a keyset-
// paged window of rows, so it opens as fast on a million orders as on a hundred and scrolling
// to the end costs what the start does. Enter asks the shell to open the order's detail.
package queue
