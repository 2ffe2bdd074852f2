package oauth

import (
	"strconv"
	"strings"
)

// InstalledLocationsInput is GET /oauth/installedLocations: its query, as
// sent (the spec types every parameter a string), and the token it was
// authenticated with. onTrial and planId filter nothing: the mock models no
// trials and no paid plans.
type InstalledLocationsInput struct {
	// Caller is the OAuth access token of the request; nil for a Private
	// Integration Token, which GHL refuses.
	Caller      *Principal
	CompanyID   string
	AppID       string
	Skip        string // default 0
	Limit       string // default 20
	Query       string // a part of the location's name, any case
	IsInstalled string // "", "true" or "false"
	LocationID  string
	VersionID   string
}

// InstalledLocationsResponse is GHL's answer.
type InstalledLocationsResponse struct {
	Locations []InstalledLocation `json:"locations"`
	// Count is how many locations match, before skip and limit ("Total
	// location count under the company").
	Count                    int  `json:"count"`
	InstallToFutureLocations bool `json:"installToFutureLocations"`
}

// InstalledLocation is one location of the answer.
type InstalledLocation struct {
	ID          string `json:"_id"`
	Name        string `json:"name"`
	Address     string `json:"address"`
	IsInstalled bool   `json:"isInstalled"`
	VersionID   string `json:"versionId,omitempty"`   // installed ones
	InstalledAt string `json:"installedAt,omitempty"` // installed ones, ISO 8601
}

// InstalledLocations lists the company's locations and whether the app is
// installed on each, in the fixtures' order.
func (s *Service) InstalledLocations(in InstalledLocationsInput) (*InstalledLocationsResponse, *Error) {
	if e := s.checkAgencyCaller(in.Caller, ScopeOAuthRead); e != nil {
		return nil, e
	}
	var bad []string
	if in.CompanyID == "" {
		bad = append(bad, "companyId should not be empty")
	}
	if in.AppID == "" {
		bad = append(bad, "appId should not be empty")
	}
	skip, okSkip := number(in.Skip, 0)
	limit, okLimit := number(in.Limit, 20)
	if !okSkip {
		bad = append(bad, "skip must be a number string")
	}
	if !okLimit {
		bad = append(bad, "limit must be a number string")
	}
	if in.IsInstalled != "" && in.IsInstalled != "true" && in.IsInstalled != "false" {
		bad = append(bad, "isInstalled must be a boolean value")
	}
	if bad != nil {
		return nil, invalidInput(bad...)
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	msgs := s.settings.Messages
	company := s.company(in.CompanyID)
	if in.CompanyID != in.Caller.CompanyID || company == nil {
		return nil, apiError(msgs.CompanyMismatch, "company "+in.CompanyID+" is not the token's company "+in.Caller.CompanyID)
	}
	app := s.app(in.AppID) // nil: an app the mock does not know is installed nowhere
	resp := &InstalledLocationsResponse{Locations: []InstalledLocation{}}
	query := strings.ToLower(in.Query)
	for _, loc := range company.Locations {
		row := InstalledLocation{ID: loc.ID, Name: loc.Name, Address: loc.Address}
		if app != nil {
			if at, ok := s.installedAt(app.ID, loc.ID); ok {
				row.IsInstalled, row.VersionID, row.InstalledAt = true, app.VersionID, at
			}
		}
		switch {
		case query != "" && !strings.Contains(strings.ToLower(loc.Name), query),
			in.IsInstalled != "" && strconv.FormatBool(row.IsInstalled) != in.IsInstalled,
			in.LocationID != "" && loc.ID != in.LocationID,
			in.VersionID != "" && row.VersionID != in.VersionID:
			continue
		}
		resp.Count++
		if resp.Count > skip && len(resp.Locations) < limit {
			resp.Locations = append(resp.Locations, row)
		}
	}
	for _, install := range s.installs {
		if app != nil && install.AppID == app.ID && install.UserType == ClassCompany && install.CompanyID == company.ID {
			resp.InstallToFutureLocations = resp.InstallToFutureLocations || install.InstallToFutureLocations
		}
	}
	return resp, nil
}

// installedAt is when the app was first installed on a location, as GHL's
// ISO form, and whether it is.
func (s *Service) installedAt(appID, locationID string) (string, bool) {
	var first *InstalledOn
	for _, in := range s.installs {
		if in.AppID != appID {
			continue
		}
		for i := range in.Locations {
			if l := &in.Locations[i]; l.LocationID == locationID && (first == nil || l.InstalledAt < first.InstalledAt) {
				first = l
			}
		}
	}
	if first == nil {
		return "", false
	}
	return first.InstalledAt.String(), true
}

// number reads a non-negative count, def when empty.
func number(s string, def int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}
