package oauth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// InstallEvent is one install or uninstall, as the mock turns it into GHL's
// INSTALL or UNINSTALL webhook to the app's URL. A Company install sends one
// event for the company (InstallType Company, no LocationID) and one per
// location (InstallType Location, with CompanyID): the official SDK mints a
// location token on an INSTALL that names both ids.
type InstallEvent struct {
	Type        string // "INSTALL" or "UNINSTALL"
	AppID       string
	VersionID   string
	ClientID    string
	WebhookURL  string // the app's; "" for none
	InstallType Class
	CompanyID   string
	CompanyName string
	LocationID  string // "" for the company's own event
	UserID      string
	InstallID   string
	Time        time.Time
}

// Types of InstallEvent.
const (
	EventInstall   = "INSTALL"
	EventUninstall = "UNINSTALL"
)

// InstallInput is an install made without the authorize page: an admin call,
// or the authorize step itself.
type InstallInput struct {
	AppID string
	// UserType is the view the app is installed from: Location (one
	// location) or Company (the agency, with the approved locations).
	UserType    Class
	CompanyID   string   // Company installs; "" means the owner of the locations
	LocationIDs []string // Location installs: exactly one
	UserID      string   // "" means a new user id
	// InstallToFutureLocations is the agency's bulk-install choice.
	InstallToFutureLocations bool
}

// Install installs an app, or adds locations to its install on a company.
// Installing again what is installed changes nothing.
func (s *Service) Install(ctx context.Context, in InstallInput) (Install, error) {
	var out Install
	err := s.update(ctx, func(t *txn) error {
		rec, err := t.upsertInstall(in)
		if err == nil {
			out = *rec.clone()
		}
		return err
	})
	return out, err
}

// upsertInstall finds or makes the install in asks for, adding the locations
// it lacks, and queues an INSTALL event for each addition.
func (t *txn) upsertInstall(in InstallInput) (*Install, error) {
	s := t.s
	app := s.app(in.AppID)
	if app == nil {
		return nil, fmt.Errorf("%w: unknown app %q", ErrNotFound, in.AppID)
	}
	candidate := &Install{AppID: in.AppID, UserType: in.UserType, CompanyID: in.CompanyID}
	for _, id := range in.LocationIDs {
		if !candidate.Covers(id) {
			candidate.Locations = append(candidate.Locations, InstalledOn{LocationID: id, InstalledAt: t.now})
		}
	}
	if err := s.checkInstall(candidate); err != nil {
		return nil, err
	}
	if in.UserType == ClassCompany && app.Target == TargetSubAccount && len(candidate.Locations) == 0 {
		return nil, fmt.Errorf("%w: a Sub-Account app is installed from the agency view on at least one location", ErrInvalid)
	}
	existing := s.findInstall(candidate)
	var rec *Install
	var added []string
	if existing == nil {
		rec = candidate
		rec.ID, rec.InstalledAt, rec.UserID = s.ids.HexID(), t.now, in.UserID
		if rec.UserID == "" {
			rec.UserID = s.ids.ID()
		}
		added = rec.LocationIDs()
	} else {
		rec = existing.clone()
		for _, l := range candidate.Locations {
			if !rec.Covers(l.LocationID) {
				rec.Locations = append(rec.Locations, l)
				added = append(added, l.LocationID)
			}
		}
	}
	rec.InstallToFutureLocations = rec.InstallToFutureLocations || in.InstallToFutureLocations
	if rec.UserType == ClassCompany {
		rec.ApproveAllLocations = len(rec.Locations) > 0 && len(rec.Locations) == len(s.company(rec.CompanyID).Locations)
	}
	if existing != nil && len(added) == 0 && rec.InstallToFutureLocations == existing.InstallToFutureLocations {
		return existing, nil
	}
	t.putInstall(rec)
	if existing == nil && rec.UserType == ClassCompany {
		t.event(EventInstall, rec, ClassCompany, "")
	}
	for _, id := range added {
		t.event(EventInstall, rec, ClassLocation, id)
	}
	return rec, nil
}

// findInstall returns the install of the same app, view and place as
// candidate: the app's Company install of the company, or its Location
// install of the location.
func (s *Service) findInstall(candidate *Install) *Install {
	var found *Install
	for _, in := range s.installs {
		if in.AppID != candidate.AppID || in.UserType != candidate.UserType || in.CompanyID != candidate.CompanyID {
			continue
		}
		if in.UserType == ClassLocation && !in.Covers(candidate.Locations[0].LocationID) {
			continue
		}
		if found == nil || in.ID < found.ID {
			found = in
		}
	}
	return found
}

func (t *txn) event(typ string, in *Install, class Class, locationID string) {
	app := t.s.app(in.AppID)
	t.events = append(t.events, InstallEvent{
		Type: typ, AppID: app.ID, VersionID: app.VersionID, ClientID: app.ClientID, WebhookURL: app.WebhookURL,
		InstallType: class, CompanyID: in.CompanyID, CompanyName: t.s.company(in.CompanyID).Name,
		LocationID: locationID, UserID: in.UserID, InstallID: in.ID, Time: t.now.Time(),
	})
}

// Uninstall removes an install: every token it gave is revoked and its
// pending codes are dropped.
func (s *Service) Uninstall(ctx context.Context, installID string) error {
	return s.update(ctx, func(t *txn) error {
		in, ok := s.installs[installID]
		if !ok {
			return fmt.Errorf("%w: no install %q", ErrNotFound, installID)
		}
		t.removeInstall(in, fmt.Sprintf("the app was uninstalled (install %s)", in.ID))
		return nil
	})
}

func (t *txn) removeInstall(in *Install, reason string) {
	t.deleteInstall(in.ID)
	t.revokeWhere(reason, func(tok *Token) bool { return tok.InstallID == in.ID })
	t.dropCodes(func(c *Code) bool { return c.InstallID == in.ID })
	for _, id := range in.LocationIDs() {
		t.event(EventUninstall, in, ClassLocation, id)
	}
	if in.UserType == ClassCompany {
		t.event(EventUninstall, in, ClassCompany, "")
	}
}

// UninstallLocation uninstalls an app from one location, whichever install
// holds it: a Location install goes entirely; a Company install loses the
// location, and the app's Location tokens for it are revoked (its Company
// tokens stay, as the agency keeps the app).
func (s *Service) UninstallLocation(ctx context.Context, appID, locationID string) error {
	return s.update(ctx, func(t *txn) error {
		var holders []*Install
		for _, in := range s.installs {
			if in.AppID == appID && in.Covers(locationID) {
				holders = append(holders, in)
			}
		}
		if len(holders) == 0 {
			return fmt.Errorf("%w: app %q is not installed on location %q", ErrNotFound, appID, locationID)
		}
		slices.SortFunc(holders, func(a, b *Install) int { return strings.Compare(a.ID, b.ID) })
		reason := fmt.Sprintf("the app was uninstalled from location %s", locationID)
		for _, in := range holders {
			if in.UserType == ClassLocation {
				t.removeInstall(in, reason)
				continue
			}
			c := in.clone()
			c.Locations = slices.DeleteFunc(c.Locations, func(l InstalledOn) bool { return l.LocationID == locationID })
			c.ApproveAllLocations = false
			t.putInstall(c)
			t.revokeWhere(reason, func(tok *Token) bool { return tok.InstallID == in.ID && tok.LocationID == locationID })
			t.event(EventUninstall, in, ClassLocation, locationID)
		}
		return nil
	})
}

// dropCodes deletes the codes match selects, in code order.
func (t *txn) dropCodes(match func(*Code) bool) {
	var codes []string
	for code, c := range t.s.codes {
		if match(c) {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		t.deleteCode(code)
	}
}
