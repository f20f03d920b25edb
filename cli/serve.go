package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/staff"
	"oms/server"
	"oms/themes"
)

// serveOptions are `oms serve`'s flags.
type serveOptions struct {
	listen      string
	hostKey     string
	idleTimeout time.Duration
	maxSession  time.Duration
	dbConns     int
	theme       string
	keys        string
}

// newServeCmd is `oms serve`: the SSH server for handhelds.
func newServeCmd(g *globals) *cobra.Command {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the terminal UI over SSH to handheld scanners",
		Long: `Serves oms's screens over SSH: a handheld or any terminal joins with
ssh -p 2222 LOGIN@HOST, and sees the screens as that staff member.

Only public keys registered with ` + "`oms staff key add`" + ` are let in, and only as the login of
their owner, while that person is active; passwords are not offered. Every statement of a
session runs under the person's own database role, so the database grants them exactly
what they would have logging in directly.

The database login (--db) must be a member of oms_server; ` + "`oms staff add`" + ` grants every
person's role to oms_server, so the server may act as any of them and as nobody else.

The host key is generated on first start, in $XDG_DATA_HOME/oms/ssh_host_ed25519_key
(~/.local/share/oms/… by default) or in the file --host-key names. When ready, the server
prints "listening on ADDR host key SHA256:…": check that fingerprint the first time a
terminal connects. SIGTERM or Ctrl-C tells every session "server shutting down", closes
them and exits.`,
		Example: "  oms serve --db postgres://oms_ssh@db/oms\n  oms serve --listen :2222 --host-key /etc/oms/ssh_host_ed25519_key --log /var/log/oms-serve.log",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd, g, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.listen, "listen", ":2222", "`ADDR`ess to listen on, host:port")
	f.StringVar(&opts.hostKey, "host-key", "", "SSH host key `FILE` (generated there if missing; default $XDG_DATA_HOME/oms/ssh_host_ed25519_key)")
	f.DurationVar(&opts.idleTimeout, "idle-timeout", server.DefaultIdleTimeout, "close a session after this long without a key pressed")
	f.DurationVar(&opts.maxSession, "max-session", server.DefaultMaxSession, "close a session after this long, whatever it is doing")
	f.IntVar(&opts.dbConns, "db-conns", 16, "database connections shared by all sessions")
	f.StringVar(&opts.theme, "theme", "", "colour theme: "+joinNames(themes.Names())+" (a client's NO_COLOR forces mono)")
	f.StringVar(&opts.keys, "keys", "", "key bindings file for every session (default: $XDG_CONFIG_HOME/oms/keys.yaml)")
	return cmd
}

func runServe(cmd *cobra.Command, g *globals, opts serveOptions) error {
	if opts.idleTimeout <= 0 || opts.maxSession <= 0 || opts.dbConns <= 0 {
		return usageError{errors.New("--idle-timeout, --max-session and --db-conns must be more than zero")}
	}
	if opts.theme != "" {
		if _, err := themes.ByName(opts.theme); err != nil {
			return usageError{err}
		}
	}
	keys, err := loadKeys(opts.keys)
	if err != nil {
		return err
	}
	path := opts.hostKey
	if path == "" {
		if path, err = server.DefaultHostKeyPath(); err != nil {
			return err
		}
	}
	hostKey, created, err := server.LoadHostKey(path)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(cmd.ErrOrStderr(), "generated a new SSH host key in %s\n", path)
		g.log.Info("ssh host key generated", "path", path)
	}

	ctx := cmd.Context()
	cfg := db.TerminalConfig("")
	cfg.AppName, cfg.MaxConns = "oms serve", opts.dbConns
	d, err := g.openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.CheckActsForPeople(ctx); err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		DB: d, Directory: staffDirectory{staff.New(d)}, HostKey: hostKey, Keys: keys, Theme: opts.theme,
		Logger: g.log.Logger, IdleTimeout: opts.idleTimeout, MaxSession: opts.maxSession,
	})
	if err != nil {
		return err
	}
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", opts.listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", opts.listen, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "listening on %s host key %s\n", l.Addr(), srv.HostKeyFingerprint())
	g.log.Info("ssh server listening", "addr", l.Addr().String(), "host_key", srv.HostKeyFingerprint(), "target", d.Target())
	return srv.Serve(ctx, l)
}

// staffDirectory is the server's Directory over the staff store: a key's owner, as
// `oms staff key add` registered it.
type staffDirectory struct{ s *staff.Store }

func (d staffDirectory) PersonByKey(ctx context.Context, fingerprint string) (server.Person, error) {
	m, err := d.s.ByKey(ctx, fingerprint)
	if errors.Is(err, db.ErrNotFound) {
		return server.Person{}, fmt.Errorf("%w: %w", server.ErrUnknownKey, err)
	}
	if err != nil {
		return server.Person{}, err
	}
	return server.Person{Login: m.Login, Name: m.Name, Jobs: m.Jobs, Warehouse: m.Warehouse, Active: m.Active}, nil
}
