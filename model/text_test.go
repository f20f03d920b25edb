package model

import "testing"

func TestCleanTextRemovesControls(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Anna de Vries", "Anna de Vries"},
		{"Evil\x1b[2JName\x1b]0;pwned\a", "Evil[2JName]0;pwned"},
		{"Line 1\tLine 2\r\nLine 3", "Line 1\tLine 2\r\nLine 3"},
		{"a\u009b6nb\x7fc\x00d", "a6nbcd"},
		{"bad\xffbyte", "badbyte"},
		{"Zoë Müller", "Zoë Müller"},
	} {
		if got := CleanText(c.in); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIncomingOrderCleanReachesEveryText(t *testing.T) {
	o := IncomingOrder{ExternalID: "1\x1b", Customer: IncomingCustomer{Name: "A\x1b[31mB"}, Notes: "x\ny\x07",
		ShipTo: Address{Line1: "Main\x00Street"}, BillTo: &Address{City: "Rotter\x1bdam"},
		Lines: []IncomingLine{{SKU: "TEE\x00-1", Description: "Tee\x1b]52;c;x\a"}}}
	o.Clean()
	if o.ExternalID != "1" || o.Customer.Name != "A[31mB" || o.Notes != "x\ny" || o.ShipTo.Line1 != "MainStreet" ||
		o.BillTo.City != "Rotterdam" || o.Lines[0].SKU != "TEE-1" || o.Lines[0].Description != "Tee]52;c;x" {
		t.Fatalf("not every text was cleaned: %+v %+v %+v", o, *o.BillTo, o.Lines[0])
	}
}
