package seed

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"oms/model"
)

// product is one seeded SKU with everything later stages need to price, slot and ship it.
type product struct {
	idx                    int
	id                     int64
	sku, name, gtin        string
	cat                    *category
	weightG                int64
	dims                   [3]int64
	hs, origin             string
	rank                   int   // 0 = best seller
	popularity             int64 // relative demand weight
	priceEUR               int64 // net, in cents
	prices                 []int64
	lots                   []lot
	zone                   string
	reorder                int64
	scarce, low, unstocked bool
	created                time.Time
}

type lot struct {
	id      int64
	code    string
	expires time.Time
	created time.Time
}

// proto is a product before it has an index: what the category templates produce.
type proto struct {
	sku, name   string
	weightG     int
	dims        [3]int
	hs          string
	priceEUR    int
	oversize    bool
	itemCode    string
	book        bool
	scaleFactor float64
}

// protos expands a category's items over their axes, in template order.
func (c *category) protos() []proto {
	if c.code == "BOK" {
		return bookProtos()
	}
	var out []proto
	for _, it := range c.items {
		for _, combo := range cartesian(it.axes) {
			codes, labels, scale := []string{c.code, it.code}, []string{}, 1.0
			for _, v := range combo {
				codes = append(codes, v.code)
				labels = append(labels, v.label)
				if v.scale != 0 {
					scale *= v.scale
				}
			}
			out = append(out, proto{sku: strings.Join(codes, "-"), name: joinName(it.name, labels),
				weightG: it.weightG, dims: it.dims, hs: it.hs, priceEUR: it.priceEUR,
				oversize: it.oversize, itemCode: it.code, scaleFactor: scale})
		}
	}
	return out
}

// joinName reads like a shop listing: "Stainless Steel Tumbler 750 ml, Matte Black" but
// "Organic Cotton T-Shirt, Navy, M".
func joinName(base string, labels []string) string {
	if len(labels) == 0 {
		return base
	}
	sep := ", "
	if c := labels[0][0]; c >= '0' && c <= '9' {
		sep = " "
	}
	return base + sep + strings.Join(labels, ", ")
}

func cartesian(axes [][]variant) [][]variant {
	out := [][]variant{nil}
	for _, axis := range axes {
		var next [][]variant
		for _, prefix := range out {
			for _, v := range axis {
				next = append(next, append(slices.Clone(prefix), v))
			}
		}
		out = next
	}
	return out
}

func bookProtos() []proto {
	var titles []string
	for _, a := range bookAdjectives {
		for _, n := range bookNouns {
			titles = append(titles, "The "+a+" "+n)
		}
	}
	for _, g := range bookGuides {
		titles = append(titles, g+": A Practical Guide")
	}
	var out []proto
	for _, t := range titles {
		for _, f := range bookFormats {
			scale := 1.0
			if f.scale != 0 {
				scale = f.scale
			}
			out = append(out, proto{name: t + " (" + f.label + ")", weightG: 340,
				dims: [3]int{198, 129, 24}, hs: "490199", priceEUR: 17, itemCode: f.code, book: true,
				scaleFactor: scale})
		}
	}
	return out
}

// catEntry is one slot of the catalogue: which template, and which repetition of the whole
// template set it belongs to.
type catEntry struct {
	cat    *category
	proto  proto
	series int
}

// catalogueOrder interleaves the categories by their shares (smooth weighted round robin) so a
// small catalogue still spans every category; each category's SKUs come in shuffled order.
// When every template is used up it starts again with a series suffix.
func catalogueOrder(r *rng, n int) []catEntry {
	lists := make([][]proto, len(categories))
	for i := range categories {
		lists[i] = categories[i].protos()
		r.Shuffle(len(lists[i]), func(a, b int) { lists[i][a], lists[i][b] = lists[i][b], lists[i][a] })
	}
	out := make([]catEntry, 0, n)
	used := make([]int, len(categories))
	current := make([]int, len(categories))
	for series := 0; len(out) < n; series++ {
		clear(used)
		for len(out) < n {
			best := -1
			total := 0
			for i := range categories {
				if used[i] < len(lists[i]) {
					current[i] += categories[i].share
					total += categories[i].share
					if best < 0 || current[i] > current[best] {
						best = i
					}
				}
			}
			if best < 0 {
				break
			}
			current[best] -= total
			out = append(out, catEntry{&categories[best], lists[best][used[best]], series})
			used[best]++
		}
	}
	return out
}

// buildCatalogue creates n products with ids from firstID+1.
func buildCatalogue(r *rng, n int, firstID int64, now time.Time) ([]*product, error) {
	order := catalogueOrder(r, n)
	ranks := r.Perm(n)
	products := make([]*product, n)
	for i, o := range order {
		p, err := newProduct(r, i, o.cat, o.proto, o.series, now)
		if err != nil {
			return nil, err
		}
		p.id = firstID + int64(i) + 1
		p.rank = ranks[i]
		p.popularity = 1_000_000 / int64(p.rank+8)
		p.zone = o.cat.zone
		switch {
		case o.proto.oversize:
			p.zone = "D"
		case p.rank < n*15/100:
			p.zone = "A" // fast movers live on the first aisles of the pick path
		}
		products[i] = p
	}
	markStockLevels(products)
	return products, nil
}

func newProduct(r *rng, i int, c *category, pr proto, series int, now time.Time) (*product, error) {
	gtin, err := gtinFor(i, pr.book)
	if err != nil {
		return nil, err
	}
	p := &product{idx: i, cat: c, gtin: gtin, name: pr.name, sku: pr.sku, hs: pr.hs}
	if pr.book {
		p.sku = "BOK-" + gtin
	}
	if series > 0 {
		p.sku += fmt.Sprintf("-S%d", series+1)
		p.name += fmt.Sprintf(" (series %d)", series+1)
	}
	jitter := 0.95 + 0.1*r.Float64()
	p.weightG = max(1, int64(math.Round(float64(pr.weightG)*pr.scaleFactor*jitter)))
	side := math.Cbrt(pr.scaleFactor)
	for k := range 3 {
		p.dims[k] = max(1, int64(math.Round(float64(pr.dims[k])*side)))
	}
	// Bigger packs cost less per unit: price grows with size to the power 0.75.
	euros := max(3, int64(math.Round(float64(pr.priceEUR)*math.Pow(pr.scaleFactor, 0.75))))
	p.priceEUR = euros*100 - 1 // shelf prices end in .99
	p.origin = "CN"
	if len(c.origins) > 0 {
		p.origin = pick(r, c.origins)
	}
	if o, ok := beverageOrigins[pr.itemCode]; ok && c.code == "COF" {
		p.origin = o
	}
	p.created = now.Add(-time.Duration(r.between(200, 700)) * 24 * time.Hour)
	if c.lots {
		p.lots = makeLots(r, c, now)
	}
	return p, nil
}

// gtinFor gives every product a unique GTIN-13 with a valid check digit: books get an ISBN
// (978…), everything else numbers under a Dutch GS1 company prefix, 100,000 items per prefix.
func gtinFor(i int, book bool) (string, error) {
	body := fmt.Sprintf("%07d%05d", 8719327+i/100_000, i%100_000)
	if book {
		body = fmt.Sprintf("978%09d", 190_000_000+i)
	}
	check, err := model.GTINCheckDigit(body)
	if err != nil {
		return "", err
	}
	return body + string(check), nil
}

// caseGTIN is the GTIN-14 of an outer case: indicator digit 1 before the item's GTIN-13 body.
func caseGTIN(gtin13 string) (string, error) {
	body := "1" + gtin13[:12]
	check, err := model.GTINCheckDigit(body)
	if err != nil {
		return "", err
	}
	return body + string(check), nil
}

// makeLots gives a lot-tracked product 2–4 production lots, earliest expiry first (FEFO), all
// still sellable: the newest expire up to about three years out.
func makeLots(r *rng, c *category, now time.Time) []lot {
	shelfDays := 540 // coffee and tea
	if c.code == "COS" {
		shelfDays = 900
	}
	n := r.between(2, 4)
	lots := make([]lot, n)
	for k := range lots {
		made := now.Add(-time.Duration(r.between(20, shelfDays/2)) * 24 * time.Hour)
		exp := made.Add(time.Duration(shelfDays) * 24 * time.Hour).Truncate(24 * time.Hour)
		if minExp := now.Add(45 * 24 * time.Hour); exp.Before(minExp) {
			exp = minExp.Truncate(24 * time.Hour)
		}
		_, week := made.ISOWeek()
		lots[k] = lot{code: fmt.Sprintf("L%02d%02d", made.Year()%100, week),
			expires: exp, created: made.Add(36 * time.Hour)}
	}
	slices.SortStableFunc(lots, func(a, b lot) int { return a.expires.Compare(b.expires) })
	for k := range lots {
		lots[k].code += string(rune('A' + k)) // suffix in expiry order: A goes first
	}
	return lots
}

// markStockLevels picks the SKUs that show stock trouble: scarce ones (every unit in stock is
// promised, further demand is backordered), low ones (a handful left, below the reorder point)
// and a few not stocked anywhere yet. The middle product is always scarce so even a tiny
// catalogue can show a backorder.
func markStockLevels(products []*product) {
	for i, p := range products {
		h := splitmix(uint64(i) + 0x5eed)
		switch {
		case i == len(products)/2 || h%25 == 0:
			p.scarce = true
		case h%17 == 0:
			p.low = true
		case h%97 == 0:
			p.unstocked = true
		}
	}
}
