package ghlmocktest_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/ghlmocktest"
)

// The functions of this file are the README's Go snippets, word for word
// (TestREADMEGoSnippets compares them), so that what the README shows runs.

// getContact is what a client of the integration does: GET a contact.
func getContact(baseURL, token, id string) (int, string) {
	req, _ := http.NewRequest("GET", baseURL+"/contacts/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Version", "2021-07-28")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	var body struct{ Contact struct{ Email string } }
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body.Contact.Email
}

// createContact is another: POST a contact, retrying up to three times on
// a 5xx, as a careful client does.
func createContact(baseURL, token, locationID, email string) int {
	for attempt := 1; ; attempt++ {
		req, _ := http.NewRequest("POST", baseURL+"/contacts/", strings.NewReader(
			`{"locationId":"`+locationID+`","email":"`+email+`"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Version", "2021-07-28")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		res.Body.Close()
		if res.StatusCode < 500 || attempt == 3 {
			return res.StatusCode
		}
	}
}

func TestSignupCreatesAContact(t *testing.T) {
	m := ghlmocktest.New(t) // stopped when the test ends
	// Point the code under test at m.URL instead of https://services.leadconnectorhq.com:
	status := createContact(m.URL, m.Token, m.LocationID, "new.lead@example.com")
	if status != 201 {
		t.Fatalf("create-contact answered %d", status)
	}
	m.Verify(t, ghlmocktest.Query{OperationID: "create-contact", Body: map[string]string{"email": "new.lead@example.com"}}, 1)
}

func Example() {
	m, err := ghlmocktest.Start(ghlmocktest.WithClockAt(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	status, email := getContact(m.URL, m.Token, m.ContactID("Ada Lovelace"))
	fmt.Println(status, email)
	fmt.Println(m.LocationID, m.Token)
	fmt.Println(m.Location("5YtuALNUEJMUUqAsab3w").Contacts["Grace Hopper"])
	// Output:
	// 200 ada.lovelace@example.com
	// O9hFAiOh29oB93c0F6UJ pit-1a2b3c4d-0001-4000-8000-000000000001
	// Md6OT0RspVgH97589Ek9
}

func Example_failTwiceThenSucceed() {
	m, err := ghlmocktest.Start(ghlmocktest.WithFaults(
		faults.Rule{OperationID: "create-contact", Status: 503, Times: 2}))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	fmt.Println(createContact(m.URL, m.Token, m.LocationID, "retry@example.com"))
	requests, _ := m.Requests(ghlmocktest.Query{OperationID: "create-contact"})
	for _, r := range requests {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// 201
	// POST /contacts/ 503
	// POST /contacts/ 503
	// POST /contacts/ 201
}

func Example_rateLimit() {
	m, err := ghlmocktest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()

	ada := m.ContactID("Ada Lovelace")
	for range 100 {
		getContact(m.URL, m.Token, ada)
	}
	status, _ := getContact(m.URL, m.Token, ada)
	fmt.Println("the 101st request in 10 s:", status)
	m.Advance(10 * time.Second) // roll the rate window without sleeping
	status, _ = getContact(m.URL, m.Token, ada)
	fmt.Println("after the window:", status)
	n, _ := m.Count(ghlmocktest.Query{OperationID: "get-contact", Status: 429})
	fmt.Println("429s:", n)
	// Output:
	// the 101st request in 10 s: 429
	// after the window: 200
	// 429s: 1
}
