package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func init() {
	commands = append(commands, command{name: "oauth", run: runOAuth})
}

const oauthUsage = `Usage:
  ghlmock oauth authorize [--base-url URL] [--client-id ID] (--location-id L | --company-id C [--locations L1,L2])
                          [--exchange [--client-secret S]] [--admin-token T]
      install the app on a location (a Location token's code) or on the agency (a
      Company token's) through POST /_mock/oauth/authorize of a running mock, and
      print the code; with --exchange, exchange it at POST /oauth/token and print
      the token answer. The client id defaults to the fixtures' first OAuth app,
      the secret to the fixtures' (--fixtures PATH, default the embedded ones).
  ghlmock oauth decode TOKEN
      print a JWT's header and claims (the signature is not checked)
`

// runOAuth is ghlmock oauth authorize|decode.
func runOAuth(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "authorize" && args[0] != "decode") {
		fmt.Fprint(stderr, oauthUsage)
		return exitCode(2)
	}
	if args[0] == "decode" {
		if len(args) != 2 {
			fmt.Fprint(stderr, oauthUsage)
			return exitCode(2)
		}
		return decodeJWT(args[1], stdout)
	}
	fs := newFlagSet("oauth authorize", stderr)
	base := fs.String("base-url", "", "the running mock (default http://127.0.0.1:8080, env GHLMOCK_ADDR)")
	clientID := fs.String("client-id", "", "the app's client id (default: the fixtures' first OAuth app)")
	secret := fs.String("client-secret", "", "the app's client secret, for --exchange (default: the fixtures')")
	loc := fs.String("location-id", "", "install from this location's view: the code gives a Location token")
	company := fs.String("company-id", "", "install from this agency's view: the code gives a Company token")
	locations := fs.String("locations", "", "with --company-id: the approved locations, comma-separated (default: all)")
	exchange := fs.Bool("exchange", false, "exchange the code and print the token answer")
	adminToken := fs.String("admin-token", "", "the mock's --admin-token, if it has one (env GHLMOCK_ADMIN_TOKEN)")
	fixtures := fs.String("fixtures", "", "the fixture file the mock serves, for the defaults (default: the embedded one)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *base == "" {
		addr := getenv("GHLMOCK_ADDR")
		if addr == "" {
			addr = "127.0.0.1:8080"
		}
		*base = "http://" + addr
	}
	if *adminToken == "" {
		*adminToken = getenv("GHLMOCK_ADMIN_TOKEN")
	}
	if (*loc == "") == (*company == "") {
		return errors.New("oauth authorize: give --location-id or --company-id (one of them)")
	}
	if *clientID == "" || (*exchange && *secret == "") {
		fx, err := loadFixtures(*fixtures)
		if err != nil {
			return err
		}
		for _, a := range fx.Resolved().Apps {
			if a.OAuthAppSummary != nil && (*clientID == "" || a.ClientID == *clientID) {
				if *clientID == "" {
					*clientID = a.ClientID
				}
				if *secret == "" {
					*secret = a.ClientSecret
				}
				break
			}
		}
		if *clientID == "" {
			return errors.New("oauth authorize: the fixtures have no OAuth app: give --client-id")
		}
	}
	body := map[string]any{"clientId": *clientID}
	if *loc != "" {
		body["locationId"] = *loc
	} else {
		body["companyId"] = *company
		if *locations != "" {
			body["locationIds"] = strings.Split(*locations, ",")
		}
	}
	c := &http.Client{Timeout: 30 * time.Second}
	raw, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(*base, "/")+"/_mock/oauth/authorize", bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if *adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+*adminToken)
	}
	auth, err := doJSON(c, req)
	if err != nil {
		return fmt.Errorf("oauth authorize: %w", err)
	}
	code, _ := auth["code"].(string)
	if !*exchange {
		fmt.Fprintln(stdout, code)
		return nil
	}
	form := url.Values{"client_id": {*clientID}, "client_secret": {*secret}, "grant_type": {"authorization_code"}, "code": {code}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(*base, "/")+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	tokens, err := doJSON(c, req)
	if err != nil {
		return fmt.Errorf("oauth authorize: exchange: %w", err)
	}
	out, _ := json.MarshalIndent(tokens, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return nil
}

// doJSON sends req and decodes a 2xx JSON object answer; anything else is an
// error quoting the answer.
func doJSON(c *http.Client, req *http.Request) (map[string]any, error) {
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if res.StatusCode/100 != 2 || json.Unmarshal(raw, &m) != nil {
		return nil, fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, bytes.TrimSpace(raw))
	}
	return m, nil
}

// decodeJWT prints a JWT's header and payload as JSON.
func decodeJWT(token string, stdout io.Writer) error {
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(token), "Bearer "))
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("oauth decode: not a JWT (want three dot-separated parts)")
	}
	var out struct {
		Header json.RawMessage `json:"header"`
		Claims json.RawMessage `json:"claims"`
	}
	for i, dst := range []*json.RawMessage{&out.Header, &out.Claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || !json.Valid(b) {
			return fmt.Errorf("oauth decode: part %d is not base64url JSON", i+1)
		}
		*dst = b
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(b))
	return nil
}
