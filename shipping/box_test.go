package shipping

import "testing"

func TestChooseBox(t *testing.T) {
	boxes := []Box{
		{Code: "L", LengthMM: 400, WidthMM: 300, HeightMM: 250, MaxWeightG: 20000, TareWeightG: 400},   // 30,000,000 mm³
		{Code: "M2", LengthMM: 150, WidthMM: 300, HeightMM: 200, MaxWeightG: 10000, TareWeightG: 300},  //  9,000,000 mm³
		{Code: "M", LengthMM: 300, WidthMM: 200, HeightMM: 150, MaxWeightG: 10000, TareWeightG: 250},   //  9,000,000 mm³
		{Code: "LONG", LengthMM: 600, WidthMM: 100, HeightMM: 100, MaxWeightG: 5000, TareWeightG: 200}, // 6,000,000 mm³
		{Code: "S", LengthMM: 200, WidthMM: 150, HeightMM: 100, MaxWeightG: 5000, TareWeightG: 150},    //  3,000,000 mm³
	}
	tests := []struct {
		name  string
		items []Item
		want  string // "" = nothing fits
	}{
		// 2 × 100 × 100 × 50 = 1,000,000 mm³ ≤ 85% of S (2,550,000): the smallest wins.
		{"smallest wins", []Item{{100, 100, 50, 300, 2}}, "S"},
		// 250 × 50 × 50 is only 625,000 mm³, but 250 mm is longer than S's 200 mm: LONG
		// (600 ≥ 250, 100 ≥ 50, 100 ≥ 50) is the next smallest.
		{"fits by volume but not by side", []Item{{50, 250, 50, 300, 1}}, "LONG"},
		// Turned: an item 90 × 190 × 140 fits S's 200 × 150 × 100 once both are sorted
		// (190 ≤ 200, 140 ≤ 150, 90 ≤ 100), at 2,394,000 mm³ ≤ 2,550,000.
		{"an item may turn", []Item{{90, 190, 140, 500, 1}}, "S"},
		// 3 × 1,000,000 mm³ = 3,000,000 > 2,550,000 (85% of S): LONG holds it (5,100,000).
		{"fill factor", []Item{{100, 100, 100, 100, 3}}, "LONG"},
		// 6 kg is over S's and LONG's 5 kg: M and M2 hold it and have the same volume; M's
		// tare is lighter.
		{"weight limit, then tare", []Item{{100, 100, 50, 6000, 1}}, "M"},
		// An item without measures counts for weight only: 1 kg + 4.5 kg = 5.5 kg → M.
		{"weight-only items", []Item{{100, 100, 50, 1000, 1}, {0, 0, 0, 4500, 1}}, "M"},
		{"weight-only items alone", []Item{{0, 0, 0, 800, 2}}, "S"},
		{"a side too long for every box", []Item{{700, 100, 100, 1000, 1}}, ""},
		{"too heavy for every box", []Item{{100, 100, 100, 25000, 1}}, ""},
		// 30 × 1,000,000 = 30,000,000 > 85% of L.
		{"too much volume for every box", []Item{{100, 100, 100, 10, 30}}, ""},
	}
	for _, tt := range tests {
		box, ok := ChooseBox(boxes, tt.items)
		if box.Code != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: %q, %v; want %q", tt.name, box.Code, ok, tt.want)
		}
	}
}

func TestExpectedWeight(t *testing.T) {
	box := Box{Code: "M", TareWeightG: 250}
	// 250 + 2 × 300 + 1 × 150 = 1000; a line with quantity 0 adds nothing.
	if got := ExpectedWeight(box, []Item{{WeightG: 300, Qty: 2}, {WeightG: 150, Qty: 1}, {WeightG: 999, Qty: 0}}); got != 1000 {
		t.Errorf("expected weight %d, want 1000", got)
	}
}

func TestWeightPlausible(t *testing.T) {
	tests := []struct {
		expected, weighed int
		want              bool
	}{
		{1000, 1100, true},  // 100 g off: the floor (10% is also 100 g)
		{1000, 1101, false}, // 101 g off
		{1000, 900, true},
		{3000, 3300, true},  // 10% = 300 g
		{3000, 3301, false}, // 301 g > max(300, 100)
		{200, 300, true},    // 100 g floor on a light parcel (10% would be 20 g)
		{200, 50, false},    // 150 g off
		{0, 100, true},
	}
	for _, tt := range tests {
		if got := WeightPlausible(tt.expected, tt.weighed); got != tt.want {
			t.Errorf("WeightPlausible(%d, %d) = %v", tt.expected, tt.weighed, got)
		}
	}
}
