package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/lib/pq"
	gossh "golang.org/x/crypto/ssh"

	"oms/db"
	"oms/db/bench"
	"oms/db/seed"
	"oms/db/staff"
	"oms/keymaps"
	"oms/server"
)

// sshIdleName selects BM9, the memory of idle SSH sessions, which is not a Case either: it
// measures memory, not speed against a baseline.
const sshIdleName = "ssh-idle"

// maxIdleSessions bounds --sessions: each session is two connections of this process (the
// client's and the server's).
const maxIdleSessions = 2000

// sshIdleSeed is the business the sessions show: the demo's (oms demo, oms seed).
var sshIdleSeed = seed.Options{Orders: 2000, SKUs: 600, Warehouses: 3}

// runSSHIdle is BM9 in a database of its own beside target, filled with the demo business: a
// supervisor with a fresh key opens idle sessions on the server `oms serve` runs, with the
// directory of people `oms serve` uses. The supervisor is a login role of the run's own
// (bm9_<random>, roles are the server's, not the database's), dropped afterwards. The server's
// pool is the bench's role, which must be able to act as people (a member of oms_server, or
// the private server's superuser, as in `oms demo`).
func runSSHIdle(ctx context.Context, target *bench.Database, opts server.IdleOptions) (res server.IdleResult, err error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	progress("ssh-idle: creating its database", 0, 0)
	x, err := target.Sibling(ctx, "ssh")
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := x.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("removing the ssh-idle database: %w", cerr)
		}
	}()
	progress("ssh-idle: migrating", 0, 0)
	d, err := bench.Open(ctx, x.URL, 1)
	if err != nil {
		return res, err
	}
	defer d.Close()
	if _, err := seed.Run(ctx, d, sshIdleSeed, func(p seed.Progress) {
		progress("ssh-idle: demo data, "+p.Stage, p.Done, p.Total)
	}); err != nil {
		return res, fmt.Errorf("loading the demo data: %w", err)
	}

	// The server's pool, as `oms serve` opens it.
	cfg := db.TerminalConfig(x.URL)
	cfg.AppName, cfg.MaxConns = "oms bench ssh-idle", 16
	pool, err := db.Open(ctx, cfg)
	if err != nil {
		return res, err
	}
	defer pool.Close()
	if err := pool.CheckActsForPeople(ctx); err != nil {
		return res, err
	}

	progress("ssh-idle: adding a supervisor with a key", 0, 0)
	login, err := idleLogin()
	if err != nil {
		return res, err
	}
	st := staff.New(d)
	if err := st.Add(ctx, staff.NewMember{Login: login, Name: "Idle Ida", Jobs: []string{"supervisor"}}); err != nil {
		return res, fmt.Errorf("adding the ssh-idle supervisor %s: %w", login, err)
	}
	defer func() {
		// After the server has stopped; also when ctx was cancelled.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if _, derr := d.ExecContext(dctx, `DROP ROLE IF EXISTS `+pq.QuoteIdentifier(login)); derr != nil && err == nil {
			err = fmt.Errorf("dropping the ssh-idle login %s: %w", login, derr)
		}
	}()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return res, err
	}
	if _, err := st.AddKeys(ctx, login, []byte(staff.Ed25519Key(pub, login+"@oms-bench").Line())); err != nil {
		return res, fmt.Errorf("registering the ssh-idle supervisor's key: %w", err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return res, err
	}
	opts.Login, opts.Key = login, signer
	return server.MeasureIdleSessions(ctx, server.Config{DB: pool, Directory: staffDirectory{staff.New(pool)},
		Keys: keymaps.Default()}, opts)
}

// idleLogin is a login no one else has: roles belong to the server, which --db may share.
func idleLogin() (string, error) {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "bm9_" + hex.EncodeToString(b), nil
}

// reportSSHIdle prints BM9's line (or JSON object), and what failed on stderr; it says whether
// the run failed.
func reportSSHIdle(w, stderr io.Writer, r server.IdleResult, asJSON bool) (failed bool) {
	if !r.OK() {
		for _, m := range r.Messages {
			fmt.Fprintf(stderr, "%s: %s\n", sshIdleName, m)
		}
		if r.RSSPerSession > server.IdleTarget {
			fmt.Fprintf(stderr, "%s: %.2f MB resident per idle session, above the target of %g MB\n",
				sshIdleName, r.RSSPerSession/(1<<20), float64(server.IdleTarget)/(1<<20))
		}
	}
	if asJSON {
		writeJSON(w, map[string]any{"name": sshIdleName, "ok": r.OK(), "report": r})
	} else {
		fmt.Fprintln(w, r.Line())
	}
	return !r.OK()
}
