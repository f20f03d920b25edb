package seed

import "fmt"

// whSpec is one warehouse the seed can create. --warehouses N takes the first N, so the list
// starts with the three DCs every default data set has.
type whSpec struct {
	code, tag, name, kind, country, city, tz, currency string
	lat, lon                                           float64
}

var warehouseSpecs = []whSpec{
	{"RTM1", "rtm", "Rotterdam DC", "dc", "NL", "Rotterdam", "Europe/Amsterdam", "EUR", 51.8850, 4.4035},
	{"LDS1", "lds", "Leeds DC", "dc", "GB", "Leeds", "Europe/London", "GBP", 53.7700, -1.5300},
	{"RNO1", "rno", "Reno DC", "dc", "US", "Reno", "America/Los_Angeles", "USD", 39.5296, -119.8138},
	{"OSA1", "osa", "Osaka DC", "dc", "JP", "Osaka", "Asia/Tokyo", "JPY", 34.6400, 135.4300},
	{"GDN1", "gdn", "Gdańsk DC", "dc", "PL", "Gdańsk", "Europe/Warsaw", "PLN", 54.3520, 18.6466},
	{"YYZ1", "yyz", "Toronto DC", "dc", "CA", "Toronto", "America/Toronto", "CAD", 43.6800, -79.6100},
	{"BER-M", "ber", "Berlin Mitte store", "store", "DE", "Berlin", "Europe/Berlin", "EUR", 52.5251, 13.4017},
	{"LYS1", "lys", "Lyon DC", "dc", "FR", "Lyon", "Europe/Paris", "EUR", 45.7280, 4.9500},
}

// zoneSpec lays out one zone of racking: aisles × bays × levels.
type zoneSpec struct {
	zone                 string
	aisles, bays, levels int
}

// A DC walks the fast movers first (A), then small parts (C), bulk (B) and oversize (D), so the
// pick path passes the busiest bins nearest to packing. A store has a single shop-floor zone.
var (
	dcZones    = []zoneSpec{{"A", 8, 12, 4}, {"C", 4, 10, 5}, {"B", 4, 10, 3}, {"D", 2, 8, 2}}
	storeZones = []zoneSpec{{"A", 3, 6, 3}}
)

// location is a bin or work area of a seeded warehouse.
type location struct {
	id               int64
	code, kind, zone string
	aisle            string
	pickSeq          int64
	warehouseID      int64
}

// warehouse is a seeded warehouse with its locations, the products it carries and its staff.
type warehouse struct {
	whSpec
	id         int64
	bins       []*location // in pick-path order
	zoneBins   map[string][]*location
	receiving  int64
	staging    int64
	returns    int64
	quarantine int64
	packing    []int64
	carried    []int               // product indexes, ascending
	cumPop     []int64             // cumulative popularity over carried, for weighted picks
	scarce     []int               // carried products whose stock is all promised: backorders come from here
	slotOf     [][2]int            // per product index: primary and reserve slot in world.slots, -1 if none
	staff      map[string][]string // job → logins
	services   []*service
}

// layoutBins creates the racking of w in pick-path order: a serpentine walk where odd aisles are
// walked up (bay 1 → n) and even aisles down, levels bottom to top within a bay.
func layoutBins(w *warehouse, nextID *int64) {
	zones := dcZones
	if w.kind == "store" {
		zones = storeZones
	}
	w.zoneBins = map[string][]*location{}
	seq := int64(0)
	for _, z := range zones {
		for a := 1; a <= z.aisles; a++ {
			for i := 0; i < z.bays; i++ {
				bay := i + 1
				if a%2 == 0 {
					bay = z.bays - i
				}
				for lvl := 1; lvl <= z.levels; lvl++ {
					seq += 10
					*nextID++
					loc := &location{id: *nextID, kind: "bin", zone: z.zone, pickSeq: seq,
						warehouseID: w.id, aisle: fmt.Sprintf("%s-%02d", z.zone, a),
						code: fmt.Sprintf("%s-%02d-%02d-%d", z.zone, a, bay, lvl)}
					w.bins = append(w.bins, loc)
					w.zoneBins[z.zone] = append(w.zoneBins[z.zone], loc)
				}
			}
		}
	}
}

// workAreas adds the non-bin locations every warehouse needs; a store packs at one table.
func workAreas(w *warehouse, nextID *int64) []*location {
	packs := 4
	if w.kind == "store" {
		packs = 1
	}
	var locs []*location
	add := func(code, kind string) int64 {
		*nextID++
		locs = append(locs, &location{id: *nextID, code: code, kind: kind, warehouseID: w.id})
		return *nextID
	}
	w.receiving = add("RECEIVING", "receiving")
	for i := 1; i <= packs; i++ {
		w.packing = append(w.packing, add(fmt.Sprintf("PACK-%02d", i), "packing"))
	}
	w.staging = add("STAGING", "staging")
	w.returns = add("RETURNS", "returns")
	w.quarantine = add("QUARANTINE", "quarantine")
	return locs
}
