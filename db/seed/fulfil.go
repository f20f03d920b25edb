package seed

import (
	"strconv"
	"strings"
)

// stockMoves books the physical side of each line: reservations for what is allocated but not
// shipped (at the bin before picking, at the packing station after), a pick movement bin →
// packing, and a ship movement packing → CUSTOMER.
func (g *renderer) stockMoves(o *orderCtx, b *batch) {
	w := g.w
	for _, l := range o.lines {
		if l.slot < 0 {
			continue
		}
		s := &w.slots[l.slot]
		q := l.q
		if n := q.Allocated - q.Picked; n > 0 {
			g.n.reservation++
			b.reservations.add(g.n.reservation, l.id, s.bin.id, s.product.id, nullable(s.lot), n, o.t.alloc)
		}
		if n := q.Picked - q.Shipped; n > 0 {
			g.n.reservation++
			b.reservations.add(g.n.reservation, l.id, o.pack, s.product.id, nullable(s.lot), n, o.t.pick)
		}
		if q.Picked > 0 {
			g.n.movement++
			b.movements.add(movementRow(g.n.movement, o.t.pick, o.picker, s.product.id, s.lot, s.bin.id,
				o.pack, q.Picked, "pick", "", l.id, 0, o.terminal, "Picked from "+s.bin.code+" for "+o.number)...)
		}
		if q.Shipped > 0 {
			g.n.movement++
			b.movements.add(movementRow(g.n.movement, o.t.ship, o.packer, s.product.id, s.lot, o.pack,
				w.virt["CUSTOMER"], q.Shipped, "ship", "", l.id, 0, o.packCode,
				"Shipped "+o.number+" with "+o.svc.carrier.name+" "+o.tracking)...)
		}
	}
}

// box is a shipping carton: inner size, empty weight and what it carries; every DC has the
// same cartons (the boxes table), and seeded parcels use them.
type box struct {
	code    string
	name    string
	dims    [3]int64
	tareG   int64
	longest int64
	maxG    int64
}

var boxes = []box{
	{"MAILER-S", "Mailer bag S", [3]int64{250, 180, 40}, 30, 250, 2_000},
	{"BOX-S", "Carton S", [3]int64{300, 200, 120}, 150, 300, 10_000},
	{"BOX-M", "Carton M", [3]int64{400, 300, 200}, 320, 400, 20_000},
	{"BOX-L", "Carton L", [3]int64{600, 400, 300}, 650, 600, 30_000},
	{"LONG-1250", "Long carton 125 cm", [3]int64{1250, 200, 200}, 900, 1250, 20_000},
	{"BOX-XL", "Carton XL", [3]int64{800, 600, 500}, 1100, 800, 31_500},
}

// pickBox returns the smallest carton with room for the goods (30 % air) and their longest side.
func pickBox(volume, longest int64) box {
	for _, bx := range boxes {
		if bx.dims[0]*bx.dims[1]*bx.dims[2] >= volume*13/10 && bx.longest >= longest {
			return bx
		}
	}
	return boxes[len(boxes)-1]
}

// shipments writes a shipment for the shipped units (delivered once the transit time has
// passed) and one in status packed, label printed, for units boxed but not collected yet.
func (g *renderer) shipments(r *rng, o *orderCtx, b *batch) {
	var shipped, waiting []unitsOf
	for _, l := range o.lines {
		if l.q.Shipped > 0 {
			shipped = append(shipped, unitsOf{l, l.q.Shipped})
		}
		if n := l.q.Packed - l.q.Shipped; n > 0 {
			waiting = append(waiting, unitsOf{l, n})
		}
	}
	if len(shipped) > 0 {
		status, delivered := "shipped", any(nil)
		if o.t.delivered {
			status, delivered = "delivered", o.t.deliver
		}
		o.tracking = g.shipment(r, o, b, shipped, status, o.t.ship, delivered)
	}
	if len(waiting) > 0 {
		g.shipment(r, o, b, waiting, "packed", nil, nil)
	}
}

type unitsOf struct {
	line lineCtx
	qty  int64
}

// shipment writes one shipment with a single package and returns its tracking number.
func (g *renderer) shipment(r *rng, o *orderCtx, b *batch, units []unitsOf, status string, shippedAt, deliveredAt any) string {
	var weight, volume, longest int64
	for _, u := range units {
		p := u.line.product
		weight += p.weightG * u.qty
		volume += p.dims[0] * p.dims[1] * p.dims[2] * u.qty
		longest = max(longest, p.dims[0])
	}
	bx := pickBox(volume, longest)
	weight += bx.tareG
	cost, costCur := o.svc.priceFor(o.p.wh.country, weight)
	g.n.shipment++
	b.shipments.add(g.n.shipment, o.id, o.p.wh.id, o.svc.id, status, cost, costCur, o.t.pack,
		shippedAt, deliveredAt)
	g.n.pkg++
	tracking := trackingNumber(o.svc.carrier.tracking, g.n.pkg)
	format := "zpl"
	if r.chance(150) {
		format = "pdf"
	}
	b.packages.add(g.n.pkg, g.n.shipment, o.id, bx.code, weight, bx.dims[0], bx.dims[1], bx.dims[2],
		tracking, format, o.t.pack)
	for _, u := range units {
		b.packageLines.add(g.n.pkg, o.id, u.line.id, u.qty)
	}
	return tracking
}

// trackingNumber fills the carrier's pattern: each N is a digit of a bijection of the package
// id, so numbers look random and never repeat.
func trackingNumber(pattern string, pkgID int64) string {
	k := strings.Count(pattern, "N")
	mod := uint64(1)
	for range min(k, 18) {
		mod *= 10
	}
	digits := strconv.FormatUint(permute(uint64(pkgID), mod), 10)
	digits = strings.Repeat("0", k-len(digits)) + digits
	out := []byte(pattern)
	j := 0
	for i := range out {
		if out[i] == 'N' {
			out[i] = digits[j]
			j++
		}
	}
	return string(out)
}
