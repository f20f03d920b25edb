package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Config says how to reach the database and which session limits to set.
type Config struct {
	// URL is a postgres:// URL or a libpq key=value string; empty means libpq's PG* variables.
	URL string
	// AppName shows in pg_stat_activity so an administrator can tell terminals apart.
	AppName string
	// StatementTimeout, LockTimeout and IdleInTxTimeout bound what a lost or slow client can
	// hold; zero leaves the server's setting (ARCHITECTURE.md §3).
	StatementTimeout time.Duration
	LockTimeout      time.Duration
	IdleInTxTimeout  time.Duration
	// MaxConns bounds the pool; zero means 8.
	MaxConns int
}

// TerminalConfig is the session profile for interactive clients: nothing a person does may hold
// locks for long, and a vanished terminal's transaction is ended by the server.
func TerminalConfig(url string) Config {
	return Config{URL: url, AppName: "oms", StatementTimeout: 15 * time.Second,
		LockTimeout: 3 * time.Second, IdleInTxTimeout: 30 * time.Second}
}

// DB is a pool of connections to one oms database, or a handle on one that runs as a person
// (As).
type DB struct {
	*sqlx.DB
	pool    *sqlx.DB // the pool itself: DB, except on a handle made by As
	as      *actor   // nil: statements run as the pool's own role
	target  string   // host:port/database, for messages
	retries *retryCounter
	stmts   *stmtCache
	shared  *sync.Map // PoolValue's values, one map per pool
}

// PoolValue is the value kept under key for d's pool, made by make the first time it is asked
// for. Handles made by As share their pool's values. It is for state that every user of one
// pool in a process should share (one board read shared by every supervisor screen), with key a
// type of the package that owns it, as for context keys.
func (d *DB) PoolValue(key any, make func() any) any {
	if v, ok := d.shared.Load(key); ok {
		return v
	}
	v, _ := d.shared.LoadOrStore(key, make())
	return v
}

// Open connects and pings. A database that cannot be reached gives an *UnreachableError.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	pcfg, err := pq.NewConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("the database address is not valid: %w", err)
	}
	if pcfg.ConnectTimeout == 0 {
		pcfg.ConnectTimeout = 5 * time.Second
	}
	if pcfg.ApplicationName == "" {
		pcfg.ApplicationName = cfg.AppName
	}
	if pcfg.Runtime == nil {
		pcfg.Runtime = map[string]string{}
	}
	setMillis(pcfg.Runtime, "statement_timeout", cfg.StatementTimeout)
	setMillis(pcfg.Runtime, "lock_timeout", cfg.LockTimeout)
	setMillis(pcfg.Runtime, "idle_in_transaction_session_timeout", cfg.IdleInTxTimeout)
	// No JIT: oms runs short statements, and a misestimated one (the order counts' fold over a
	// deltas table that was large once) spent 0.2–0.8 s compiling while holding its
	// transaction's locks — measured in oms bench allocate-spread, 2026-12-01.
	if _, set := pcfg.Runtime["jit"]; !set {
		pcfg.Runtime["jit"] = "off"
	}
	connector, err := pq.NewConnectorConfig(pcfg)
	if err != nil {
		return nil, fmt.Errorf("the database address is not valid: %w", err)
	}
	sqldb := sql.OpenDB(connector)
	maxConns := cfg.MaxConns
	if maxConns == 0 {
		maxConns = 8
	}
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	// Recycle connections so a failover or a server restart is not remembered forever.
	sqldb.SetConnMaxLifetime(30 * time.Minute)
	pool := sqlx.NewDb(sqldb, "postgres")
	d := &DB{DB: pool, pool: pool, target: describe(pcfg), retries: &retryCounter{}, stmts: &stmtCache{}, shared: &sync.Map{}}
	pingCtx, cancel := context.WithTimeout(ctx, pcfg.ConnectTimeout+time.Second)
	defer cancel()
	if err := d.PingContext(pingCtx); err != nil {
		d.Close()
		return nil, &UnreachableError{Target: d.target, Err: err}
	}
	return d, nil
}

func setMillis(rt map[string]string, name string, d time.Duration) {
	if d > 0 {
		if _, set := rt[name]; !set {
			rt[name] = strconv.FormatInt(d.Milliseconds(), 10)
		}
	}
}

func describe(c pq.Config) string {
	host := c.Host
	if host == "" {
		host = "localhost"
	}
	port := int(c.Port)
	if port == 0 {
		port = 5432
	}
	return net.JoinHostPort(host, strconv.Itoa(port)) + "/" + c.Database
}

// Target is host:port/database, safe to show (no password).
func (d *DB) Target() string { return d.target }

// CreateDatabase creates an empty database called name on d's server, owned by d's role (which
// must be allowed to create databases). The name is quoted, never spliced in raw.
func (d *DB) CreateDatabase(ctx context.Context, name string) error {
	_, err := d.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name))
	return MapError(err)
}

// UnreachableError says the database could not be reached at all.
type UnreachableError struct {
	Target string
	Err    error
}

func (e *UnreachableError) Error() string {
	var pqErr *pq.Error
	if errors.As(e.Err, &pqErr) {
		return fmt.Sprintf("the database at %s refused the connection: %s", e.Target, pqErr.Message)
	}
	return fmt.Sprintf("cannot reach the database at %s (%v): is PostgreSQL running there, and is --db (or OMS_DATABASE_URL) right?", e.Target, rootCause(e.Err))
}

func (e *UnreachableError) Unwrap() error { return e.Err }

func rootCause(err error) error {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err
	}
	return err
}
