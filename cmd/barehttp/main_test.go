package main

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	for _, method := range []string{"GET", "POST", "PUT"} {
		rec := httptest.NewRecorder()
		handler().ServeHTTP(rec, httptest.NewRequest(method, "/contacts/anything", strings.NewReader(`{"x":1}`)))
		if rec.Code != 200 {
			t.Fatalf("%s: status %d", method, rec.Code)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Errorf("Content-Type %q", got)
		}
		var v struct {
			Contact struct{ ID string } `json:"contact"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.Contact.ID == "" {
			t.Errorf("body is not a contact answer: %v", err)
		}
		if n := rec.Body.Len(); n < 1000 || n > 1500 {
			t.Errorf("body of %d bytes; a GET contact answer is about 1.2 kB", n)
		}
	}
}
