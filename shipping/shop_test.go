package shipping

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestValidOn(t *testing.T) {
	card2026, card2027 := sample(t, "postnl", 2026), sample(t, "postnl", 2027) // 2026-01-01…2026-12-31, 2027-01-01…
	amsterdam := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		card RateCard
		day  time.Time
		want bool
	}{
		{"the day before", card2026, day(2025, 12, 31), false},
		{"the first day", card2026, day(2026, 1, 1), true},
		{"the last day", card2026, day(2026, 12, 31), true},
		{"the last day, late evening in Amsterdam", card2026, time.Date(2026, 12, 31, 23, 30, 0, 0, amsterdam), true},
		{"the day after", card2026, day(2027, 1, 1), false},
		{"the successor's first day", card2027, day(2027, 1, 1), true},
		{"the successor before it starts", card2027, day(2026, 12, 31), false},
		{"an open-ended card years later", card2027, day(2031, 6, 1), true},
	}
	for _, tt := range tests {
		if got := tt.card.ValidOn(tt.day); got != tt.want {
			t.Errorf("%s: ValidOn(%s) = %v", tt.name, tt.day, got)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{day(2026, 3, 2), 0, day(2026, 3, 2)},  // Monday, same day
		{day(2026, 3, 2), 3, day(2026, 3, 5)},  // Monday + 3 → Thursday
		{day(2026, 3, 6), 1, day(2026, 3, 9)},  // Friday + 1 → Monday
		{day(2026, 3, 4), 3, day(2026, 3, 9)},  // Wednesday + 3 → Monday
		{day(2026, 3, 7), 0, day(2026, 3, 9)},  // handed over on Saturday: leaves Monday
		{day(2026, 3, 8), 1, day(2026, 3, 10)}, // Sunday + 1 → Tuesday
	}
	for _, tt := range tests {
		if got := AddWorkingDays(tt.from, tt.n); !got.Equal(tt.want) {
			t.Errorf("%s + %d = %s, want %s", tt.from.Format("Mon 2006-01-02"), tt.n, got.Format("Mon 2006-01-02"), tt.want.Format("Mon 2006-01-02"))
		}
	}
}

// The offers for 1.8 kg, 300 × 200 × 150 mm from NL to Berlin, shipped Monday 2 March 2026
// (the 2027 PostNL card is not valid yet):
//
//	postnl:packet         11.20  Thu 5 Mar   2 kg break to EU1, no fuel
//	postnl:parcel         13.00  Wed 4 Mar   2 kg break to EU1
//	ups:standard          29.21  Thu 5 Mar   dim 12 × 8 × 6 in = 576 ÷ 139 = 4.1 → 5 lb; 24.60 + 18.75% (4.61)
//	dhl:economy           31.75  Thu 5 Mar   dim 30 × 20 × 15 cm ÷ 5000 = 1.8 → 2 kg; 5 kg break 24.90 + 27.5% (6.85)
//	dhl:express           56.23  Tue 3 Mar   2 kg break 44.10 + 27.5% (12.13)
//	ups:express_saver     65.55  Wed 4 Mar   5 lb break 55.20 + 18.75% (10.35)
//
// postnl:letterbox is left out: it has no rates outside NL.
func TestShop(t *testing.T) {
	cards := SampleCards()
	parcel := Parcel{1800, 300, 200, 150}
	berlin := Destination{"DE", "10115"}
	monday := day(2026, 3, 2)
	wantOrder := []struct {
		key      string
		total    int64
		delivery time.Time
	}{
		{"postnl:packet", 1120, day(2026, 3, 5)},
		{"postnl:parcel", 1300, day(2026, 3, 4)},
		{"ups:standard", 2921, day(2026, 3, 5)},
		{"dhl-express:economy", 3175, day(2026, 3, 5)},
		{"dhl-express:express", 5623, day(2026, 3, 3)},
		{"ups:express_saver", 6555, day(2026, 3, 4)},
	}
	offers := Shop(cards, "NL", parcel, berlin, monday, day(2026, 3, 5), "")
	if len(offers) != len(wantOrder) {
		t.Fatalf("%d offers, want %d: %+v", len(offers), len(wantOrder), offers)
	}
	for i, w := range wantOrder {
		o := offers[i]
		if o.Key != w.key || o.TotalMinor != w.total || !o.Delivery.Equal(w.delivery) {
			t.Errorf("offer %d: %s %d %s; want %s %d %s", i, o.Key, o.TotalMinor, o.Delivery.Format(time.DateOnly), w.key, w.total, w.delivery.Format(time.DateOnly))
		}
	}

	tests := []struct {
		name      string
		promise   time.Time
		requested string
		want      string
		meeting   int // how many offers meet the promise
	}{
		{"the channel's requested service", day(2026, 3, 5), "ups:standard", "ups:standard", 6},
		{"requested even when another is cheaper and the promise is missed", day(2026, 3, 3), "ups:standard", "ups:standard", 1},
		{"a requested service that cannot carry it is ignored", day(2026, 3, 5), "postnl:letterbox", "postnl:packet", 6},
		{"cheapest that meets the promise", day(2026, 3, 4), "", "postnl:parcel", 3},
		{"cheapest of all when all meet it", day(2026, 3, 5), "fedex:priority", "postnl:packet", 6},
		{"none meets it: the fastest", day(2026, 3, 2), "", "dhl-express:express", 0},
		{"no promise: the cheapest", time.Time{}, "", "postnl:packet", 6},
	}
	for _, tt := range tests {
		offers := Shop(cards, "NL", parcel, berlin, monday, tt.promise, tt.requested)
		defaults, meeting := []string{}, 0
		for _, o := range offers {
			if o.Default {
				defaults = append(defaults, o.Key)
			}
			if o.MeetsPromise {
				meeting++
			}
		}
		if len(defaults) != 1 || defaults[0] != tt.want || meeting != tt.meeting {
			t.Errorf("%s: default %v, %d meet the promise; want %s, %d", tt.name, defaults, meeting, tt.want, tt.meeting)
		}
	}
}

// When a carrier's old card has no end date, its successor takes over on its first day.
func TestShopPrefersTheLatestCard(t *testing.T) {
	old, successor := sample(t, "postnl", 2026), sample(t, "postnl", 2027)
	old.ValidTo = time.Time{}
	cards := []RateCard{successor, old}
	price := func(d time.Time) int64 {
		for _, o := range Shop(cards, "NL", Parcel{WeightG: 1800}, Destination{"DE", "10115"}, d, time.Time{}, "") {
			if o.Key == "postnl:parcel" {
				return o.TotalMinor
			}
		}
		return -1
	}
	if got := price(day(2026, 12, 31)); got != 1300 { // 2026: 13.00, no fuel
		t.Errorf("on the old card's last day: %d, want 1300", got)
	}
	if got := price(day(2027, 1, 1)); got != 1380 { // 2027: 13.60 + 1.5% (0.204 → 0.20)
		t.Errorf("on the successor's first day: %d, want 1380", got)
	}
	if got := price(day(2025, 6, 1)); got != -1 {
		t.Errorf("before either card: %d, want no offer", got)
	}
}

func TestShopNothingCarries(t *testing.T) {
	// 80 kg is over every service's limit.
	if offers := Shop(SampleCards(), "NL", Parcel{WeightG: 80000}, Destination{"DE", "10115"}, day(2026, 3, 2), time.Time{}, ""); len(offers) != 0 {
		t.Errorf("offers for 80 kg: %+v", offers)
	}
}
