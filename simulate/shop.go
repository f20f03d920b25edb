package simulate

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"oms/catalog"
	"oms/channels"
	"oms/db/invoicing"
	"oms/db/orders"
	"oms/model"
)

// shop is the web shop whose customers order during the simulated day: a web channel of the
// database, the SKUs the simulated warehouse has plenty of, and addresses in its country.
type shop struct {
	channel orders.Channel
	skus    []string
	country string
	city    string
	taxPPM  map[string]int64 // by SKU: the rate of its tax category in the warehouse's country today
}

// postcodes are valid postcodes of the seed's countries.
var postcodes = map[string]string{"NL": "3011 AD", "DE": "10115", "FR": "75001", "BE": "1000", "ES": "28001",
	"IT": "00118", "GB": "SW1A 1AA", "US": "10001", "PL": "00-001", "AT": "1010", "SE": "111 22", "DK": "1050"}

func (w *Worker) newShop(ctx context.Context) (*shop, error) {
	whs, err := read(ctx, w, "warehouses", func(ctx context.Context) ([]catalog.Warehouse, error) { return w.cat.Warehouses(ctx) })
	if err != nil {
		return nil, err
	}
	s := &shop{}
	var currency model.Currency
	for _, wh := range whs {
		if wh.Code == w.cfg.Warehouse {
			s.country, s.city, currency = wh.Country, wh.City, model.Currency(wh.Currency)
		}
	}
	if s.country == "" {
		return nil, fmt.Errorf("no warehouse %s", w.cfg.Warehouse)
	}
	codes, err := read(ctx, w, "channels", func(ctx context.Context) ([]string, error) { return w.orders.ChannelCodes(ctx) })
	if err != nil {
		return nil, err
	}
	found := false
	for _, code := range codes {
		ch, err := read(ctx, w, "channel", func(ctx context.Context) (orders.Channel, error) { return w.orders.ChannelByCode(ctx, code) })
		if err != nil {
			return nil, err
		}
		if ch.Kind == "store" || !ch.Active {
			continue
		}
		// A web shop in the warehouse's currency is best; any sales channel will do.
		better := !found || rank(ch, currency) > rank(s.channel, currency)
		if better {
			s.channel, found = ch, true
		}
	}
	if !found {
		return nil, fmt.Errorf("the database has no sales channel to take orders from")
	}
	s.skus, err = read(ctx, w, "stocked", func(ctx context.Context) ([]string, error) {
		return w.cat.StockedAt(ctx, w.cfg.Warehouse, 5, 100)
	})
	if err != nil {
		return nil, err
	}
	if len(s.skus) == 0 {
		return nil, fmt.Errorf("warehouse %s has no product with 5 units free to sell", w.cfg.Warehouse)
	}
	// The shop states the tax oms would charge a domestic sale (prices without tax, as the seeded
	// channels state them), so oms check has nothing to warn about.
	products, err := read(ctx, w, "products", func(ctx context.Context) ([]catalog.Product, error) { return w.cat.Products(ctx) })
	if err != nil {
		return nil, err
	}
	rates, err := read(ctx, w, "tax rates", func(ctx context.Context) ([]invoicing.TaxRate, error) {
		return invoicing.New(w.d).TaxRatesInForce(ctx, today(), s.country)
	})
	if err != nil {
		return nil, err
	}
	byCategory := map[string]int64{}
	for _, r := range rates {
		if r.Country == s.country && r.Region == "" {
			byCategory[r.Category] = r.RatePPM
		}
	}
	s.taxPPM = map[string]int64{}
	for _, p := range products {
		s.taxPPM[p.SKU] = byCategory[p.TaxCategory]
	}
	w.logf("taking orders on channel %s for %d SKUs to %s", s.channel.Code, len(s.skus), s.country)
	return s, nil
}

// rank orders channels by how well they suit a warehouse's own web shop: a web shop in its
// currency, then any in its currency, then a web shop, then any.
func rank(ch orders.Channel, currency model.Currency) int {
	n := 0
	if ch.Currency == string(currency) {
		n += 2
	}
	if ch.Kind == "webshop" || ch.Kind == "web" {
		n++
	}
	return n
}

var firstNames = []string{"Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Jonas", "Lotte", "Milan"}
var lastNames = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer", "Bos", "Peters"}

// file is the channel's file of the next n orders, as oms json.
func (s *shop) file(w *Worker, n int) importFile {
	var buf bytes.Buffer
	now := time.Now().UTC().Truncate(time.Second)
	var first string
	for range n {
		w.n++
		ext := fmt.Sprintf("SIM-%s-%d-%d-%d", w.cfg.Run, w.cfg.Slot, w.gen, w.n)
		if first == "" {
			first = ext
		}
		name := firstNames[w.rnd.IntN(len(firstNames))] + " " + lastNames[w.rnd.IntN(len(lastNames))]
		pc := postcodes[s.country]
		if pc == "" {
			pc = "10115"
		}
		addr := model.Address{Name: name, Line1: fmt.Sprintf("Havenstraat %d", 1+w.rnd.IntN(200)), City: s.city,
			PostalCode: pc, Country: s.country}
		if addr.City == "" {
			addr.City = "Rotterdam"
		}
		o := model.IncomingOrder{ExternalID: ext, DisplayID: "#" + ext, Currency: model.Currency(s.channel.Currency),
			OrderedAt: now, Customer: model.IncomingCustomer{Name: name, Email: fmt.Sprintf("sim+%s@example.com", ext)},
			ShipTo: addr, TaxIncluded: s.channel.TaxIncluded}
		lines := 1 + w.rnd.IntN(3)
		picked := map[string]bool{}
		for i := 0; i < lines; i++ {
			sku := s.skus[w.rnd.IntN(len(s.skus))]
			if picked[sku] {
				continue
			}
			picked[sku] = true
			qty := int64(1 + w.rnd.IntN(2))
			price := int64(500 + 100*w.rnd.IntN(60))
			amount := qty * price
			tax := 0
			if !s.channel.TaxIncluded {
				tax = int((amount*s.taxPPM[sku] + 500_000) / 1_000_000) // half up
			}
			o.Lines = append(o.Lines, model.IncomingLine{ExternalLineID: fmt.Sprint(len(o.Lines) + 1), SKU: sku, Qty: qty,
				AmountMinor: amount, TaxMinor: int64(tax)})
			o.SubtotalMinor += amount
			o.TaxMinor += int64(tax)
		}
		o.TotalMinor = o.SubtotalMinor + o.TaxMinor
		_ = channels.WriteJSON(&buf, o)
	}
	return importFile{Channel: s.channel.Code, Name: fmt.Sprintf("sim-%s-%s.json", w.cfg.Run, first), Body: buf.String()}
}
