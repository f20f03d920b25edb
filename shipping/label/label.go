package label

import (
	"errors"
	"fmt"
	"time"

	"oms/model"
)

// Label is everything printed on one parcel's 4×6 shipping label. It is the input of both
// renderers (ZPL for thermal printers, PDF for office printers), so they cannot disagree about
// what a label says. It holds text and numbers only: the renderers draw the barcodes.
type Label struct {
	Carrier        string // the carrier's name as printed ("DHL Express")
	CarrierCode    string // oms's code for the carrier ("dhl")
	Service        string // the service's name ("Express Worldwide")
	TrackingNumber string // in the carrier's format, check digit included
	SSCC           string // 18 digits, check digit included (GS1 AI 00)

	From model.Address // the shipping warehouse
	To   model.Address // the customer

	OrderNumber string // oms's order number ("SO-0001234")
	Reference   string // the channel's order id, printed small
	Parcel      int    // this parcel's position, from 1
	Parcels     int    // how many parcels the shipment has
	WeightG     int    // the weighed gross weight in grams
	ShipDate    string // YYYY-MM-DD, the day the parcel leaves
}

// Check says everything that would make the label wrong or unreadable, before it is rendered:
// a ship-to that cannot be delivered to, a tracking number with more than letters and digits, an
// SSCC that is not valid (oms makes SSCCs, so even a wrong check digit is refused), a parcel
// count or weight that makes no sense, a ship date that is not YYYY-MM-DD.
func (l Label) Check() error {
	var problems []error
	fail := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if printable(l.Carrier) == "" && printable(l.CarrierCode) == "" {
		fail("label: no carrier")
	}
	checkAddress("ship-to", l.To, fail)
	checkAddress("ship-from", l.From, fail)
	switch {
	case l.TrackingNumber == "":
		fail("label: no tracking number")
	case !allOf(l.TrackingNumber, isUpperAlnum):
		fail("label: tracking number %q has more than capital letters and digits", l.TrackingNumber)
	}
	if l.SSCC != "" {
		if err := ValidSSCC(l.SSCC); err != nil {
			fail("label: %w", err)
		}
	}
	if l.Parcels < 1 || l.Parcel < 1 || l.Parcel > l.Parcels {
		fail("label: parcel %d of %d", l.Parcel, l.Parcels)
	}
	if l.WeightG <= 0 {
		fail("label: weight %d g", l.WeightG)
	}
	if _, err := time.Parse(time.DateOnly, l.ShipDate); err != nil {
		fail("label: ship date %q is not YYYY-MM-DD", l.ShipDate)
	}
	return errors.Join(problems...)
}

func checkAddress(which string, a model.Address, fail func(string, ...any)) {
	if printable(a.Name) == "" && printable(a.Company) == "" {
		fail("label: the %s address has neither a name nor a company", which)
	}
	if printable(a.Line1) == "" || printable(a.City) == "" {
		fail("label: the %s address needs a street line and a city", which)
	}
	if len(a.Country) != 2 || !allOf(a.Country, isUpper) {
		fail("label: the %s country %q is not an ISO 3166-1 alpha-2 code", which, a.Country)
	}
}
