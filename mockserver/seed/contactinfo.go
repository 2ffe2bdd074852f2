package seed

import (
	"strconv"
	"strings"
)

// email makes a lower-case address from the contact's name at a free-mail
// domain, unique within the location. Each is built in one buffer and
// allocated once.
func (g *generator) email(first, last string) string {
	var buf [96]byte
	b := buf[:0]
	switch g.intn(8) {
	case 0, 1, 2:
		b = appendSlug(b, first)
		b = append(b, '.')
		b = appendSlug(b, last)
	case 3:
		b = appendSlug(b, first)
		b = appendSlug(b, last)
	case 4:
		b = appendSlug(b, first)
		b = append(b, '_')
		b = appendSlug(b, last)
	case 5:
		b = appendSlug(b, first[:min(1, len(first))])
		b = appendSlug(b, last)
	case 6:
		b = appendSlug(b, first)
		b = appendSlug(b, last[:min(1, len(last))])
	default:
		b = appendSlug(b, first)
		b = append(b, '.')
		b = appendSlug(b, last)
		b = append(b, twoDigits(g.intn(100))...)
	}
	if len(b) == 0 {
		b = append(b, "contact"...)
	}
	local := len(b)
	domain := g.pick(freeMailDomains)
	for attempt := 0; ; attempt++ {
		b = b[:local]
		if attempt > 0 {
			// Common names collide: add a number, as people do.
			b = strconv.AppendInt(b, int64(1+g.intn(99*attempt+1)), 10)
		}
		b = append(b, '@')
		b = append(b, domain...)
		if _, dup := g.emails[string(b)]; !dup {
			e := string(b)
			g.emails[e] = struct{}{}
			return e
		}
	}
}

// appendSlug appends s in lower case, letters and digits only.
func appendSlug(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return b
}

// website makes https://www.<company>.com.
func website(company string) string {
	var buf [96]byte
	b := append(buf[:0], "https://www."...)
	b = appendSlug(b, strings.TrimSuffix(company, " Co."))
	b = append(b, ".com"...)
	return string(b)
}

// phone makes a unique E.164 number. In the US (home is the contact's city)
// it is +1, an area code of the city most of the time, an exchange that is
// not N11 and not 555 (the 555-01xx fiction range is kept for named
// contacts), and four digits. Elsewhere it is a mobile number of the
// location's country.
func (g *generator) phone(home *city) string {
	var buf [24]byte
	for {
		b := buf[:0]
		if plan, ok := mobilePlans[g.loc.Country]; ok && home == nil {
			b = append(b, '+')
			b = append(b, plan.cc...)
			b = append(b, plan.prefix...)
			for range plan.rest {
				b = append(b, byte('0'+g.intn(10)))
			}
		} else {
			var npa int
			if home != nil && g.chance(85) {
				npa = home.areaCodes[g.intn(len(home.areaCodes))]
			} else {
				npa = g.nanpCode()
			}
			nxx := g.nanpCode()
			for nxx == 555 {
				nxx = g.nanpCode()
			}
			b = append(b, "+1"...)
			b = strconv.AppendInt(b, int64(npa), 10)
			b = strconv.AppendInt(b, int64(nxx), 10)
			b = append(b, twoDigits(g.intn(100))...)
			b = append(b, twoDigits(g.intn(100))...)
		}
		if _, dup := g.phones[string(b)]; !dup {
			p := string(b)
			g.phones[p] = struct{}{}
			return p
		}
	}
}

// nanpCode draws a North American area code or exchange: 200–999, the middle
// digit not 9 (reserved), and not N11 (211, 411, 911, …).
func (g *generator) nanpCode() int {
	for {
		n := 200 + g.intn(800)
		if n/10%10 != 9 && n%100 != 11 {
			return n
		}
	}
}

// street makes a US street address such as "4527 Prairie Ave", in one
// allocation.
func (g *generator) street() string {
	var buf [64]byte
	b := strconv.AppendInt(buf[:0], int64(1+g.intn(9999)), 10)
	b = append(b, ' ')
	b = append(b, g.fake.StreetName()...)
	b = append(b, ' ')
	b = append(b, g.pick(streetTypes)...)
	return string(b)
}
