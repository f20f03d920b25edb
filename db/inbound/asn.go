package inbound

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/model"
)

// ASNLineRequest is a line of a supplier's notice: a product on the PO, how many, and for a
// lot-tracked product the lot and its expiry.
type ASNLineRequest struct {
	SKU     string `json:"sku"`
	Qty     int    `json:"qty"`
	Lot     string `json:"lot,omitempty"`
	Expires string `json:"expires,omitempty"` // YYYY-MM-DD
}

// ASNRequest is a supplier's advance shipping notice for a PO, as the back office records it.
type ASNRequest struct {
	PO       string // the PO's number
	Number   string // the supplier's despatch advice number
	SSCC     string // the pallet's SSCC: 18 digits, or a GS1 scan of (00); empty for none
	Expected time.Time
	Lines    []ASNLineRequest
	Note     string
}

// ASN is a notice with its lines.
type ASN struct {
	ID         int64      `db:"id" json:"id"`
	Number     string     `db:"number" json:"number"`
	PO         string     `db:"po" json:"po"`
	Supplier   string     `db:"supplier" json:"supplier"`
	SSCC       string     `db:"sscc" json:"sscc"`
	Expected   *time.Time `db:"expected_on" json:"expected,omitempty"`
	ReceivedBy string     `db:"received_by" json:"received_by"` // the person's name
	ReceivedAt *time.Time `db:"received_at" json:"received_at,omitempty"`
	Lines      []ASNLine  `json:"lines"`
}

// ASNLine is what a notice announces of a PO line.
type ASNLine struct {
	SKU     string     `db:"sku" json:"sku"`
	Qty     int64      `db:"qty" json:"qty"`
	Lot     string     `db:"lot" json:"lot"`
	Expires *time.Time `db:"expires_on" json:"expires,omitempty"`
}

// ReceivedASN is what receiving a notice whole took in.
type ReceivedASN struct {
	ASN    string `json:"asn"`
	PO     string `json:"po"`
	Units  int64  `json:"units"`
	Lines  int    `json:"lines"`
	Status string `json:"status"` // the PO's
}

// SSCC reads a pallet label's serial shipping container code from a scan: 18 digits, or a GS1
// element string carrying (00), its check digit verified.
func SSCC(scan string) (string, error) {
	scan = strings.TrimSpace(scan)
	if model.LooksLikeGS1(scan) {
		g, err := model.ParseGS1At(scan, time.Now())
		if err != nil {
			return "", err
		}
		if g.SSCC == "" {
			return "", fmt.Errorf("%q carries no SSCC (00)", scan)
		}
		return g.SSCC, nil
	}
	if len(scan) != 18 || strings.Trim(scan, "0123456789") != "" {
		return "", fmt.Errorf("an SSCC is 18 digits, not %q", scan)
	}
	want, err := model.GS1CheckDigit(scan[:17])
	if err != nil || int(scan[17]-'0') != want {
		return "", fmt.Errorf("%s is not an SSCC: its check digit should be %d", scan, want)
	}
	return scan, nil
}

// CreateASN records a supplier's notice for an open PO (the back office's) in one transaction
// under key: lines on the PO, no more than each has open, lots for lot-tracked products.
func (s *Store) CreateASN(ctx context.Context, key string, req ASNRequest) (ASN, error) {
	var sscc any
	if strings.TrimSpace(req.SSCC) != "" {
		code, err := SSCC(req.SSCC)
		if err != nil {
			return ASN{}, err
		}
		sscc = code
	}
	var expected any
	if !req.Expected.IsZero() {
		expected = req.Expected.Format(time.DateOnly)
	}
	lines, err := json.Marshal(append([]ASNLineRequest{}, req.Lines...))
	if err != nil {
		return ASN{}, err
	}
	return keyed(ctx, s, key, "inbound.asn_create", req, func(tx *sqlx.Tx) (ASN, error) {
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT oms_asn_create($1, $2, $3, $4, $5, $6)`,
			req.PO, req.Number, sscc, expected, string(lines), req.Note); err != nil {
			return ASN{}, err
		}
		return readASN(ctx, tx, id)
	})
}

// ASN reads a notice by its number or its pallet's SSCC (as printed or scanned).
func (s *Store) ASN(ctx context.Context, scan string) (ASN, error) {
	var a ASN
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		id, err := asnID(ctx, tx, scan)
		if err != nil {
			return err
		}
		a, err = readASN(ctx, tx, id)
		return err
	})
	return a, err
}

// ReceiveASN receives a notice named by its number or SSCC whole, as announced, in one
// transaction under key: every line through the PO receipt's checks into receiving. A notice
// is received once; the second is told by whom and when.
func (s *Store) ReceiveASN(ctx context.Context, key, scan string) (ReceivedASN, error) {
	return keyed(ctx, s, key, "inbound.asn_receive", scan, func(tx *sqlx.Tx) (ReceivedASN, error) {
		id, err := asnID(ctx, tx, scan)
		if err != nil {
			return ReceivedASN{}, err
		}
		return decode[ReceivedASN](ctx, tx, `SELECT oms_asn_receive($1)`, id)
	})
}

// asnID is the notice a scan names: its number, or its pallet's SSCC in any form; ErrNotFound
// otherwise.
func asnID(ctx context.Context, tx *sqlx.Tx, scan string) (int64, error) {
	id, found, err := asnOf(ctx, tx, scan)
	if err == nil && !found {
		err = fmt.Errorf("%w: there is no notice %s", ErrNotFound, strings.ToUpper(strings.TrimSpace(scan)))
	}
	return id, err
}

// asnOf is asnID that says "not found" with false rather than an error.
func asnOf(ctx context.Context, tx *sqlx.Tx, scan string) (int64, bool, error) {
	sscc, err := SSCC(scan)
	if err != nil {
		sscc = ""
	}
	var id int64
	err = tx.GetContext(ctx, &id, `SELECT id FROM asns WHERE number = upper(btrim($1)) OR sscc = nullif($2, '') ORDER BY id LIMIT 1`, scan, sscc)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

func readASN(ctx context.Context, tx *sqlx.Tx, id int64) (ASN, error) {
	var a ASN
	err := tx.GetContext(ctx, &a, `
		SELECT a.id, a.number, p.number AS po, s.code AS supplier, coalesce(a.sscc, '') AS sscc, a.expected_on,
		       coalesce((SELECT name FROM staff WHERE login = a.received_by), a.received_by, '') AS received_by, a.received_at
		  FROM asns a JOIN purchase_orders p ON p.id = a.po_id JOIN suppliers s ON s.id = p.supplier_id
		 WHERE a.id = $1`, id)
	if err != nil {
		return a, err
	}
	err = tx.SelectContext(ctx, &a.Lines, `
		SELECT p.sku, x.qty, coalesce(x.lot_code, '') AS lot, x.expires_on
		  FROM asn_lines x JOIN purchase_order_lines l ON l.id = x.po_line_id JOIN products p ON p.id = l.product_id
		 WHERE x.asn_id = $1 ORDER BY l.line_no, x.id`, id)
	return a, err
}

// ParseASNLines reads SKU=QTY[/LOT[/YYYY-MM-DD]] arguments.
func ParseASNLines(args []string) ([]ASNLineRequest, error) {
	var out []ASNLineRequest
	for _, a := range args {
		sku, rest, _ := strings.Cut(a, "=")
		qty, lotPart, _ := strings.Cut(rest, "/")
		lot, expires, _ := strings.Cut(lotPart, "/")
		u, err := ParseUnits([]string{sku + "=" + qty})
		if err != nil || u[0].Qty < 1 {
			return nil, fmt.Errorf("%q is not SKU=QTY[/LOT[/YYYY-MM-DD]] (at least one unit)", a)
		}
		if expires != "" {
			if _, err := time.Parse(time.DateOnly, expires); err != nil {
				return nil, fmt.Errorf("%q: the expiry %q is not YYYY-MM-DD", a, expires)
			}
		}
		out = append(out, ASNLineRequest{SKU: u[0].SKU, Qty: u[0].Qty, Lot: strings.TrimSpace(lot), Expires: expires})
	}
	return out, nil
}
