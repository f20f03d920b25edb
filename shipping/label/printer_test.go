package label

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParsePrinter(t *testing.T) {
	for _, c := range []struct {
		spec string
		want Printer
		str  string // the setting as String gives it back
	}{
		{"file:/var/spool/labels", Printer{PrintToFile, "/var/spool/labels"}, "file:/var/spool/labels"},
		{"file:/var/spool/labels/", Printer{PrintToFile, "/var/spool/labels"}, "file:/var/spool/labels"},
		{"lp:zebra1", Printer{PrintToLP, "zebra1"}, "lp:zebra1"},
		{"lp:Zebra_GK420d@station", Printer{PrintToLP, "Zebra_GK420d@station"}, "lp:Zebra_GK420d@station"},
		{"tcp:10.0.0.7:9100", Printer{PrintToTCP, "10.0.0.7:9100"}, "tcp:10.0.0.7:9100"},
		{"tcp:10.0.0.7", Printer{PrintToTCP, "10.0.0.7:9100"}, "tcp:10.0.0.7:9100"},
		{"tcp:printer.local:6101", Printer{PrintToTCP, "printer.local:6101"}, "tcp:printer.local:6101"},
		{"tcp:[fe80::1]:9100", Printer{PrintToTCP, "[fe80::1]:9100"}, "tcp:[fe80::1]:9100"},
		{"tcp:[fe80::1]", Printer{PrintToTCP, "[fe80::1]:9100"}, "tcp:[fe80::1]:9100"},
	} {
		got, err := ParsePrinter(c.spec)
		if err != nil || got != c.want || got.String() != c.str {
			t.Errorf("ParsePrinter(%q) = %+v (%s), %v; want %+v (%s)", c.spec, got, got, err, c.want, c.str)
		}
	}
}

func TestParsePrinterRefusesBadSpecs(t *testing.T) {
	for spec, want := range map[string]string{
		"":                       "want file:DIRECTORY, lp:DESTINATION or tcp:HOST[:PORT]",
		"zebra1":                 "want file:DIRECTORY, lp:DESTINATION or tcp:HOST[:PORT]",
		"smb://host/zebra":       `"smb" is not a kind of printer`,
		"file:labels":            `the directory "labels" is not an absolute path`,
		"file:":                  "is not an absolute path",
		"lp:":                    `the lp destination "" is not a printer name`,
		"lp:-oraw":               `the lp destination "-oraw" is not a printer name`,
		"lp:zebra 1":             `has ' ', which a printer name cannot`,
		"lp:zebra;rm":            `has ';'`,
		"tcp:":                   "no host",
		"tcp::9100":              "no host",
		"tcp:10.0.0.7:print":     `port "print" is not a number from 1 to 65535`,
		"tcp:10.0.0.7:70000":     `port "70000"`,
		"tcp:fe80::1":            "write an IPv6 address as [ADDRESS]:PORT",
		"TCP:10.0.0.7":           `"TCP" is not a kind of printer`,
		"tcp:10.0.0.7:9100:9100": "write an IPv6 address",
		"tcp:[fe80::1":           "write an IPv6 address",
	} {
		_, err := ParsePrinter(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePrinter(%q) = %v; want an error containing %q", spec, err, want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "printer "+quote(spec)) {
			t.Errorf("ParsePrinter(%q) = %v; the message should name the setting", spec, err)
		}
	}
}

func quote(s string) string { return `"` + s + `"` }

func TestPrintToFileWritesTheLabelWhole(t *testing.T) {
	dir := t.TempDir()
	printer, err := ParsePrinter("file:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range [][]byte{ZPL(sampleLabel()), []byte("^XA^XZ\n")} { // a reprint replaces the file
		if err := printer.Print(context.Background(), "1Z5R89390357567127.zpl", data); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, "1Z5R89390357567127.zpl"))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("file holds %q, %v; want %q", got, err, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory should hold the label alone, no temporary files: %v", entries)
	}
	info, err := os.Stat(filepath.Join(dir, "1Z5R89390357567127.zpl"))
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("label file mode = %v, %v; want 0644 so the print daemon can read it", info.Mode(), err)
	}
}

func TestPrintToFileRefusesPathsAsNames(t *testing.T) {
	printer := Printer{Kind: PrintToFile, Target: t.TempDir()}
	for _, name := range []string{"", "../escape.zpl", "sub/label.zpl", ".hidden.zpl", "..", "/etc/passwd"} {
		err := printer.Print(context.Background(), name, []byte("^XA^XZ"))
		if err == nil || !strings.Contains(err.Error(), "is not a file name") {
			t.Errorf("Print(%q) = %v; want it refused as not a file name", name, err)
		}
	}
	missing := Printer{Kind: PrintToFile, Target: filepath.Join(t.TempDir(), "gone")}
	err := missing.Print(context.Background(), "label.zpl", []byte("^XA^XZ"))
	if err == nil || !strings.Contains(err.Error(), "printer file:"+missing.Target) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("printing into a missing directory = %v; want the printer and the cause named", err)
	}
}

func TestPrintToTCPSendsEveryByte(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	received := make(chan []byte, 1)
	go func() {
		conn, err := listener.Accept()
		if err != nil {
			received <- nil
			return
		}
		defer conn.Close()
		data, _ := io.ReadAll(conn) // to the printer's end: Print closes when done
		received <- data
	}()
	printer, err := ParsePrinter("tcp:" + listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	data := ZPL(sampleLabel())
	if err := printer.Print(context.Background(), "1Z5R89390357567127", data); err != nil {
		t.Fatal(err)
	}
	if got := <-received; !bytes.Equal(got, data) {
		t.Errorf("printer received %d bytes, want the %d of the label", len(got), len(data))
	}
}

func TestPrintToTCPSaysWhenRefused(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close() // nothing listens there now
	err = Printer{Kind: PrintToTCP, Target: address}.Print(context.Background(), "x", []byte("^XA^XZ"))
	want := "printer tcp:" + address + " refused the connection: is it on, and is the port right?"
	if err == nil || err.Error() != want {
		t.Errorf("Print to a closed port = %v; want %q", err, want)
	}
}

// A printer that takes the connection but not the data (jammed, paused) runs into the deadline,
// and the message says how long it was given. The label is larger than what the kernel's socket
// buffers take in, so the write has to wait for the printer.
func TestPrintToTCPSaysWhenThePrinterDoesNotAnswer(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close() // the connection waits in the backlog, never read
	printer := Printer{Kind: PrintToTCP, Target: listener.Addr().String()}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = printer.Print(ctx, "x", make([]byte, 64<<20))
	// The message gives what was left of the caller's 300 ms when Print started.
	prefix := "printer tcp:" + printer.Target + " did not answer within "
	if err == nil || !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("Print to a printer that does not read = %v; want %q and a duration", err, prefix)
	}
	if given, perr := time.ParseDuration(strings.TrimPrefix(err.Error(), prefix)); perr != nil || given > 300*time.Millisecond || given < 100*time.Millisecond {
		t.Errorf("Print to a printer that does not read = %v; want about 300ms", err)
	}
}

// fakeLP puts an lp first on PATH that runs script, and returns the directory it is in.
func fakeLP(t *testing.T, script string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lp"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

func TestPrintToLPHandsTheDataToLP(t *testing.T) {
	dir := fakeLP(t, `printf '%s\n' "$@" > "$(dirname "$0")/args"; cat > "$(dirname "$0")/data"`+"\n")
	printer, err := ParsePrinter("lp:zebra1")
	if err != nil {
		t.Fatal(err)
	}
	data := ZPL(sampleLabel())
	if err := printer.Print(context.Background(), "1Z5R89390357567127", data); err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if want := "-d\nzebra1\n-o\nraw\n-t\n1Z5R89390357567127\n"; string(args) != want {
		t.Errorf("lp ran with %q, want %q", args, want)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "data")); !bytes.Equal(got, data) {
		t.Errorf("lp read %d bytes, want the %d of the label", len(got), len(data))
	}
}

func TestPrintToLPPassesOnWhatLPSays(t *testing.T) {
	fakeLP(t, "cat >/dev/null\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n")
	err := Printer{Kind: PrintToLP, Target: "zebra9"}.Print(context.Background(), "x", []byte("^XA^XZ"))
	want := "printer lp:zebra9: lp failed (exit status 1): lp: The printer or class does not exist."
	if err == nil || err.Error() != want {
		t.Errorf("Print with a failing lp = %v; want %q", err, want)
	}
}

func TestPrintRefusesAnUnknownKind(t *testing.T) {
	err := Printer{Kind: "smb", Target: "x"}.Print(context.Background(), "x", nil)
	if err == nil || !strings.Contains(err.Error(), `"smb" is not a kind of printer`) {
		t.Errorf("Print with kind smb = %v", err)
	}
}
