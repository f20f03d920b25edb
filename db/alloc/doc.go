// Package alloc reserves stock for orders: it routes each order's unallocated units to the
// warehouse the rules choose (model.Route), reserves them bin by bin under locks taken in the
// ledger's lock order so that concurrent allocators never oversell, writes the decision to the
// order's history as a sentence, and releases backorders when stock arrives (the wake-ups of
// migration 00024), oldest promise first. It works in batches (AllocateMany, BatchSize orders a
// transaction), and re-routes an order by hand (Reroute).
package alloc
