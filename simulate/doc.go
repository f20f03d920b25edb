// Package simulate is the engine of `oms simulate`: a working day of a warehouse run through the
// same data-layer commands the screens call, by concurrent workers that are separate processes
// logged in as the staff of their job, so the database's grants and leases apply as on the
// floor (reliability.md, proofs 1 and 2; issue 17).
//
// It owns: the jobs (intake by channel file, allocation and wave release, pickers scanning with
// some wrong scans and short picks, packers verifying, boxing and shipping, the returns desk,
// the counter), the command journal every worker keeps so that a command whose answer was lost
// — a killed connection, a killed process, a restarted server — is re-sent with the same
// idempotency key and applies once, the hand-over between workers (a conveyor of files, as totes
// and parcels move between people), the parent that starts, kills and restarts the workers and
// injects the faults, and the report: operations per stage with throughput and p50/p95/p99
// latency, faults survived and duplicates found.
//
// It runs no SQL of its own (a test parses the package to prove it): every statement is a
// db/<area> command or query, or one of db's fault helpers (db/faults.go).
package simulate
