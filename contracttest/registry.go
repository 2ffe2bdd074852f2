package contracttest

import (
	"net/http"
	"slices"
	"sync"
)

// resource is something the run created: a contact, or a task or note of one.
type resource struct {
	kind      string // "contact", "task", "note"
	id        string
	contactID string // for tasks and notes
	scenario  string
}

// deletePath is the request that removes the resource.
func (r resource) deletePath() string {
	switch r.kind {
	case "task":
		return "/contacts/" + pathEscape(r.contactID) + "/tasks/" + pathEscape(r.id)
	case "note":
		return "/contacts/" + pathEscape(r.contactID) + "/notes/" + pathEscape(r.id)
	}
	return "/contacts/" + pathEscape(r.id)
}

func (r resource) String() string {
	if r.kind == "contact" {
		return "contact " + r.id
	}
	return r.kind + " " + r.id + " of contact " + r.contactID
}

// registry records what the run created, from the answers themselves (201
// of create-contact, upsert-contact with new: true, create-task, create-note),
// and forgets what a step deleted, so that cleanup removes exactly what is left
// even when a step failed or the run was interrupted.
type registry struct {
	mu      sync.Mutex
	items   []resource
	created int
	deleted int
}

// observe updates the registry from one answer.
func (g *registry) observe(opID string, params map[string]string, status int, body any, scenario string) {
	ok := status >= 200 && status < 300
	if !ok {
		return
	}
	str := func(p string) string {
		v, found := MustParsePath(p).Lookup(body)
		s, _ := v.(string)
		if !found {
			return ""
		}
		return s
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	add := func(r resource) {
		if r.id == "" {
			return
		}
		for _, it := range g.items {
			if it.kind == r.kind && it.id == r.id {
				return
			}
		}
		g.items = append(g.items, r)
		g.created++
	}
	switch opID {
	case "create-contact":
		add(resource{kind: "contact", id: str("contact.id"), scenario: scenario})
	case "upsert-contact":
		if isNew, _ := MustParsePath("new").Lookup(body); isNew == true {
			add(resource{kind: "contact", id: str("contact.id"), scenario: scenario})
		}
	case "create-task":
		add(resource{kind: "task", id: str("task.id"), contactID: params["contactId"], scenario: scenario})
	case "create-note":
		add(resource{kind: "note", id: str("note.id"), contactID: params["contactId"], scenario: scenario})
	case "delete-contact":
		g.forget("contact", params["contactId"])
	case "delete-task":
		g.forget("task", params["taskId"])
	case "delete-note":
		g.forget("note", params["id"])
	}
}

func (g *registry) forget(kind, id string) {
	g.items = slices.DeleteFunc(g.items, func(r resource) bool {
		if r.kind == kind && r.id == id {
			g.deleted++
			return true
		}
		return false
	})
}

// pending returns the resources still registered of the given kinds,
// newest first, of one scenario ("" for every scenario).
func (g *registry) pending(scenario string, kinds ...string) []resource {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []resource
	for i := len(g.items) - 1; i >= 0; i-- {
		r := g.items[i]
		if (scenario == "" || r.scenario == scenario) && slices.Contains(kinds, r.kind) {
			out = append(out, r)
		}
	}
	return out
}

// gone records that a resource no longer exists: deleted by cleanup (200) or
// already gone (400, GHL's answer for an unknown id).
func (g *registry) gone(r resource, status int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.items = slices.DeleteFunc(g.items, func(it resource) bool { return it.kind == r.kind && it.id == r.id })
	if status == http.StatusOK {
		g.deleted++
	}
}

func (g *registry) counts() (created, deleted int, left []resource) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.created, g.deleted, slices.Clone(g.items)
}
