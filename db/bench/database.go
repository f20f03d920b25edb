package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/pgcluster"
)

// Database is a throwaway database a run works in: created for it, removed by Close.
type Database struct {
	URL    string
	Where  string // host:port/database, for messages
	remove func() error
	// server is an address on the same server and role, name this database's name: what
	// Sibling needs.
	server, name string
}

// Close removes the database (and the private server, if the run started one). It works after
// the run's context is cancelled.
func (x *Database) Close() error {
	if x.remove == nil {
		return nil
	}
	err := x.remove()
	x.remove = nil
	return err
}

// Private starts a private PostgreSQL server as `oms demo` does, with fsync and synchronous
// commit on (pgcluster's Durable, for figures comparable with a real server), and creates an
// empty database in it.
func Private(ctx context.Context) (*Database, error) {
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{Durable: true})
	if err != nil {
		return nil, err
	}
	admin, err := db.Open(ctx, db.Config{URL: cluster.URL("postgres"), AppName: "oms bench", MaxConns: 1})
	if err == nil {
		_, err = admin.ExecContext(ctx, `CREATE DATABASE oms_bench`)
		admin.Close()
	}
	if err != nil {
		cluster.Stop()
		return nil, err
	}
	return &Database{URL: cluster.URL("oms_bench"), Where: fmt.Sprintf("a private server on port %d", cluster.Port()),
		remove: cluster.Stop, server: cluster.URL("postgres"), name: "oms_bench"}, nil
}

// Scratch creates a fresh, empty database oms_bench_<pid>_<random> on the server serverURL
// points at, as serverURL's role. The database serverURL names is only connected to.
func Scratch(ctx context.Context, serverURL string) (*Database, error) {
	return create(ctx, serverURL, fmt.Sprintf("oms_bench_%d_%s", os.Getpid(), randomHex(3)))
}

// Sibling creates another fresh, empty database on x's server, as x's role, named x's name
// and _suffix: for a run that needs a database of its own, such as one filled with the demo
// data. Close it before x, which may stop the server.
func (x *Database) Sibling(ctx context.Context, suffix string) (*Database, error) {
	if x.server == "" {
		return nil, errors.New("bench: this database has no server to make another on")
	}
	return create(ctx, x.server, x.name+"_"+suffix)
}

// create creates the database name on the server serverURL points at, as serverURL's role;
// Close drops it.
func create(ctx context.Context, serverURL, name string) (*Database, error) {
	admin, err := db.Open(ctx, db.Config{URL: serverURL, AppName: "oms bench", MaxConns: 1})
	if err != nil {
		return nil, err
	}
	var role string
	if err := admin.GetContext(ctx, &role, `SELECT current_user`); err != nil {
		admin.Close()
		return nil, err
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err != nil {
		admin.Close()
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "42501" {
			return nil, fmt.Errorf("the role %s may not create databases on %s, and the bench runs in a scratch database of its own: grant it CREATEDB, or leave out --db to run on a private server",
				role, strings.SplitN(admin.Target(), "/", 2)[0])
		}
		return nil, fmt.Errorf("creating the scratch database %s: %w", name, err)
	}
	u, err := withDatabase(serverURL, name)
	if err != nil {
		admin.Close()
		return nil, err
	}
	host := strings.SplitN(admin.Target(), "/", 2)[0]
	return &Database{URL: u, Where: host + "/" + name, server: serverURL, name: name, remove: func() error {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`)
		return err
	}}, nil
}

// withDatabase points a postgres:// URL or a libpq key=value string at another database.
func withDatabase(raw, name string) (string, error) {
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", fmt.Errorf("the database address is not valid: %w", err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	return strings.TrimSpace(raw + " dbname=" + name), nil // later keys win
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}

// Open connects to a bench database with a pool big enough for clients concurrent clients and
// the measurement's session limits (generous: a lock timeout during a run is a failure, not a
// way to shed load), and migrates it.
func Open(ctx context.Context, dbURL string, clients int) (*db.DB, error) {
	d, err := db.Open(ctx, db.Config{URL: dbURL, AppName: "oms bench", StatementTimeout: 60 * time.Second,
		LockTimeout: 10 * time.Second, MaxConns: clients + 2})
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}
