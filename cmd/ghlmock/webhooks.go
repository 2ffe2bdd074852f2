package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

func init() {
	commands = append(commands, command{name: "webhooks", run: runWebhooks})
}

// webhookFlags are serve's webhook flags.
type webhookFlags struct {
	urls    multiFlag
	key     string
	rsa     bool
	retry   string
	workers int
	timeout time.Duration
	logSize int
	share   float64
	backlog int
}

func (f *webhookFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.urls, "webhook-url", "subscribe this URL to every event, as the default app's Default Webhook URL (repeatable; GHLMOCK_WEBHOOK_URL takes a comma-separated list)")
	fs.StringVar(&f.key, "webhook-key", "", "PEM file of the Ed25519 (and optional RSA) private key webhooks are signed with (default: kept in --state, else derived from --seed)")
	fs.BoolVar(&f.rsa, "webhook-rsa", false, "have an RSA-4096 key for the legacy x-wh-signature, so subscriptions may ask for ed25519+rsa")
	fs.StringVar(&f.retry, "webhook-retry", "", "retry profile of --webhook-url: ghl-non2xx (HighLevel's newest statement), ghl-429, none, or delays such as 30s,5m (default: the fixtures' settings.webhooks.retry)")
	fs.IntVar(&f.workers, "webhook-workers", 8, "deliveries in flight at once")
	fs.DurationVar(&f.timeout, "webhook-timeout", 10*time.Second, "how long a receiver may take to answer one attempt")
	fs.IntVar(&f.logSize, "webhook-log-size", 10000, "finished deliveries the delivery log keeps (pending ones are always kept)")
	fs.Float64Var(&f.share, "webhook-busy-share", webhooks.DefaultBusyShare, "share of the time building and signing deliveries may take while the API is serving requests (1: never yield to the API)")
	fs.IntVar(&f.backlog, "webhook-max-backlog", webhooks.DefaultMaxBacklog, "events that may wait to be built while the engine yields to a busy API; past it the engine stops yielding (about 700 bytes an event)")
}

// config is the mockserver side of the flags.
func (f *webhookFlags) config() (mockserver.WebhookConfig, error) {
	var urls []string
	for _, u := range f.urls {
		for _, part := range strings.Split(u, ",") {
			if part = strings.TrimSpace(part); part != "" {
				urls = append(urls, part)
			}
		}
	}
	if f.retry != "" {
		if _, err := webhooks.ParseRetry(f.retry); err != nil {
			return mockserver.WebhookConfig{}, fmt.Errorf("--webhook-retry: %w", err)
		}
	}
	if !(f.share > 0) || math.IsInf(f.share, 0) {
		return mockserver.WebhookConfig{}, fmt.Errorf("--webhook-busy-share must be a number above 0, such as 0.02 (1 or more: never yield to the API), not %v", f.share)
	}
	if f.backlog < 1 {
		return mockserver.WebhookConfig{}, fmt.Errorf("--webhook-max-backlog must be at least 1, such as 1000000, not %d", f.backlog)
	}
	return mockserver.WebhookConfig{URLs: urls, KeyFile: f.key, RSA: f.rsa, Retry: f.retry, Workers: f.workers, Timeout: f.timeout, LogSize: f.logSize,
		BusyShare: f.share, MaxBacklog: f.backlog}, nil
}

const webhooksUsage = `Usage:
  ghlmock webhooks keys  [--format env|pem|json] [key source]
      print the public key a receiver verifies the mock's webhooks with; the
      default format is the line for a .env file:
        ghlmock webhooks keys >> .env   # WEBHOOK_SIGNATURE_PUBLIC_KEY=…
  ghlmock webhooks check [--app CLIENT_ID] [--json] [key source] URL
      send the receiver at URL a genuine event and a battery of forged and
      replayed ones, and print which it wrongly accepted; exits 1 if any

Key source (one of; the default is the running mock at --mock-url):
  --mock-url URL       a running ghlmock (default http://127.0.0.1:8080; GHLMOCK_MOCK_URL)
  --admin-token T      its admin token, if it has one (GHLMOCK_ADMIN_TOKEN)
  --state PATH         the keys kept in a state database (it may be in use)
  --webhook-key FILE   a PEM key file, as serve --webhook-key reads
  --seed N             the keys a mock with this seed and no state derives
`

// keySource is where the webhooks command finds the keys.
type keySource struct {
	mockURL, adminToken, state, keyFile string
	seed                                int64
}

func (k *keySource) register(fs *flag.FlagSet) {
	fs.StringVar(&k.mockURL, "mock-url", "http://127.0.0.1:8080", "a running ghlmock")
	fs.StringVar(&k.adminToken, "admin-token", "", "the running mock's admin token")
	fs.StringVar(&k.state, "state", "", "a state database")
	fs.StringVar(&k.keyFile, "webhook-key", "", "a PEM key file")
	fs.Int64Var(&k.seed, "seed", 0, "the seed of a mock without state")
}

// local returns the private keys when the source is local (a file, a
// database, a seed), or nil when it is the running mock.
func (k *keySource) local(ctx context.Context) (*webhooks.Keys, error) {
	switch {
	case k.keyFile != "":
		return webhooks.LoadKeyFile(k.keyFile)
	case k.state != "":
		return mockserver.WebhookKeysInState(ctx, k.state)
	case k.seed != 0:
		return mockserver.SeedWebhookKeys(k.seed)
	}
	return nil, nil
}

// admin calls the running mock's admin API.
func (k *keySource) admin(ctx context.Context, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(k.mockURL, "/")+path, rd)
	if err != nil {
		return nil, fmt.Errorf("--mock-url: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if k.adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+k.adminToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no ghlmock answers at %s (start one, or give --state, --webhook-key or --seed): %w", k.mockURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s answered %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	return raw, nil
}

func runWebhooks(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "keys" && args[0] != "check") {
		fmt.Fprint(stderr, webhooksUsage)
		return exitCode(2)
	}
	sub := args[0]
	fs := newFlagSet("webhooks "+sub, stderr)
	fs.Usage = func() { fmt.Fprint(stderr, webhooksUsage) }
	var src keySource
	src.register(fs)
	format := fs.String("format", "env", "keys: env, pem or json")
	app := fs.String("app", "", "check: the app's client id (or id) the receiver's SDK is configured with; its bodies carry its appId (default: the mock's default app)")
	url := fs.String("url", "", "check: the receiver's URL (or give it as the argument)")
	asJSON := fs.Bool("json", false, "check: print the results as JSON")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"mock-url", "admin-token"} {
		if v := getenv(envName(name)); v != "" && !set[name] {
			_ = fs.Set(name, v)
		}
	}
	if sub == "keys" {
		if fs.NArg() > 0 {
			return fmt.Errorf("webhooks keys: unexpected argument %q", fs.Arg(0))
		}
		return webhooksKeys(ctx, &src, *format, stdout)
	}
	target := *url
	if target == "" && fs.NArg() == 1 {
		target = fs.Arg(0)
	}
	if target == "" || fs.NArg() > 1 || (*url != "" && fs.NArg() > 0) {
		fmt.Fprint(stderr, webhooksUsage)
		return exitCode(2)
	}
	return webhooksCheck(ctx, &src, target, *app, *asJSON, stdout)
}

func webhooksKeys(ctx context.Context, src *keySource, format string, stdout io.Writer) error {
	if format != "env" && format != "pem" && format != "json" {
		return fmt.Errorf("webhooks keys: --format must be env, pem or json, not %q", format)
	}
	keys, err := src.local(ctx)
	if err != nil {
		return err
	}
	var pub webhooks.PublicKeys
	if keys != nil {
		if pub, err = keys.PublicKeys(); err != nil {
			return err
		}
	} else {
		raw, err := src.admin(ctx, http.MethodGet, "/_mock/webhooks/keys", nil)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &pub); err != nil {
			return fmt.Errorf("the mock's keys: %w", err)
		}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(pub)
	case "pem":
		out := pub.Ed25519.PEM
		if pub.RSA != nil {
			out += pub.RSA.PEM
		}
		_, err = io.WriteString(stdout, out)
		return err
	}
	out := pub.Ed25519.EnvLine + "\n"
	if pub.RSA != nil {
		out += pub.RSA.EnvLine + "\n"
	}
	_, err = io.WriteString(stdout, out)
	return err
}

func webhooksCheck(ctx context.Context, src *keySource, target, app string, asJSON bool, stdout io.Writer) error {
	keys, err := src.local(ctx)
	if err != nil {
		return err
	}
	var results []webhooks.CheckResult
	if keys != nil {
		appID, _, _ := strings.Cut(app, "-")
		if appID == "" {
			appID = defaultAppID()
		}
		results, err = webhooks.Check(ctx, target, webhooks.CheckOptions{Keys: keys, AppID: appID})
		if err != nil {
			return err
		}
	} else {
		// Only the running mock holds its private key: it runs the check.
		raw, err := src.admin(ctx, http.MethodPost, "/_mock/webhooks/check", map[string]string{"url": target, "appId": app})
		if err != nil {
			return err
		}
		var out struct {
			Results []webhooks.CheckResult `json:"results"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			return fmt.Errorf("the mock's check: %w", err)
		}
		results = out.Results
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else if err := webhooks.FormatCheck(stdout, results); err != nil {
		return err
	}
	if webhooks.CheckFailed(results) {
		return exitCode(1)
	}
	return nil
}

// defaultAppID is the default app of the embedded fixtures.
func defaultAppID() string {
	fx, err := loadFixtures("")
	if err != nil {
		return ""
	}
	return fx.DefaultApp().ID
}
