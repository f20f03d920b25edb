// Package bench is the benchmark suite behind `oms bench` (its figures are in the README's
// "Measured" section). It owns the workloads, the fixtures they run on, the raw-SQL baselines they are
// compared with, the runner that measures both in the same run on the same database, and the
// throwaway databases a run works in (a private server, or a scratch database on a given one).
//
// A benchmark is a Case: a name, the suite it belongs to, a target ratio, and a Setup that builds
// its fixture and returns a Workload: one transaction through the project's own code (OMS), one
// transaction doing the same effect by hand in plain tables of the oms_bench schema (Raw), and
// the invariants to check afterwards (Check). The runner measures every case at each client
// count in alternating halves (raw, oms, raw, oms) so the machine's drift cancels, counts
// deadlocks, lock timeouts and other errors of both paths, and checks the invariants after each
// point.
//
// A suite lives in its own file and adds its cases from an init function with register
// (ledger.go, status.go). The raw baselines write only the oms_bench schema; the project paths
// write the real tables through the data layer's commands, exactly as the application does.
//
// Stress (stress.go) is not a Case: it proves rather than times. Many workers mix every stock,
// order and invoicing command on a tiny hot set; afterwards no deadlock may have happened and
// `oms check` must find nothing.
//
// Live (live.go, BM6) is not a Case either: its baseline is the same writers without screens.
// Writers put orders of the open queue's first page on hold and release them on a fixed
// schedule, alone and then while simulated screens follow the open queue as the terminal UI
// does (one shared change-feed poller fanning out, each screen refetching its first page and
// counts at most once at a time and 4 times a second); it reports the writers' throughput and
// latency with and without screens, how late each write reaches each screen, and the queries
// each screen sends.
//
// BM9, the memory of idle SSH sessions, is measured above this package, where the server is
// (server.MeasureIdleSessions); `oms bench ssh-idle` runs it in a database of its own on the
// same server (Database.Sibling), filled with the demo data.
package bench
