// Package cli is the `oms` command line (cobra): one file per subcommand. It parses flags, finds
// the database, and hands over to db/ and tui/. It prints errors as one sentence and maps them to
// exit status 0 (ok), 1 (failure) or 2 (usage), never a stack trace.
package cli
