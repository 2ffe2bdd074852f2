package seed_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/seed"
)

var ref = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func loadDefault(t testing.TB) *fixture.Fixture {
	t.Helper()
	f, err := fixture.Default()
	require.NoError(t, err)
	return f
}

func generate(t testing.TB, f *fixture.Fixture, opts seed.Options) crm.Dataset {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Now.IsZero() {
		opts.Now = ref
	}
	ds, err := seed.Generate(f, opts)
	require.NoError(t, err)
	return ds
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestSameSeedGivesTheSameBytes(t *testing.T) {
	a := marshal(t, generate(t, loadDefault(t), seed.Options{Seed: 42}))
	b := marshal(t, generate(t, loadDefault(t), seed.Options{Seed: 42}))
	assert.Equal(t, sha(a), sha(b))
	assert.True(t, len(a) > 100_000, "the dataset is not trivially small")
}

// TestSameSeedGivesTheSameBytesInAFreshProcess generates the dataset in a
// child process, which starts from a fresh runtime (map seeds, global fakers,
// scheduler), and compares its digest with this process's.
func TestSameSeedGivesTheSameBytesInAFreshProcess(t *testing.T) {
	want := sha(marshal(t, generate(t, loadDefault(t), seed.Options{Seed: 7})))
	for range 2 {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "GHLMOCK_SEED_CHILD=1")
		out, err := cmd.Output()
		require.NoError(t, err)
		assert.Equal(t, want, strings.TrimSpace(string(out)))
	}
}

// TestMain lets the test binary act as the child of the test above.
func TestMain(m *testing.M) {
	if os.Getenv("GHLMOCK_SEED_CHILD") == "1" {
		f, err := fixture.Default()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ds, err := seed.Generate(f, seed.Options{Seed: 7, Now: ref})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		b, err := json.Marshal(ds)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(sha(b))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestDifferentSeedsGiveDifferentData(t *testing.T) {
	f := loadDefault(t)
	a := generate(t, f, seed.Options{Seed: 1})
	b := generate(t, f, seed.Options{Seed: 2})
	assert.NotEqual(t, marshal(t, a), marshal(t, b))
	for i, l := range f.Locations {
		named := len(l.NamedContacts)
		la, lb := a.Locations[i], b.Locations[i]
		assert.Equal(t, marshal(t, la.Contacts[:named]), marshal(t, lb.Contacts[:named]), "named contacts do not depend on the seed")
		assert.NotEqual(t, la.Contacts[named].ID, lb.Contacts[named].ID)
		assert.NotEqual(t, la.Contacts[named].Email+la.Contacts[named].Phone, lb.Contacts[named].Email+lb.Contacts[named].Phone)
	}
	assert.NotEqual(t, marshal(t, generate(t, f, seed.Options{Seed: -1})), marshal(t, a), "negative seeds work")
}

func TestTheReferenceTimeMovesTheDates(t *testing.T) {
	f := loadDefault(t)
	a := generate(t, f, seed.Options{Now: ref})
	b := generate(t, f, seed.Options{Now: ref.Add(24 * time.Hour)})
	ca, cb := a.Locations[0].Contacts, b.Locations[0].Contacts
	require.Equal(t, len(ca), len(cb))
	for i := range ca {
		assert.Equal(t, ca[i].ID, cb[i].ID, "only dates move")
		assert.Equal(t, ca[i].DateAdded+crm.Millis(24*time.Hour/time.Millisecond), cb[i].DateAdded)
	}

	// settings.referenceTime wins over Options.Now.
	f.Settings.ReferenceTime = ref
	assert.Equal(t, marshal(t, a), marshal(t, generate(t, f, seed.Options{Now: time.Now()})))
}

func TestLocationsAreIndependent(t *testing.T) {
	f := loadDefault(t)
	before := generate(t, f, seed.Options{})
	f.Locations[1].Contacts = 37
	after := generate(t, f, seed.Options{})

	assert.Equal(t, marshal(t, before.Locations[0]), marshal(t, after.Locations[0]), "location A is untouched")
	named := len(f.Locations[1].NamedContacts)
	require.Len(t, after.Locations[1].Contacts, named+37)
	assert.Equal(t, marshal(t, before.Locations[1].Contacts[:named+37]), marshal(t, after.Locations[1].Contacts),
		"fewer contacts in B are a prefix of the longer run")

	// Removing a location does not change the others either.
	f.Locations = f.Locations[:1]
	alone := generate(t, f, seed.Options{})
	assert.Equal(t, marshal(t, before.Locations[0]), marshal(t, alone.Locations[0]))
}

func TestCounts(t *testing.T) {
	cases := []struct {
		name string
		opts seed.Options
		set  func(*fixture.Fixture)
		want func(l fixture.Location) int
	}{
		{"default 200 per location", seed.Options{}, nil, func(l fixture.Location) int { return 200 }},
		{"option overrides", seed.Options{ContactsPerLocation: 15}, nil, func(l fixture.Location) int { return 15 }},
		{"location count", seed.Options{}, func(f *fixture.Fixture) { f.Locations[0].Contacts = 0 }, func(l fixture.Location) int {
			if l.ID == "O9hFAiOh29oB93c0F6UJ" {
				return 0
			}
			return 200
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := loadDefault(t)
			if c.set != nil {
				c.set(f)
			}
			ds := generate(t, f, c.opts)
			require.Len(t, ds.Locations, len(f.Locations))
			for i, l := range f.Locations {
				assert.Len(t, ds.Locations[i].Contacts, len(l.NamedContacts)+c.want(l), l.Name)
			}
		})
	}
}

func TestNamedContactsComeFirstAsDeclared(t *testing.T) {
	f := loadDefault(t)
	ds := generate(t, f, seed.Options{})
	for i, l := range f.Locations {
		got := ds.Locations[i]
		assert.Equal(t, l.Location.ID, got.Location.ID)
		assert.Equal(t, l.Users, got.Location.Users)
		for j, nc := range l.NamedContacts {
			c := got.Contacts[j]
			want := nc.Contact.Clone()
			want.DateAdded, want.DateUpdated, want.LastActivity = c.DateAdded, c.DateUpdated, c.LastActivity
			for k := range want.Workflows {
				want.Workflows[k].AddedAt = c.DateAdded
			}
			assert.Equal(t, want, c, nc.Contact.ID)
			if !nc.AddedAt.IsZero() {
				assert.Equal(t, nc.AddedAt.Resolve(ref), c.DateAdded)
			}
		}
	}

	ada := findContact(t, ds.Locations[0], "2NexTNy4UiJ1cLOoua11")
	assert.Equal(t, "ada.lovelace@example.com", ada.Email)
	assert.Equal(t, crm.MillisOf(ref.AddDate(0, 0, -400)), ada.DateAdded)
	assert.Equal(t, crm.MillisOf(ref.AddDate(0, 0, -2)), ada.LastActivity)
	task := findTask(t, ds.Locations[0], "I3XmCP0t3AdsO9zpT1rY")
	assert.Equal(t, ada.ID, task.ContactID)
	assert.Equal(t, crm.MillisOf(ref.AddDate(0, 0, 2)), task.DueDate)
	assert.False(t, task.Completed)
	assert.Equal(t, "Call back about whitening quote", task.Title)
	var notes []string
	for _, n := range ds.Locations[0].Notes {
		if n.ContactID == ada.ID {
			notes = append(notes, n.ID)
		}
	}
	assert.Equal(t, []string{"LYOqJAKX7JDv17ly68JI", "kKYFC20FRCTJWuHdioJ5"}, notes)
	var appt crm.Appointment
	for _, a := range ds.Locations[0].Appointments {
		if a.ID == "4Mq2iVgsWRS4sXJ6n4LC" {
			appt = a
		}
	}
	assert.Equal(t, crm.MillisOf(ref.AddDate(0, 0, -21)), appt.StartTime)
	assert.Equal(t, appt.StartTime+crm.Millis(30*time.Minute/time.Millisecond), appt.EndTime, "30 minutes when endTime is left out")

	// A named contact without dateAdded gets one derived from its id.
	f2 := loadDefault(t)
	f2.Locations[0].NamedContacts[0].AddedAt = fixture.When{}
	again := generate(t, f2, seed.Options{Seed: 99})
	derived := again.Locations[0].Contacts[0].DateAdded
	assert.True(t, derived <= crm.MillisOf(ref) && derived >= crm.MillisOf(ref.AddDate(-2, 0, 0)))
	assert.Equal(t, derived, generate(t, f2, seed.Options{Seed: 5}).Locations[0].Contacts[0].DateAdded, "not from the seed")
}

func findContact(t *testing.T, l crm.LocationData, id string) crm.Contact {
	t.Helper()
	for _, c := range l.Contacts {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("contact %s not found", id)
	return crm.Contact{}
}

func findTask(t *testing.T, l crm.LocationData, id string) crm.Task {
	t.Helper()
	for _, x := range l.Tasks {
		if x.ID == id {
			return x
		}
	}
	t.Fatalf("task %s not found", id)
	return crm.Task{}
}

func TestIDsAreWellFormedUniqueAndReferenced(t *testing.T) {
	f := loadDefault(t)
	ds := generate(t, f, seed.Options{ContactsPerLocation: 2000})
	seen := map[string]string{}
	check := func(kind, id string) {
		t.Helper()
		if !crm.IsID(id) {
			t.Errorf("%s id %q is not a GHL id", kind, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%s id %q is also a %s id", kind, id, other)
		}
		seen[id] = kind
	}
	for _, l := range ds.Locations {
		contacts := map[string]bool{}
		users := map[string]bool{}
		for _, u := range l.Location.Users {
			users[u.ID] = true
		}
		businesses := map[string]string{}
		for _, b := range l.Location.Businesses {
			businesses[b.ID] = b.Name
		}
		calendars := map[string]bool{}
		for _, c := range l.Location.Calendars {
			calendars[c.ID] = true
		}
		for _, c := range l.Contacts {
			check("contact", c.ID)
			contacts[c.ID] = true
			assert.Equal(t, l.Location.ID, c.LocationID)
			if c.AssignedTo != "" {
				assert.True(t, users[c.AssignedTo], c.ID)
			}
			for _, u := range c.Followers {
				assert.True(t, users[u], c.ID)
			}
			if c.BusinessID != "" {
				assert.Regexp(t, `^[0-9a-f]{24}$`, c.BusinessID)
				assert.Equal(t, businesses[c.BusinessID], c.CompanyName, "companyName is the business's name")
			}
		}
		for _, x := range l.Tasks {
			check("task", x.ID)
			assert.True(t, contacts[x.ContactID])
			assert.Equal(t, l.Location.ID, x.LocationID)
			if x.AssignedTo != "" {
				assert.True(t, users[x.AssignedTo])
			}
		}
		for _, n := range l.Notes {
			check("note", n.ID)
			assert.True(t, contacts[n.ContactID])
			if n.UserID != "" {
				assert.True(t, users[n.UserID])
			}
		}
		for _, a := range l.Appointments {
			check("appointment", a.ID)
			assert.True(t, contacts[a.ContactID])
			assert.True(t, calendars[a.CalendarID])
			if a.AssignedUserID != "" {
				assert.True(t, users[a.AssignedUserID])
			}
		}
	}
}

func TestActivityCountsStayInRange(t *testing.T) {
	f := loadDefault(t)
	ds := generate(t, f, seed.Options{ContactsPerLocation: 3000})
	for i, l := range ds.Locations {
		named := map[string]bool{}
		for _, nc := range f.Locations[i].NamedContacts {
			named[nc.ID] = true
		}
		tasks, notes, appts := map[string]int{}, map[string]int{}, map[string]int{}
		for _, x := range l.Tasks {
			tasks[x.ContactID]++
		}
		for _, x := range l.Notes {
			notes[x.ContactID]++
		}
		for _, x := range l.Appointments {
			appts[x.ContactID]++
		}
		seenCount := map[string]map[int]bool{"tasks": {}, "notes": {}, "appointments": {}}
		for _, c := range l.Contacts {
			if named[c.ID] {
				continue
			}
			assert.LessOrEqual(t, tasks[c.ID], 3)
			assert.LessOrEqual(t, notes[c.ID], 3)
			assert.LessOrEqual(t, appts[c.ID], 2)
			seenCount["tasks"][tasks[c.ID]] = true
			seenCount["notes"][notes[c.ID]] = true
			seenCount["appointments"][appts[c.ID]] = true
		}
		assert.Len(t, seenCount["tasks"], 4, "0, 1, 2 and 3 tasks all occur")
		assert.Len(t, seenCount["notes"], 4)
		assert.Len(t, seenCount["appointments"], 3)
	}
}

var (
	e164RE  = regexp.MustCompile(`^\+[1-9]\d{7,14}$`)
	nanpRE  = regexp.MustCompile(`^\+1[2-9]\d\d[2-9]\d{6}$`)
	emailRE = regexp.MustCompile(`^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$`)
)

func TestEmailsAndPhones(t *testing.T) {
	f := loadDefault(t)
	ds := generate(t, f, seed.Options{ContactsPerLocation: 20_000})
	for i, l := range ds.Locations {
		loc := f.Locations[i]
		t.Run(loc.Name, func(t *testing.T) {
			emails, phones := map[string]int{}, map[string]int{}
			var withEmail, withPhone int
			for j, c := range l.Contacts {
				generated := j >= len(loc.NamedContacts)
				if c.Email != "" {
					withEmail++
					emails[strings.ToLower(c.Email)]++
					if generated {
						assert.Regexp(t, emailRE, c.Email)
					}
				}
				if c.Phone != "" {
					withPhone++
					phones[c.Phone]++
					assert.Regexp(t, e164RE, c.Phone)
					assert.Equal(t, c.Phone, crm.NormalizePhone(c.Phone, "US"), "already normalized")
					if generated {
						assert.Regexp(t, nanpRE, c.Phone)
						assert.NotRegexp(t, `^\+1\d{3}55501`, c.Phone, "555-01xx is kept for named contacts")
					}
				}
				if generated {
					assert.True(t, c.Email != "" || c.Phone != "", "every contact can be found")
				}
			}
			assert.Greater(t, withEmail, len(l.Contacts)*8/10)
			assert.Greater(t, withPhone, len(l.Contacts)*8/10)
			for e, n := range emails {
				if n > 1 {
					assert.True(t, loc.AllowDuplicateContact, "email %s is used %d times", e, n)
					assert.Equal(t, "grace.hopper@example.com", e, "only the deliberate duplicate")
				}
			}
			for p, n := range phones {
				if n > 1 {
					assert.True(t, loc.AllowDuplicateContact, "phone %s is used %d times", p, n)
				}
			}
		})
	}
}

func TestGeneratedValuesLookReal(t *testing.T) {
	f := loadDefault(t)
	ds := generate(t, f, seed.Options{ContactsPerLocation: 5000})
	refMs := crm.MillisOf(ref)
	twoYears := crm.MillisOf(ref.AddDate(-2, 0, -1))
	for i, l := range ds.Locations {
		loc := f.Locations[i]
		fields := map[string]crm.CustomField{}
		for _, cf := range loc.CustomFields {
			fields[cf.ID] = cf
		}
		var company, business, customFields, dndSettings, dnd, customers, assigned, address int
		addedDays := map[int64]bool{}
		generated := l.Contacts[len(loc.NamedContacts):]
		for _, c := range generated {
			assert.NotEmpty(t, c.FirstName)
			assert.NotEmpty(t, c.LastName)
			assert.Contains(t, []string{"lead", "customer"}, c.Type)
			assert.NotEmpty(t, c.Source)
			assert.Equal(t, crm.NormalizeTags(c.Tags), c.Tags, "tags are normalized")
			assert.LessOrEqual(t, len(c.Tags), 4)
			assert.True(t, c.DateAdded > twoYears && c.DateAdded <= refMs, "dateAdded within the two years before the reference time")
			assert.True(t, c.DateUpdated >= c.DateAdded && c.DateUpdated <= refMs)
			if c.LastActivity != 0 {
				assert.True(t, c.LastActivity >= c.DateAdded && c.LastActivity <= refMs)
			}
			addedDays[int64(c.DateAdded)/86_400_000] = true
			if c.DateOfBirth != "" {
				_, err := time.Parse("2006-01-02", c.DateOfBirth)
				assert.NoError(t, err)
			}
			if c.Address1 != "" {
				address++
				assert.NotEmpty(t, c.City)
				assert.Regexp(t, `^[A-Z]{2}$`, c.State)
				assert.Regexp(t, `^\d{5}$`, c.PostalCode)
			}
			if c.CompanyName != "" {
				company++
			}
			if c.BusinessID != "" {
				business++
			}
			if c.CustomFields != nil {
				customFields++
			}
			for _, v := range c.CustomFields {
				cf, ok := fields[v.ID]
				require.True(t, ok)
				switch cf.DataType {
				case "NUMERICAL", "MONETORY":
					assert.IsType(t, float64(0), v.Value)
				case "SINGLE_OPTIONS", "RADIO":
					assert.Contains(t, cf.Options, v.Value)
				case "MULTIPLE_OPTIONS", "CHECKBOX":
					assert.Subset(t, cf.Options, v.Value)
				case "DATE":
					_, err := time.Parse("2006-01-02", v.Value.(string))
					assert.NoError(t, err)
				default:
					assert.IsType(t, "", v.Value)
				}
			}
			if c.DNDSettings != nil {
				dndSettings++
				for ch, s := range c.DNDSettings {
					assert.Contains(t, crm.DNDChannels, ch)
					assert.Contains(t, []string{"active", "inactive", "permanent"}, s.Status)
				}
			}
			if c.DND {
				dnd++
			}
			if c.Type == "customer" {
				customers++
			}
			if c.AssignedTo != "" {
				assigned++
			}
			if c.Attribution != nil {
				assert.Contains(t, []string{"CRM UI", "Third Party"}, c.Attribution.SessionSource)
				assert.Contains(t, []string{"manual", "form", "api"}, c.Attribution.Medium)
			}
		}
		n := len(generated)
		within := func(what string, got, lo, hi int) {
			t.Helper()
			pct := got * 100 / n
			assert.True(t, pct >= lo && pct <= hi, "%s: %d%% of contacts, want %d–%d%%", what, pct, lo, hi)
		}
		within("companyName", company, 55, 65)
		within("businessId", business, 12, 18)
		within("custom fields", customFields, 45, 55)
		within("dndSettings", dndSettings, 17, 23)
		within("dnd", dnd, 1, 5)
		within("customers", customers, 12, 18)
		within("assignedTo", assigned, 45, 55)
		within("address", address, 60, 70)
		assert.Greater(t, len(addedDays), 600, "dateAdded spreads over the two years")

		for _, x := range l.Tasks {
			assert.NotEmpty(t, x.Title)
			assert.True(t, x.DateAdded <= refMs)
			assert.True(t, x.DueDate >= crm.MillisOf(ref.AddDate(0, 0, -61)) && x.DueDate <= crm.MillisOf(ref.AddDate(0, 0, 45)), "due around the reference time")
		}
		for _, x := range l.Notes {
			assert.NotEmpty(t, x.Body)
			assert.LessOrEqual(t, len(x.Body), 250)
			assert.True(t, x.DateAdded <= refMs && x.DateUpdated >= x.DateAdded)
		}
		for _, a := range l.Appointments {
			assert.Contains(t, []string{"booked", "cancelled"}, a.Status)
			assert.Contains(t, []string{"new", "confirmed", "cancelled", "showed", "noshow"}, a.AppointmentStatus)
			length := a.EndTime - a.StartTime
			if !isNamedAppointment(loc, a.ID) {
				assert.Contains(t, []crm.Millis{30 * 60_000, 60 * 60_000}, length)
			}
			assert.True(t, a.DateAdded <= refMs)
		}
	}
}

func isNamedAppointment(l fixture.Location, appointmentID string) bool {
	for _, nc := range l.NamedContacts {
		for _, a := range nc.Appointments {
			if a.ID == appointmentID {
				return true
			}
		}
	}
	return false
}

func TestGenerateRefuses(t *testing.T) {
	f := loadDefault(t)
	_, err := seed.Generate(f, seed.Options{Seed: 0, Now: ref})
	assert.ErrorIs(t, err, seed.ErrZeroSeed)
	_, err = seed.Generate(f, seed.Options{Seed: 1})
	assert.ErrorContains(t, err, "no reference time")
	_, err = seed.Generate(f, seed.Options{Seed: 1, Now: ref, ContactsPerLocation: seed.MaxContactsPerLocation + 1})
	assert.Error(t, err)
}

func TestDatasetSharesNothingWithTheFixtures(t *testing.T) {
	f := loadDefault(t)
	ds := generate(t, f, seed.Options{ContactsPerLocation: 1})
	ds.Locations[0].Contacts[0].Tags[0] = "changed"
	ds.Locations[0].Location.Users[0].Name = "changed"
	ds.Locations[0].Contacts[0].CustomFields[3].Value.([]string)[0] = "changed"
	assert.Equal(t, "vip", f.Locations[0].NamedContacts[0].Tags[0])
	assert.Equal(t, "Margaret Hamilton", f.Locations[0].Users[0].Name)
	assert.Equal(t, "Whitening", f.Locations[0].NamedContacts[0].CustomFields[3].Value.([]string)[0])
}
