package contracttest

import (
	"fmt"
	"slices"
	"strings"
)

// defaultSelection is what runs when no tags are given.
func defaultSelection(includeRateLimit bool) []string {
	tags := []string{TagReadonly, TagWrite, TagErrors}
	if includeRateLimit {
		tags = append(tags, TagRateLimit)
	}
	return tags
}

// Select returns the scenarios to run, in order, and how many were left out.
// A scenario is selected when it carries any of tags (with no tags: readonly,
// write, errors). A scenario tagged ratelimit (it spends 100+ requests) runs
// only when ratelimit is among the tags or includeRateLimit is set.
func Select(suite *Suite, tags []string, includeRateLimit bool) ([]*Scenario, int, error) {
	for _, t := range tags {
		if !slices.Contains(KnownTags, t) {
			return nil, 0, fmt.Errorf("unknown tag %q (known: %s)", t, strings.Join(KnownTags, ", "))
		}
	}
	explicit := len(tags) > 0
	if !explicit {
		tags = defaultSelection(includeRateLimit)
	} else if includeRateLimit && !slices.Contains(tags, TagRateLimit) {
		tags = append(slices.Clone(tags), TagRateLimit)
	}
	wantRateLimit := slices.Contains(tags, TagRateLimit)
	var out []*Scenario
	for _, sc := range suite.Scenarios {
		if sc.HasTag(TagRateLimit) && !wantRateLimit {
			continue
		}
		if slices.ContainsFunc(sc.Tags, func(t string) bool { return slices.Contains(tags, t) }) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, 0, fmt.Errorf("no scenario carries any of the tags %s", strings.Join(tags, ", "))
	}
	return out, len(suite.Scenarios) - len(out), nil
}

// ParseTags splits a comma-separated list of tags.
func ParseTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
