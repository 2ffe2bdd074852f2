package mockserver

import (
	"slices"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// installEvents maps a change of an OAuth install (a crm.KindGrant change
// whose record is an *oauth.Install) to the app's INSTALL and UNINSTALL
// webhooks, which go to that app's Default Webhook URL only: a new install
// sends INSTALL for each of its locations (a Company install approved on
// none sends one, for the company); a location added to an install sends
// INSTALL for it, one taken off UNINSTALL; an install removed sends
// UNINSTALL for each location it had (or the company). Other grants (codes,
// tokens, keys, snapshots) send nothing.
//
// A snapshot's records — the fixtures' installs put back at start-up
// (state:init) or by a reset, an import of the OAuth state — are state
// restored, not apps installed: they send nothing.
func installEvents(c crm.Change) []webhooks.Event {
	switch c.Cause.OperationID {
	case "state:init", "admin:reset", "admin:oauth-import":
		return nil
	}
	before, _ := c.Before.(*oauth.Install)
	after, _ := c.After.(*oauth.Install)
	if before == nil && after == nil {
		return nil
	}
	var evs []webhooks.Event
	emit := func(in *oauth.Install, uninstall bool, locs []string) {
		base := webhooks.InstallInfo{Uninstall: uninstall, AppID: in.AppID, InstallType: string(in.UserType),
			CompanyID: in.CompanyID, UserID: in.UserID}
		if len(locs) == 0 && (before == nil || after == nil) {
			evs = append(evs, webhooks.InstallEvent(base))
			return
		}
		for _, loc := range locs {
			info := base
			info.LocationID = loc
			evs = append(evs, webhooks.InstallEvent(info))
		}
	}
	switch {
	case before == nil:
		emit(after, false, after.LocationIDs())
	case after == nil:
		emit(before, true, before.LocationIDs())
	default:
		was, is := before.LocationIDs(), after.LocationIDs()
		var added, removed []string
		for _, l := range is {
			if !slices.Contains(was, l) {
				added = append(added, l)
			}
		}
		for _, l := range was {
			if !slices.Contains(is, l) {
				removed = append(removed, l)
			}
		}
		emit(after, false, added)
		emit(before, true, removed)
	}
	for i := range evs {
		evs[i].Seq, evs[i].Time = c.Seq, c.Time.Time()
		evs[i].TraceID, evs[i].OperationID = c.Cause.TraceID, c.Cause.OperationID
	}
	return evs
}
