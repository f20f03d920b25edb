package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// watchPoll is how often a watched folder is looked at: a file dropped by SFTP or a cron job
// waits at most this long.
const watchPoll = time.Second

// watchDrop imports every file that lands in a folder, oldest name first, and moves each to
// done/ or failed/ with a report beside it. A file whose import was cut short (the process
// killed) stays where it is, so the next run imports it again: what came in before is found
// unchanged, the rest comes in, nothing twice.
func watchDrop(cmd *cobra.Command, g *globals, format string, opt importOptions) error {
	ctx := cmd.Context()
	dir := opt.watch
	for _, sub := range []string{"done", "failed"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return usageError{fmt.Errorf("cannot watch %s: %w", dir, err)}
		}
	}
	imp, closeDB, err := openImporter(ctx, cmd, g, format, opt)
	if err != nil {
		return err
	}
	defer closeDB()
	fmt.Fprintf(cmd.OutOrStdout(), "watching %s for %s files of channel %s\n", dir, format, imp.channel.Code)
	tick := time.NewTicker(watchPoll)
	defer tick.Stop()
	for {
		names, err := droppedFiles(dir)
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := imp.importDropped(ctx, cmd.OutOrStdout(), dir, name); err != nil {
				return err
			}
			if ctx.Err() != nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// droppedFiles are the complete files waiting in dir: not hidden, not still being written
// (.part, .tmp), not reports.
func droppedFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read the watched folder: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(n, ".") || strings.HasSuffix(n, ".part") ||
			strings.HasSuffix(n, ".tmp") || strings.HasSuffix(n, ".report") {
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// importDropped imports one dropped file and files it under done/ or failed/.
func (imp *importer) importDropped(ctx context.Context, stdout io.Writer, dir, name string) error {
	path := filepath.Join(dir, name)
	var report bytes.Buffer
	out := io.MultiWriter(imp.stderr, &report)
	counts, err := imp.importFile(ctx, path, name, out)
	if ctx.Err() != nil {
		return nil // cut short: the file stays for the next run
	}
	if err != nil {
		fmt.Fprintln(out, err)
	}
	summary := fmt.Sprintf("imported %d new, %d unchanged, %d updated, %d rejected", counts.New, counts.Unchanged, counts.Updated, counts.Rejected)
	fmt.Fprintln(&report, summary)
	fmt.Fprintf(stdout, "%s: %s\n", name, summary)
	dest := "done"
	if err != nil || counts.Rejected > 0 {
		dest = "failed"
	}
	target := filepath.Join(dir, dest, name)
	if _, err := os.Stat(target); err == nil {
		// The same name came before: keep both.
		target = filepath.Join(dir, dest, time.Now().UTC().Format("20060102T150405.000")+"-"+name)
	}
	if err := os.WriteFile(target+".report", report.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the report of %s: %w", name, err)
	}
	if err := os.Rename(path, target); err != nil {
		return fmt.Errorf("moving %s to %s: %w", name, dest, err)
	}
	return nil
}
