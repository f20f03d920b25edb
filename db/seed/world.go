package seed

import (
	"fmt"
	"slices"
	"time"

	"oms/model"
)

// idBase holds, per table, the largest id already present; seeded rows count up from there.
// Reference tables the migration filled (locations) are not empty, and an administrator may
// have added staff or carriers before seeding.
type idBase struct {
	warehouses, locations, products, lots, carriers, services, rates, taxRates, staff,
	channels, customers, addresses, orders, lines, reservations, movements, shipments,
	packages, invoices, rmas, rmaLines, rmaReceipts, refunds, events int64
}

// numberSeries is a number_series row: documents are numbered prefix + zero-padded value.
type numberSeries struct {
	code, prefix string
	next         int64
	width        int
}

func (s numberSeries) format(n int64) string { return fmt.Sprintf("%s%0*d", s.prefix, s.width, n) }

// series are the number_series rows the seed consumes.
type series struct{ order, invoice, creditNote, rma numberSeries }

// world is everything generated before the orders: places, catalogue, reference data, and the
// lookup tables orders are built from. After construction it is read-only.
type world struct {
	opts          Options
	now           time.Time
	ids           idBase
	next          series
	docSeq        map[seqKey]int64 // invoice and credit note numbers taken before the seed, per series and year
	virt          map[string]int64 // SUPPLIER, CUSTOMER, … by code
	warehouses    []*warehouse
	whByCode      map[string]*warehouse
	products      []*product
	channels      []*channel
	channelShares []int
	carriers      []*carrier
	taxRates      []model.TaxRate // the seeded tax_rates, for model.TaxTreatment.Rate
	seller        model.TaxSeller // the company's tax settings (demoCompany, or what oms init recorded)
	fx            fxTable
	currencies    []string // currencies products are priced in; index into product.prices
	curIndex      map[string]int
	slots         []slot
	customerCount int
	importer      string // the login channel imports run as
	allocator     string
	backOffice    []string
	statusMix     [][]int // per age band: weights over Statuses
	txNow         time.Time
	xid           string // the seed transaction's id, for change_xid
}

// reference holds the small tables written once, before any order.
type reference struct {
	warehouses, locations, products, barcodes, lots, fx, tax, carriers, services, rates,
	staff, channels, boxes *table
}

func newReference() *reference {
	return &reference{
		warehouses: newTable("warehouses", "id", "code", "name", "kind", "country", "city",
			"time_zone", "latitude", "longitude", "currency", "created_at"),
		locations: newTable("locations", "id", "warehouse_id", "code", "kind", "zone", "aisle", "pick_seq"),
		products: newTable("products", "id", "sku", "name", "gtin", "weight_g", "length_mm",
			"width_mm", "height_mm", "hs_code", "country_of_origin", "tax_category", "lot_tracked",
			"expiry_tracked", "reorder_point", "created_at", "updated_at"),
		barcodes: newTable("product_barcodes", "barcode", "product_id", "kind", "qty_per_scan"),
		lots:     newTable("lots", "id", "product_id", "lot_code", "expires_on", "created_at"),
		fx:       newTable("fx_rates", "base", "quote", "rate_date", "rate", "source"),
		tax: newTable("tax_rates", "id", "country", "region", "tax_category", "name", "rate_ppm",
			"valid_from", "valid_to"),
		carriers: newTable("carriers", "id", "code", "name", "tracking_url"),
		services: newTable("carrier_services", "id", "carrier_id", "code", "name", "max_weight_g", "transit_days"),
		rates: newTable("carrier_rates", "id", "service_id", "origin_country", "dest_country",
			"max_weight_g", "price_minor", "currency", "valid_from"),
		staff:    newTable("staff", "id", "login", "name", "job", "warehouse_id", "created_at"),
		channels: newTable("channels", "id", "code", "name", "kind", "currency", "warehouse_id", "sla_hours"),
		boxes: newTable("boxes", "warehouse_id", "code", "name", "length_mm", "width_mm", "height_mm",
			"max_weight_g", "tare_weight_g"),
	}
}

func (ref *reference) all() []*table {
	return []*table{ref.warehouses, ref.locations, ref.products, ref.barcodes, ref.lots, ref.fx,
		ref.tax, ref.carriers, ref.services, ref.rates, ref.staff, ref.channels, ref.boxes}
}

// buildWorld generates every non-order entity and the rows that describe it.
func buildWorld(opts Options, ids idBase, next series, virt map[string]int64, seller model.TaxSeller) (*world, *reference, error) {
	w := &world{opts: opts, now: opts.Now, ids: ids, next: next, virt: virt, seller: seller,
		whByCode: map[string]*warehouse{}, curIndex: map[string]int{}}
	ref := newReference()
	r := newRNG()
	w.fx = fxRates(opts.Seed, w.now, ref.fx)
	if err := w.taxRows(ref); err != nil {
		return nil, nil, err
	}
	w.buildWarehouses(ref)
	w.buildChannels(ref)
	var err error
	w.products, err = buildCatalogue(r.reset(opts.Seed, streamCatalog, 0), opts.SKUs, ids.products, w.now)
	if err != nil {
		return nil, nil, err
	}
	w.priceProducts()
	nextLot := ids.lots
	for _, p := range w.products {
		for k := range p.lots {
			nextLot++
			p.lots[k].id = nextLot // before slotting: a slot holds a lot
		}
	}
	w.buildCarriers(ref)
	w.buildStaff(r.reset(opts.Seed, streamReference, 2), ref)
	w.slotProducts(r.reset(opts.Seed, streamPlaces, 0))
	w.customerCount = max(1, (opts.Orders+3)/4)
	w.statusMix = statusMix()
	return w, ref, nil
}

func (w *world) taxRows(ref *reference) error {
	for i, tr := range taxRates {
		mr := model.TaxRate{Country: tr.country, Region: tr.region, Category: tr.cat, Name: tr.name, PPM: tr.ppm}
		var err error
		if mr.ValidFrom, err = time.Parse(time.DateOnly, tr.from); err != nil {
			return err
		}
		if tr.to != "" {
			if mr.ValidTo, err = time.Parse(time.DateOnly, tr.to); err != nil {
				return err
			}
		}
		w.taxRates = append(w.taxRates, mr)
		ref.tax.add(w.ids.taxRates+int64(i)+1, tr.country, tr.region, tr.cat, tr.name, tr.ppm,
			tr.from, nullStr(tr.to))
	}
	return nil
}

func (w *world) buildWarehouses(ref *reference) {
	nextLoc := w.ids.locations
	for i, spec := range warehouseSpecs[:w.opts.Warehouses] {
		wh := &warehouse{whSpec: spec, id: w.ids.warehouses + int64(i) + 1, staff: map[string][]string{}}
		w.warehouses = append(w.warehouses, wh)
		w.whByCode[spec.code] = wh
		ref.warehouses.add(wh.id, spec.code, spec.name, spec.kind, spec.country, spec.city, spec.tz,
			spec.lat, spec.lon, spec.currency, w.now.AddDate(-2, 0, -int(i)*41))
		layoutBins(wh, &nextLoc)
		for _, loc := range append(slices.Clone(wh.bins), workAreas(wh, &nextLoc)...) {
			ref.locations.add(loc.id, wh.id, loc.code, loc.kind, loc.zone, loc.aisle, loc.pickSeq)
		}
		if spec.kind == "dc" { // the cartons its packers choose from, the ones seeded parcels use
			for _, bx := range boxes {
				ref.boxes.add(wh.id, bx.code, bx.name, bx.dims[0], bx.dims[1], bx.dims[2], bx.maxG, bx.tareG)
			}
		}
	}
}

func (w *world) buildChannels(ref *reference) {
	for _, spec := range channelSpecs {
		if spec.needs != "" && w.whByCode[spec.needs] == nil {
			continue
		}
		ch := &channel{channelSpec: spec, id: w.ids.channels + int64(len(w.channels)) + 1}
		var whID any
		if spec.kind == "store" {
			ch.warehouse = w.whByCode[spec.needs]
			whID = ch.warehouse.id
		}
		w.channels = append(w.channels, ch)
		w.channelShares = append(w.channelShares, spec.share)
		ref.channels.add(ch.id, spec.code, spec.name, spec.kind, spec.currency, whID, spec.slaHours)
		if _, ok := w.curIndex[spec.currency]; !ok {
			w.curIndex[spec.currency] = len(w.currencies)
			w.currencies = append(w.currencies, spec.currency)
		}
	}
}

// priceProducts sets each product's shelf price in every channel currency from today's rate.
func (w *world) priceProducts() {
	for _, p := range w.products {
		p.prices = make([]int64, len(w.currencies))
		for i, cur := range w.currencies {
			exp, _ := model.Currency(cur).Exponent()
			p.prices[i] = convertPrice(p.priceEUR, w.fx.latest[cur], exp, true)
			if cur == "EUR" {
				p.prices[i] = p.priceEUR
			}
		}
	}
}

// setReorderPoints sets each product's reorder point from the demand the plan found: ten days
// of a carrying warehouse's average sales (the supplier lead time) plus a small safety stock.
func (w *world) setReorderPoints() {
	need := make([]int64, len(w.products))
	for _, s := range w.slots {
		need[s.product.idx] += s.need
	}
	for _, p := range w.products {
		carriers := int64(0)
		for _, wh := range w.warehouses {
			if wh.slotOf[p.idx][0] >= 0 {
				carriers++
			}
		}
		p.reorder = 2
		if carriers > 0 {
			p.reorder += (need[p.idx]*10 + planDays*carriers - 1) / (planDays * carriers)
		}
	}
}

// productRows writes the catalogue; it runs after the plan so reorder points fit the demand.
func (w *world) productRows(r *rng, ref *reference) error {
	for _, p := range w.products {
		ref.products.add(p.id, p.sku, p.name, p.gtin, p.weightG, p.dims[0], p.dims[1], p.dims[2],
			p.hs, p.origin, p.cat.taxCat, p.cat.lots, p.cat.lots, p.reorder, p.created, p.created)
		for _, l := range p.lots {
			ref.lots.add(l.id, p.id, l.code, l.expires.Format(time.DateOnly), l.created)
		}
		if err := barcodeRows(r, p, ref.barcodes); err != nil {
			return err
		}
	}
	return nil
}

// barcodeRows gives small, fast-moving goods an outer-case GTIN-14 (scanning the case counts 6
// or 12) and some products a supplier label code.
func barcodeRows(r *rng, p *product, t *table) error {
	small := p.weightG < 600 && p.cat.code != "BOK" && p.cat.code != "APP"
	if small && r.chance(300) {
		code, err := caseGTIN(p.gtin)
		if err != nil {
			return err
		}
		t.add(code, p.id, "gtin", int64(pick(r, []int{6, 12})))
	}
	if r.chance(80) {
		t.add(fmt.Sprintf("SUP-%s-%06d", p.cat.code, permute(uint64(p.idx), 1e6)), p.id, "supplier", int64(1))
	}
	return nil
}

// buildCarriers writes the carriers that serve at least one seeded warehouse's country, their
// services, and a rate card per origin country priced in that warehouse's currency.
func (w *world) buildCarriers(ref *reference) {
	var origins []*warehouse // the first warehouse of each country sets its currency
	for _, wh := range w.warehouses {
		if !slices.ContainsFunc(origins, func(o *warehouse) bool { return o.country == wh.country }) {
			origins = append(origins, wh)
		}
	}
	nextSvc := w.ids.services
	for _, spec := range carrierSpecs {
		c := w.carrierFrom(spec, origins, &nextSvc)
		if len(c.services) == 0 {
			continue
		}
		c.id = w.ids.carriers + int64(len(w.carriers)) + 1
		w.carriers = append(w.carriers, c)
	}
	w.carrierRows(ref)
	for _, wh := range w.warehouses {
		for _, c := range w.carriers {
			for _, svc := range c.services {
				if slices.Contains(svc.origins, wh.country) {
					wh.services = append(wh.services, svc)
				}
			}
		}
	}
}

// carrierFrom copies a carrier spec with only the services that ship from a seeded country.
func (w *world) carrierFrom(spec *carrier, origins []*warehouse, nextSvc *int64) *carrier {
	c := &carrier{code: spec.code, name: spec.name, url: spec.url, tracking: spec.tracking}
	for _, s := range spec.services {
		svc := *s
		svc.carrier, svc.rates = c, nil
		for _, o := range origins {
			if slices.Contains(svc.origins, o.country) {
				exp, _ := model.Currency(o.currency).Exponent()
				rateCard(&svc, o.country, o.currency, w.fx.latest, exp)
			}
		}
		if len(svc.rates) > 0 {
			*nextSvc++
			svc.id = *nextSvc
			c.services = append(c.services, &svc)
		}
	}
	return c
}

func (w *world) carrierRows(ref *reference) {
	nextRate := w.ids.rates
	validFrom := time.Date(w.now.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	for _, c := range w.carriers {
		ref.carriers.add(c.id, c.code, c.name, c.url)
		for _, svc := range c.services {
			ref.services.add(svc.id, c.id, svc.code, svc.name, svc.maxWeightG, svc.transitDays)
			for _, b := range svc.rates {
				nextRate++
				dest := b.origin
				if svc.international {
					dest = "*"
				}
				ref.rates.add(nextRate, svc.id, b.origin, dest, b.maxG, b.price, b.currency, validFrom)
			}
		}
	}
}

// buildStaff creates the people of each warehouse (picker_rtm_01 …) and the accounts that
// channel imports, allocation runs and the back office use.
func (w *world) buildStaff(r *rng, ref *reference) {
	next := w.ids.staff
	add := func(login, name, job string, whID int64, since time.Time) {
		next++
		ref.staff.add(next, login, name, job, nullable(whID), since)
	}
	since := w.now.AddDate(-2, 0, 0)
	w.importer, w.allocator = "oms_import", "oms_allocate"
	add(w.importer, "Channel import (scheduled)", "admin", 0, since)
	add(w.allocator, "Allocation run (scheduled)", "admin", 0, since)
	nl := countries["NL"]
	for i := 1; i <= 2; i++ {
		login := fmt.Sprintf("backoffice_%02d", i)
		add(login, pick(r, nl.first)+" "+pick(r, nl.last), "supervisor", 0, since)
		w.backOffice = append(w.backOffice, login)
	}
	for _, wh := range w.warehouses {
		co := countries[wh.country]
		for _, plan := range staffPlan {
			n := plan.dc
			if wh.kind == "store" {
				n = plan.store
			}
			for i := 1; i <= n; i++ {
				login := fmt.Sprintf("%s_%s_%02d", plan.job, wh.tag, i)
				name := pick(r, co.first) + " " + pick(r, co.last)
				if co.familyFirst {
					name = pick(r, co.last) + " " + pick(r, co.first)
				}
				hired := w.now.Add(-time.Duration(r.between(90, 1500)) * 24 * time.Hour)
				add(login, name, plan.job, wh.id, hired)
				wh.staff[plan.job] = append(wh.staff[plan.job], login)
			}
		}
	}
}
