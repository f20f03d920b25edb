package channels

import (
	"os"
	"strings"
	"testing"
)

// The examples in FORMATS.md (the README section) read without a rejection.
func TestFormatsDocExamplesRead(t *testing.T) {
	doc, err := os.ReadFile("FORMATS.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"csv", "json"} {
		_, rest, ok := strings.Cut(string(doc), "```"+format+"\n")
		if !ok {
			t.Fatalf("FORMATS.md has no %s example", format)
		}
		example, _, _ := strings.Cut(rest, "```")
		got := readAll(t, format, []byte(example), Options{File: "FORMATS.md"})
		if len(got) != 2 {
			t.Fatalf("%s example: %d orders, want 2", format, len(got))
		}
		for _, p := range got {
			if p.Reason != "" {
				t.Errorf("%s example: %s: %s", format, p.ID, p.Reason)
			}
		}
		if format == "json" && got[1].Order.Lines[0].AmountMinor != 2400 {
			t.Errorf("json example: %s", describe(got[1].Order))
		}
	}
}
