package seed

// city is where an address is; postal is a pattern for rng.digits.
type city struct {
	name, region, postal string
	areas                []string // neighbourhoods, for countries whose addresses use them (JP)
}

// country holds what makes an address and a name look local.
type country struct {
	code        string
	first, last []string
	streets     []string
	numberFirst bool // "12 rue Pasteur", "1234 Maple Ave" rather than "Kerkstraat 12"
	familyFirst bool // "Sato Yui"
	cities      []city
	phone       string // rng.digits pattern
	domains     []string
	company     []string // legal-form suffixes for work addresses
	line2       []string // apartment or floor patterns
}

var countries = map[string]*country{
	"NL": {code: "NL",
		first:   []string{"Daan", "Sem", "Emma", "Julia", "Lotte", "Bram", "Sanne", "Thijs", "Noor", "Lucas", "Fleur", "Ruben", "Anouk", "Jesse", "Femke", "Milan"},
		last:    []string{"de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker"},
		streets: []string{"Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Julianastraat", "Beatrixlaan", "Nieuwstraat", "Prinsengracht", "Oranjestraat", "Lindelaan", "Van Goghstraat"},
		cities: []city{{name: "Amsterdam", postal: "10%# @@"}, {name: "Rotterdam", postal: "30%# @@"},
			{name: "Utrecht", postal: "35%# @@"}, {name: "Den Haag", postal: "25%# @@"},
			{name: "Eindhoven", postal: "56%# @@"}, {name: "Groningen", postal: "97%# @@"},
			{name: "Haarlem", postal: "20%# @@"}, {name: "Nijmegen", postal: "65%# @@"}},
		phone: "+31 6 #### ####", domains: []string{"ziggo.nl", "kpnmail.nl", "gmail.com", "outlook.com", "hotmail.nl"},
		company: []string{"B.V."}, line2: []string{"", "", "", "bis", "2 hoog"}},
	"BE": {code: "BE",
		first:   []string{"Noah", "Louis", "Olivia", "Emma", "Arthur", "Lucas", "Mila", "Elena", "Lars", "Julie", "Wout", "Marie"},
		last:    []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "Dubois", "Lambert", "Dupont"},
		streets: []string{"Kerkstraat", "Stationsstraat", "Rue de la Station", "Rue de l'Église", "Dorpstraat", "Avenue Louise", "Meir", "Veldstraat"},
		cities: []city{{name: "Brussel", postal: "10#0"}, {name: "Antwerpen", postal: "20#0"},
			{name: "Gent", postal: "90#0"}, {name: "Leuven", postal: "3000"}, {name: "Liège", postal: "4000"},
			{name: "Brugge", postal: "8000"}},
		phone: "+32 47# ## ## ##", domains: []string{"telenet.be", "skynet.be", "gmail.com", "outlook.com"},
		company: []string{"BV", "SRL"}},
	"DE": {code: "DE",
		first:   []string{"Lukas", "Leon", "Anna", "Lena", "Finn", "Mia", "Jonas", "Hannah", "Paul", "Laura", "Felix", "Sophie", "Jan", "Marie", "Tim", "Lea"},
		last:    []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"},
		streets: []string{"Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Lindenstraße", "Bergstraße", "Kastanienallee", "Friedrichstraße", "Goethestraße", "Schillerstraße", "Ringstraße"},
		cities: []city{{name: "Berlin", postal: "10###"}, {name: "Hamburg", postal: "22###"},
			{name: "München", postal: "80###"}, {name: "Köln", postal: "50###"},
			{name: "Frankfurt am Main", postal: "60###"}, {name: "Leipzig", postal: "04###"},
			{name: "Stuttgart", postal: "70###"}, {name: "Dresden", postal: "01###"}},
		phone: "+49 15# ########", domains: []string{"web.de", "gmx.de", "t-online.de", "gmail.com", "posteo.de"},
		company: []string{"GmbH", "GmbH & Co. KG"}, line2: []string{"", "", "", "Hinterhaus", "3. OG"}},
	"AT": {code: "AT",
		first:   []string{"Maximilian", "Elias", "Anna", "Emma", "Tobias", "Marie", "Jakob", "Valentina", "Lukas", "Sarah"},
		last:    []string{"Gruber", "Huber", "Bauer", "Wagner", "Müller", "Pichler", "Steiner", "Moser", "Mayer", "Hofer"},
		streets: []string{"Hauptplatz", "Mariahilfer Straße", "Kirchengasse", "Bahnhofstraße", "Schulgasse", "Lindengasse"},
		cities: []city{{name: "Wien", postal: "1#%0"}, {name: "Graz", postal: "80#0"},
			{name: "Salzburg", postal: "50#0"}, {name: "Linz", postal: "40#0"}, {name: "Innsbruck", postal: "60#0"}},
		phone: "+43 664 #######", domains: []string{"gmx.at", "aon.at", "gmail.com", "a1.net"},
		company: []string{"GmbH"}, line2: []string{"", "", "Top 4", "Stiege 2/7"}},
	"FR": {code: "FR", numberFirst: true,
		first:   []string{"Gabriel", "Louis", "Jade", "Louise", "Hugo", "Emma", "Léa", "Arthur", "Chloé", "Raphaël", "Manon", "Jules", "Camille", "Lucas"},
		last:    []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel"},
		streets: []string{"rue de la République", "avenue Victor Hugo", "rue Pasteur", "boulevard Voltaire", "rue du Moulin", "place de l'Église", "rue Jean Jaurès", "chemin des Vignes"},
		cities: []city{{name: "Paris", postal: "750%#"}, {name: "Lyon", postal: "6900#"},
			{name: "Marseille", postal: "130%#"}, {name: "Toulouse", postal: "31000"},
			{name: "Nantes", postal: "44000"}, {name: "Lille", postal: "59000"}, {name: "Bordeaux", postal: "33000"}},
		phone: "+33 6 ## ## ## ##", domains: []string{"orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr"},
		company: []string{"SARL", "SAS"}, line2: []string{"", "", "", "Bâtiment B", "Appartement 12"}},
	"GB": {code: "GB", numberFirst: true,
		first:   []string{"Oliver", "George", "Amelia", "Olivia", "Harry", "Isla", "Jack", "Ava", "Noah", "Freya", "Charlie", "Poppy", "Arthur", "Grace", "Leo", "Evie"},
		last:    []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright", "Robinson", "Thompson", "Evans", "Walker", "Hughes", "Khan"},
		streets: []string{"High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Avenue", "The Crescent", "Queens Road", "Manor Close", "Green Lane"},
		cities: []city{{name: "London", postal: "SW% #@@"}, {name: "London", postal: "E% #@@"},
			{name: "Manchester", postal: "M% #@@"}, {name: "Leeds", postal: "LS% #@@"},
			{name: "Birmingham", postal: "B% #@@"}, {name: "Bristol", postal: "BS% #@@"},
			{name: "Glasgow", postal: "G% #@@"}, {name: "Edinburgh", postal: "EH% #@@"},
			{name: "York", postal: "YO% #@@"}},
		phone: "+44 7### ######", domains: []string{"btinternet.com", "gmail.com", "outlook.com", "sky.com", "yahoo.co.uk"},
		company: []string{"Ltd"}, line2: []string{"", "", "", "Flat 3", "Flat 12"}},
	"US": {code: "US", numberFirst: true,
		first:   []string{"James", "Mary", "Michael", "Jennifer", "David", "Emily", "Daniel", "Sarah", "Chris", "Ashley", "Matthew", "Jessica", "Ryan", "Megan", "Tyler", "Olivia"},
		last:    []string{"Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Lee", "Nguyen", "Anderson", "Taylor", "Moore", "Jackson", "Clark"},
		streets: []string{"Maple Ave", "Oak St", "Pine St", "Cedar Ln", "Main St", "Washington Blvd", "Lake Dr", "Sunset Blvd", "Elm St", "Park Pl", "Hillcrest Rd"},
		cities: []city{{name: "Los Angeles", region: "CA", postal: "900##"}, {name: "San Francisco", region: "CA", postal: "941##"},
			{name: "Reno", region: "NV", postal: "895##"}, {name: "Las Vegas", region: "NV", postal: "891##"},
			{name: "Seattle", region: "WA", postal: "981##"}, {name: "Portland", region: "OR", postal: "972##"},
			{name: "New York", region: "NY", postal: "100##"}, {name: "Austin", region: "TX", postal: "787##"},
			{name: "Chicago", region: "IL", postal: "606##"}, {name: "Denver", region: "CO", postal: "802##"}},
		phone: "+1 %##-555-01##", domains: []string{"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net"},
		company: []string{"LLC", "Inc."}, line2: []string{"", "", "", "Apt 4B", "Suite 210", "Unit 7"}},
	"CA": {code: "CA", numberFirst: true,
		first:   []string{"Liam", "Olivia", "Noah", "Emma", "William", "Charlotte", "Benjamin", "Amelia", "Lucas", "Chloé", "Ethan", "Zoe"},
		last:    []string{"Smith", "Brown", "Tremblay", "Martin", "Roy", "Wilson", "MacDonald", "Gagnon", "Taylor", "Campbell", "Lee", "Singh"},
		streets: []string{"Queen St W", "King St E", "Yonge St", "Main St", "Maple Cres", "Rue Sainte-Catherine", "Robson St", "Bank St"},
		cities: []city{{name: "Toronto", region: "ON", postal: "M%@ #@#"}, {name: "Ottawa", region: "ON", postal: "K%@ #@#"},
			{name: "Montréal", region: "QC", postal: "H%@ #@#"}, {name: "Vancouver", region: "BC", postal: "V%@ #@#"},
			{name: "Calgary", region: "AB", postal: "T%@ #@#"}},
		phone: "+1 416-555-01##", domains: []string{"gmail.com", "rogers.com", "bell.net", "outlook.com"},
		company: []string{"Inc.", "Ltd."}, line2: []string{"", "", "Unit 1204", "Apt 3"}},
	"JP": {code: "JP", familyFirst: true,
		first: []string{"Haruto", "Yui", "Sota", "Hina", "Ren", "Yuna", "Minato", "Mei", "Riku", "Sakura", "Kaito", "Aoi"},
		last:  []string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida", "Yamada"},
		cities: []city{{name: "Osaka", region: "Osaka", postal: "530-####", areas: []string{"Umeda, Kita-ku", "Namba, Chuo-ku", "Tenma, Kita-ku", "Abeno-suji, Abeno-ku"}},
			{name: "Tokyo", region: "Tokyo", postal: "1%#-####", areas: []string{"Jingumae, Shibuya-ku", "Ginza, Chuo-ku", "Ebisu, Shibuya-ku", "Koenji-kita, Suginami-ku"}},
			{name: "Kyoto", region: "Kyoto", postal: "60#-####", areas: []string{"Gion, Higashiyama-ku", "Karasuma, Nakagyo-ku"}},
			{name: "Yokohama", region: "Kanagawa", postal: "22#-####", areas: []string{"Minatomirai, Nishi-ku", "Motomachi, Naka-ku"}},
			{name: "Sapporo", region: "Hokkaido", postal: "060-####", areas: []string{"Odori-nishi, Chuo-ku", "Kita 8-jo, Kita-ku"}},
			{name: "Fukuoka", region: "Fukuoka", postal: "81#-####", areas: []string{"Tenjin, Chuo-ku", "Hakata-eki, Hakata-ku"}}},
		phone: "+81 90-####-####", domains: []string{"docomo.ne.jp", "yahoo.co.jp", "gmail.com", "icloud.com"},
		company: []string{"K.K."}, line2: []string{"", "", "Room 305", "Sunny Heights 201"}},
	"PL": {code: "PL",
		first:   []string{"Jan", "Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł", "Agnieszka", "Michał", "Zofia", "Jakub", "Natalia"},
		last:    []string{"Nowak", "Wójcik", "Kowalczyk", "Woźniak", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król", "Wieczorek", "Jabłoński", "Pawlak"},
		streets: []string{"ul. Długa", "ul. Polna", "ul. Leśna", "ul. Słoneczna", "ul. Mickiewicza", "ul. Ogrodowa", "ul. Kościuszki", "ul. Grunwaldzka"},
		cities: []city{{name: "Warszawa", postal: "0%-###"}, {name: "Kraków", postal: "3%-###"},
			{name: "Gdańsk", postal: "80-###"}, {name: "Wrocław", postal: "5%-###"},
			{name: "Poznań", postal: "6%-###"}, {name: "Łódź", postal: "9%-###"}},
		phone: "+48 5## ### ###", domains: []string{"wp.pl", "onet.pl", "interia.pl", "gmail.com", "o2.pl"},
		company: []string{"Sp. z o.o."}, line2: []string{"", "", "m. 4", "lok. 12"}},
}

// companyWords make work addresses: "Visser Logistiek B.V.".
var companyWords = []string{"Logistics", "Design", "Consulting", "Bouw", "Studio", "Trading", "Media", "Dental"}

// ascii folds the letters our names use into what an email address can carry.
var asciiFold = map[rune]string{'ä': "ae", 'ö': "oe", 'ü': "ue", 'ß': "ss", 'é': "e", 'è': "e",
	'ç': "c", 'ł': "l", 'ó': "o", 'ś': "s", 'ź': "z", 'ż': "z", 'ą': "a", 'ę': "e", 'ń': "n",
	'ć': "c", 'Ł': "l", 'É': "e", 'à': "a", 'ï': "i", 'î': "i", 'ô': "o", 'û': "u", 'ë': "e"}
