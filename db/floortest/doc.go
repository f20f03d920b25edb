// Package floortest is test support for everything after picking: a small business whose orders
// are imported, allocated, released and picked by a real picker into a tote, so that packing,
// shipping and delivery tests (db/shipping, db/… and the packing screen) start from the same
// floor. Tests only; it needs db/dbtest's private server.
package floortest
