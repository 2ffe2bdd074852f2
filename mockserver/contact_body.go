package mockserver

import (
	"encoding/json"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// optString is a string field of a request body that tells "absent" from
// null: absent leaves the stored value alone, null clears it, as GHL does.
type optString struct {
	Set   bool
	Value string
}

func (o *optString) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = ""
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

func (o optString) ptr() *string {
	if !o.Set {
		return nil
	}
	v := o.Value
	return &v
}

// contactBody is the body of create-contact, update-contact and
// upsert-contact; the document has already refused unknown properties and
// wrong types.
type contactBody struct {
	LocationID         optString                  `json:"locationId"`
	FirstName          optString                  `json:"firstName"`
	LastName           optString                  `json:"lastName"`
	Name               optString                  `json:"name"`
	Email              optString                  `json:"email"`
	Phone              optString                  `json:"phone"`
	Gender             optString                  `json:"gender"`
	Address1           optString                  `json:"address1"`
	City               optString                  `json:"city"`
	State              optString                  `json:"state"`
	PostalCode         optString                  `json:"postalCode"`
	Country            optString                  `json:"country"`
	Website            optString                  `json:"website"`
	Timezone           optString                  `json:"timezone"`
	CompanyName        optString                  `json:"companyName"`
	Source             optString                  `json:"source"`
	AssignedTo         optString                  `json:"assignedTo"`
	DateOfBirth        optString                  `json:"dateOfBirth"`
	DND                *bool                      `json:"dnd"`
	DNDSettings        map[string]*dndSettingBody `json:"dndSettings"`
	InboundDNDSettings *inboundDNDBody            `json:"inboundDndSettings"`
	Tags               *[]string                  `json:"tags"`
	CustomFields       []customFieldBody          `json:"customFields"`

	CreateNewIfDuplicateAllowed bool `json:"createNewIfDuplicateAllowed"`
}

type dndSettingBody struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

type inboundDNDBody struct {
	All *dndSettingBody `json:"all"`
}

type customFieldBody struct {
	ID         string          `json:"id"`
	Key        string          `json:"key"`
	FieldValue json.RawMessage `json:"field_value"`
	NewValue   json.RawMessage `json:"fieldValue"`
}

// input turns the body into the store's ContactInput.
func (b *contactBody) input() crm.ContactInput {
	in := crm.ContactInput{
		FirstName:   b.FirstName.ptr(),
		LastName:    b.LastName.ptr(),
		Name:        b.Name.ptr(),
		Email:       b.Email.ptr(),
		Phone:       b.Phone.ptr(),
		Gender:      b.Gender.ptr(),
		Address1:    b.Address1.ptr(),
		City:        b.City.ptr(),
		State:       b.State.ptr(),
		PostalCode:  b.PostalCode.ptr(),
		Country:     b.Country.ptr(),
		Website:     b.Website.ptr(),
		Timezone:    b.Timezone.ptr(),
		CompanyName: b.CompanyName.ptr(),
		Source:      b.Source.ptr(),
		AssignedTo:  b.AssignedTo.ptr(),
		DateOfBirth: b.DateOfBirth.ptr(),
		DND:         b.DND,
		Tags:        b.Tags,
	}
	if b.DNDSettings != nil {
		in.DNDSettings = map[string]crm.DNDSetting{}
		for ch, d := range b.DNDSettings {
			if d != nil {
				in.DNDSettings[ch] = crm.DNDSetting{Status: d.Status, Message: d.Message, Code: d.Code}
			}
		}
	}
	if d := b.InboundDNDSettings; d != nil && d.All != nil {
		in.InboundDNDSettings = &crm.InboundDNDSettings{All: crm.DNDSetting{Status: d.All.Status, Message: d.All.Message}}
	}
	if b.CustomFields != nil {
		in.CustomFields = make([]crm.CustomFieldInput, 0, len(b.CustomFields))
		for _, f := range b.CustomFields {
			raw := f.NewValue
			if raw == nil {
				raw = f.FieldValue
			}
			in.CustomFields = append(in.CustomFields, crm.CustomFieldInput{ID: f.ID, Key: f.Key, Value: customValue(raw)})
		}
	}
	return in
}

// customValue decodes a custom field value: strings, numbers, booleans and
// lists of strings are kept; null or nothing clears the field.
func customValue(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, item := range list {
			if s, ok := item.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return v
}
