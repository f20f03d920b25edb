package seed

import "strconv"

// variant is one value of a product axis (a colour, a size, a capacity). scale adjusts weight,
// size and price relative to the item; 0 means 1.
type variant struct {
	code, label string
	scale       float64
}

// item is a product family; its axes multiply into SKUs.
type item struct {
	code, name string
	weightG    int
	dims       [3]int // length, width, height in mm
	hs         string
	priceEUR   int // whole euros for the base variant; sold at .99
	axes       [][]variant
	oversize   bool
}

// category groups items that share a tax category, origins, storage zone and lot tracking.
type category struct {
	code, name string
	share      int // weight in the catalogue mix
	zone       string
	taxCat     string
	lots       bool // lot- and expiry-tracked (cosmetics, food)
	origins    []string
	items      []item
	returnWhy  []string // return reason codes typical for the category
}

var (
	colours = []variant{{"BLK", "Black", 0}, {"NVY", "Navy", 0}, {"GRY", "Heather Grey", 0},
		{"OLV", "Olive", 0}, {"OWH", "Off-White", 0}, {"BRG", "Burgundy", 0}, {"SND", "Sand", 0},
		{"FGR", "Forest Green", 0}}
	fewColours = []variant{{"BLK", "Black", 0}, {"NVY", "Navy", 0}, {"GRY", "Grey", 0}, {"RST", "Rust", 0}}
	sizes      = []variant{{"XS", "XS", 0.85}, {"S", "S", 0.92}, {"M", "M", 1}, {"L", "L", 1.08},
		{"XL", "XL", 1.16}, {"XXL", "XXL", 1.25}}
	sockSizes = []variant{{"3538", "EU 35–38", 0.9}, {"3942", "EU 39–42", 1}, {"4346", "EU 43–46", 1.1}}
	finishes  = []variant{{"SS", "Brushed Steel", 0}, {"BLK", "Matte Black", 0}, {"SGE", "Sage", 0},
		{"CRM", "Cream", 0}}
	enamel = []variant{{"RED", "Cherry Red", 0}, {"BLU", "Ocean Blue", 0}, {"GRN", "Sage Green", 0},
		{"WHT", "Ivory", 0}}
	plugs        = []variant{{"EU", "EU plug", 0}, {"UK", "UK plug", 0}, {"US", "US plug", 0}}
	cableColours = []variant{{"BLK", "Black", 0}, {"WHT", "White", 0}, {"BLU", "Blue", 0}}
	phones       = []variant{{"IP15", "iPhone 15", 0}, {"IP15P", "iPhone 15 Pro", 0},
		{"IP16", "iPhone 16", 0}, {"GS24", "Galaxy S24", 0}, {"PX8", "Pixel 8", 0}, {"PX9", "Pixel 9", 0}}
	grinds = []variant{{"WB", "Whole Bean", 0}, {"FLT", "Filter Grind", 0}, {"ESP", "Espresso Grind", 0}}
	scents = []variant{{"LAV", "Lavender", 0}, {"CED", "Cedarwood", 0}, {"FIG", "Fig", 0},
		{"CIT", "Citrus", 0}, {"UNS", "Unscented", 0}}
)

// measures makes size variants whose weight and price scale with the measure relative to the
// first one: 1000 g of coffee weighs four times 250 g.
func measures(unit string, vals ...string) []variant {
	out := make([]variant, len(vals))
	first, _ := strconv.ParseFloat(vals[0], 64)
	for i, v := range vals {
		f, _ := strconv.ParseFloat(v, 64)
		out[i] = variant{code: v, label: v + " " + unit, scale: f / first}
	}
	return out
}

var categories = []category{
	{code: "APP", name: "Apparel", share: 22, zone: "A", taxCat: "standard",
		origins: []string{"BD", "PT", "TR", "VN", "IN", "CN"}, returnWhy: []string{"RET_SIZE", "RET_SIZE", "RET_NO_LONGER_WANTED", "RET_NOT_AS_DESCRIBED"},
		items: []item{
			{"TSH", "Organic Cotton T-Shirt", 180, [3]int{300, 250, 20}, "610910", 24, [][]variant{colours, sizes}, false},
			{"SWT", "Merino Crew Sweater", 420, [3]int{330, 280, 50}, "611011", 89, [][]variant{colours, sizes}, false},
			{"HOD", "Hooded Sweatshirt", 620, [3]int{350, 300, 70}, "611020", 59, [][]variant{colours, sizes}, false},
			{"CHN", "Slim Chino Trousers", 480, [3]int{350, 280, 40}, "620342", 69, [][]variant{fewColours, sizes}, false},
			{"LIN", "Linen Shirt", 260, [3]int{320, 260, 30}, "620590", 55, [][]variant{colours, sizes}, false},
			{"RJK", "Packable Rain Jacket", 390, [3]int{300, 250, 60}, "620193", 119, [][]variant{fewColours, sizes}, false},
			{"RSH", "Running Shorts", 140, [3]int{250, 200, 20}, "620463", 34, [][]variant{fewColours, sizes}, false},
			{"SCK", "Wool Hiking Socks 3-Pack", 210, [3]int{220, 120, 40}, "611595", 19, [][]variant{fewColours, sockSizes}, false},
			{"BNE", "Ribbed Fleece Beanie", 90, [3]int{220, 200, 30}, "650500", 22, [][]variant{colours}, false},
		}},
	{code: "KIT", name: "Kitchenware", share: 14, zone: "B", taxCat: "standard",
		origins: []string{"CN", "DE", "PT", "IT", "IN"}, returnWhy: []string{"RET_DAMAGED", "RET_NO_LONGER_WANTED", "RET_DEFECTIVE"},
		items: []item{
			{"TMB", "Stainless Steel Tumbler", 320, [3]int{90, 90, 210}, "732393", 25, [][]variant{measures("ml", "350", "500", "750"), finishes}, false},
			{"SKL", "Cast Iron Skillet", 1600, [3]int{450, 270, 60}, "732391", 45, [][]variant{measures("cm", "20", "24", "28")}, false},
			{"KNF", "Chef's Knife", 210, [3]int{340, 50, 25}, "821192", 79, [][]variant{measures("cm", "16", "20")}, false},
			{"CTB", "Bamboo Cutting Board", 900, [3]int{400, 280, 20}, "441919", 29, [][]variant{{{"S", "Small", 0.7}, {"M", "Medium", 1}, {"L", "Large", 1.3}}}, false},
			{"DOV", "Enamel Dutch Oven", 4500, [3]int{340, 290, 190}, "732394", 149, [][]variant{measures("L", "3.8", "5.5"), enamel}, true},
			{"FRP", "French Press", 420, [3]int{170, 120, 220}, "701337", 35, [][]variant{measures("ml", "350", "1000"), {{"SS", "Steel", 0}, {"CPR", "Copper", 0}}}, false},
			{"MUG", "Stoneware Mug", 380, [3]int{120, 90, 100}, "691200", 16, [][]variant{measures("ml", "300", "400"), enamel}, false},
			{"KTL", "Gooseneck Pour-Over Kettle", 880, [3]int{290, 160, 180}, "732393", 65, [][]variant{finishes}, false},
			{"GFC", "Glass Food Container Set", 2300, [3]int{310, 230, 160}, "701349", 39, [][]variant{{{"3P", "3 pieces", 0.6}, {"5P", "5 pieces", 1}, {"10P", "10 pieces", 1.8}}}, false},
		}},
	{code: "ELE", name: "Electronics accessories", share: 14, zone: "C", taxCat: "standard",
		origins: []string{"CN", "VN", "TW", "MY"}, returnWhy: []string{"RET_DEFECTIVE", "RET_NO_LONGER_WANTED", "RET_WRONG_ITEM"},
		items: []item{
			{"CBL", "USB-C to USB-C Cable", 45, [3]int{120, 90, 20}, "854442", 15, [][]variant{measures("m", "1", "2"), cableColours}, false},
			{"CHG", "65W GaN Charger", 120, [3]int{80, 60, 35}, "850440", 45, [][]variant{plugs, {{"WHT", "White", 0}, {"BLK", "Black", 0}}}, false},
			{"WCP", "Wireless Charging Pad", 150, [3]int{110, 110, 25}, "850440", 29, [][]variant{cableColours}, false},
			{"EBD", "Bluetooth Earbuds", 110, [3]int{100, 80, 40}, "851830", 79, [][]variant{{{"BLK", "Black", 0}, {"WHT", "White", 0}, {"SGE", "Sage", 0}}}, false},
			{"CSE", "Recycled Phone Case", 40, [3]int{180, 100, 20}, "420232", 25, [][]variant{phones, {{"CLR", "Clear", 0}, {"BLK", "Black", 0}, {"SND", "Sand", 0}}}, false},
			{"PWB", "Power Bank", 280, [3]int{150, 75, 25}, "850760", 39, [][]variant{measures("mAh", "10000", "20000")}, false},
			{"HDM", "HDMI 2.1 Cable", 90, [3]int{150, 100, 30}, "854442", 14, [][]variant{measures("m", "1", "2", "3")}, false},
			{"SLV", "Felt Laptop Sleeve", 260, [3]int{380, 270, 20}, "420212", 35, [][]variant{measures("inch", "13", "14", "16"), fewColours}, false},
		}},
	{code: "BOK", name: "Books", share: 10, zone: "B", taxCat: "reduced",
		origins: []string{"NL", "GB", "DE", "PL", "US"}, returnWhy: []string{"RET_DAMAGED", "RET_NO_LONGER_WANTED"}},
	{code: "COS", name: "Cosmetics", share: 10, zone: "C", taxCat: "standard", lots: true,
		origins: []string{"FR", "DE", "KR", "IT", "NL"}, returnWhy: []string{"RET_DAMAGED", "RET_NOT_AS_DESCRIBED"},
		items: []item{
			{"FCR", "Hydrating Face Cream", 120, [3]int{70, 70, 60}, "330499", 29, [][]variant{measures("ml", "50")}, false},
			{"SER", "Vitamin C Serum", 90, [3]int{40, 40, 110}, "330499", 34, [][]variant{measures("ml", "30")}, false},
			{"BLT", "Shea Body Lotion", 320, [3]int{70, 50, 190}, "330499", 17, [][]variant{measures("ml", "250", "400"), scents}, false},
			{"SPF", "Mineral Sunscreen", 130, [3]int{50, 35, 150}, "330499", 22, [][]variant{{{"30", "SPF 30", 0}, {"50", "SPF 50", 0}}}, false},
			{"LBM", "Lip Balm", 15, [3]int{20, 20, 70}, "330410", 6, [][]variant{{{"VAN", "Vanilla", 0}, {"MNT", "Mint", 0}, {"HNY", "Honey", 0}, {"UNS", "Unscented", 0}}}, false},
			{"HOL", "Argan Hair Oil", 140, [3]int{45, 45, 130}, "330590", 24, [][]variant{measures("ml", "50", "100")}, false},
			{"HCR", "Hand Cream", 90, [3]int{40, 30, 140}, "330499", 12, [][]variant{measures("ml", "75"), scents}, false},
			{"SHB", "Solid Shampoo Bar", 95, [3]int{75, 75, 35}, "330510", 11, [][]variant{scents}, false},
		}},
	{code: "COF", name: "Coffee & tea", share: 9, zone: "B", taxCat: "reduced", lots: true,
		returnWhy: []string{"RET_DAMAGED", "RET_WRONG_ITEM"},
		items: []item{
			{"ETH", "Ethiopia Yirgacheffe Coffee", 270, [3]int{200, 120, 70}, "090121", 14, [][]variant{measures("g", "250", "1000"), grinds}, false},
			{"COL", "Colombia Huila Coffee", 270, [3]int{200, 120, 70}, "090121", 13, [][]variant{measures("g", "250", "1000"), grinds}, false},
			{"BRZ", "Brazil Cerrado Coffee", 270, [3]int{200, 120, 70}, "090121", 11, [][]variant{measures("g", "250", "1000"), grinds}, false},
			{"ESB", "House Espresso Blend", 270, [3]int{200, 120, 70}, "090121", 12, [][]variant{measures("g", "250", "1000"), grinds}, false},
			{"DEC", "Swiss Water Decaf", 270, [3]int{200, 120, 70}, "090122", 14, [][]variant{measures("g", "250")}, false},
			{"EGR", "Earl Grey Tea", 120, [3]int{150, 80, 80}, "090230", 9, [][]variant{{{"100G", "Loose Leaf 100 g", 0}, {"20TB", "20 Tea Bags", 0.5}}}, false},
			{"SEN", "Sencha Green Tea", 110, [3]int{150, 80, 80}, "090210", 12, [][]variant{{{"100G", "Loose Leaf 100 g", 0}, {"20TB", "20 Tea Bags", 0.5}}}, false},
			{"ASM", "Assam Breakfast Tea", 120, [3]int{150, 80, 80}, "090230", 8, [][]variant{{{"100G", "Loose Leaf 100 g", 0}, {"40TB", "40 Tea Bags", 0.8}}}, false},
			{"RBS", "Organic Rooibos", 110, [3]int{150, 80, 80}, "121190", 8, [][]variant{{{"100G", "Loose Leaf 100 g", 0}, {"20TB", "20 Tea Bags", 0.5}}}, false},
		}},
	{code: "TOY", name: "Toys", share: 7, zone: "A", taxCat: "standard",
		origins: []string{"CN", "DE", "VN", "PL"}, returnWhy: []string{"RET_DAMAGED", "RET_NO_LONGER_WANTED", "RET_DEFECTIVE"},
		items: []item{
			{"BLK", "Wooden Building Blocks", 1400, [3]int{300, 200, 150}, "950300", 35, [][]variant{{{"50", "50 pieces", 0.6}, {"100", "100 pieces", 1}}}, false},
			{"BER", "Plush Bear", 300, [3]int{300, 200, 150}, "950300", 25, [][]variant{measures("cm", "25", "40"), {{"HNY", "Honey", 0}, {"CRM", "Cream", 0}, {"CHO", "Chocolate", 0}}}, false},
			{"PZL", "Jigsaw Puzzle", 700, [3]int{340, 240, 60}, "950300", 19, [][]variant{{{"500", "500 pieces", 0.8}, {"1000", "1000 pieces", 1}}, {{"HRB", "Harbour at Dusk", 0}, {"ALP", "Alpine Lake", 0}, {"MAP", "Old World Map", 0}, {"CAT", "Cats in the Garden", 0}}}, false},
			{"TRN", "Wooden Train Set", 2100, [3]int{450, 300, 100}, "950300", 59, [][]variant{{{"STR", "Starter", 0.7}, {"DLX", "Deluxe", 1.4}}}, false},
			{"KTE", "Stunt Kite", 350, [3]int{800, 120, 60}, "950300", 39, [][]variant{{{"RED", "Red", 0}, {"BLU", "Blue", 0}}}, true},
		}},
	{code: "TLS", name: "Tools", share: 6, zone: "B", taxCat: "standard",
		origins: []string{"DE", "TW", "CN", "US"}, returnWhy: []string{"RET_DEFECTIVE", "RET_DAMAGED"},
		items: []item{
			{"DRL", "Cordless Drill 18V", 1700, [3]int{330, 280, 100}, "846721", 129, [][]variant{{{"BAT", "with 2 batteries", 1.2}, {"SOLO", "body only", 0.7}}}, false},
			{"SDS", "Precision Screwdriver Set", 450, [3]int{220, 120, 40}, "820540", 29, [][]variant{{{"12", "12-piece", 0.6}, {"32", "32-piece", 1}}}, false},
			{"HMR", "Claw Hammer", 650, [3]int{330, 120, 35}, "820520", 24, [][]variant{{{"16", "16 oz", 0.8}, {"20", "20 oz", 1}}}, false},
			{"WRN", "Adjustable Wrench", 330, [3]int{250, 70, 20}, "820411", 19, [][]variant{measures("mm", "150", "250")}, false},
			{"TPM", "Tape Measure", 280, [3]int{90, 80, 45}, "901780", 14, [][]variant{measures("m", "5", "8")}, false},
			{"LVL", "Aluminium Spirit Level", 700, [3]int{600, 60, 25}, "901580", 29, [][]variant{measures("cm", "60")}, false},
			{"LVX", "Aluminium Spirit Level", 1300, [3]int{1200, 60, 25}, "901580", 45, [][]variant{measures("cm", "120")}, true},
			{"SKT", "Socket Set", 2300, [3]int{400, 250, 70}, "820420", 69, [][]variant{{{"38", "3/8\" drive, 40-piece", 1}, {"14", "1/4\" drive, 25-piece", 0.6}}}, false},
		}},
	{code: "HOM", name: "Home", share: 5, zone: "B", taxCat: "standard",
		origins: []string{"PT", "IN", "NL", "BE"}, returnWhy: []string{"RET_NOT_AS_DESCRIBED", "RET_NO_LONGER_WANTED", "RET_DAMAGED"},
		items: []item{
			{"CDL", "Soy Wax Candle", 380, [3]int{90, 90, 110}, "340600", 22, [][]variant{scents}, false},
			{"CSH", "Linen Cushion Cover 50×50", 220, [3]int{300, 250, 20}, "630492", 29, [][]variant{colours}, false},
			{"THR", "Wool Throw Blanket", 1300, [3]int{450, 350, 120}, "630120", 89, [][]variant{fewColours}, true},
			{"POT", "Ceramic Plant Pot", 600, [3]int{200, 200, 190}, "691390", 24, [][]variant{measures("cm", "14", "18", "24"), {{"WHT", "White", 0}, {"TER", "Terracotta", 0}, {"CHR", "Charcoal", 0}}}, false},
		}},
	{code: "SPT", name: "Sports", share: 5, zone: "D", taxCat: "standard",
		origins: []string{"CN", "TW", "VN", "DE"}, returnWhy: []string{"RET_NO_LONGER_WANTED", "RET_DEFECTIVE"},
		items: []item{
			{"YGM", "Natural Rubber Yoga Mat", 2200, [3]int{620, 140, 140}, "950691", 69, [][]variant{measures("mm", "4", "6"), {{"MOS", "Moss", 0}, {"SND", "Sand", 0}, {"CHR", "Charcoal", 0}}}, true},
			{"RBD", "Resistance Band Set", 400, [3]int{200, 150, 60}, "950691", 25, [][]variant{{{"LT", "Light", 0}, {"HV", "Heavy", 0}}}, false},
			{"BTL", "Insulated Water Bottle", 380, [3]int{80, 80, 270}, "961700", 29, [][]variant{measures("ml", "500", "750"), finishes}, false},
			{"JRP", "Speed Jump Rope", 180, [3]int{200, 120, 40}, "950691", 15, [][]variant{cableColours}, false},
			{"FRL", "Foam Roller", 600, [3]int{450, 150, 150}, "950691", 29, [][]variant{measures("cm", "45")}, true},
		}},
	{code: "STA", name: "Stationery", share: 5, zone: "C", taxCat: "standard",
		origins: []string{"JP", "DE", "IT", "CN"}, returnWhy: []string{"RET_DAMAGED", "RET_WRONG_ITEM"},
		items: []item{
			{"NBK", "Dotted Notebook A5", 320, [3]int{215, 150, 15}, "482010", 18, [][]variant{colours}, false},
			{"GEL", "Gel Pen 10-Pack", 110, [3]int{160, 80, 15}, "960810", 9, [][]variant{{{"05", "0.5 mm", 0}, {"07", "0.7 mm", 0}}}, false},
			{"FPN", "Fountain Pen", 60, [3]int{160, 40, 30}, "960831", 39, [][]variant{{{"F", "Fine nib", 0}, {"M", "Medium nib", 0}}, fewColours}, false},
			{"PLN", "Weekly Desk Planner", 420, [3]int{250, 180, 20}, "482010", 24, [][]variant{fewColours}, false},
		}},
}

// Coffee and tea come from where they grow; the item code decides the origin.
var beverageOrigins = map[string]string{"ETH": "ET", "COL": "CO", "BRZ": "BR", "ESB": "BR",
	"DEC": "CO", "EGR": "IN", "SEN": "JP", "ASM": "IN", "RBS": "ZA"}

var (
	bookAdjectives = []string{"Quiet", "Silent", "Last", "Hidden", "Golden", "Winter", "Northern",
		"Distant", "Forgotten", "Crimson", "Little", "Wild", "Salt", "Paper", "Glass", "Iron", "Summer",
		"Blue"}
	bookNouns = []string{"Harbour", "Garden", "Orchard", "Lighthouse", "River", "Kingdom", "Atlas",
		"Cartographer", "Beekeeper", "Station", "Island", "Archive", "Compass", "Lantern", "Bridge",
		"Meadow", "Ferryman", "Observatory"}
	bookGuides = []string{"Sourdough Baking", "Urban Gardening", "Watercolour Painting",
		"Home Coffee Roasting", "Bicycle Maintenance", "Japanese Home Cooking", "Birdwatching",
		"Woodworking", "Personal Finance", "Trail Running", "Film Photography", "Houseplants",
		"Fermentation", "Knitting", "Bread", "Sailing"}
	bookFormats = []variant{{"PB", "Paperback", 0}, {"HC", "Hardcover", 1.6}}
)
