package model

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Routing decides which warehouse ships which units of an order, by the rules the anchors use,
// in order: a store or click-and-collect order is its store's; one warehouse that has
// everything beats a split; stay in the destination's market; the nearest warehouse; the one
// with most stock. A channel that allows splits takes the rest from the next best warehouse;
// what no warehouse has is backordered. Route is pure: the database reads the stock and
// reserves what Route decides, under locks (db/alloc).

// RouteLine is one order line with units still to allocate.
type RouteLine struct {
	ID      int64
	Product int64
	SKU     string
	Qty     int64 // open and not yet allocated
}

// RouteWarehouse is a warehouse that could ship, with the free units (on hand − reserved, in
// active bins) of the order's products.
type RouteWarehouse struct {
	ID       int64
	Code     string
	Kind     string // dc or store
	Country  string
	Lat, Lon *float64
	Free     map[int64]int64 // product → free units
}

// RouteOrder is what routing needs to know about an order.
type RouteOrder struct {
	ShipCountry  string
	Pickup       int64 // the store a click-and-collect or store order is its store's; 0: none
	SplitAllowed bool
	Lines        []RouteLine
}

// Take is units of a line reserved in a warehouse.
type Take struct {
	Line      int64
	Warehouse int64
	Qty       int64
}

// Plan is Route's decision: what to reserve where, what waits, and why, in one sentence.
type Plan struct {
	Takes       []Take
	Backordered map[int64]int64 // line → units no warehouse can give now
	Warehouse   int64           // the warehouse that ships most of it (0: none)
	Split       bool            // more than one warehouse
	Sentence    string
}

// Allocated is the units the plan reserves.
func (p Plan) Allocated() int64 {
	var n int64
	for _, t := range p.Takes {
		n += t.Qty
	}
	return n
}

// candidate is a warehouse with what it can give this order.
type candidate struct {
	w        RouteWarehouse
	lines    int   // lines it can give whole
	units    int64 // units it can give
	stock    int64 // free units of the order's products
	market   bool
	km       float64 // great-circle distance to the destination country's centroid; NaN unknown
	lacks    []string
	complete bool
}

// Route plans an order's allocation from the warehouses' free stock.
func Route(o RouteOrder, warehouses []RouteWarehouse) Plan {
	plan := Plan{Backordered: map[int64]int64{}}
	need := map[int64]int64{}
	var open int64
	for _, l := range o.Lines {
		need[l.ID] += l.Qty
		open += l.Qty
	}
	if open == 0 {
		plan.Sentence = "nothing to allocate"
		return plan
	}
	var pool []RouteWarehouse
	for _, w := range warehouses {
		if o.Pickup != 0 && w.ID == o.Pickup {
			pool = []RouteWarehouse{w}
			break
		}
		if o.Pickup == 0 && w.Kind != "store" {
			pool = append(pool, w)
		}
	}
	if o.Pickup != 0 && (len(pool) == 0 || pool[0].ID != o.Pickup) {
		for _, l := range o.Lines {
			plan.Backordered[l.ID] += l.Qty
		}
		plan.Sentence = "backordered: its store cannot ship now (inactive or no stock)"
		return plan
	}
	cands := rank(o, pool)
	if len(cands) == 0 {
		for _, l := range o.Lines {
			plan.Backordered[l.ID] += l.Qty
		}
		plan.Sentence = "backordered: no warehouse can ship"
		return plan
	}
	best := cands[0]
	if best.units == 0 {
		for _, l := range o.Lines {
			plan.Backordered[l.ID] += l.Qty
		}
		where := "no warehouse has "
		if o.Pickup != 0 {
			where = best.w.Code + " has none of "
		}
		plan.Sentence = "backordered: " + where + strings.Join(firstN(skusOf(o.Lines), 4), ", ")
		return plan
	}
	if best.complete || !o.SplitAllowed || o.Pickup != 0 {
		take(&plan, o.Lines, need, best.w)
		plan.Warehouse = best.w.ID
		plan.Sentence = explain(best, cands[1:], plan, o)
		return plan
	}
	// Split: each warehouse in turn gives what it has of what is still needed.
	var used []candidate
	for len(cands) > 0 && remaining(need) > 0 {
		c := cands[0]
		before := remaining(need)
		take(&plan, o.Lines, need, c.w)
		if remaining(need) < before {
			used = append(used, c)
		}
		cands = rank(RouteOrder{ShipCountry: o.ShipCountry, Lines: stillNeeded(o.Lines, need)}, without(cands[1:]))
	}
	if len(used) > 0 {
		plan.Warehouse = used[0].w.ID
	}
	plan.Split = len(used) > 1
	plan.Sentence = explainSplit(used, plan, o)
	return plan
}

func remaining(need map[int64]int64) int64 {
	var n int64
	for _, q := range need {
		n += q
	}
	return n
}

func stillNeeded(lines []RouteLine, need map[int64]int64) []RouteLine {
	var out []RouteLine
	for _, l := range lines {
		if need[l.ID] > 0 {
			l.Qty = need[l.ID]
			out = append(out, l)
		}
	}
	return out
}

func without(cs []candidate) []RouteWarehouse {
	out := make([]RouteWarehouse, len(cs))
	for i, c := range cs {
		out[i] = c.w
	}
	return out
}

// take reserves in w what it has of each line's need, lines in order, and backorders nothing
// itself: what is left in need after the last take is backordered.
func take(plan *Plan, lines []RouteLine, need map[int64]int64, w RouteWarehouse) {
	free := freeOf(w, lines)
	for _, l := range lines {
		q := min(need[l.ID], free[l.Product])
		if q <= 0 {
			continue
		}
		plan.Takes = append(plan.Takes, Take{Line: l.ID, Warehouse: w.ID, Qty: q})
		need[l.ID] -= q
		free[l.Product] -= q
	}
	plan.Backordered = map[int64]int64{}
	for id, q := range need {
		if q > 0 {
			plan.Backordered[id] = q
		}
	}
}

// freeOf is what w has free of the lines' products, to count takes off: only those, because
// w.Free holds every product of an allocator's batch and copying it whole for each order made
// routing a batch quadratic.
func freeOf(w RouteWarehouse, lines []RouteLine) map[int64]int64 {
	free := make(map[int64]int64, len(lines))
	for _, l := range lines {
		free[l.Product] = w.Free[l.Product]
	}
	return free
}

// rank orders the warehouses by the routing rules.
func rank(o RouteOrder, pool []RouteWarehouse) []candidate {
	market := MarketOf(o.ShipCountry)
	dest, destKnown := CountryCentroid(o.ShipCountry)
	var cands []candidate
	for _, w := range pool {
		c := candidate{w: w, market: market != "" && MarketOf(w.Country) == market, km: math.NaN()}
		if destKnown && w.Lat != nil && w.Lon != nil {
			c.km = GreatCircleKm(*w.Lat, *w.Lon, dest[0], dest[1])
		}
		free := freeOf(w, o.Lines)
		for _, l := range o.Lines {
			c.stock += w.Free[l.Product]
			got := min(l.Qty, free[l.Product])
			free[l.Product] -= max(got, 0)
			if got > 0 {
				c.units += got
			}
			if got >= l.Qty {
				c.lines++
			} else {
				c.lacks = append(c.lacks, l.SKU)
			}
		}
		c.complete = c.lines == len(o.Lines)
		cands = append(cands, c)
	}
	sort.SliceStable(cands, func(i, j int) bool { return better(cands[i], cands[j]) })
	return cands
}

// better is the rules' order: everything, then most units (fewest shipments to come), same
// market, nearest, most stock, then code for a stable answer.
func better(a, b candidate) bool {
	if a.complete != b.complete {
		return a.complete
	}
	if !a.complete && a.units != b.units {
		return a.units > b.units
	}
	if a.market != b.market {
		return a.market
	}
	if ka, kb := a.km, b.km; !math.IsNaN(ka) || !math.IsNaN(kb) {
		switch {
		case math.IsNaN(kb):
			return true
		case math.IsNaN(ka):
			return false
		case math.Abs(ka-kb) >= 1:
			return ka < kb
		}
	}
	if a.stock != b.stock {
		return a.stock > b.stock
	}
	return a.w.Code < b.w.Code
}

// explain is the sentence of a one-warehouse plan: why this one, and what the next ones lack.
func explain(best candidate, others []candidate, plan Plan, o RouteOrder) string {
	var b strings.Builder
	b.WriteString(best.w.Code)
	b.WriteString(": ")
	b.WriteString(reasons(best, len(o.Lines), o.Pickup != 0))
	if len(plan.Backordered) > 0 {
		fmt.Fprintf(&b, "; backordered %s", backorderedList(plan, o.Lines))
		if !o.SplitAllowed && o.Pickup == 0 {
			b.WriteString(" (the channel ships orders whole)")
		}
	}
	for i, c := range others {
		if i == 3 {
			fmt.Fprintf(&b, "; %d more", len(others)-3)
			break
		}
		b.WriteString("; ")
		b.WriteString(c.w.Code)
		switch {
		case len(c.lacks) > 0:
			b.WriteString(" lacks " + strings.Join(firstN(c.lacks, 3), ", "))
		case c.market != best.market:
			b.WriteString(" is in another market")
		case !math.IsNaN(c.km) && !math.IsNaN(best.km) && c.km-best.km >= 1:
			fmt.Fprintf(&b, " is farther (%.0f km)", c.km)
		default:
			fmt.Fprintf(&b, " has less stock (%d)", c.stock)
		}
	}
	return b.String()
}

func reasons(c candidate, lines int, pickup bool) string {
	var parts []string
	switch {
	case pickup:
		parts = append(parts, "the order's store")
	case c.complete && lines == 1:
		parts = append(parts, "the line in stock")
	case c.complete:
		parts = append(parts, fmt.Sprintf("all %d lines in stock", lines))
	default:
		parts = append(parts, fmt.Sprintf("%d of %d lines in stock", c.lines, lines))
	}
	if !pickup {
		if c.market {
			parts = append(parts, "same market")
		} else {
			parts = append(parts, "another market")
		}
		if !math.IsNaN(c.km) {
			parts = append(parts, fmt.Sprintf("%.0f km", c.km))
		}
	}
	return strings.Join(parts, ", ")
}

func explainSplit(used []candidate, plan Plan, o RouteOrder) string {
	if len(used) == 0 {
		return "backordered: no warehouse has " + strings.Join(firstN(skusOf(o.Lines), 4), ", ")
	}
	if len(used) == 1 {
		return explain(used[0], nil, plan, o)
	}
	var parts []string
	for _, c := range used {
		var skus []string
		for _, t := range plan.Takes {
			if t.Warehouse == c.w.ID {
				skus = append(skus, skuOf(o.Lines, t.Line))
			}
		}
		parts = append(parts, fmt.Sprintf("%s takes %s", c.w.Code, strings.Join(firstN(skus, 3), ", ")))
	}
	s := "split: " + strings.Join(parts, "; ") + " (no warehouse has everything)"
	if len(plan.Backordered) > 0 {
		s += "; backordered " + backorderedList(plan, o.Lines)
	}
	return s
}

func backorderedList(plan Plan, lines []RouteLine) string {
	var parts []string
	for _, l := range lines {
		if q := plan.Backordered[l.ID]; q > 0 {
			parts = append(parts, fmt.Sprintf("%d × %s", q, l.SKU))
		}
	}
	return strings.Join(firstN(parts, 4), ", ")
}

func skuOf(lines []RouteLine, id int64) string {
	for _, l := range lines {
		if l.ID == id {
			return l.SKU
		}
	}
	return "?"
}

func skusOf(lines []RouteLine) []string {
	var out []string
	for _, l := range lines {
		if !slices.Contains(out, l.SKU) {
			out = append(out, l.SKU)
		}
	}
	return out
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(slices.Clone(s[:n]), fmt.Sprintf("%d more", len(s)-n))
}

// GreatCircleKm is the distance between two points on the Earth (haversine, mean radius).
func GreatCircleKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
