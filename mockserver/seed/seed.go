// Package seed generates the data a mock starts with: for each location of a
// fixture set, its named contacts exactly as declared, then realistic
// generated contacts with tasks, notes and appointments.
//
// Generation is deterministic: the same seed, fixtures and reference time give
// the same dataset, byte for byte. Each location draws from its own faker and
// id generator, derived from the seed and the location id, so changing one
// location (its generated count, say) leaves every other location's data as it
// was.
package seed

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/bits"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

// DefaultSeed is the seed the command line uses when given none.
const DefaultSeed = 1

// MaxContactsPerLocation bounds generation, so that a typo in --contacts
// fails fast instead of exhausting memory.
const MaxContactsPerLocation = 2_000_000

// Options steer Generate.
type Options struct {
	// Seed selects the generated data. It must not be 0: gofakeit treats 0 as
	// "random", which would make runs differ. The command line defaults to 1.
	Seed int64
	// Now is the reference time when the fixtures set none: generated dates
	// spread over the two years before it, tasks fall due and appointments
	// happen around it.
	Now time.Time
	// ContactsPerLocation, when > 0, overrides the generated count of every
	// location (e.g. --contacts 100000 for benchmarks).
	ContactsPerLocation int
}

// ErrZeroSeed is returned for Options.Seed 0.
var ErrZeroSeed = errors.New("seed: seed 0 is not allowed (gofakeit treats 0 as random); use any other number")

// Generate builds the dataset of every location of f. The dataset shares
// nothing with f.
func Generate(f *fixture.Fixture, opts Options) (crm.Dataset, error) {
	if opts.Seed == 0 {
		return crm.Dataset{}, ErrZeroSeed
	}
	ref := f.Settings.ReferenceTime
	if ref.IsZero() {
		ref = opts.Now
	}
	if ref.IsZero() {
		return crm.Dataset{}, errors.New("seed: no reference time: set settings.referenceTime or pass Options.Now")
	}
	if opts.ContactsPerLocation > MaxContactsPerLocation {
		return crm.Dataset{}, fmt.Errorf("seed: %d contacts per location is more than the %d allowed", opts.ContactsPerLocation, MaxContactsPerLocation)
	}
	ref = ref.UTC().Truncate(time.Millisecond)

	ds := crm.Dataset{Locations: make([]crm.LocationData, len(f.Locations))}
	errs := make([]error, len(f.Locations))
	var wg sync.WaitGroup
	// Locations are independent by construction, so they are generated in
	// parallel: each goroutine owns its faker, id generator and result slot.
	for i := range f.Locations {
		loc := &f.Locations[i]
		n := loc.Contacts
		if opts.ContactsPerLocation > 0 {
			n = opts.ContactsPerLocation
		}
		if n > MaxContactsPerLocation {
			errs[i] = fmt.Errorf("seed: location %s: %d contacts is more than the %d allowed", loc.ID, n, MaxContactsPerLocation)
			continue
		}
		wg.Go(func() {
			g := newGenerator(loc, opts.Seed, ref, f.Settings.NormalizePhones)
			ds.Locations[i] = g.location(n)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return crm.Dataset{}, err
	}
	return ds, nil
}

// locationSeed derives a location's seed from the run's seed and the location
// id; never 0, which gofakeit would take as "random".
func locationSeed(seed int64, locationID string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(locationID))
	s := uint64(seed) ^ h.Sum64()
	if s == 0 {
		s = 0x9e3779b97f4a7c15
	}
	return s
}

// mix64 is SplitMix64's finalizer: it decorrelates the id generator's seed
// from the faker's.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// generator makes one location's data. It is used by one goroutine only.
type generator struct {
	loc       *fixture.Location
	fake      *gofakeit.Faker
	ids       *crm.IDGen
	ref       crm.Millis
	refTime   time.Time
	normalize bool
	tz        *time.Location

	emails map[string]struct{} // lower case
	phones map[string]struct{} // E.164

	tags       []string // this location's tag vocabulary
	noteBodies []string
	cities     []*city // weighted towards the location's own timezone
	fieldVals  [][]any // per custom field: boxed values to pick from
	users      []string
	out        crm.LocationData
}

func newGenerator(loc *fixture.Location, seed int64, ref time.Time, normalize bool) *generator {
	s := locationSeed(seed, loc.ID)
	fake := gofakeit.New(s)
	// The faker never leaves this goroutine: skip its per-call mutex.
	fake.Locked = false
	g := &generator{
		loc:       loc,
		fake:      fake,
		ids:       crm.NewIDGen(mix64(s)),
		ref:       crm.MillisOf(ref),
		refTime:   ref,
		normalize: normalize,
		tz:        time.UTC,
		emails:    map[string]struct{}{},
		phones:    map[string]struct{}{},
	}
	if tz, err := time.LoadLocation(loc.Timezone); err == nil {
		g.tz = tz
	}
	for _, u := range loc.Users {
		g.users = append(g.users, u.ID)
	}
	g.vocabulary()
	return g
}

// location generates the named contacts, then n generated ones.
func (g *generator) location(n int) crm.LocationData {
	l := g.loc
	g.out = crm.LocationData{
		Location: l.Location.Clone(),
		Contacts: make([]crm.Contact, 0, len(l.NamedContacts)+n),
		// Expected counts per contact are 1.0 tasks, 1.0 notes and 0.45
		// appointments; a little headroom avoids a regrowth at the end.
		Tasks:        make([]crm.Task, 0, n+n/20+64),
		Notes:        make([]crm.Note, 0, n+n/20+64),
		Appointments: make([]crm.Appointment, 0, n/2+n/20+64),
	}
	for i := range l.NamedContacts {
		g.named(&l.NamedContacts[i])
	}
	for range n {
		g.contact()
	}
	return g.out
}

// Random helpers over the location's faker.

func (g *generator) intn(n int) int { return g.fake.IntN(n) }

// chance reports true with probability pct percent.
func (g *generator) chance(pct int) bool { return g.fake.IntN(100) < pct }

func (g *generator) pick(list []string) string { return list[g.fake.IntN(len(list))] }

// between returns an instant in [lo, hi]; lo when hi <= lo.
func (g *generator) between(lo, hi crm.Millis) crm.Millis {
	if hi <= lo {
		return lo
	}
	return lo + crm.Millis(g.int64n(int64(hi-lo)+1))
}

// int64n returns a number in [0, n) on every platform (the faker's IntN is
// bounded by int). Lemire's multiply-high has a bias below n/2^64: nothing a
// date could show.
func (g *generator) int64n(n int64) int64 {
	hi, _ := bits.Mul64(g.fake.Uint64(), uint64(n))
	return int64(hi)
}

func (g *generator) user() string {
	if len(g.users) == 0 {
		return ""
	}
	return g.users[g.fake.IntN(len(g.users))]
}

const (
	minute = crm.Millis(60 * 1000)
	hour   = 60 * minute
	day    = 24 * hour
	// history is how far back generated contacts were added.
	history = 730 * day
)
