// Package model is the domain of oms in pure Go: money and currencies, exchange-rate
// conversion and tax rounding, the order status state machine and the line quantities it is
// derived from, GS1 GTIN check digits and GS1 element strings (the scans of a handheld: SSCC,
// GTIN, lot, dates, counts, weights; the caller says what "today" is for two-digit years).
//
// It owns the rules that every other package must agree on — which statuses exist and which
// changes between them are legal, how an amount is parsed, rounded and split — so that the
// database layer, the importers and the screens cannot each invent their own. It imports only
// the standard library and does no I/O: no SQL, no terminal, no files, no clock.
//
// Amounts are always integer minor units of an ISO 4217 currency (never float), and every
// rounding names its mode: half-even for currency conversion, half-up for tax.
package model
