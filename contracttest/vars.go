package contracttest

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DeriveRunID gives the run id of a seed: "r" and six base-36 digits. The
// run id is in every generated email, phone and tag, so two runs with
// different ids never collide in one location.
func DeriveRunID(seed int64) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "ghlmock-run-%d", seed)
	s := strconv.FormatUint(h.Sum64(), 36)
	for len(s) < 6 {
		s = "0" + s
	}
	return "r" + s[:6]
}

var runIDRE = regexp.MustCompile(`^[a-z0-9]{1,24}$`)

// ValidRunID reports whether id can be a run id: 1 to 24 lower-case letters
// and digits (it goes into email local parts and tags).
func ValidRunID(id string) bool { return runIDRE.MatchString(id) }

// generators make the run's unique values. Emails, phones and tags are
// numbered in order of first use (scenarios run in a fixed order, so the same
// seed, run id and selection give the same values); names are picked by a
// hash of the seed, scenario and label.
type generators struct {
	runID string
	seed  int64

	mu   sync.Mutex
	seq  map[string]int // kind/scenario/label → number
	next map[string]int // kind → next number
}

func newGenerators(runID string, seed int64) *generators {
	return &generators{runID: runID, seed: seed, seq: map[string]int{}, next: map[string]int{}}
}

// phoneAreas are US area codes in service. Generated phones use the exchange
// 555 and the lines 0150-0199: 555-0100 to 0199 are reserved for fiction in
// every area code, so no real phone is ever used (and the lower half is left
// to hand-written fixtures, such as the mock's named contacts).
var phoneAreas = []string{"201", "202", "212", "213", "305", "312", "404", "415", "512", "602",
	"617", "646", "702", "713", "718", "801", "805", "917", "919", "971"}

var firstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Katherine", "Dennis", "Radia",
	"Frances", "Donald", "Hedy", "Margaret", "Niklaus", "Tim", "Ken", "Leslie", "Annie", "John", "Joan", "Karen"}

var lastNames = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Johnson", "Ritchie",
	"Perlman", "Allen", "Knuth", "Lamarr", "Hamilton", "Wirth", "Berners-Lee", "Thompson", "Lamport",
	"Easley", "Backus", "Clarke", "Sparck-Jones"}

func (g *generators) number(kind, scenario, label string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := kind + "/" + scenario + "/" + label
	if n, ok := g.seq[key]; ok {
		return n
	}
	n := g.next[kind] + 1
	g.next[kind] = n
	g.seq[key] = n
	return n
}

func (g *generators) pick(list []string, scenario, label, kind string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%s/%s", g.seed, kind, scenario, label)
	return list[h.Sum64()%uint64(len(list))]
}

// value returns the generated value kind.label of a scenario.
func (g *generators) value(kind, scenario, label string) string {
	switch kind {
	case "email":
		return fmt.Sprintf("ghlmock+%s-%d@example.com", g.runID, g.number(kind, scenario, label))
	case "phone":
		n := g.number(kind, scenario, label) - 1
		h := fnv.New32a()
		h.Write([]byte(g.runID))
		area := phoneAreas[(int(h.Sum32()%uint32(len(phoneAreas)))+n/50)%len(phoneAreas)]
		return fmt.Sprintf("+1%s55501%02d", area, 50+n%50)
	case "tag":
		return fmt.Sprintf("ghlmock-%s-%d", g.runID, g.number(kind, scenario, label))
	case "firstName":
		return g.pick(firstNames, scenario, label, kind)
	case "lastName":
		return g.pick(lastNames, scenario, label, kind)
	}
	return ""
}

// ghlTime writes a time as GHL does: UTC, milliseconds, Z.
func ghlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// scope resolves the variables of one scenario's steps.
type scope struct {
	scenario string
	target   *Target
	gen      *generators
	clock    Clock
	captured map[string]any
}

func (s *scope) resolve(name string) (any, error) {
	if isTargetVar(name) {
		v := s.target.Vars[name]
		if v == "" {
			return nil, &errMissingTargetVar{name: name}
		}
		return v, nil
	}
	switch name {
	case "runId":
		return s.gen.runID, nil
	case "seed":
		return strconv.FormatInt(s.gen.seed, 10), nil
	case "nowMs":
		return s.clock.Now().UnixMilli(), nil
	}
	if m := generatorRE.FindStringSubmatch(name); m != nil {
		return s.gen.value(m[1], s.scenario, m[2]), nil
	}
	if m := timeRE.FindStringSubmatch(name); m != nil {
		t := s.clock.Now()
		if m[2] != "" {
			d, err := time.ParseDuration(m[2])
			if err != nil {
				return nil, err
			}
			if m[1] == "-" {
				d = -d
			}
			t = t.Add(d)
		}
		return ghlTime(t), nil
	}
	if v, ok := s.captured[name]; ok {
		return v, nil
	}
	return nil, &errNotCaptured{name: name}
}

// expandPath evaluates a path template, escaping each variable's value as a
// path segment.
func expandPath(t *template, r resolver) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.expr == nil {
			b.WriteString(p.lit)
			continue
		}
		v, err := t.evalExpr(p.expr, r)
		if err != nil {
			return "", err
		}
		b.WriteString(pathEscape(stringify(v)))
	}
	return b.String(), nil
}
