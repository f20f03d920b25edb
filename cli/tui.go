package cli

import (
	"errors"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"oms/db"
	"oms/keymaps"
	"oms/themes"
	"oms/tui"
)

// tuiOptions are the flags that shape the terminal UI.
type tuiOptions struct {
	theme  string
	keys   string
	notice string
}

func addTUIFlags(cmd *cobra.Command) {
	cmd.Flags().String("theme", "", "colour theme: "+joinNames(themes.Names())+" (NO_COLOR forces mono)")
	cmd.Flags().String("keys", "", "key bindings file (default: $XDG_CONFIG_HOME/oms/keys.yaml)")
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

func tuiOptionsFromFlags(cmd *cobra.Command) tuiOptions {
	theme, _ := cmd.Flags().GetString("theme")
	keys, _ := cmd.Flags().GetString("keys")
	return tuiOptions{theme: theme, keys: keys}
}

func newTUICmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the terminal UI on the configured database (the default command)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd, g, tuiOptionsFromFlags(cmd))
		},
	}
	addTUIFlags(cmd)
	return cmd
}

// errNoTerminal and errDemoNoTerminal are what `oms`, `oms tui` and `oms demo` say (after
// "oms: ") when their input or output is not a terminal (piped, redirected, or run by a
// service manager), instead of writing escape codes into a file.
var (
	errNoTerminal = errors.New("needs a terminal, and its input or output is not one: " +
		"run it in a terminal (over SSH: ssh -t); for scripts there are oms check, migrate and seed")
	errDemoNoTerminal = errors.New("demo needs a terminal for its screens, and its input or output is not one: " +
		"use `oms demo --no-tui` to run only the demo database, for terminals to join")
)

// screen is what a TUI session needs, checked before anything is started: a bad keys.yaml, an
// unknown theme or a missing terminal stop the command before the screen is taken over (and
// before `oms demo` starts a server).
type screen struct {
	keys    keymaps.KeyMap
	theme   themes.Theme
	in, out *os.File
}

func prepareScreen(cmd *cobra.Command, opts tuiOptions, noTerminal error) (screen, error) {
	keys, err := loadKeys(opts.keys)
	if err != nil {
		return screen{}, err
	}
	theme, err := themes.Resolve(opts.theme, os.Getenv)
	if err != nil {
		return screen{}, usageError{err}
	}
	in, out, ok := terminal(cmd.InOrStdin(), cmd.OutOrStdout())
	if !ok {
		return screen{}, noTerminal
	}
	return screen{keys: keys, theme: theme, in: in, out: out}, nil
}

// terminal returns in and out as files when both are terminals.
func terminal(in io.Reader, out io.Writer) (*os.File, *os.File, bool) {
	fi, ok1 := in.(*os.File)
	fo, ok2 := out.(*os.File)
	if !ok1 || !ok2 || !isatty.IsTerminal(fi.Fd()) || !isatty.IsTerminal(fo.Fd()) {
		return nil, nil, false
	}
	return fi, fo, true
}

func runTUI(cmd *cobra.Command, g *globals, opts tuiOptions) error {
	s, err := prepareScreen(cmd, opts, errNoTerminal)
	if err != nil {
		return err
	}
	url, from := g.databaseURL()
	return g.runTUIOn(cmd, s, url, from, opts.notice)
}

// runTUIOn opens the database with the terminal session limits and shows the UI until the user
// quits or a signal cancels the command's context.
func (g *globals) runTUIOn(cmd *cobra.Command, s screen, url, from, notice string) error {
	d, err := g.openDB(cmd.Context(), db.TerminalConfig(url), from)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.CheckSchema(cmd.Context()); err != nil {
		return err
	}
	return tui.Run(cmd.Context(), tui.Config{DB: d, Keys: s.keys, Theme: s.theme, Notice: notice,
		In: s.in, Out: s.out, Logger: g.log.Logger})
}

func loadKeys(path string) (keymaps.KeyMap, error) {
	if path != "" {
		return keymaps.Load(path)
	}
	return keymaps.LoadDefault()
}
