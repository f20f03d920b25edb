// Package company owns the business a database belongs to: its name, country and base
// currency, set once by `oms init` (an admin's work) and read by every area that needs to know
// whose books these are.
package company
