package shipping

import (
	"cmp"
	"slices"
)

// Box is a packing box: inside measures, the weight of contents it may carry (0 = no limit)
// and its own weight.
type Box struct {
	Code                        string
	LengthMM, WidthMM, HeightMM int
	MaxWeightG, TareWeightG     int
}

// Item is a line of what goes into a parcel: one unit's measures and weight, and how many.
// An item without all three measures (any 0) counts for weight only: catalogues often lack
// them for small things, and refusing every box would be worse than a guess on volume.
type Item struct {
	LengthMM, WidthMM, HeightMM int
	WeightG, Qty                int
}

// FillFactorPercent is how much of a box's inside volume the items may take. Boxes are never
// filled solid: items are not bricks, and dunnage needs room.
const FillFactorPercent = 85

// ChooseBox is the smallest box (by inside volume, then tare weight, then code) that holds the
// items: their total volume within FillFactorPercent of its volume, each item's sides within
// the box's (both sorted longest first and compared side by side, so an item may turn), and
// their weight within MaxWeightG. ok is false when no box holds them.
//
// It is a screen, not a packing plan: two long items that each fit may still not lie side by
// side. The packer can always choose another box.
func ChooseBox(boxes []Box, items []Item) (Box, bool) {
	need := measureItems(items)
	sorted := slices.Clone(boxes)
	slices.SortStableFunc(sorted, func(a, b Box) int {
		return cmp.Or(cmp.Compare(boxVolume(a), boxVolume(b)), cmp.Compare(a.TareWeightG, b.TareWeightG), cmp.Compare(a.Code, b.Code))
	})
	for _, b := range sorted {
		if need.fitIn(b) {
			return b, true
		}
	}
	return Box{}, false
}

// itemsNeed is what a box must offer the items.
type itemsNeed struct {
	volumeMM3 int64  // total volume of the items with measures
	sides     [3]int // the largest first, second and third sides of any item, longest first
	weightG   int64
}

func measureItems(items []Item) itemsNeed {
	var need itemsNeed
	for _, it := range items {
		if it.Qty <= 0 {
			continue
		}
		need.weightG += int64(it.WeightG) * int64(it.Qty)
		if it.LengthMM <= 0 || it.WidthMM <= 0 || it.HeightMM <= 0 {
			continue // weight only (see Item)
		}
		need.volumeMM3 += int64(it.LengthMM) * int64(it.WidthMM) * int64(it.HeightMM) * int64(it.Qty)
		sides := sortedSides(it.LengthMM, it.WidthMM, it.HeightMM)
		for i := range sides {
			need.sides[i] = max(need.sides[i], sides[i])
		}
	}
	return need
}

func (need itemsNeed) fitIn(b Box) bool {
	if b.MaxWeightG > 0 && need.weightG > int64(b.MaxWeightG) {
		return false
	}
	if need.volumeMM3*100 > boxVolume(b)*FillFactorPercent {
		return false
	}
	inside := sortedSides(b.LengthMM, b.WidthMM, b.HeightMM)
	for i := range inside {
		if need.sides[i] > inside[i] {
			return false
		}
	}
	return true
}

func boxVolume(b Box) int64 {
	return int64(b.LengthMM) * int64(b.WidthMM) * int64(b.HeightMM)
}

// sortedSides puts three sides longest first.
func sortedSides(a, b, c int) [3]int {
	s := [3]int{a, b, c}
	slices.SortFunc(s[:], func(x, y int) int { return cmp.Compare(y, x) })
	return s
}

// ExpectedWeight is what the packed parcel should weigh: the box's tare plus every unit.
func ExpectedWeight(box Box, items []Item) int {
	total := box.TareWeightG
	for _, it := range items {
		if it.Qty > 0 {
			total += it.WeightG * it.Qty
		}
	}
	return total
}

// Weight plausibility: a weighed parcel is "far" from what was expected when it is off by
// more than WeightTolerancePercent of the expected weight or WeightToleranceG, whichever is
// larger. The percentage covers catalogue weights that are a little off on heavy parcels; the
// floor covers filling material and scales on light ones. A far weight usually means a
// missing or extra item.
const (
	WeightTolerancePercent = 10
	WeightToleranceG       = 100
)

// WeightPlausible says whether weighed is close enough to expected to ship without a check.
func WeightPlausible(expected, weighed int) bool {
	diff := int64(weighed) - int64(expected)
	if diff < 0 {
		diff = -diff
	}
	return diff <= WeightToleranceG || diff*100 <= int64(expected)*WeightTolerancePercent
}
