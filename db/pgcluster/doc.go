// Package pgcluster starts a private, throwaway PostgreSQL server from the installed server
// binaries: the test harness (db/dbtest) and `oms demo` use it so that neither needs a running
// server. It finds initdb and postgres, runs them as the postgres user when we are root, listens
// on a free loopback port with a random password, and removes everything on Stop.
package pgcluster
