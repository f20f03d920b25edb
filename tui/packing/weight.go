package packing

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseWeight reads a weight as a packer types it or a scale sends it: grams ("650", "650 g")
// or kilograms with a point or a comma ("1.25kg", "1,25 kg", "0.65"); a decimal without a unit
// is kilograms.
func ParseWeight(text string) (int, error) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(text), " ", ""))
	kg := false
	switch {
	case strings.HasSuffix(t, "kg"):
		t, kg = strings.TrimSuffix(t, "kg"), true
	case strings.HasSuffix(t, "g"):
		t = strings.TrimSuffix(t, "g")
	}
	if strings.ContainsAny(t, ".,") {
		kg = true
	}
	bad := fmt.Errorf("%q is not a weight: type grams (650) or kilograms (1.25kg)", text)
	if kg {
		f, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
		if err != nil || f <= 0 || f > 1000 {
			return 0, bad
		}
		return int(math.Round(f * 1000)), nil
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > 1_000_000 {
		return 0, bad
	}
	return n, nil
}

// Grams is a weight as the station says it: "650 g", "2,000 g".
func Grams(g int) string {
	s := strconv.Itoa(g)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + " g"
}
