package model

import "strings"

// Markets and country positions for routing. A market is where goods move without customs:
// the EU's single market is one, every other country is its own (UK, US, CH, NO, …).

var euMembers = map[string]bool{"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true,
	"DK": true, "EE": true, "FI": true, "FR": true, "DE": true, "GR": true, "HU": true, "IE": true, "IT": true,
	"LV": true, "LT": true, "LU": true, "MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SK": true,
	"SI": true, "ES": true, "SE": true}

// MarketOf is the market of an ISO 3166 country code: "EU" for a member state, else the code.
func MarketOf(country string) string {
	if euMembers[country] {
		return "EU"
	}
	return country
}

// countryCentroids are approximate geographic centres (degrees, rounded to 0.01) of the
// countries orders usually go to: where an address without a usable postcode is taken to be.
var countryCentroids = map[string][2]float64{
	"AE": {23.42, 53.85}, "AL": {41.15, 20.17}, "AR": {-38.42, -63.62}, "AT": {47.52, 14.55},
	"AU": {-25.27, 133.78}, "BA": {43.92, 17.68}, "BE": {50.50, 4.47}, "BG": {42.73, 25.49},
	"BR": {-14.24, -51.93}, "BY": {53.71, 27.95}, "CA": {56.13, -106.35}, "CH": {46.82, 8.23},
	"CL": {-35.68, -71.54}, "CN": {35.86, 104.20}, "CO": {4.57, -74.30}, "CY": {35.13, 33.43},
	"CZ": {49.82, 15.47}, "DE": {51.17, 10.45}, "DK": {56.26, 9.50}, "EE": {58.60, 25.01},
	"EG": {26.82, 30.80}, "ES": {40.46, -3.75}, "FI": {61.92, 25.75}, "FR": {46.23, 2.21},
	"GB": {55.38, -3.44}, "GR": {39.07, 21.82}, "HK": {22.40, 114.11}, "HR": {45.10, 15.20},
	"HU": {47.16, 19.50}, "ID": {-0.79, 113.92}, "IE": {53.41, -8.24}, "IL": {31.05, 34.85},
	"IN": {20.59, 78.96}, "IS": {64.96, -19.02}, "IT": {41.87, 12.57}, "JP": {36.20, 138.25},
	"KE": {-0.02, 37.91}, "KR": {35.91, 127.77}, "LT": {55.17, 23.88}, "LU": {49.82, 6.13},
	"LV": {56.88, 24.60}, "MA": {31.79, -7.09}, "MD": {47.41, 28.37}, "ME": {42.71, 19.37},
	"MK": {41.61, 21.75}, "MT": {35.94, 14.38}, "MX": {23.63, -102.55}, "MY": {4.21, 101.98},
	"NG": {9.08, 8.68}, "NL": {52.13, 5.29}, "NO": {60.47, 8.47}, "NZ": {-40.90, 174.89},
	"PE": {-9.19, -75.02}, "PH": {12.88, 121.77}, "PL": {51.92, 19.15}, "PT": {39.40, -8.22},
	"RO": {45.94, 24.97}, "RS": {44.02, 21.01}, "RU": {61.52, 105.32}, "SA": {23.89, 45.08},
	"SE": {60.13, 18.64}, "SG": {1.35, 103.82}, "SI": {46.15, 14.99}, "SK": {48.67, 19.70},
	"TH": {15.87, 100.99}, "TR": {38.96, 35.24}, "TW": {23.70, 120.96}, "UA": {48.38, 31.17},
	"US": {37.09, -95.71}, "VN": {14.06, 108.28}, "ZA": {-30.56, 22.94},
}

// CountryCentroid is where routing takes an address in the country to be; ok is false for a
// country it has no position for (then distance does not decide).
func CountryCentroid(country string) (latLon [2]float64, ok bool) {
	latLon, ok = countryCentroids[country]
	return latLon, ok
}

// iso3166 are the 249 officially assigned ISO 3166-1 alpha-2 country codes.
const iso3166 = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR
HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL
NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY
UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`

var isoCountries = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(iso3166) {
		m[c] = true
	}
	return m
}()

// IsCountry reports whether code is an assigned ISO 3166-1 alpha-2 code (upper case).
func IsCountry(code string) bool { return isoCountries[code] }
