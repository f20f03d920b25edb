package ui

import "strings"

// OnePrompt lays out a handheld screen that waits at one prompt (the counts and the receiving
// screens): the header line, the step's body, the prompt (its label and the field) and what
// follows it (a busy mark, the last outcome). The body gives way first, so the prompt and the
// outcome always fit; body is asked for at most room lines.
func OnePrompt(w, h int, header string, body func(room int) []string, prompt, after []string) string {
	room := max(h-1-len(prompt)-len(after), 0)
	out := []string{header}
	lines := body(room)
	if len(lines) > room {
		lines = lines[:room]
	}
	out = append(out, lines...)
	out = append(out, prompt...)
	out = append(out, after...)
	for i, l := range out {
		out[i] = Fit(l, w)
	}
	return Clamp(strings.Join(out, "\n"), w, h)
}
