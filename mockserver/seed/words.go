package seed

// Small word lists for what gofakeit has no direct, cheap method for. Picking
// from a slice is a single random number and shares the string: a generated
// contact costs no allocation for its tags, titles or note bodies.

// freeMailDomains are where most contacts of a small business have their
// email. Weighted by repetition, roughly as their market shares go.
var freeMailDomains = []string{
	"gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com",
	"yahoo.com", "yahoo.com", "outlook.com", "outlook.com", "hotmail.com", "hotmail.com",
	"icloud.com", "icloud.com", "aol.com", "comcast.net", "msn.com", "proton.me",
}

// commonTags are in every location's tag vocabulary; extraTags are drawn per
// location, so that locations differ as real ones do.
var (
	commonTags = []string{"new lead", "chatbot", "newsletter", "vip", "whatsapp", "appointment booked"}
	extraTags  = []string{
		"no show", "customer", "follow up", "hot lead", "cold lead", "referral", "facebook lead",
		"google ads", "instagram", "webinar", "price inquiry", "unsubscribed", "review requested",
		"reactivation", "missed call", "sms opt-in", "do not call", "wholesale", "returning",
		"spanish speaker", "trial", "past client", "event attendee", "quote sent",
	}
)

// sources are the `source` values GHL shows, weighted.
var sources = []string{
	"public api", "public api", "form", "form", "form", "chat widget", "chat widget",
	"zapier", "CRM UI", "CRM UI", "facebook lead ad", "calendar booking", "survey", "import",
}

// attributionOf gives the attributionSource (sessionSource, medium) that goes
// with a source.
func attributionOf(source string) (sessionSource, medium string) {
	switch source {
	case "CRM UI", "import":
		return "CRM UI", "manual"
	case "public api", "zapier":
		return "Third Party", "api"
	}
	return "Third Party", "form"
}

var companySuffixes = []string{
	"Plumbing", "Dental", "Realty", "Consulting", "Landscaping", "Bakery", "Auto Repair",
	"Fitness", "Law Group", "Roofing", "& Sons", "Insurance", "Photography", "Cleaning Co.",
	"Construction", "Med Spa", "Chiropractic", "HVAC", "Marketing", "Catering",
}

var streetTypes = []string{"St", "St", "Ave", "Ave", "Rd", "Blvd", "Dr", "Ln", "Ct", "Way", "Pl", "Ter"}

var taskTitles = []string{
	"Call back about pricing", "Send quote", "Follow up on missed call", "Confirm appointment",
	"Send welcome email", "Check in after first visit", "Ask for a Google review",
	"Reply to chatbot hand-off", "Schedule consultation", "Send contract for signature",
	"Follow up on unpaid invoice", "Update contact details", "Share brochure",
	"Reactivation call", "Verify insurance details", "Book follow-up visit",
	"Answer WhatsApp question", "Send intake form", "Call to reschedule", "Thank-you text",
}

var taskBodies = []string{
	"", "", "",
	"Asked about pricing through the website chat.",
	"Prefers a text message over a call.",
	"Wants to know about weekend availability.",
	"Left a voicemail, no answer yet.",
	"Mentioned a friend referred them.",
	"Needs the quote before the end of the month.",
	"Call after 5pm, works during the day.",
	"Interested in the monthly plan.",
	"Confirm the address before the visit.",
	"Send the form by email and SMS.",
}

// noteSentences make note bodies of one to three sentences.
var noteSentences = []string{
	"Called and left a voicemail.",
	"Spoke on the phone for about ten minutes.",
	"Asked about pricing for the premium package.",
	"Prefers to be contacted by text message.",
	"Came in through the website chat widget.",
	"Mentioned they were referred by a neighbour.",
	"Wants a follow-up next week.",
	"Not interested right now, check back in three months.",
	"Requested a callback in the afternoon.",
	"Booked a consultation through the calendar link.",
	"Has questions about financing options.",
	"Very happy with the last visit.",
	"Complained about the wait time.",
	"Asked to be removed from the promotional list.",
	"Comparing us with two other providers.",
	"Budget is tight this quarter.",
	"Replied to the WhatsApp broadcast.",
	"Needs an invoice for their records.",
	"Will bring a colleague to the next meeting.",
	"Their email bounced once; phone works.",
	"Opened the newsletter and clicked the offer.",
	"Rescheduled twice already.",
	"Speaks Spanish; prefers a Spanish-speaking rep.",
	"Decision maker is the business partner.",
}

var noteTitles = []string{"Call summary", "Follow-up summary", "Chatbot hand-off", "Preferences", "Billing", "Objections"}

var noteColors = []string{"#FFAA00", "#4CAF50", "#2196F3", "#E91E63", "#9C27B0"}

var dndMessages = []string{"", "", "Replied STOP", "Requested by contact", "Number unreachable"}

// textValues are values for TEXT custom fields that give no hint of their
// meaning; colours for fields whose key says colour.
var (
	textValues   = []any{"Referred by a friend", "Saw an ad", "Walk-in", "Google search", "Returning client", "Instagram", "Yelp", "Radio ad"}
	colourValues = []any{"red", "blue", "green", "purple", "orange", "yellow", "black", "teal", "pink"}
)

// city is a US city with what goes with it, so that an address, its phone's
// area code and its timezone agree.
type city struct {
	name, state, zipPrefix, timezone string
	areaCodes                        []int
}

var usCities = []city{
	{"New York", "NY", "100", "America/New_York", []int{212, 646, 917, 332}},
	{"Brooklyn", "NY", "112", "America/New_York", []int{718, 347, 929}},
	{"Buffalo", "NY", "142", "America/New_York", []int{716}},
	{"Boston", "MA", "021", "America/New_York", []int{617, 857}},
	{"Philadelphia", "PA", "191", "America/New_York", []int{215, 267}},
	{"Pittsburgh", "PA", "152", "America/New_York", []int{412}},
	{"Newark", "NJ", "071", "America/New_York", []int{973, 862}},
	{"Baltimore", "MD", "212", "America/New_York", []int{410, 443}},
	{"Washington", "DC", "200", "America/New_York", []int{202}},
	{"Richmond", "VA", "232", "America/New_York", []int{804}},
	{"Charlotte", "NC", "282", "America/New_York", []int{704, 980}},
	{"Raleigh", "NC", "276", "America/New_York", []int{919, 984}},
	{"Atlanta", "GA", "303", "America/New_York", []int{404, 470, 678}},
	{"Miami", "FL", "331", "America/New_York", []int{305, 786}},
	{"Orlando", "FL", "328", "America/New_York", []int{407, 689}},
	{"Tampa", "FL", "336", "America/New_York", []int{813}},
	{"Columbus", "OH", "432", "America/New_York", []int{614}},
	{"Cleveland", "OH", "441", "America/New_York", []int{216}},
	{"Detroit", "MI", "482", "America/Detroit", []int{313}},
	{"Indianapolis", "IN", "462", "America/Indiana/Indianapolis", []int{317}},
	{"Chicago", "IL", "606", "America/Chicago", []int{312, 773, 872}},
	{"Milwaukee", "WI", "532", "America/Chicago", []int{414}},
	{"Minneapolis", "MN", "554", "America/Chicago", []int{612}},
	{"St. Louis", "MO", "631", "America/Chicago", []int{314}},
	{"Kansas City", "MO", "641", "America/Chicago", []int{816}},
	{"Nashville", "TN", "372", "America/Chicago", []int{615, 629}},
	{"Memphis", "TN", "381", "America/Chicago", []int{901}},
	{"New Orleans", "LA", "701", "America/Chicago", []int{504}},
	{"Houston", "TX", "770", "America/Chicago", []int{713, 281, 832}},
	{"Dallas", "TX", "752", "America/Chicago", []int{214, 469, 972}},
	{"Austin", "TX", "787", "America/Chicago", []int{512, 737}},
	{"San Antonio", "TX", "782", "America/Chicago", []int{210}},
	{"Oklahoma City", "OK", "731", "America/Chicago", []int{405}},
	{"Denver", "CO", "802", "America/Denver", []int{303, 720}},
	{"Salt Lake City", "UT", "841", "America/Denver", []int{801, 385}},
	{"Albuquerque", "NM", "871", "America/Denver", []int{505}},
	{"Boise", "ID", "837", "America/Boise", []int{208}},
	{"Phoenix", "AZ", "850", "America/Phoenix", []int{602, 480, 623}},
	{"Tucson", "AZ", "857", "America/Phoenix", []int{520}},
	{"Las Vegas", "NV", "891", "America/Los_Angeles", []int{702, 725}},
	{"Los Angeles", "CA", "900", "America/Los_Angeles", []int{213, 310, 323, 818}},
	{"San Diego", "CA", "921", "America/Los_Angeles", []int{619, 858}},
	{"San Francisco", "CA", "941", "America/Los_Angeles", []int{415, 628}},
	{"Oakland", "CA", "946", "America/Los_Angeles", []int{510}},
	{"San Jose", "CA", "951", "America/Los_Angeles", []int{408, 669}},
	{"Sacramento", "CA", "958", "America/Los_Angeles", []int{916}},
	{"Portland", "OR", "972", "America/Los_Angeles", []int{503, 971}},
	{"Seattle", "WA", "981", "America/Los_Angeles", []int{206}},
	{"Anchorage", "AK", "995", "America/Anchorage", []int{907}},
	{"Honolulu", "HI", "968", "Pacific/Honolulu", []int{808}},
}

// mobilePlans say how to make a valid-looking mobile number of a country
// outside the North American plan: calling code, the digits a national mobile
// number starts with, and how many digits follow.
var mobilePlans = map[string]struct {
	cc, prefix string
	rest       int
}{
	"GB": {"44", "7", 9}, "IE": {"353", "8", 8}, "AU": {"61", "4", 8}, "NZ": {"64", "2", 8},
	"IN": {"91", "9", 9}, "DE": {"49", "15", 9}, "FR": {"33", "6", 8}, "ES": {"34", "6", 8},
	"IT": {"39", "3", 9}, "NL": {"31", "6", 8}, "BR": {"55", "119", 8}, "MX": {"52", "55", 8},
	"ZA": {"27", "8", 8}, "PH": {"63", "9", 9}, "SG": {"65", "8", 7}, "AE": {"971", "5", 8},
	"NG": {"234", "8", 9}, "KE": {"254", "7", 8},
}
