package dashboard

import "net/http"

// routes registers every page (each a deep link), the JSON the pages' scripts
// call, and the live request stream.
func (d *Dashboard) routes() {
	d.mux = http.NewServeMux()
	d.mux.Handle("GET "+Prefix+"static/", d.static())
	d.handle("GET "+Prefix+"login", accForm, d.loginPage)
	d.handle("POST "+Prefix+"login", accForm, d.loginSubmit)
	d.handle("POST "+Prefix+"logout", accWrite, d.logout)

	// Pages.
	d.handle("GET "+Prefix+"{$}", accPage, d.overviewPage)
	d.handle("GET "+Prefix+"contacts", accPage, d.contactsPage)
	d.handle("GET "+Prefix+"contacts/{loc}/{id}", accPage, d.contactPage)
	d.handle("GET "+Prefix+"requests", accPage, d.requestsPage)
	d.handle("GET "+Prefix+"requests/{id}", accPage, d.requestPage)
	d.handle("GET "+Prefix+"faults", accPage, d.faultsPage)
	d.handle("GET "+Prefix+"webhooks", accPage, d.webhooksPage)
	d.handle("GET "+Prefix+"oauth", accPage, d.oauthPage)
	d.handle("GET "+Prefix+"state", accPage, d.statePage)
	d.handle("GET "+Prefix+"state/export", accPage, d.exportState)
	d.handle("GET "+Prefix+"fragments/overview", accPage, d.overviewFragment)

	// Reads for scripts, and the live stream.
	d.handle("GET "+Prefix+"api/overview", accRead, d.overviewJSON)
	d.mux.HandleFunc("GET "+Prefix+"events", d.events) // its own access check: a ticket too
	d.handle("POST "+Prefix+"api/ticket", accWrite, d.newTicket)

	// Changes.
	d.handle("POST "+Prefix+"api/clock", accWrite, d.clockAction)
	d.handle("POST "+Prefix+"api/contacts/{loc}/{id}", accWrite, d.updateContact)
	d.handle("POST "+Prefix+"api/contacts/{loc}/{id}/tags", accWrite, d.addTags)
	d.handle("DELETE "+Prefix+"api/contacts/{loc}/{id}/tags/{tag}", accWrite, d.removeTag)
	d.handle("POST "+Prefix+"api/contacts/{loc}/{id}/notes", accWrite, d.createNote)
	d.handle("POST "+Prefix+"api/contacts/{loc}/{id}/tasks/{task}", accWrite, d.completeTask)
	d.handle("POST "+Prefix+"api/faults", accWrite, d.addFault)
	d.handle("POST "+Prefix+"api/faults/preview", accWrite, d.previewFault)
	d.handle("DELETE "+Prefix+"api/faults/{id}", accWrite, d.removeFault)
	d.handle("POST "+Prefix+"api/reset", accWrite, d.reset)
	d.handle("PUT "+Prefix+"api/state", accWrite, d.importState)
	d.handle("POST "+Prefix+"api/webhooks/deliveries/{id}/redeliver", accWrite, d.redeliver)
	d.handle("POST "+Prefix+"api/webhooks/apps/{app}/{action}", accWrite, d.pauseApp)
	d.handle("POST "+Prefix+"api/oauth/tokens/{id}/{action}", accWrite, d.tokenAction)

	d.mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		d.fail(w, r, http.StatusNotFound, "no dashboard page "+r.URL.Path)
	})
}
