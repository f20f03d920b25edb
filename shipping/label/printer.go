package label

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Printer is where a packing station's labels go, as pack_stations.label_printer states it
// ("file:DIR", "lp:DEST", "tcp:HOST:PORT"; ParsePrinter).
type Printer struct {
	Kind   string // "file", "lp" or "tcp"
	Target string // the directory, the lp destination, or host:port
}

// Printer kinds.
const (
	PrintToFile = "file" // write NAME into a directory a print daemon or a person picks up from
	PrintToLP   = "lp"   // hand the data to CUPS: lp -d DEST -o raw
	PrintToTCP  = "tcp"  // send the data raw to a network printer's port (9100, "JetDirect")
)

// DefaultRawPort is the raw printing port Zebra and most network label printers listen on.
const DefaultRawPort = "9100"

// PrintTimeout bounds one Print when the caller's context allows longer: a printer that is off
// must not hold the packer's screen.
const PrintTimeout = 5 * time.Second

// ParsePrinter reads a printer setting: "file:/var/spool/labels" (an absolute directory),
// "lp:zebra1" (a CUPS destination), "tcp:10.0.0.7:9100" or "tcp:printer.local" (port 9100).
func ParsePrinter(spec string) (Printer, error) {
	kind, target, found := strings.Cut(spec, ":")
	if !found {
		return Printer{}, fmt.Errorf("printer %q: want file:DIRECTORY, lp:DESTINATION or tcp:HOST[:PORT]", spec)
	}
	var err error
	switch kind {
	case PrintToFile:
		target, err = parseFileTarget(target)
	case PrintToLP:
		err = checkLPDestination(target)
	case PrintToTCP:
		target, err = parseTCPTarget(target)
	default:
		err = fmt.Errorf("%q is not a kind of printer: want file, lp or tcp", kind)
	}
	if err != nil {
		return Printer{}, fmt.Errorf("printer %q: %w", spec, err)
	}
	return Printer{Kind: kind, Target: target}, nil
}

// parseFileTarget wants an absolute directory: a relative one would depend on where oms was
// started.
func parseFileTarget(dir string) (string, error) {
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("the directory %q is not an absolute path", dir)
	}
	return filepath.Clean(dir), nil
}

// checkLPDestination allows the characters CUPS printer names are made of (and "/" for an
// instance), and no leading "-", which lp would read as an option.
func checkLPDestination(dest string) error {
	if dest == "" || strings.HasPrefix(dest, "-") {
		return fmt.Errorf("the lp destination %q is not a printer name", dest)
	}
	for _, c := range dest {
		if !(c < 128 && (isUpperAlnum(byte(c)) || ('a' <= c && c <= 'z') || strings.ContainsRune("_-.@/", c))) {
			return fmt.Errorf("the lp destination %q has %q, which a printer name cannot", dest, c)
		}
	}
	return nil
}

// parseTCPTarget reads host or host:port ([v6]:port for IPv6) and gives host:port.
func parseTCPTarget(target string) (string, error) {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		host, port = target, DefaultRawPort
		bracketed := strings.HasPrefix(target, "[") && strings.HasSuffix(target, "]")
		if strings.Contains(target, ":") && !bracketed {
			return "", fmt.Errorf("%q is not HOST or HOST:PORT (write an IPv6 address as [ADDRESS]:PORT)", target)
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if host == "" {
		return "", errors.New("no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	return net.JoinHostPort(host, port), nil
}

// String is the setting the printer was parsed from.
func (p Printer) String() string { return p.Kind + ":" + p.Target }

// Print sends data to the printer. name is what the label is called: the file's name for a
// file printer ("1Z5R89390357567127.zpl"), the job's title for lp. It gives up after
// PrintTimeout or when ctx ends, whichever is first.
func (p Printer) Print(ctx context.Context, name string, data []byte) error {
	given := PrintTimeout
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < given {
		given = time.Until(deadline).Round(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(ctx, given)
	defer cancel()
	var err error
	switch p.Kind {
	case PrintToFile:
		err = p.printToFile(ctx, name, data)
	case PrintToLP:
		err = p.printToLP(ctx, name, data)
	case PrintToTCP:
		err = p.printToTCP(ctx, data)
	default:
		return fmt.Errorf("printer %q: %q is not a kind of printer: want file, lp or tcp", p, p.Kind)
	}
	if err != nil && timedOut(ctx, err) {
		return fmt.Errorf("printer %s did not answer within %s", p, given)
	}
	return err
}

// timedOut tells a print that ran out of time from one that failed or was cancelled. The
// connection's deadline is the context's, and may fire a moment before the context's own timer.
func timedOut(ctx context.Context, err error) bool {
	return ctx.Err() == context.DeadlineExceeded || (ctx.Err() == nil && errors.Is(err, os.ErrDeadlineExceeded))
}

// printToFile writes the label under a temporary name in the directory and renames it, so a
// daemon watching the directory never picks up half a label.
func (p Printer) printToFile(ctx context.Context, name string, data []byte) error {
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("printer %s: %q is not a file name", p, name)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(p.Target, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("printer %s: %w", p, err)
	}
	if err := writeAndClose(tmp, data); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("printer %s: writing %s: %w", p, name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(p.Target, name)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("printer %s: %w", p, err)
	}
	return nil
}

// writeAndClose writes data, makes it durable and leaves the file readable by the print
// daemon (CreateTemp makes it private to oms).
func writeAndClose(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

// printToLP runs lp with the data on its standard input; -o raw keeps CUPS from filtering ZPL
// as if it were text.
func (p Printer) printToLP(ctx context.Context, name string, data []byte) error {
	cmd := exec.CommandContext(ctx, "lp", "-d", p.Target, "-o", "raw", "-t", name)
	cmd.Stdin = bytes.NewReader(data)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		if said := strings.TrimSpace(output.String()); said != "" {
			return fmt.Errorf("printer %s: lp failed (%v): %s", p, err, said)
		}
		return fmt.Errorf("printer %s: lp failed: %w", p, err)
	}
	return nil
}

// printToTCP connects, writes everything and closes: a raw port prints what it is sent.
func (p Printer) printToTCP(ctx context.Context, data []byte) error {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", p.Target)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("printer %s refused the connection: is it on, and is the port right?", p)
		}
		return fmt.Errorf("printer %s: %w", p, err)
	}
	// The deadline bounds the write; cancelling ctx ends it at once.
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	_, err = conn.Write(data)
	if closeErr := conn.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("printer %s: %w", p, err)
	}
	return nil
}
