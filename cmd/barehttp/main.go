// Command barehttp is the ceiling ghlmock's load run is measured against: a
// bare net/http server answering every request with a fixed JSON body the
// size and shape of ghlmock's answer to GET /contacts/{id} (Ada Lovelace,
// 1,260 bytes), and nothing else — no routing, auth, rate limits, validation,
// state or journal.
//
// Usage:
//
//	barehttp [--addr 127.0.0.1:0]
//
// It prints "listening on http://HOST:PORT" on stdout when ready, and stops on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

// body is ghlmock's answer to GET /contacts/2NexTNy4UiJ1cLOoua11.
const body = `{"contact":{"id":"2NexTNy4UiJ1cLOoua11","dateAdded":"2025-10-18T04:04:25.389Z","dateUpdated":"2025-10-18T04:04:25.389Z","tags":["vip","newsletter","appointment booked"],"type":"lead","locationId":"O9hFAiOh29oB93c0F6UJ","name":"Ada Lovelace","firstName":"Ada","firstNameLowerCase":"ada","lastName":"Lovelace","lastNameLowerCase":"lovelace","fullNameLowerCase":"ada lovelace","email":"ada.lovelace@example.com","emailLowerCase":"ada.lovelace@example.com","phone":"+12125550101","companyName":"Analytical Engines Ltd","businessId":"a1dc14807ae9e2266dcbc9ee","address1":"12 St James's Square","city":"New York","state":"NY","country":"US","postalCode":"10001","website":"https://www.example.com/ada","timezone":"America/New_York","dnd":false,"source":"public api","assignedTo":"5xU7Tu1bwfKWCuvQxqTh","dateOfBirth":"1815-12-10T00:00:00.000Z","customFields":[{"id":"ryyNgXez56XAvmO3nYdT","value":"purple"},{"id":"YGFay5B8Of45XpinRvYw","value":7},{"id":"CxAlJ5nP3jJm1NJ2CXOp","value":"Email"},{"id":"zXB23VIVQV037TN1oOGO","value":["Whitening","Check-up"]}],"followers":["D8VIVHpwhl1ngwRyTny0"],"attributionSource":{"sessionSource":"CRM UI","medium":"manual","mediumId":null},"lastActivity":"2026-11-20T04:04:25.389Z"},"traceId":"419cc188-8d79-4a74-b7cb-a425a5f4dc52"}`

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "barehttp:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler()}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handler answers every request with body.
func handler() http.Handler {
	b := []byte(body)
	size := strconv.Itoa(len(b))
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["Content-Length"] = []string{size}
		_, _ = w.Write(b) // a client gone is no concern of ours
	})
}
