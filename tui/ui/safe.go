package ui

import (
	"strings"
	"unicode/utf8"
)

// TerminalSafe is frame with everything removed that a terminal would take as a command rather
// than as text, except what the screens draw with: colours and styles (SGR sequences,
// ESC [ … m), line breaks and the bell the handhelds ring on a wrong scan.
//
// Text on the screen comes from outside: a marketplace's order file, a customer's name, a
// colleague's note. An escape sequence hidden in one would otherwise reach every terminal that
// shows it, local or over SSH, and clear the screen, retitle the window, write the clipboard
// (OSC 52) or worse. Removed are every other CSI sequence, OSC, DCS, SOS, PM and APC strings
// whole, two-byte escapes, C0 controls but \n and \a, DEL, the C1 controls (U+0080–U+009F) and
// bytes that are not UTF-8 (a terminal may read those as C1 controls).
// What is removed takes no column in the frame, so every line keeps its width.
func TerminalSafe(frame string) string {
	if !needsCleaning(frame) {
		return frame
	}
	var b strings.Builder
	b.Grow(len(frame))
	for i := 0; i < len(frame); {
		c := frame[i]
		switch {
		case c == 0x1b:
			n, keep := escapeAt(frame[i:])
			if keep {
				b.WriteString(frame[i : i+n])
			}
			i += n
		case c == '\n' || c == '\a':
			b.WriteByte(c)
			i++
		case c < 0x20 || c == 0x7f:
			i++
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default: // a C1 control or a byte that is not UTF-8 goes; other characters stay
			r, n := utf8.DecodeRuneInString(frame[i:])
			if !(r == utf8.RuneError && n == 1) && (r < 0x80 || r > 0x9f) {
				b.WriteString(frame[i : i+n])
			}
			i += n
		}
	}
	return b.String()
}

// needsCleaning says whether frame holds anything TerminalSafe would remove, so that a clean
// frame (nearly all of them) costs one pass and no copy.
func needsCleaning(frame string) bool {
	for i := 0; i < len(frame); i++ {
		c := frame[i]
		switch {
		case c == 0x1b:
			if _, keep := escapeAt(frame[i:]); !keep {
				return true
			}
		case c == '\n' || c == '\a':
		case c < 0x20 || c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(frame) && frame[i+1] >= 0x80 && frame[i+1] <= 0x9f:
			return true
		}
	}
	return !utf8.ValidString(frame)
}

// escapeAt measures the escape sequence s starts with (s[0] is ESC): its length, and whether it
// is an SGR sequence to keep. An unterminated sequence runs to the end of s.
func escapeAt(s string) (n int, keep bool) {
	if len(s) < 2 {
		return len(s), false
	}
	switch s[1] {
	case '[': // CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, a final byte 0x40–0x7E
		j := 2
		for j < len(s) && s[j] >= 0x30 && s[j] <= 0x3f {
			j++
		}
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
			j++
		}
		if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
			return j + 1, s[j] == 'm'
		}
		return j, false
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: a string ended by ST (ESC \) or, for OSC, BEL
		for j := 2; j < len(s); j++ {
			if s[j] == '\a' && s[1] == ']' {
				return j + 1, false
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2, false
			}
		}
		return len(s), false
	}
	return 2, false // a two-byte escape: ESC c (reset), ESC 7, …
}
