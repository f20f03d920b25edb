package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// session is one run's log: JSON lines appended to the file named by --log or OMS_LOG, every
// record carrying the run's random session id, so runs that share a file can be told apart.
// Without --log and OMS_LOG it is a logger that discards everything and writes nowhere.
type session struct {
	*slog.Logger
	id   string
	file *os.File
}

func noSession() *session {
	return &session{Logger: slog.New(slog.DiscardHandler)}
}

// startLog opens the log named by --log, else by OMS_LOG, and records the command's start. It
// never logs the command line's values, which may hold a database password.
func (g *globals) startLog(cmd *cobra.Command) error {
	path := g.logPath
	if path == "" {
		path = os.Getenv("OMS_LOG")
	}
	if path == "" || g.log.file != nil {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open the log file: %w", err)
	}
	id := newSessionID()
	g.log = &session{
		Logger: slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})).With("session", id),
		id:     id,
		file:   f,
	}
	var flags []string
	cmd.Flags().Visit(func(f *pflag.Flag) { flags = append(flags, f.Name) })
	g.log.Info("command start", "command", cmd.CommandPath(), "flags", flags, "version", Version, "pid", os.Getpid())
	return nil
}

// end records how the command ended and closes the log.
func (s *session) end(cmd *cobra.Command, status int, err error, took time.Duration) {
	if s.file == nil {
		return
	}
	attrs := []any{"status", status, "duration", took}
	if cmd != nil {
		attrs = append(attrs, "command", cmd.CommandPath())
	}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	level := slog.LevelInfo
	if status != 0 {
		level = slog.LevelError
	}
	s.Log(context.Background(), level, "command end", attrs...)
	s.file.Close()
	s.file = nil
}

func newSessionID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return hex.EncodeToString(b)
}
