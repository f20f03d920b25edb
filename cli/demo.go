package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/alloc"
	"oms/db/catalog"
	"oms/db/pgcluster"
	"oms/db/picking"
	"oms/db/seed"
)

func newDemoCmd(g *globals) *cobra.Command {
	var opts seed.Options
	var noTUI bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start a private throwaway database full of demo data and open oms on it",
		Long: `Starts a private PostgreSQL server from the installed server binaries (no running server
needed), migrates it, loads a realistic demo business and opens the TUI. It prints the database
URL, and writes it to a file only you can read, so other terminals can join
(oms --db "$(cat /tmp/oms-demo-PORT.url)") or look inside (psql URL). Everything is removed
when it stops: on quitting, Ctrl-C, kill, or when its terminal is closed. With --no-tui it
keeps the database running until interrupted.`,
		Example: "  oms demo\n  oms demo --no-tui --orders 50000",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("db") {
				return usageError{fmt.Errorf("demo always runs on its own private database; to fill an existing one use `oms migrate` and `oms seed`")}
			}
			if err := checkSeedFlags(opts); err != nil {
				return err
			}
			return runDemo(cmd, g, opts, noTUI)
		},
	}
	addSeedFlags(cmd, &opts, 2000)
	cmd.Flags().BoolVar(&noTUI, "no-tui", false, "do not open the TUI: print the URL and keep the database running until interrupted")
	addTUIFlags(cmd)
	return cmd
}

func runDemo(cmd *cobra.Command, g *globals, opts seed.Options, noTUI bool) error {
	ctx := cmd.Context()
	stderr := cmd.ErrOrStderr()
	var s screen
	if !noTUI {
		var err error
		if s, err = prepareScreen(cmd, tuiOptionsFromFlags(cmd), errDemoNoTerminal); err != nil {
			return err
		}
	}
	fmt.Fprintln(stderr, "starting a private PostgreSQL server…")
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{})
	if err != nil {
		return err
	}
	g.log.Info("demo server started", "dir", cluster.Dir(), "port", cluster.Port())
	defer func() {
		cluster.Stop()
		fmt.Fprintln(stderr, "demo database stopped and removed")
		g.log.Info("demo server stopped and removed", "dir", cluster.Dir())
	}()
	if err := seededDatabase(cmd, cluster, "oms demo", opts); err != nil {
		return err
	}
	url := cluster.URL("oms")
	file, err := writeURLFile(cluster.Port(), "", url)
	if err != nil {
		return err
	}
	var people []demoPerson
	unhook := onForcedExit(func() {
		os.Remove(file)
		removeURLFiles(people)
	})
	defer func() {
		unhook()
		os.Remove(file)
		removeURLFiles(people)
	}()
	if people, err = demoStaff(ctx, url, cluster.Port()); err != nil {
		return err
	}
	keys, err := loadKeys(tuiOptionsFromFlags(cmd).keys)
	if err != nil {
		return err
	}
	// The SSH server's pool is the demo's superuser, which may act as anyone; a real server
	// connects as a login that is a member of oms_server (see oms serve --help).
	pool, err := db.Open(ctx, db.Config{URL: url, AppName: "oms demo ssh", MaxConns: 8,
		StatementTimeout: 15 * time.Second, LockTimeout: 3 * time.Second})
	if err != nil {
		return err
	}
	defer pool.Close()
	sshd, err := startDemoSSH(ctx, pool, people, keys, g.log.Logger)
	if err != nil {
		return err
	}
	defer sshd.stop()
	// Backorders release by themselves: an allocator follows stock arrivals, as a business runs
	// `oms allocate --follow` beside its server.
	go func() { _ = followAllocation(ctx, alloc.New(pool), io.Discard, alloc.Filter{}) }()
	// And allocated orders reach the floor by themselves: each DC releases pick batches every
	// five minutes (oms waves auto), the first right away, so a picker finds work at once.
	if err := demoAutoRelease(ctx, pool); err != nil {
		return err
	}
	go func() { _ = followRelease(ctx, picking.New(pool), io.Discard, "") }()
	// Packers find carriers to rate-shop and a station P1 whose labels land in a directory.
	labels, err := demoShipping(ctx, pool, filepath.Join(cluster.Dir(), "printed"))
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "packing station P1 of each DC prints labels into %s\n", labels)
	// Stock control finds goods to receive and a pick bin to refill.
	work, err := demoInbound(ctx, people)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "receiving at %s: %s\n", demoHome, work)
	printJoin(cmd.OutOrStdout(), url, file)
	printDemoStaff(cmd.OutOrStdout(), people)
	sshd.print(cmd.OutOrStdout())
	if noTUI {
		fmt.Fprintln(cmd.OutOrStdout(), "running until interrupted (Ctrl-C stops it and removes everything)")
		<-ctx.Done()
		return nil
	}
	// The demo's own terminal is the supervisor's, as a person with a login would have it.
	me := people[0]
	for _, p := range people {
		if p.Job == "supervisor" {
			me = p
		}
	}
	return g.runTUIOn(cmd, s, me.URL, "", joinNotice(file))
}

// seededDatabase creates the database oms on a private server, migrates it and loads the demo
// business into it: how oms demo and oms simulate (with no database of its own) begin.
func seededDatabase(cmd *cobra.Command, cluster *pgcluster.Cluster, app string, opts seed.Options) error {
	ctx := cmd.Context()
	admin, err := db.Open(ctx, db.Config{URL: cluster.URL("postgres"), AppName: app, MaxConns: 1})
	if err != nil {
		return err
	}
	err = admin.CreateDatabase(ctx, "oms")
	admin.Close()
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Config{URL: cluster.URL("oms"), AppName: app, MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "loading %d demo orders…\n", opts.Orders)
	return runSeed(cmd, d, opts)
}

// demoStaff opens the demo database as its superuser and adds the demo staff.
func demoStaff(ctx context.Context, url string, port int) ([]demoPerson, error) {
	d, err := db.Open(ctx, db.Config{URL: url, AppName: "oms demo", MaxConns: 1})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return addDemoStaff(ctx, d, port, url)
}

// joinCommand is the command that joins the demo from another terminal, short enough for an
// 80-column status line because it reads the address from file.
func joinCommand(file string) string {
	return `oms --db "$(cat ` + shellWord(file) + `)"`
}

// joinNotice is what the TUI's status line shows at start and its help page keeps on top.
func joinNotice(file string) string {
	return "Demo: join with " + joinCommand(file)
}

// printJoin says, before the TUI takes the screen, where the demo database is and how to join it
// as its superuser.
func printJoin(w io.Writer, url, file string) {
	fmt.Fprintf(w, "\ndemo database: %s\n", url)
	fmt.Fprintf(w, "  join from another terminal:  %s\n", joinCommand(file))
	fmt.Fprintf(w, "                           or  oms --db '%s'\n", url)
	fmt.Fprintf(w, "  look inside:                 psql \"$(cat %s)\"\n", shellWord(file))
	fmt.Fprintf(w, "  %s holds the superuser's address until the demo stops\n", file)
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, string(filepath.Separator)+"go-build") {
		fmt.Fprintln(w, "  no oms binary to join with? `go build -o oms .` makes one (or `go install .`)")
	}
}

// writeURLFile writes a demo address (which holds a password) to a file only this user can
// read: oms-demo-PORT.url in the temporary directory, or oms-demo-PORT-LOGIN.url for a staff
// member's. A file of that name left by a killed demo, or made by someone else, is never
// opened or replaced: the name then gets a random part.
func writeURLFile(port int, login, url string) (string, error) {
	dir := os.TempDir()
	base := fmt.Sprintf("oms-demo-%d", port)
	if login != "" {
		base += "-" + login
	}
	f, err := os.OpenFile(filepath.Join(dir, base+".url"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		f, err = os.CreateTemp(dir, base+"-*.url")
	}
	if err != nil {
		return "", fmt.Errorf("writing the demo database's address to a file: %w", err)
	}
	_, err = f.WriteString(url + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing the demo database's address to a file: %w", err)
	}
	return f.Name(), nil
}

// shellWord quotes s for a POSIX shell when it holds anything but letters, digits and /._-.
func shellWord(s string) string {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("/._-", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// demoAutoRelease puts every distribution centre of the demo on a five-minute release timer.
func demoAutoRelease(ctx context.Context, d *db.DB) error {
	whs, err := catalog.New(d).Warehouses(ctx)
	if err != nil {
		return err
	}
	for _, w := range whs {
		if w.Kind == "dc" {
			if err := picking.New(d).SetAutoRelease(ctx, w.Code, 5*time.Minute); err != nil {
				return err
			}
		}
	}
	return nil
}
