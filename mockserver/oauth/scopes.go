package oauth

// access is the "Access Type" column of GHL's scope table: which kind of app
// may hold a scope.
type access uint8

const (
	accessSubAccount access = 1 << iota
	accessAgency
)

// Scopes that GHL's tokens get without the app asking (idx:70477076689 §3g).
const (
	ScopeOAuthRead  = "oauth.readonly"
	ScopeOAuthWrite = "oauth.write"
)

// scopeAccess is docs/oauth/Scopes.md's table: every scope GHL publishes and
// its access types. A scope listed on two rows with different types (e.g.
// saas/location.write) holds both.
var scopeAccess = map[string]access{
	"blogs/author.readonly":           accessSubAccount,
	"blogs/category.readonly":         accessSubAccount,
	"blogs/check-slug.readonly":       accessSubAccount,
	"blogs/list.readonly":             accessSubAccount,
	"blogs/post-update.write":         accessSubAccount,
	"blogs/post.write":                accessSubAccount,
	"blogs/posts.readonly":            accessSubAccount,
	"businesses.readonly":             accessSubAccount,
	"businesses.write":                accessSubAccount,
	"calendars.readonly":              accessSubAccount,
	"calendars.write":                 accessSubAccount,
	"calendars/events.readonly":       accessSubAccount,
	"calendars/events.write":          accessSubAccount,
	"calendars/groups.readonly":       accessSubAccount,
	"calendars/groups.write":          accessSubAccount,
	"calendars/resources.readonly":    accessSubAccount,
	"calendars/resources.write":       accessSubAccount,
	"campaigns.readonly":              accessSubAccount,
	"contacts.readonly":               accessSubAccount,
	"contacts.write":                  accessSubAccount,
	"conversations.readonly":          accessSubAccount,
	"conversations.write":             accessSubAccount,
	"conversations/livechat.write":    accessSubAccount,
	"conversations/message.readonly":  accessSubAccount,
	"conversations/message.write":     accessSubAccount,
	"courses.write":                   accessSubAccount,
	"emails/builder.readonly":         accessSubAccount,
	"emails/builder.write":            accessSubAccount,
	"emails/schedule.readonly":        accessSubAccount | accessAgency,
	"forms.readonly":                  accessSubAccount,
	"funnels/funnel.readonly":         accessSubAccount,
	"funnels/page.readonly":           accessSubAccount,
	"funnels/pagecount.readonly":      accessSubAccount,
	"funnels/redirect.readonly":       accessSubAccount,
	"funnels/redirect.write":          accessSubAccount,
	"invoices.readonly":               accessSubAccount,
	"invoices.write":                  accessSubAccount,
	"invoices/schedule.readonly":      accessSubAccount,
	"invoices/schedule.write":         accessSubAccount,
	"invoices/template.readonly":      accessSubAccount,
	"invoices/template.write":         accessSubAccount,
	"links.readonly":                  accessSubAccount,
	"links.write":                     accessSubAccount,
	"locations.readonly":              accessSubAccount | accessAgency,
	"locations.write":                 accessAgency,
	"locations/customFields.readonly": accessSubAccount,
	"locations/customFields.write":    accessSubAccount,
	"locations/customValues.readonly": accessSubAccount,
	"locations/customValues.write":    accessSubAccount,
	"locations/tags.readonly":         accessSubAccount,
	"locations/tags.write":            accessSubAccount,
	"locations/tasks.readonly":        accessSubAccount,
	"locations/templates.readonly":    accessSubAccount,
	"medias.readonly":                 accessSubAccount,
	"medias.write":                    accessSubAccount,
	"oauth.readonly":                  accessAgency,
	"oauth.write":                     accessAgency,
	"objects/record.readonly":         accessSubAccount,
	"objects/record.write":            accessSubAccount,
	"objects/schema.readonly":         accessSubAccount,
	"objects/schema.write":            accessSubAccount,
	"opportunities.readonly":          accessSubAccount,
	"opportunities.write":             accessSubAccount,
	"payments/integration.readonly":   accessSubAccount,
	"payments/integration.write":      accessSubAccount,
	"payments/orders.readonly":        accessSubAccount,
	"payments/orders.write":           accessSubAccount,
	"payments/subscriptions.readonly": accessSubAccount,
	"payments/transactions.readonly":  accessSubAccount,
	"products.readonly":               accessSubAccount,
	"products.write":                  accessSubAccount,
	"products/prices.readonly":        accessSubAccount,
	"products/prices.write":           accessSubAccount,
	"saas/company.write":              accessSubAccount | accessAgency,
	"saas/location.read":              accessSubAccount | accessAgency,
	"saas/location.write":             accessSubAccount | accessAgency,
	"snapshots.readonly":              accessAgency,
	"socialplanner/account.readonly":  accessSubAccount,
	"socialplanner/account.write":     accessSubAccount,
	"socialplanner/category.readonly": accessSubAccount,
	"socialplanner/csv.readonly":      accessSubAccount,
	"socialplanner/csv.write":         accessSubAccount,
	"socialplanner/oauth.readonly":    accessSubAccount,
	"socialplanner/oauth.write":       accessSubAccount,
	"socialplanner/post.readonly":     accessSubAccount,
	"socialplanner/post.write":        accessSubAccount,
	"socialplanner/tag.readonly":      accessSubAccount,
	"surveys.readonly":                accessSubAccount,
	"users.readonly":                  accessSubAccount | accessAgency,
	"users.write":                     accessSubAccount | accessAgency,
	"workflows.readonly":              accessSubAccount,
}
