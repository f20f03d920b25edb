package model

import (
	"testing"
)

func f(v float64) *float64 { return &v }

// The demo's warehouses: Rotterdam and Leeds in Europe, Reno in the US, a Berlin store.
func warehouses(free map[string]map[int64]int64) []RouteWarehouse {
	all := []RouteWarehouse{
		{ID: 1, Code: "RTM1", Kind: "dc", Country: "NL", Lat: f(51.885), Lon: f(4.4035)},
		{ID: 2, Code: "LDS1", Kind: "dc", Country: "GB", Lat: f(53.77), Lon: f(-1.53)},
		{ID: 3, Code: "RNO1", Kind: "dc", Country: "US", Lat: f(39.53), Lon: f(-119.81)},
		{ID: 4, Code: "BER-M", Kind: "store", Country: "DE", Lat: f(52.53), Lon: f(13.40)},
		{ID: 5, Code: "LYS1", Kind: "dc", Country: "FR", Lat: f(45.728), Lon: f(4.95)},
	}
	for i := range all {
		all[i].Free = free[all[i].Code]
	}
	return all
}

const tee, mug, cap = 10, 11, 12

func lines(qty ...int64) []RouteLine {
	skus := []string{"TEE", "MUG", "CAP"}
	var out []RouteLine
	for i, q := range qty {
		out = append(out, RouteLine{ID: int64(100 + i), Product: int64(tee + i), SKU: skus[i], Qty: q})
	}
	return out
}

func TestRoutingRulesInOrder(t *testing.T) {
	everything := map[int64]int64{tee: 50, mug: 50, cap: 50}
	for _, c := range []struct {
		name  string
		order RouteOrder
		free  map[string]map[int64]int64
		want  int64 // the warehouse that ships most
		split bool
		back  int64 // units backordered
		says  string
	}{
		{name: "a store order is its store's", want: 4,
			order: RouteOrder{ShipCountry: "DE", Pickup: 4, Lines: lines(1)},
			free:  map[string]map[int64]int64{"RTM1": everything, "BER-M": {tee: 3}},
			says:  "BER-M: the order's store"},
		{name: "one warehouse with everything beats a nearer split", want: 3,
			order: RouteOrder{ShipCountry: "NL", SplitAllowed: true, Lines: lines(2, 1)},
			free:  map[string]map[int64]int64{"RTM1": {tee: 2}, "LDS1": {mug: 1}, "RNO1": everything},
			says:  "RNO1: all 2 lines in stock, another market, 8528 km; RTM1 lacks MUG; LDS1 lacks TEE; LYS1 lacks TEE, MUG"},
		{name: "the destination's market before distance", want: 1,
			order: RouteOrder{ShipCountry: "IE", Lines: lines(1)},
			free:  map[string]map[int64]int64{"RTM1": everything, "LDS1": everything},
			says:  "RTM1: the line in stock, same market, 868 km; LDS1 is in another market; LYS1 lacks TEE; RNO1 lacks TEE"},
		{name: "the nearest in the market", want: 1,
			order: RouteOrder{ShipCountry: "BE", Lines: lines(1, 1)},
			free:  map[string]map[int64]int64{"LYS1": everything, "RTM1": everything, "RNO1": everything},
			says:  "RTM1: all 2 lines in stock, same market, 154 km; LYS1 is farther (532 km); RNO1 is in another market; LDS1 lacks TEE, MUG"},
		{name: "most stock when nothing else decides", want: 2,
			order: RouteOrder{ShipCountry: "ZZ", Lines: lines(1)},
			free:  map[string]map[int64]int64{"RTM1": {tee: 5}, "LDS1": {tee: 9}},
			says:  "LDS1: the line in stock, another market; RTM1 has less stock (5); LYS1 lacks TEE; RNO1 lacks TEE"},
		{name: "what no warehouse has waits", want: 1, back: 3,
			order: RouteOrder{ShipCountry: "NL", SplitAllowed: true, Lines: lines(1, 3)},
			free:  map[string]map[int64]int64{"RTM1": {tee: 5}},
			says:  "RTM1: 1 of 2 lines in stock, same market, 67 km; backordered 3 × MUG"},
		{name: "a split when the channel allows it", want: 1, split: true,
			order: RouteOrder{ShipCountry: "NL", SplitAllowed: true, Lines: lines(1, 1)},
			free:  map[string]map[int64]int64{"RTM1": {tee: 5}, "LDS1": {mug: 5}},
			says:  "split: RTM1 takes TEE; LDS1 takes MUG (no warehouse has everything)"},
		{name: "whole or waiting when it does not", want: 1, back: 1,
			order: RouteOrder{ShipCountry: "NL", Lines: lines(1, 1)},
			free:  map[string]map[int64]int64{"RTM1": {tee: 5}, "LDS1": {mug: 5}},
			says:  "RTM1: 1 of 2 lines in stock, same market, 67 km; backordered 1 × MUG (the channel ships orders whole); LDS1 lacks TEE; LYS1 lacks TEE, MUG; RNO1 lacks TEE, MUG"},
		{name: "nothing in its store", want: 0, back: 1,
			order: RouteOrder{ShipCountry: "DE", Pickup: 4, Lines: lines(1)},
			free:  map[string]map[int64]int64{"RTM1": everything},
			says:  "backordered: BER-M has none of TEE"},
		{name: "nothing anywhere, whole orders", want: 0, back: 2,
			order: RouteOrder{ShipCountry: "NL", Lines: lines(2)},
			free:  map[string]map[int64]int64{"LDS1": {mug: 4}},
			says:  "backordered: no warehouse has TEE"},
		{name: "nothing anywhere", want: 0, back: 2,
			order: RouteOrder{ShipCountry: "NL", SplitAllowed: true, Lines: lines(2)},
			free:  map[string]map[int64]int64{},
			says:  "backordered: no warehouse has TEE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Route(c.order, warehouses(c.free))
			var back int64
			for _, q := range p.Backordered {
				back += q
			}
			if p.Warehouse != c.want || p.Split != c.split || back != c.back || p.Sentence != c.says {
				t.Errorf("got warehouse %d split %v backordered %d %q\nwant %d %v %d %q", p.Warehouse, p.Split, back,
					p.Sentence, c.want, c.split, c.back, c.says)
			}
			for _, tk := range p.Takes {
				if tk.Qty <= 0 {
					t.Errorf("a take of %d", tk.Qty)
				}
			}
		})
	}
}

func TestAPlanNeverTakesMoreThanIsFreeOrNeeded(t *testing.T) {
	// Two lines of one product share the warehouse's free units.
	o := RouteOrder{ShipCountry: "NL", SplitAllowed: true, Lines: []RouteLine{
		{ID: 1, Product: tee, SKU: "TEE", Qty: 4}, {ID: 2, Product: tee, SKU: "TEE", Qty: 4}}}
	p := Route(o, warehouses(map[string]map[int64]int64{"RTM1": {tee: 5}, "LDS1": {tee: 2}}))
	byWarehouse := map[int64]int64{}
	var total int64
	for _, tk := range p.Takes {
		byWarehouse[tk.Warehouse] += tk.Qty
		total += tk.Qty
	}
	if byWarehouse[1] > 5 || byWarehouse[2] > 2 || total != 7 || p.Backordered[2] != 1 {
		t.Errorf("takes %+v, backordered %v: want 5 from RTM1, 2 from LDS1, 1 waiting", p.Takes, p.Backordered)
	}
}

func TestGreatCircle(t *testing.T) {
	// Rotterdam to Leeds is about 470 km as the crow flies.
	if km := GreatCircleKm(51.885, 4.4035, 53.77, -1.53); km < 440 || km > 490 {
		t.Errorf("Rotterdam–Leeds %.0f km", km)
	}
}
