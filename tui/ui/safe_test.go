package ui

import "testing"

func TestTerminalSafeKeepsStylesAndRemovesCommands(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain text", "SO-0000003 Anna de Vries\n", "SO-0000003 Anna de Vries\n"},
		{"colours and styles", "\x1b[1;38;5;231mBACK\x1b[0m\x1b[39m", "\x1b[1;38;5;231mBACK\x1b[0m\x1b[39m"},
		{"bell and line breaks", "✗ Wrong bin\a\nnext", "✗ Wrong bin\a\nnext"},
		{"clear the screen", "Evil\x1b[2JName", "EvilName"},
		{"move the cursor", "a\x1b[10;10Hb\x1b[?25lc", "abc"},
		{"window title ended by BEL", "x\x1b]0;pwned\ay", "xy"},
		{"clipboard write ended by ST", "x\x1b]52;c;cm0gLXJmIH4=\x1b\\y", "xy"},
		{"device control string", "x\x1bPq#0;2;0;0;0\x1b\\y", "xy"},
		{"two-byte escape (reset)", "x\x1bcy", "xy"},
		{"unterminated OSC", "x\x1b]0;never ends", "x"},
		{"C0 controls", "a\tb\rc\bd\x00e\x7f", "abcde"},
		{"C1 controls", "a\u009b2Jb\u0085c", "a2Jbc"},
		{"lone ESC at the end", "abc\x1b", "abc"},
		{"bytes that are not UTF-8", "a\xc2\x05\x8bb\xffc", "abc"},
		{"non-ASCII text stays", "Zoë Müller · 14:00 ▁▂▃", "Zoë Müller · 14:00 ▁▂▃"},
	} {
		if got := TerminalSafe(c.in); got != c.want {
			t.Errorf("%s: TerminalSafe(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func FuzzTerminalSafe(f *testing.F) {
	f.Add("Evil\x1b[2J\x1b]0;t\a\x1b[31mred\x1b[0m\u009b")
	f.Fuzz(func(t *testing.T, s string) {
		out := TerminalSafe(s)
		if TerminalSafe(out) != out {
			t.Fatalf("not stable: %q → %q → %q", s, out, TerminalSafe(out))
		}
		for i := 0; i < len(out); i++ {
			if out[i] == 0x1b {
				if n, keep := escapeAt(out[i:]); !keep {
					t.Fatalf("%q keeps a command at %d: %q", s, i, out[i:i+n])
				}
			}
		}
	})
}
