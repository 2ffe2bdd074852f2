package dashboard

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxBody bounds an action's body; a state import may carry a whole location.
const (
	maxBody      = 1 << 20
	maxStateBody = 512 << 20
)

func (d *Dashboard) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			d.fail(w, r, http.StatusRequestEntityTooLarge, "request entity too large")
		} else {
			d.fail(w, r, http.StatusBadRequest, "could not read the request body")
		}
		return nil, false
	}
	return raw, true
}

// decodeBody reads a small JSON body into v, strictly.
func (d *Dashboard) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	raw, ok := d.readBody(w, r, maxBody)
	if !ok {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		d.fail(w, r, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// maxClockStep bounds one advance from the dashboard (the server bounds the
// total).
const maxClockStep = 366 * 24 * time.Hour

func (d *Dashboard) clockAction(w http.ResponseWriter, r *http.Request, p principal) {
	var body struct {
		Advance string `json:"advance"`
		Freeze  *bool  `json:"freeze"`
	}
	if !d.decodeBody(w, r, &body) {
		return
	}
	if body.Advance != "" {
		step, err := time.ParseDuration(body.Advance)
		if err != nil || step < 0 || step > maxClockStep {
			d.fail(w, r, http.StatusBadRequest, `advance must be a non-negative duration of at most a year, such as "10s" or "24h"`)
			return
		}
		if err := d.m.AdvanceClock(step); err != nil {
			d.writeErr(w, r, err)
			return
		}
	}
	if body.Freeze != nil {
		d.m.FreezeClock(*body.Freeze)
	}
	c := d.m.Clock()
	writeJSON(w, http.StatusOK, map[string]any{"now": c.Now, "offset": c.Offset.String(), "frozen": c.Frozen})
}

func (d *Dashboard) updateContact(w http.ResponseWriter, r *http.Request, p principal) {
	raw, ok := d.readBody(w, r, maxBody)
	if !ok {
		return
	}
	c, err := d.m.UpdateContact(r.Context(), r.PathValue("loc"), r.PathValue("id"), raw)
	if err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"contact": c})
}

func (d *Dashboard) addTags(w http.ResponseWriter, r *http.Request, p principal) {
	var body struct {
		Tags []string `json:"tags"`
	}
	if !d.decodeBody(w, r, &body) {
		return
	}
	var tags []string
	for _, t := range body.Tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		d.fail(w, r, http.StatusBadRequest, "give at least one tag")
		return
	}
	if err := d.m.AddTags(r.Context(), r.PathValue("loc"), r.PathValue("id"), tags); err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"added": tags})
}

func (d *Dashboard) removeTag(w http.ResponseWriter, r *http.Request, p principal) {
	if err := d.m.RemoveTags(r.Context(), r.PathValue("loc"), r.PathValue("id"), []string{r.PathValue("tag")}); err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"removed": r.PathValue("tag")})
}

func (d *Dashboard) createNote(w http.ResponseWriter, r *http.Request, p principal) {
	raw, ok := d.readBody(w, r, maxBody)
	if !ok {
		return
	}
	n, err := d.m.CreateNote(r.Context(), r.PathValue("loc"), r.PathValue("id"), raw)
	if err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"note": n})
}

func (d *Dashboard) completeTask(w http.ResponseWriter, r *http.Request, p principal) {
	var body struct {
		Completed bool `json:"completed"`
	}
	if !d.decodeBody(w, r, &body) {
		return
	}
	if err := d.m.CompleteTask(r.Context(), r.PathValue("loc"), r.PathValue("id"), r.PathValue("task"), body.Completed); err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"completed": body.Completed})
}

func (d *Dashboard) addFault(w http.ResponseWriter, r *http.Request, p principal) {
	raw, ok := d.readBody(w, r, maxBody)
	if !ok {
		return
	}
	rule, err := d.m.AddFault(raw)
	if err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rule)
}

func (d *Dashboard) previewFault(w http.ResponseWriter, r *http.Request, p principal) {
	raw, ok := d.readBody(w, r, maxBody)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, d.m.PreviewFault(raw))
}

func (d *Dashboard) removeFault(w http.ResponseWriter, r *http.Request, p principal) {
	if !d.m.RemoveFault(r.PathValue("id")) {
		d.fail(w, r, http.StatusNotFound, "no fault rule "+r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("id")})
}

func (d *Dashboard) reset(w http.ResponseWriter, r *http.Request, p principal) {
	var body struct {
		Confirm bool `json:"confirm"`
	}
	if !d.decodeBody(w, r, &body) {
		return
	}
	if !body.Confirm {
		d.fail(w, r, http.StatusBadRequest, `a reset needs {"confirm": true}`)
		return
	}
	if err := d.m.Reset(r.Context()); err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reset": true})
}

func (d *Dashboard) importState(w http.ResponseWriter, r *http.Request, p principal) {
	raw, ok := d.readBody(w, r, maxStateBody)
	if !ok {
		return
	}
	locs, err := d.m.Import(r.Context(), raw)
	if err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"imported": locs})
}

func (d *Dashboard) newTicket(w http.ResponseWriter, r *http.Request, p principal) {
	writeJSON(w, http.StatusCreated, map[string]any{"ticket": d.auth.ticket(), "expiresIn": int(ticketLife.Seconds())})
}

// loginPage asks for the admin token; a user already let in goes on.
func (d *Dashboard) loginPage(w http.ResponseWriter, r *http.Request, p principal) {
	next := safeNext(r.URL.Query().Get("next"))
	if p.mode != denied {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if len(d.auth.adminToken) == 0 {
		d.refuseAccess(w, r, accPage)
		return
	}
	d.render(w, "login", pageData{Title: "Log in", Bare: true, Data: map[string]string{"Next": next}})
}

// loginSubmit takes the admin token from the login form (a POST body, never
// the URL) and starts a session.
func (d *Dashboard) loginSubmit(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		d.fail(w, r, http.StatusBadRequest, "could not read the form")
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	id := d.auth.login(r.PostForm.Get("token"))
	if id == "" {
		w.WriteHeader(http.StatusUnauthorized)
		d.render(w, "login", pageData{Title: "Log in", Bare: true, Data: map[string]string{"Next": next, "Error": "That is not the admin token (GHLMOCK_ADMIN_TOKEN, --admin-token-file or --admin-token)."}})
		return
	}
	setSessionCookie(w, r, id)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request, p principal) {
	if p.mode == session {
		d.auth.logout(p.sid)
	}
	setSessionCookie(w, r, "")
	writeJSON(w, http.StatusOK, map[string]any{"loggedOut": true})
}

// safeNext keeps a redirect after login on the dashboard.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Prefix
	}
	return next
}
