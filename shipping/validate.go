package shipping

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// MaxProblems is how many problems a *CardError lists; a file with more is usually wrong as a
// whole (a shifted column, the wrong unit), and the first ones say how.
const MaxProblems = 50

// Problem is one thing wrong in a rate card file.
type Problem struct {
	Line   int    // the line of the file (from 1) the row starts on
	Column string // the header's name of the cell at fault; "" for the row or the file
	Text   string // a sentence naming the value and what was expected
}

// CardError is why a rate card file was rejected: every problem found, in line order.
type CardError struct {
	File     string
	Problems []Problem // at most MaxProblems
	Omitted  int       // problems found beyond those
}

func newCardError(file string, problems []Problem) *CardError {
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	e := &CardError{File: file, Problems: problems}
	if len(problems) > MaxProblems {
		e.Problems, e.Omitted = problems[:MaxProblems], len(problems)-MaxProblems
	}
	return e
}

// Error is one line per problem: "ups.csv line 14: max_weight (column O) is "abc": …".
func (e *CardError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		lines = append(lines, fmt.Sprintf("%s line %d: %s", e.File, p.Line, p.Text))
	}
	if e.Omitted > 0 {
		lines = append(lines, fmt.Sprintf("%s: and %d more problems", e.File, e.Omitted))
	}
	return strings.Join(lines, "\n")
}

// crossCheck finds what no single row shows: names that refer to nothing, repeats, breaks out
// of order, and zones nobody can be charged for.
func (rd *cardReader) crossCheck() {
	services := rd.checkServices()
	zones := rd.checkZones()
	priced := rd.checkRates(services, zones)
	rd.checkTransit(services, zones, priced)
	rd.checkSurcharges()
	for i, z := range rd.card.Zones {
		if !priced.zones[z.Zone] {
			rd.problem(rd.lines.zones[i], "zone", "zone %s has no rate row for any service: parcels to it could not be priced", z.Zone)
			priced.zones[z.Zone] = true // say it once, on the zone's first row
		}
	}
}

// firstSeen reports a key met before on line first, and remembers it otherwise.
type firstSeen map[string]int

func (seen firstSeen) repeat(key string, line int) (first int, repeated bool) {
	if first, ok := seen[key]; ok {
		return first, true
	}
	seen[key] = line
	return 0, false
}

func (rd *cardReader) checkServices() map[string]Service {
	byCode := map[string]Service{}
	seen := firstSeen{}
	for i, s := range rd.card.Services {
		if first, dup := seen.repeat(s.Code, rd.lines.services[i]); dup {
			rd.problem(rd.lines.services[i], "service", "service %s is declared again (first on line %d)", s.Code, first)
		}
		byCode[s.Code] = s
	}
	return byCode
}

func (rd *cardReader) checkZones() map[string]bool {
	names := map[string]bool{}
	seen := firstSeen{}
	for i, z := range rd.card.Zones {
		key := z.Origin + " → " + z.Country + " " + z.PostcodePrefix
		if first, dup := seen.repeat(key, rd.lines.zones[i]); dup {
			rd.problem(rd.lines.zones[i], "", "the zone row from %s to %s%s repeats line %d", z.Origin, z.Country, prefixText(z.PostcodePrefix), first)
		}
		names[z.Zone] = true
	}
	return names
}

func prefixText(prefix string) string {
	if prefix == "" {
		return ""
	}
	return " postcodes " + prefix + "…"
}

// pricedPairs says which (service, zone) pairs and which zones have rate rows.
type pricedPairs struct {
	pairs map[[2]string]int // → line of the first rate row
	zones map[string]bool
}

// checkRates checks each rate names a declared service and a defined zone, and that each
// pair's breaks rise strictly in file order up to the service's limit.
func (rd *cardReader) checkRates(services map[string]Service, zones map[string]bool) pricedPairs {
	priced := pricedPairs{pairs: map[[2]string]int{}, zones: map[string]bool{}}
	lastBreak := map[[2]string]int{}
	lastLine := map[[2]string]int{}
	weight := rd.weight.format
	for i, r := range rd.card.Rates {
		line := rd.lines.rates[i]
		s, known := services[r.Service]
		if !known {
			rd.problem(line, "service", "rate for service %s, which no service row declares", r.Service)
		}
		if !zones[r.Zone] {
			rd.problem(line, "zone", "rate to zone %s, which no zone row defines", r.Zone)
		}
		if known && r.MaxWeightG > s.MaxWeightG {
			rd.problem(line, "max_weight", "the break %s %s is above service %s's max_weight %s %s", weight(r.MaxWeightG), rd.weight.name, s.Code, weight(s.MaxWeightG), rd.weight.name)
		}
		pair := [2]string{r.Service, r.Zone}
		if prev, ok := lastBreak[pair]; ok && r.MaxWeightG <= prev {
			rd.problem(line, "max_weight", "the break %s %s for %s to zone %s does not rise above line %d's %s %s: breaks go from light to heavy, each once",
				weight(r.MaxWeightG), rd.weight.name, r.Service, r.Zone, lastLine[pair], weight(prev), rd.weight.name)
		}
		lastBreak[pair], lastLine[pair] = r.MaxWeightG, line
		if _, ok := priced.pairs[pair]; !ok && known && zones[r.Zone] {
			priced.pairs[pair] = line // only pairs that exist can lack a transit row
		}
		priced.zones[r.Zone] = true
	}
	return priced
}

// checkTransit checks each transit row names a declared service and zone, once, and that every
// priced pair has one, so a quote always has a delivery date.
func (rd *cardReader) checkTransit(services map[string]Service, zones map[string]bool, priced pricedPairs) {
	seen := firstSeen{}
	for i, t := range rd.card.Transit {
		line := rd.lines.transit[i]
		if _, ok := services[t.Service]; !ok {
			rd.problem(line, "service", "transit for service %s, which no service row declares", t.Service)
		}
		if !zones[t.Zone] {
			rd.problem(line, "zone", "transit to zone %s, which no zone row defines", t.Zone)
		}
		if first, dup := seen.repeat(t.Service+" "+t.Zone, line); dup {
			rd.problem(line, "", "transit for %s to zone %s repeats line %d", t.Service, t.Zone, first)
		}
	}
	for pair, line := range priced.pairs {
		if _, ok := seen[pair[0]+" "+pair[1]]; !ok {
			rd.problem(line, "", "%s to zone %s has rates but no transit row: its delivery date would be unknown", pair[0], pair[1])
		}
	}
}

func (rd *cardReader) checkSurcharges() {
	seen := firstSeen{}
	for i, s := range rd.card.Surcharges {
		key := fmt.Sprint(s.Kind, s.Country, s.PostcodePrefix, s.MinSideMM)
		if first, dup := seen.repeat(key, rd.lines.surcharges[i]); dup {
			rd.problem(rd.lines.surcharges[i], "", "the %s surcharge repeats line %d", s.Kind, first)
		}
	}
}
