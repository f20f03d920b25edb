package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/keymaps"
	"oms/themes"
	"oms/tui/ui"
)

// LiveEvery is how often the shell asks the change feed whether to refresh: a change made
// anywhere shows within this plus one query.
const LiveEvery = 250 * time.Millisecond

// Config is what a terminal session needs. Keys and Theme are loaded and validated by the caller
// so that a bad keys.yaml stops before the screen is taken over.
type Config struct {
	DB    *db.DB
	Keys  keymaps.KeyMap
	Theme themes.Theme
	// In and Out default to the process's terminal; the SSH server passes the session's.
	In  io.Reader
	Out io.Writer
	// Env looks up environment variables (NO_COLOR); defaults to os.Getenv.
	Env func(string) string
	// Notice is shown in the status line at start and at the top of the help page, e.g. how to
	// join `oms demo`'s database from another terminal.
	Notice string
}

// Run shows the UI until the user quits or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Out == nil {
		cfg.Out = os.Stdout
	}
	if cfg.In == nil {
		cfg.In = os.Stdin
	}
	if cfg.Env == nil {
		cfg.Env = os.Getenv
	}
	c, err := NewContext(ctx, cfg)
	if err != nil {
		return err
	}
	m := New(c, cfg.DB.OrdersChangedSince, LiveEvery)
	m.SetNotice(cfg.Notice)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx),
		tea.WithInput(cfg.In), tea.WithOutput(cfg.Out))
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted from outside (Ctrl-C on `oms demo`, SSH hang-up)
	}
	return err
}

// NewContext builds a session's context: styles on the session's own renderer, the user's
// identity and the lists the filters cycle through.
func NewContext(ctx context.Context, cfg Config) (*ui.Context, error) {
	renderer := themes.NewRenderer(cfg.Out, cfg.Theme, cfg.Env)
	qctx, cancel := context.WithTimeout(ctx, ui.DefaultTimeout)
	defer cancel()
	who, err := cfg.DB.Whoami(qctx)
	if err != nil {
		return nil, fmt.Errorf("reading who you are: %w", err)
	}
	lookups, err := cfg.DB.LoadLookups(qctx)
	if err != nil {
		return nil, fmt.Errorf("reading channels and warehouses: %w", err)
	}
	keys := cfg.Keys
	return &ui.Context{
		Styles:   themes.NewStyles(renderer, cfg.Theme),
		Keys:     &keys,
		Store:    cfg.DB,
		User:     who,
		Lookups:  lookups,
		Now:      time.Now,
		Location: time.Local,
	}, nil
}
