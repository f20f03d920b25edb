package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"

	"oms/db"
	"oms/db/staff"
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
	// Logger receives the session's records (the caller's, with its session id); nil discards
	// them.
	Logger *slog.Logger
	// Poller is the change feed the session polls; nil polls DB itself (DirectFeed). The SSH
	// server passes its one shared Feed's Poll, so many sessions cost one poll.
	Poller Poller
	// Sizes carries the terminal's size when Bubble Tea cannot ask the terminal for it, because
	// Out is not one (an SSH session's pty): each value reaches the screens as a
	// tea.WindowSizeMsg, the first being the size at start, the rest resizes. Nil: Bubble Tea
	// asks the terminal, and follows SIGWINCH.
	Sizes <-chan tea.WindowSizeMsg
	// TTY says Out is a terminal though not a local file (an SSH session's pty), so colours
	// follow Env's TERM and COLORTERM as for a local terminal instead of being turned off.
	TTY bool
}

// Run shows the UI until the user quits or ctx ends.
//
// Signals are the caller's: it cancels ctx on SIGINT, SIGTERM and SIGHUP, and the program then
// restores the terminal and returns. Bubble Tea's own signal handler is off, because with both
// a signal could be taken by it while the program had already stopped for ctx, and its shutdown
// then waited forever for that handler: the process stayed, polling, until SIGKILL.
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
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if f, ok := cfg.In.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		cfg.In = terminalInput{f}
	}
	c, err := NewContext(ctx, cfg)
	if err != nil {
		cfg.Logger.Error("tui start failed", "err", err.Error())
		return err
	}
	poll := cfg.Poller
	if poll == nil {
		poll = DirectFeed(cfg.DB)
	}
	m := New(c, Routes(cfg.DB), poll, LiveEvery)
	m.SetNotice(cfg.Notice)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler(),
		tea.WithInput(cfg.In), tea.WithOutput(cfg.Out))
	if cfg.Sizes != nil {
		stop := make(chan struct{})
		defer close(stop)
		go forwardSizes(p, cfg.Sizes, stop)
	}
	cfg.Logger.Info("tui start", "target", cfg.DB.Target())
	_, err = p.Run()
	switch {
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		cfg.Logger.Info("tui end", "by", "signal")
		return nil // stopped from outside: Ctrl-C on `oms demo`, kill, a hang-up's SIGHUP
	case errors.Is(err, errHungUp) || errors.Is(err, syscall.EIO):
		cfg.Logger.Info("tui end", "by", "hang-up")
		return nil // the terminal went away before or without a SIGHUP
	}
	if err != nil {
		cfg.Logger.Error("tui end", "err", err.Error())
	} else {
		cfg.Logger.Info("tui end", "by", "user")
	}
	return err
}

// forwardSizes sends each size to p until sizes closes or stop does. Send returns once the
// program has ended, so nothing waits on a program that is gone.
func forwardSizes(p *tea.Program, sizes <-chan tea.WindowSizeMsg, stop <-chan struct{}) {
	for {
		select {
		case size, ok := <-sizes:
			if !ok {
				return
			}
			p.Send(size)
		case <-stop:
			return
		}
	}
}

// terminalInput is the terminal's input, with its end made an error. A terminal that hangs up
// reads as end of file, which Bubble Tea takes as "no more input" while it keeps running (and
// polling); when no SIGHUP reaches the process, because the terminal is not its controlling
// terminal or it is not in the terminal's foreground process group, nothing would stop it.
// It stays an *os.File underneath, so Bubble Tea still puts the terminal in raw mode, restores
// it and can cancel a read.
type terminalInput struct{ *os.File }

var errHungUp = errors.New("the terminal hung up")

func (t terminalInput) Read(p []byte) (int, error) {
	n, err := t.File.Read(p)
	if n == 0 && errors.Is(err, io.EOF) {
		return 0, errHungUp
	}
	return n, err
}

// NewContext builds a session's context: styles on the session's own renderer, the user's
// identity and the session's logger.
func NewContext(ctx context.Context, cfg Config) (*ui.Context, error) {
	var opts []termenv.OutputOption
	if cfg.TTY {
		opts = append(opts, termenv.WithTTY(true))
	}
	renderer := themes.NewRenderer(cfg.Out, cfg.Theme, cfg.Env, opts...)
	qctx, cancel := context.WithTimeout(ctx, ui.DefaultTimeout)
	defer cancel()
	who, err := staff.New(cfg.DB).Whoami(qctx)
	if err != nil {
		return nil, fmt.Errorf("reading who you are: %w", err)
	}
	keys := cfg.Keys
	return &ui.Context{
		Styles:   themes.NewStyles(renderer, cfg.Theme),
		Keys:     &keys,
		User:     who,
		Jobs:     who.Jobs,
		Now:      time.Now,
		Location: time.Local,
		Log:      cfg.Logger,
	}, nil
}
