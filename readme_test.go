package main

import (
	"os"
	"strings"
	"testing"

	"oms/keymaps"
)

// TestREADMECheatsheetMatchesKeyMaps fails when the key bindings change and the README's
// cheatsheet was not regenerated: the README is what a new user reads first.
func TestREADMECheatsheetMatchesKeyMaps(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- keys:start -->\n", "<!-- keys:end -->"
	text := string(readme)
	i, j := strings.Index(text, start), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q block", strings.TrimSpace(start), end)
	}
	got := text[i+len(start) : j]
	want := keymaps.Cheatsheet(keymaps.Default())
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		if os.Getenv("OMS_UPDATE_README") != "" {
			text = text[:i+len(start)] + want + "\n" + text[j:]
			if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("README.md's key cheatsheet is out of date; regenerate it with\n  OMS_UPDATE_README=1 go test -run TestREADMECheatsheet .")
	}
}

// The README's picture of the queue is the golden frame the shell test draws from the demo
// data at 80×24 (tui/testdata/shell-queue-80x24.golden), so it is what `oms demo` shows.
func TestREADMEPictureIsTheQueueAsDrawn(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("tui/testdata/shell-queue-80x24.golden")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(golden), "\n") {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	want := strings.Join(lines, "\n")
	const start, end = "<!-- picture:start -->\n```\n", "\n```\n<!-- picture:end -->"
	text := string(readme)
	i, j := strings.Index(text, start), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q block", strings.TrimSpace(start), end)
	}
	if text[i+len(start):j] != want {
		if os.Getenv("OMS_UPDATE_README") != "" {
			text = text[:i+len(start)] + want + text[j:]
			if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("README.md's picture is not the queue as drawn; regenerate it with\n  OMS_UPDATE_README=1 go test -run TestREADME .")
	}
}
