package crm

import (
	"slices"
	"strings"
	"time"
)

// NormalizeTags applies GHL's tag rules: trimmed, lower case, no empty tags,
// no duplicates, first occurrence order kept.
func NormalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || slices.Contains(out, t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// NormalizePhone turns a phone as clients send it ("+1 888-888-8888",
// "(888) 888-8888", "0044 20 7946 0958") into E.164 (+18888888888), using
// country (ISO alpha-2) for numbers without a country code. What it cannot
// make sense of it returns trimmed but otherwise unchanged, as GHL stores
// such values verbatim.
func NormalizePhone(raw, country string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	var digits strings.Builder
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/':
		default:
			return s
		}
	}
	d := digits.String()
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	default:
		cc, ok := callingCodes[strings.ToUpper(country)]
		if !ok {
			cc = "1"
		}
		switch {
		case cc == "1" && len(d) == 11 && d[0] == '1':
		case cc == "1" && len(d) == 10:
			d = cc + d
		case cc != "1" && strings.HasPrefix(d, "0"):
			d = cc + d[1:]
		default:
			d = cc + d
		}
	}
	if len(d) < 8 || len(d) > 15 {
		return s
	}
	return "+" + d
}

// callingCodes are the country calling codes of the countries the seeded data
// and typical staging bots use; others fall back to +1.
var callingCodes = map[string]string{
	"US": "1", "CA": "1", "GB": "44", "AU": "61", "NZ": "64", "IN": "91", "DE": "49",
	"FR": "33", "ES": "34", "IT": "39", "NL": "31", "BR": "55", "MX": "52", "ZA": "27",
	"IE": "353", "PH": "63", "SG": "65", "AE": "971", "NG": "234", "KE": "254",
}

var dobLayouts = []string{
	"2006/01/02", "01/02/2006", "2006-01-02", "01-02-2006",
	"2006.01.02", "01.02.2006", "2006_01_02", "01_02_2006",
	time.RFC3339, "2006-01-02T15:04:05.000Z",
}

// ParseDateOfBirth accepts every format GHL documents for dateOfBirth
// (YYYY/MM/DD, MM/DD/YYYY, YYYY-MM-DD, MM-DD-YYYY, YYYY.MM.DD, MM.DD.YYYY,
// YYYY_MM_DD, MM_DD_YYYY) and the ISO form GHL returns, and gives YYYY-MM-DD.
func ParseDateOfBirth(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dobLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// DateOfBirthISO is how GHL returns a stored date of birth: midnight UTC with
// milliseconds, e.g. 1990-09-25T00:00:00.000Z.
func DateOfBirthISO(dob string) string {
	if dob == "" {
		return ""
	}
	return dob + "T00:00:00.000Z"
}

// IsID reports whether s looks like a GHL (Firebase push) id: 20 ASCII letters
// and digits.
func IsID(s string) bool {
	if len(s) != 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
