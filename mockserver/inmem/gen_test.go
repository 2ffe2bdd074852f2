package inmem_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// gen makes realistic, deterministic contacts for the oracle test and the
// benchmarks: names (a few non-ASCII), emails (some mixed case), E.164
// phones, companies, addresses, 3–6 tags, custom fields, and 0–3 tasks and
// 0–3 notes with bodies of 100–300 characters.
type gen struct {
	r   *rand.Rand
	ids *crm.IDGen
	// base is the newest DateAdded; contacts spread over the two years before.
	base crm.Millis
}

func newGen(seed uint64) *gen {
	return &gen{
		r:    rand.New(rand.NewPCG(seed, 7)),
		ids:  crm.NewIDGen(seed + 1000),
		base: crm.MillisOf(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)),
	}
}

var (
	firstNames = []string{"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
		"David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Nancy",
		"Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Zoë", "José", "Ángel", "Øyvind", "Chloé",
		"Aiden", "Priya", "Wei", "Fatima", "Olu"}
	lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
		"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
		"Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Müller", "O'Brien", "Núñez", "Kowalski",
		"Nakamura", "Okafor", "Singh", "Chen", "Dubois", "Rossi"}
	companies = []string{"Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
		"Wonka Industries", "Tyrell Corp", "Cyberdyne", "Soylent", "Vandelay Industries", "Pied Piper", "Dunder Mifflin",
		"Prestige Worldwide", "Gringotts", "Monsters Inc", "Oceanic Airlines", "Massive Dynamic", "Aperture Science"}
	domains  = []string{"gmail.com", "yahoo.com", "outlook.com", "example.com", "hotmail.com", "icloud.com", "proton.me"}
	cities   = []string{"Austin", "Boston", "Chicago", "Denver", "Miami", "Seattle", "Portland", "Phoenix", "Atlanta", "Dallas"}
	states   = []string{"TX", "MA", "IL", "CO", "FL", "WA", "OR", "AZ", "GA", "NY"}
	streets  = []string{"Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "1st St N", "Elm St", "Park Ave"}
	sources  = []string{"public api", "website", "referral", "facebook", "zapier", "chatbot", "import"}
	zones    = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}
	tagWords = []string{"vip", "new lead", "customer", "prospect", "newsletter", "webinar", "hot", "cold", "follow up",
		"booked call", "no show", "trial", "churned", "partner", "event 2026", "ebook", "demo", "inbound", "outbound", "sms opt in",
		"whatsapp", "facebook lead", "google ads", "referral", "black friday", "onboarding", "upsell", "support", "billing", "beta"}
	colours   = []string{"Red", "green", "Blue", "yellow", "Purple", "teal", ""}
	interests = []string{"golf", "tennis", "chess"}
	words     = strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore " +
		"et dolore magna aliqua call back about the quote pricing renewal meeting demo follow next week contract signed " +
		"left voicemail asked for discount interested in premium plan sent proposal")
)

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) text(minLen, maxLen int) string {
	n := minLen + g.r.IntN(maxLen-minLen+1)
	var b strings.Builder
	b.Grow(n + 16)
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.pick(words))
	}
	return b.String()[:n]
}

func (g *gen) phone() string {
	return fmt.Sprintf("+1%03d%03d%04d", 200+g.r.IntN(800), 200+g.r.IntN(800), g.r.IntN(10000))
}

// contact returns the n-th contact of a location with the fixture's users,
// businesses and custom fields (of locA when the location has them).
func (g *gen) contact(info *crm.Location, n int) crm.Contact {
	first, last := g.pick(firstNames), g.pick(lastNames)
	c := crm.Contact{
		ID:         g.ids.ID(),
		LocationID: info.ID,
		FirstName:  first,
		LastName:   last,
		Email:      fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(strings.ReplaceAll(last, "'", "")), n, g.pick(domains)),
		Phone:      g.phone(),
		Type:       "lead",
		Source:     g.pick(sources),
		City:       g.pick(cities),
		State:      g.pick(states),
		Country:    "US",
		PostalCode: fmt.Sprintf("%05d", g.r.IntN(100000)),
		Address1:   fmt.Sprintf("%d %s", 1+g.r.IntN(9999), g.pick(streets)),
		Timezone:   g.pick(zones),
		DND:        g.r.IntN(10) == 0,
	}
	// Every so often a field is missing, oddly cased or shared, so that
	// exists, case-insensitivity and ties all get exercised.
	switch g.r.IntN(10) {
	case 0:
		c.Email = ""
	case 1:
		c.Email = strings.ToUpper(c.Email[:1]) + c.Email[1:]
	case 2:
		c.FirstName = ""
	case 3:
		c.Name = "Dr. " + first + " " + last
	}
	if g.r.IntN(8) == 0 {
		c.Phone = ""
	}
	if g.r.IntN(3) > 0 {
		c.CompanyName = g.pick(companies)
	}
	if g.r.IntN(4) == 0 {
		c.Type = "customer"
	}
	if g.r.IntN(3) == 0 {
		c.Website = "https://www." + strings.ToLower(strings.ReplaceAll(g.pick(companies), " ", "")) + ".com"
	}
	if g.r.IntN(3) == 0 {
		c.DateOfBirth = fmt.Sprintf("%04d-%02d-%02d", 1950+g.r.IntN(55), 1+g.r.IntN(12), 1+g.r.IntN(28))
	}
	if len(info.Users) > 0 && g.r.IntN(2) == 0 {
		c.AssignedTo = info.Users[g.r.IntN(len(info.Users))].ID
	}
	if len(info.Users) > 0 && g.r.IntN(5) == 0 {
		c.Followers = []string{info.Users[g.r.IntN(len(info.Users))].ID}
	}
	if len(info.Businesses) > 0 && g.r.IntN(5) == 0 {
		c.BusinessID = info.Businesses[0].ID
	}
	for range 3 + g.r.IntN(4) {
		if t := g.pick(tagWords); !contains(c.Tags, t) {
			c.Tags = append(c.Tags, t)
		}
	}
	if len(info.CustomFields) > 0 {
		if colour := g.pick(colours); colour != "" {
			c.CustomFields = append(c.CustomFields, crm.CustomFieldValue{ID: cfColour, Value: colour})
		}
		if g.r.IntN(2) == 0 {
			c.CustomFields = append(c.CustomFields, crm.CustomFieldValue{ID: cfScore, Value: float64(g.r.IntN(1000)) / 10})
		}
		if g.r.IntN(3) == 0 {
			c.CustomFields = append(c.CustomFields, crm.CustomFieldValue{ID: cfInterests, Value: []string{g.pick(interests)}})
		}
		if g.r.IntN(4) == 0 {
			c.CustomFields = append(c.CustomFields, crm.CustomFieldValue{ID: cfRenewal, Value: fmt.Sprintf("2026-%02d-%02d", 1+g.r.IntN(12), 1+g.r.IntN(28))})
		}
	}
	// Two years back, on a coarse grid so that equal DateAdded happen.
	back := crm.Millis(g.r.IntN(2*365*24*60)) * 60_000
	if g.r.IntN(20) == 0 {
		back = crm.Millis(g.r.IntN(50)) * 60_000 // a burst of imports at the same minutes
	}
	c.DateAdded = g.base - back
	c.DateUpdated = c.DateAdded + crm.Millis(g.r.IntN(3))*86_400_000
	if g.r.IntN(3) == 0 {
		c.LastActivity = c.DateUpdated
	}
	return c
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// location returns n generated contacts of info, with 0–3 tasks and 0–3
// notes each when children is set.
func (g *gen) location(info crm.Location, n int, children bool) crm.LocationData {
	ld := crm.LocationData{Location: info, Contacts: make([]crm.Contact, 0, n)}
	for i := range n {
		c := g.contact(&info, i)
		ld.Contacts = append(ld.Contacts, c)
		if !children {
			continue
		}
		for range g.r.IntN(4) {
			ld.Tasks = append(ld.Tasks, crm.Task{
				ID: g.ids.ID(), LocationID: info.ID, ContactID: c.ID, Title: g.text(10, 40), Body: g.text(100, 300),
				DueDate: c.DateAdded + 7*86_400_000, Completed: g.r.IntN(2) == 0, DateAdded: c.DateAdded + 1000,
			})
		}
		for range g.r.IntN(4) {
			ld.Notes = append(ld.Notes, crm.Note{
				ID: g.ids.ID(), LocationID: info.ID, ContactID: c.ID, Body: g.text(100, 300),
				DateAdded: c.DateAdded + 2000, DateUpdated: c.DateAdded + 2000,
			})
		}
	}
	return ld
}
