package label

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// A small ZPL reader for the tests: it splits a document into commands the way a printer does
// (a command starts at every "^" or "~", field data included) and groups ^FO … ^FS into fields,
// so the tests can assert what a printer would draw and that nothing else would run.

// zplCommand is one command: its prefix, its name ("FO", "A" for ^A0…, "FD") and its parameters
// as written (for ^FD the field data).
type zplCommand struct {
	prefix byte
	name   string
	params string
}

func (c zplCommand) String() string { return string(c.prefix) + c.name + c.params }

// zplField is what one ^FO … ^FS draws.
type zplField struct {
	x, y      int
	fontSize  [2]int // ^A0N,h,w: height and width in dots
	barcode   bool   // ^BC: Code 128
	module    int    // ^BY: the narrowest bar in dots
	barHeight int
	box       [2]int // ^GB: width and height
	data      string // ^FD, with ^FH escapes decoded
}

func parseZPLCommands(t *testing.T, zpl []byte) []zplCommand {
	t.Helper()
	s := string(zpl)
	var commands []zplCommand
	for i := 0; i < len(s); {
		if s[i] == '\n' || s[i] == '\r' {
			i++ // line breaks between commands are for people; printers skip them
			continue
		}
		if s[i] != '^' && s[i] != '~' {
			t.Fatalf("ZPL byte %d is %q, outside any command", i, s[i])
		}
		if i+3 > len(s) {
			t.Fatalf("ZPL ends inside a command name: %q", s[i:])
		}
		name, start := s[i+1:i+3], i+3
		if name[0] == 'A' && name != "A@" {
			name, start = "A", i+2 // ^A takes its font as the next character: ^A0N,40,40
		}
		end := strings.IndexAny(s[start:], "^~")
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		commands = append(commands, zplCommand{prefix: s[i], name: name, params: strings.TrimRight(s[start:end], "\r\n")})
		i = end
	}
	return commands
}

// zplFields groups commands into fields; it fails the test on a field left open or data
// outside a field.
func zplFields(t *testing.T, commands []zplCommand) []zplField {
	t.Helper()
	var fields []zplField
	var f *zplField
	hex := false
	for _, c := range commands {
		if f == nil && slices.Contains([]string{"A", "BC", "BY", "FD", "FH", "FS", "GB"}, c.name) {
			t.Fatalf("%v outside a field", c)
		}
		switch c.name {
		case "FO":
			if f != nil {
				t.Fatalf("^FO inside an open field at %+v", *f)
			}
			xy := ints(t, c.params)
			f, hex = &zplField{x: xy[0], y: xy[1]}, false
		case "A":
			p := ints(t, strings.TrimPrefix(c.params, "0N,"))
			f.fontSize = [2]int{p[0], p[1]}
		case "BY":
			f.module = ints(t, c.params)[0]
		case "BC":
			f.barcode = true
			f.barHeight = ints(t, strings.Split(c.params, ",")[1])[0]
		case "GB":
			p := ints(t, c.params)
			f.box = [2]int{p[0], p[1]}
		case "FH":
			hex = true
		case "FD":
			f.data = c.params
			if hex {
				f.data = decodeFH(t, c.params)
			}
		case "FS":
			fields = append(fields, *f)
			f = nil
		}
	}
	if f != nil {
		t.Fatalf("field at %d,%d never closed with ^FS", f.x, f.y)
	}
	return fields
}

// decodeFH undoes ^FH: "_" and two hex digits stand for a byte.
func decodeFH(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			b.WriteByte(s[i])
			continue
		}
		if i+3 > len(s) {
			t.Fatalf("^FH escape cut short in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			t.Fatalf("^FH escape %q in %q: %v", s[i:i+3], s, err)
		}
		b.WriteByte(byte(v))
		i += 2
	}
	if !utf8.ValidString(b.String()) {
		t.Fatalf("field data %q is not UTF-8", s)
	}
	return b.String()
}

func ints(t *testing.T, params string) []int {
	t.Helper()
	var out []int
	for _, p := range strings.Split(params, ",") {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("parameter %q of %q is not a number", p, params)
		}
		out = append(out, n)
	}
	return out
}

// texts are the data of the fields that are text, in document order.
func texts(fields []zplField) []string {
	var out []string
	for _, f := range fields {
		if f.fontSize[0] > 0 {
			out = append(out, f.data)
		}
	}
	return out
}

// barcodes are the Code 128 fields.
func barcodes(fields []zplField) []zplField {
	var out []zplField
	for _, f := range fields {
		if f.barcode {
			out = append(out, f)
		}
	}
	return out
}

// code128Width is a Code 128 field's width in dots, counted from its data: after the start code
// (">:" subset B, ">;" subset C) a subset-C symbol is two digits or an invocation code (">8").
func code128Width(t *testing.T, f zplField) int {
	t.Helper()
	var symbols int
	switch body := f.data[2:]; f.data[:2] {
	case ">:":
		symbols = len(body)
	case ">;":
		for i := 0; i < len(body); i += 2 {
			symbols++
		}
	default:
		t.Fatalf("barcode data %q starts with no start code", f.data)
	}
	return (11*(symbols+2) + 13) * f.module
}
