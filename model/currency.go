package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Currency is an ISO 4217 alphabetic currency code such as "EUR".
type Currency string

// ErrUnknownCurrency is wrapped by every error about a currency code that is not in the table.
var ErrUnknownCurrency = errors.New("unknown currency")

// currencyExponents maps each supported currency to its minor-unit exponent (number of decimal
// places). It must list exactly the rows of the database's currencies table (migration 00002),
// because amounts stored there are minor units interpreted with these exponents.
var currencyExponents = map[Currency]int{
	"AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0,
	"CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2,
	"HUF": 2, "INR": 2, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0,
	"KWD": 3, "MXN": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PLN": 2,
	"SEK": 2, "SGD": 2, "TND": 3, "TRY": 2, "USD": 2, "ZAR": 2,
}

// Exponent returns the number of decimal places of the currency's minor unit
// (2 for EUR, 0 for JPY, 3 for KWD).
func (c Currency) Exponent() (int, error) {
	exp, ok := currencyExponents[c]
	if !ok {
		return 0, fmt.Errorf("%w %q", ErrUnknownCurrency, string(c))
	}
	return exp, nil
}

// LookupCurrency turns user or file input such as " eur " into a known Currency.
func LookupCurrency(code string) (Currency, error) {
	c := Currency(strings.ToUpper(strings.TrimSpace(code)))
	if _, ok := currencyExponents[c]; !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownCurrency, code)
	}
	return c, nil
}

// KnownCurrencies returns every supported currency in alphabetical order, for pickers and for
// tests that compare the table with the database.
func KnownCurrencies() []Currency {
	codes := make([]Currency, 0, len(currencyExponents))
	for c := range currencyExponents {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}
