package company

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// ErrNoCustomer says no customer of that channel has that id.
var ErrNoCustomer = errors.New("no such customer")

// CustomerVAT is a customer whose VAT number was set: who, and what it was before.
type CustomerVAT struct {
	Name, Country  string
	VATNumber, Was string
}

// SetCustomerVATNumber records the VAT number of the customer a channel knows by externalID
// (migration 00027: a business customer's number decides reverse charge on orders entered by
// hand); "" removes it. The number must be well formed (model.ValidVATNumber); it may be of
// another country than the customer's, as a business may buy from its branch abroad. One
// transaction; the back office's work (customers are theirs, migration 00009).
func (s *Store) SetCustomerVATNumber(ctx context.Context, channel, externalID, vat string) (CustomerVAT, error) {
	vat = model.NormalizeVATNumber(strings.TrimSpace(vat))
	if vat != "" {
		if _, err := model.ValidVATNumber(vat); err != nil {
			return CustomerVAT{}, err
		}
	}
	channel, externalID = strings.ToLower(strings.TrimSpace(channel)), strings.TrimSpace(externalID)
	var out CustomerVAT
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var c struct {
			ID      int64  `db:"id"`
			Name    string `db:"name"`
			Country string `db:"country"`
			VAT     string `db:"vat_number"`
		}
		err := tx.GetContext(ctx, &c, `SELECT cu.id, cu.name, cu.country, cu.vat_number FROM customers cu
			JOIN channels ch ON ch.id = cu.channel_id WHERE ch.code = $1 AND cu.external_id = $2 FOR UPDATE OF cu`,
			channel, externalID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: channel %s has no customer %s", ErrNoCustomer, channel, externalID)
		}
		if err != nil {
			return err
		}
		out = CustomerVAT{Name: c.Name, Country: c.Country, VATNumber: vat, Was: c.VAT}
		if c.VAT == vat {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE customers SET vat_number = $1 WHERE id = $2`, vat, c.ID)
		return err
	})
	if err != nil {
		return CustomerVAT{}, db.MapError(err)
	}
	return out, nil
}
