package channels

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzFormat reads arbitrary bytes as a format: no panic, every Parsed is a valid order or a
// reason, and every order read survives export to oms's own json format unchanged, and to its
// csv format too when it was read from a CSV file (csv trims cells, which json does not).
func fuzzFormat(t *testing.T, format string, data []byte) {
	for _, opt := range []Options{{File: "fuzz"}, {File: "fuzz", TaxIncluded: true}} {
		r, err := Open(format, bytes.NewReader(data), opt)
		if err != nil {
			var mc *MissingColumnsError
			if errors.As(err, &mc) && len(mc.Columns) == 0 {
				t.Fatalf("a MissingColumnsError names no column")
			}
			return
		}
		lastLine := 0
		for n := 0; ; n++ {
			p, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if _, again := r.Next(); again == nil {
					t.Fatalf("Next after the fatal error %v returned an order", err)
				}
				break
			}
			checkParsed(t, p)
			if p.Line < lastLine {
				t.Fatalf("order %d at line %d comes after line %d", n+1, p.Line, lastLine)
			}
			lastLine = p.Line
			if p.Reason == "" {
				roundTrip(t, p.Order, format != "json")
			}
		}
	}
}

func FuzzShopify(f *testing.F) {
	seed(f, "shopify_*.csv")
	seed(f, "ours_*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFormat(t, "shopify", data) })
}

func FuzzAmazon(f *testing.F) {
	seed(f, "amazon_*.tsv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFormat(t, "amazon", data) })
}

func FuzzWooCommerce(f *testing.F) {
	seed(f, "woocommerce_*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFormat(t, "woocommerce", data) })
}

func FuzzCSV(f *testing.F) {
	seed(f, "ours_*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFormat(t, "csv", data) })
}

func FuzzJSON(f *testing.F) {
	seed(f, "ours_*.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzFormat(t, "json", data) })
}
