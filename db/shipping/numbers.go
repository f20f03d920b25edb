package shipping

import (
	"fmt"

	"oms/shipping/label"
	"oms/shipping/shippdf"
)

// trackingNumber makes a parcel's tracking number from the carrier's format and account and a
// serial. A postal carrier (S10) without an account sends parcels ("CP") from the warehouse's
// country; the others need the account their contract gives.
func trackingNumber(format, account, origin string, serial int64) (string, error) {
	if format == label.FormatS10 && account == "" {
		account = "CP" + origin
	}
	n, err := label.Tracking(format, account, serial)
	if err != nil {
		return "", fmt.Errorf("%w (set the carrier's account with oms carriers account)", err)
	}
	return n, nil
}

// ssccOf is a parcel's SSCC: extension digit 0, the company's GS1 prefix and a serial.
func ssccOf(prefix string, serial int64) (string, error) { return label.SSCC(0, prefix, serial) }

// render draws a label for the station's printer: ZPL for a thermal printer, else a PDF.
func render(format string, l label.Label) ([]byte, error) {
	if format == "pdf" {
		return shippdf.Label(l)
	}
	return label.ZPL(l), nil
}
