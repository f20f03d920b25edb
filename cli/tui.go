package cli

import (
	"os"

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

func runTUI(cmd *cobra.Command, g *globals, opts tuiOptions) error {
	return runTUIOn(cmd, g.databaseURL(), opts)
}

// runTUIOn validates the key map and theme first, so a mistake in keys.yaml is reported before
// the screen is taken over, then opens the database with the terminal session limits.
func runTUIOn(cmd *cobra.Command, url string, opts tuiOptions) error {
	keys, err := loadKeys(opts.keys)
	if err != nil {
		return err
	}
	theme, err := themes.Resolve(opts.theme, os.Getenv)
	if err != nil {
		return usageError{err}
	}
	d, err := openDB(cmd.Context(), db.TerminalConfig(url))
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.CheckSchema(cmd.Context()); err != nil {
		return err
	}
	return tui.Run(cmd.Context(), tui.Config{DB: d, Keys: keys, Theme: theme, Notice: opts.notice})
}

func loadKeys(path string) (keymaps.KeyMap, error) {
	if path != "" {
		return keymaps.Load(path)
	}
	return keymaps.LoadDefault()
}
