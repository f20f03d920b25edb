// Package shipping models carriers the way their rate cards define them, and answers the
// packing station's questions from them: which box, what a parcel costs with each service and
// when it arrives, which service to preselect, and what customs paperwork it needs.
//
// It is pure: it imports only oms/model and the standard library, runs no SQL, draws nothing
// and reads no clock (dates are passed in). Prices live in rate card files, never in code; the
// database stores a card's slices as tables (see RateCard). Labels and tracking numbers are
// in shipping/label.
//
// # Rate card files
//
// One CSV file per carrier and period (ReadRateCard, WriteRateCard; ratecards/README.md shows
// an example of each row). It has one header row naming these columns, in any order:
//
//	kind carrier name tracking_format currency valid_from valid_to weight_unit weight_step
//	dim_unit dim_divisor side_rounding fuel_percent service max_weight max_side origin country
//	postcode_prefix zone price days surcharge min_side
//
// Each row's kind says what it is and which columns it fills; it leaves the others empty:
//
//	card       carrier name tracking_format currency valid_from [valid_to] weight_unit
//	           weight_step dim_unit [dim_divisor side_rounding] [fuel_percent]   (exactly one)
//	service    service name max_weight [max_side]
//	zone       origin country [postcode_prefix] zone
//	rate       service zone max_weight price          (a weight break)
//	transit    service zone days                      (working days)
//	surcharge  surcharge=remote country [postcode_prefix] price
//	           surcharge=oversize min_side price
//
// Weights are decimals in the card's weight_unit (kg, or lb counted as GramsPerPound), lengths
// in its dim_unit (cm or in); both become whole grams and millimetres. Prices are decimal
// amounts in the card's currency ("12.50", as many decimals as the currency has) and become
// minor units exactly. fuel_percent may have two decimals ("18.75"). Dates are YYYY-MM-DD.
// A zone row's country may be "*" (AnyCountry): every country the origin's other rows do not
// name. Postcode prefixes are compared without spaces, in upper case.
//
// A card is read whole or not at all: every problem is reported with its file, line and
// column, and what was expected there (*CardError).
//
// # Pricing
//
// RateCard.Quote prices one service: billable weight (actual or dimensional, as the carriers
// publish it: see DimWeightG), the weight break that holds it, remote and oversize
// surcharges, and fuel on top of both. Shop lists every service that can carry a parcel on a
// day and picks the default. ChooseBox, ExpectedWeight and WeightPlausible help pack;
// NeedsCustoms, CustomsForm and CheckCustomsItems prepare the customs declaration.
package shipping
