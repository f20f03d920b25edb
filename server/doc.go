// Package server is `oms serve`: the terminal UI over SSH, for handheld scanners and anyone
// without oms installed (charmbracelet/wish on golang.org/x/crypto/ssh).
//
// It is a package of its own because it is neither a command's flags (cli) nor a screen (tui):
// it owns a network listener, authentication and many concurrent sessions, each of which runs
// tui.Run with its own input, output, renderer, window size and logger. It depends on tui and
// db, and only cli depends on it.
//
// Who may do what is decided by PostgreSQL, not here (ARCHITECTURE.md §3, issue 8): the server
// holds one pool whose login is a member of every person's role, and each session's database
// handle is db.DB.As(person), so every statement of the session runs under that person's role
// and names the session in application_name. The server only decides who the person is:
//
//   - Public-key authentication only: no password, no keyboard-interactive.
//   - The key that signed (x/crypto's VerifiedPublicKeyCallback), not any key merely offered,
//     names the person through a Directory; the SSH user name must be their login and they
//     must be active. The session handler checks it all again from the verified key
//     (CVE-2024-45337: a server must not trust the last key its callback was shown).
//   - A session needs a pty and runs no commands.
//   - Limits: authentication attempts per connection, new connections per address (a token
//     bucket), a grace period to log in and open a session, an idle timeout (no key pressed),
//     a maximum session length. Cancelling Serve's context drains: every session is told
//     "server shutting down" and closed.
//
// All sessions share one change-feed poller (tui.Feed), so a hundred idle handhelds cost the
// database one poll per interval. What an idle session costs the server's memory is BM9
// (bench.go: MeasureIdleSessions, run by `oms bench ssh-idle` and BenchmarkBM9IdleSessions).
package server
