package export

import "regexp"

// plainNumber is a number a spreadsheet reads as a number and nothing else: digits with an
// optional leading minus and decimal part ("-12.50", "3"). A leading plus is not one of them: a
// spreadsheet reads "+1" as the formula =+1.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Neutralise makes a cell safe to open in a spreadsheet (CSV injection, also called formula
// injection): a cell starting with =, +, -, @, a tab or a carriage return is prefixed with a
// single quote, which spreadsheets show as text and never evaluate. A plain number ("-12.50")
// is left as it is. Every CSV-like writer of this package passes every cell through it.
func Neutralise(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if plainNumber.MatchString(cell) {
			return cell
		}
		return "'" + cell
	}
	return cell
}
