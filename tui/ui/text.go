package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit truncates s (which may hold ANSI styling) to width cells, ending with "…" when cut, and
// pads it with spaces to exactly width.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return s + strings.Repeat(" ", width-w)
}

// FitRight is Fit aligned to the right: for numbers and amounts.
func FitRight(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return strings.Repeat(" ", width-w) + s
}

// Clamp makes a block exactly width × height: every line fitted, missing lines blank, extra
// lines dropped. The root applies it to every frame, so nothing ever draws past the terminal.
func Clamp(block string, width, height int) string {
	lines := strings.Split(block, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	var b strings.Builder
	b.Grow((width + 1) * height)
	for i := 0; i < height; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(Fit(lines[i], width))
		} else {
			b.WriteString(strings.Repeat(" ", width))
		}
	}
	return b.String()
}

// Width is the number of terminal cells s takes.
func Width(s string) int { return ansi.StringWidth(s) }

// Wrap breaks plain text into lines of at most width cells at spaces only, so a command or a
// path that fits a line is never split (ansi.Wrap also breaks at hyphens); a word longer than
// width is cut into width-long pieces.
func Wrap(text string, width int) []string {
	width = max(width, 1)
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		for ansi.StringWidth(word) > width {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			head := ansi.Truncate(word, width, "")
			lines = append(lines, head)
			word = word[len(head):]
		}
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= width:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
