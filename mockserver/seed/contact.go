package seed

import (
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// vocabulary draws what the location's contacts share: its tag vocabulary,
// its note bodies, its cities and its custom field values.
func (g *generator) vocabulary() {
	extra := append([]string(nil), extraTags...)
	for i := range 6 {
		j := i + g.intn(len(extra)-i)
		extra[i], extra[j] = extra[j], extra[i]
	}
	g.tags = append(append([]string(nil), commonTags...), extra[:6]...)

	// Note bodies are drawn from a pool, so that 100,000 notes share a few
	// hundred strings instead of holding their own.
	g.noteBodies = make([]string, 256)
	for i := range g.noteBodies {
		n := 1 + g.intn(3)
		var parts [3]string
		for k := range n {
			parts[k] = g.pick(noteSentences)
		}
		if n == 2 && parts[1] == parts[0] || n == 3 && (parts[2] == parts[0] || parts[2] == parts[1]) {
			n-- // a sentence said twice reads like a bug
		}
		g.noteBodies[i] = strings.Join(parts[:n], " ")
	}

	// Contacts live mostly near the business: cities in the location's
	// timezone weigh four times as much as the others.
	for i := range usCities {
		w := 1
		if usCities[i].timezone == g.loc.Timezone {
			w = 4
		}
		for range w {
			g.cities = append(g.cities, &usCities[i])
		}
	}

	g.fieldVals = make([][]any, len(g.loc.CustomFields))
	for i, f := range g.loc.CustomFields {
		var vals []any
		switch f.DataType {
		case "TEXT":
			vals = textValues
			if strings.Contains(f.Key, "colour") || strings.Contains(f.Key, "color") {
				vals = colourValues
			}
		case "LARGE_TEXT":
			for _, s := range noteSentences {
				vals = append(vals, s)
			}
		case "NUMERICAL":
			for n := 1; n <= 10; n++ {
				vals = append(vals, float64(n))
			}
		case "MONETORY":
			for _, n := range []float64{250, 500, 750, 1000, 1500, 2500, 5000, 7500, 10000, 25000, 50000, 100000, 250000, 500000, 750000, 1250000} {
				vals = append(vals, n)
			}
		case "DATE":
			for d := -365; d <= 365; d += 3 {
				vals = append(vals, g.refTime.AddDate(0, 0, d).Format("2006-01-02"))
			}
		case "SINGLE_OPTIONS", "RADIO":
			for _, o := range f.Options {
				vals = append(vals, o)
			}
		}
		g.fieldVals[i] = vals
	}
}

// contact generates one contact with its tasks, notes and appointments.
func (g *generator) contact() {
	l := g.loc
	c := crm.Contact{
		ID:         g.ids.ID(),
		LocationID: l.ID,
		FirstName:  g.fake.FirstName(),
		LastName:   g.fake.LastName(),
		Type:       "lead",
		Country:    l.Country,
	}
	c.DateAdded = g.ref - crm.Millis(g.int64n(int64(history)))

	hasEmail, hasPhone := true, true
	switch r := g.intn(100); {
	case r < 8:
		hasEmail = false
	case r < 15:
		hasPhone = false
	}
	if hasEmail {
		c.Email = g.email(c.FirstName, c.LastName)
	}

	var home *city
	if l.Country == "US" {
		home = g.cities[g.intn(len(g.cities))]
	}
	if hasPhone {
		c.Phone = g.phone(home)
	}
	if g.chance(65) {
		c.Address1 = g.street()
		if home != nil {
			c.City, c.State = home.name, home.state
			c.PostalCode = home.zipPrefix + twoDigits(g.intn(100))
		}
	}
	switch {
	case home != nil:
		if g.chance(75) {
			c.Timezone = home.timezone
		}
	case g.chance(60):
		c.Timezone = l.Timezone
	}

	if g.chance(60) {
		if len(l.Businesses) > 0 && g.chance(25) { // 15% of all contacts
			b := l.Businesses[g.intn(len(l.Businesses))]
			c.BusinessID, c.CompanyName = b.ID, b.Name
		} else {
			c.CompanyName = g.fake.LastName() + " " + g.pick(companySuffixes)
			if g.chance(30) {
				c.Website = website(c.CompanyName)
			}
		}
	}

	c.Source = g.pick(sources)
	if g.chance(80) {
		ss, medium := attributionOf(c.Source)
		c.Attribution = &crm.Attribution{SessionSource: ss, Medium: medium}
	}
	if g.chance(15) {
		c.Type = "customer"
	}
	c.Tags = g.tagList()
	if g.chance(50) {
		c.CustomFields = g.customFieldValues()
	}
	g.dnd(&c)
	if g.chance(50) {
		c.AssignedTo = g.user()
	}
	if len(g.users) > 0 && g.chance(10) {
		c.Followers = []string{g.user()}
		if u := g.user(); len(g.users) > 1 && g.chance(40) && u != c.Followers[0] {
			c.Followers = append(c.Followers, u)
		}
	}
	if g.chance(30) {
		c.DateOfBirth = g.dateOfBirth()
	}
	c.DateUpdated = c.DateAdded
	if g.chance(50) {
		c.DateUpdated = g.between(c.DateAdded, g.ref)
	}
	if g.chance(40) {
		c.LastActivity = g.between(c.DateAdded, g.ref)
	}

	g.out.Contacts = append(g.out.Contacts, c)
	g.tasks(&c)
	g.notes(&c)
	g.appointments(&c)
}

// tagList draws 0 to 4 distinct tags from the location's vocabulary.
func (g *generator) tagList() []string {
	var n int
	switch r := g.intn(100); {
	case r < 25:
		n = 0
	case r < 55:
		n = 1
	case r < 80:
		n = 2
	case r < 92:
		n = 3
	default:
		n = 4
	}
	var picked [4]string
	for i := range n {
		for {
			if t := g.pick(g.tags); !slices.Contains(picked[:i], t) {
				picked[i] = t
				break
			}
		}
	}
	return crm.NormalizeTags(picked[:n])
}

// customFieldValues gives some of the location's fields a value of their type.
func (g *generator) customFieldValues() []crm.CustomFieldValue {
	var buf [16]crm.CustomFieldValue // the values are copied out at their exact count
	out := buf[:0]
	for i, f := range g.loc.CustomFields {
		if !g.chance(70) {
			continue
		}
		var v any
		switch f.DataType {
		case "MULTIPLE_OPTIONS", "CHECKBOX":
			var picked []string
			for _, o := range f.Options {
				if g.chance(40) {
					picked = append(picked, o)
				}
			}
			if len(picked) == 0 {
				picked = []string{g.pick(f.Options)}
			}
			v = picked
		default:
			vals := g.fieldVals[i]
			if len(vals) == 0 {
				continue
			}
			v = vals[g.intn(len(vals))]
		}
		out = append(out, crm.CustomFieldValue{ID: f.ID, Value: v})
	}
	if len(out) == 0 {
		return nil
	}
	return append([]crm.CustomFieldValue(nil), out...)
}

// dnd sets do-not-disturb: on every channel for a few contacts, on one or two
// channels for about one in six more.
func (g *generator) dnd(c *crm.Contact) {
	switch r := g.intn(100); {
	case r < 3:
		c.DND = true
		c.DNDSettings = make(map[string]crm.DNDSetting, len(crm.DNDChannels))
		for _, ch := range crm.DNDChannels {
			c.DNDSettings[ch] = crm.DNDSetting{Status: "active"}
		}
	case r < 20:
		n := 1 + g.intn(2)
		c.DNDSettings = make(map[string]crm.DNDSetting, n)
		for range n {
			status := "inactive"
			switch r := g.intn(10); {
			case r < 5:
				status = "active"
			case r < 7:
				status = "permanent"
			}
			c.DNDSettings[g.pick(crm.DNDChannels)] = crm.DNDSetting{Status: status, Message: g.pick(dndMessages)}
		}
	}
}

// dateOfBirth gives an adult's birthday as YYYY-MM-DD.
func (g *generator) dateOfBirth() string {
	year := g.refTime.Year() - 18 - g.intn(62)
	month, dayOfMonth := 1+g.intn(12), 1+g.intn(28)
	var b [10]byte
	b[0], b[1], b[2], b[3] = byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10)
	b[4], b[7] = '-', '-'
	copy(b[5:7], twoDigits(month))
	copy(b[8:10], twoDigits(dayOfMonth))
	return string(b[:])
}

func twoDigits(n int) string { return digitPairs[2*n : 2*n+2] }

const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
