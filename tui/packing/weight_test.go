package packing

import "testing"

// Weights as a packer types them or a scale sends them, and what is refused.
func TestParseWeight(t *testing.T) {
	for in, want := range map[string]int{"650": 650, "650g": 650, "650 g": 650, "1.25kg": 1250, "1,25 kg": 1250,
		"0.9kg": 900, "0.65": 650, "2,000": 2000, "12 KG": 12000, " 75 ": 75} {
		if got, err := ParseWeight(in); err != nil || got != want {
			t.Errorf("ParseWeight(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "abc", "1.2.3kg", "kg", "5 lb", "0,0"} {
		if got, err := ParseWeight(in); err == nil {
			t.Errorf("ParseWeight(%q) = %d; want it refused", in, got)
		}
	}
	for g, want := range map[int]string{5: "5 g", 650: "650 g", 2000: "2,000 g", 1234567: "1,234,567 g"} {
		if got := Grams(g); got != want {
			t.Errorf("Grams(%d) = %q, want %q", g, got, want)
		}
	}
}
