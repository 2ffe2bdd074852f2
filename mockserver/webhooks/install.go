package webhooks

// InstallInfo describes an app's install or uninstall, the payload of the
// INSTALL and UNINSTALL webhooks as the official SDK types it
// (InstallWebhookRequest in lib/webhook/webhook-manager.ts). The SDK acts on
// them: on INSTALL with companyId and locationId it fetches a location
// token, on UNINSTALL it deletes the stored session of locationId (else
// companyId).
type InstallInfo struct {
	Uninstall   bool     // UNINSTALL rather than INSTALL
	AppID       string   // the app's id: the part of its client id before "-"
	VersionID   string   // the app version installed
	InstallType string   // "Location" or "Company"
	LocationID  string   // a location install; "" for a company-level one
	LocationIDs []string // a bulk install's locations
	CompanyID   string
	UserID      string // the user who installed it
	CompanyName string

	IsWhitelabelCompany *bool // nil: not sent
	WhitelabelLogoURL   string
	WhitelabelDomain    string // with WhitelabelLogoURL: whitelabelDetails, when either is set
	PlanID              string
}

// InstallEvent builds an INSTALL or UNINSTALL event. It goes to the app's
// own subscriptions only (ForApp), which in GHL is the app's Default
// Webhook URL, and carries appId whatever the subscription says.
func InstallEvent(in InstallInfo) Event {
	typ := Install
	if in.Uninstall {
		typ = Uninstall
	}
	o := Object{{"type", typ}, {"appId", in.AppID}}
	o = appendOmit(o, "versionId", in.VersionID)
	o = appendOmit(o, "installType", in.InstallType)
	o = appendOmit(o, "locationId", in.LocationID)
	if len(in.LocationIDs) > 0 {
		o = append(o, Member{"locationIds", append([]string(nil), in.LocationIDs...)})
	}
	o = appendOmit(o, "companyId", in.CompanyID)
	o = appendOmit(o, "userId", in.UserID)
	o = appendOmit(o, "companyName", in.CompanyName)
	if in.IsWhitelabelCompany != nil {
		o = append(o, Member{"isWhitelabelCompany", *in.IsWhitelabelCompany})
	}
	if in.WhitelabelLogoURL != "" || in.WhitelabelDomain != "" {
		o = append(o, Member{"whitelabelDetails", Object{{"logoUrl", in.WhitelabelLogoURL}, {"domain", in.WhitelabelDomain}}})
	}
	o = appendOmit(o, "planId", in.PlanID)
	return Event{Type: typ, LocationID: in.LocationID, ObjectID: in.AppID, ForApp: in.AppID, Fields: o}
}
