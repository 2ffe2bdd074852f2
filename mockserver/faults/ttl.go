package faults

import (
	"errors"
	"slices"
	"time"
)

// maxTTL bounds a rule's TTL: a week covers any test or demo.
const maxTTL = 7 * 24 * time.Hour

func (r *Rule) validateTTL() error {
	if r.TTL == "" {
		return nil
	}
	d, err := time.ParseDuration(r.TTL)
	if err != nil || d <= 0 || d > maxTTL {
		return errors.New(`ttl must be a positive duration of at most 168h, such as "30s" or "15m"`)
	}
	return nil
}

// ttl is the rule's TTL, 0 when it has none (or an invalid one, which
// Validate refuses).
func (r *Rule) ttl() time.Duration {
	if r.TTL == "" {
		return 0
	}
	d, _ := time.ParseDuration(r.TTL)
	return d
}

// dropExpired removes the rules whose TTL has run out; e.mu is held.
func (e *Engine) dropExpired() {
	var now time.Time
	for _, r := range e.rules {
		if r.ExpiresAt == nil {
			continue
		}
		if now.IsZero() {
			now = e.now()
		}
		if !now.Before(*r.ExpiresAt) {
			e.rules = slices.DeleteFunc(e.rules, func(r *Rule) bool { return r.ExpiresAt != nil && !now.Before(*r.ExpiresAt) })
			return
		}
	}
}
