package main

import (
	"flag"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

// composeFile is the part of compose.yaml the test reads.
type composeFile struct {
	Services map[string]struct {
		Build       string            `yaml:"build"`
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// composeVar is compose's ${NAME}, ${NAME:-default} and ${NAME:?error}.
var composeVar = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}`)

// interpolate does what docker compose does to a value with the variables
// of the shell it runs in, or says which one is missing.
func interpolate(s string, vars map[string]string) (string, []string) {
	var missing []string
	out := composeVar.ReplaceAllStringFunc(s, func(m string) string {
		g := composeVar.FindStringSubmatch(m)
		if v := vars[g[1]]; v != "" {
			return v
		}
		if g[2] == "-" {
			return g[3]
		}
		if g[2] == "?" {
			missing = append(missing, g[1]+": "+g[3])
		}
		return ""
	})
	return out, missing
}

// TestComposeFile holds compose.yaml to the binary: the mock's command and
// GHLMOCK_* variables are serve's flags, its volume is the image's and
// holds GHLMOCK_STATE, the bot reaches it by service name with a read-write
// token of the location it is given, and the mock started with exactly that
// command and environment serves the bot's requests.
func TestComposeFile(t *testing.T) {
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "compose.yaml"))
	require.NoError(t, err)
	var cf composeFile
	require.NoError(t, yaml.Unmarshal(raw, &cf))
	mock, ok := cf.Services["ghlmock"]
	require.True(t, ok, "a ghlmock service")
	bot, ok := cf.Services["bot"]
	require.True(t, ok, "a bot service")

	// Built from this repository's Dockerfile.
	assert.Equal(t, ".", mock.Build)
	img := readDockerfile(t)

	// The command and the variables are serve's flags.
	require.NotEmpty(t, mock.Command)
	require.Equal(t, "serve", mock.Command[0])
	fs := newFlagSet("serve", &strings.Builder{})
	new(serveFlags).register(fs)
	require.NoError(t, fs.Parse(mock.Command[1:]), "compose's command parses with serve's flags")
	assert.Zero(t, fs.NArg(), "no stray arguments")
	vars := map[string]*flag.Flag{}
	fs.VisitAll(func(f *flag.Flag) { vars[envName(f.Name)] = f })
	for k := range mock.Environment {
		assert.Contains(t, vars, k, "compose sets %s, which is no serve flag's variable", k)
	}

	// Without an admin token, compose refuses to start (the mock would too).
	_, missing := interpolate(mock.Environment["GHLMOCK_ADMIN_TOKEN"], nil)
	assert.Len(t, missing, 1, "compose asks for GHLMOCK_ADMIN_TOKEN")
	env := map[string]string{}
	for k, v := range mock.Environment {
		v, missing := interpolate(v, map[string]string{"GHLMOCK_ADMIN_TOKEN": "compose-admin-secret"})
		require.Empty(t, missing)
		env[k] = v
	}

	// The volume holds the state, at the image's VOLUME; the port is the
	// address's.
	state := env["GHLMOCK_STATE"]
	require.NotEmpty(t, state, "a staging mock keeps its state")
	require.Len(t, mock.Volumes, 1)
	volName, target, _ := strings.Cut(mock.Volumes[0], ":")
	assert.Equal(t, path.Dir(state), target, "GHLMOCK_STATE is in the volume")
	assert.Equal(t, img.volumes, []string{target}, "the image's VOLUME")
	assert.Contains(t, cf.Volumes, volName, "a named volume, kept across docker compose down/up")
	_, port, err := net.SplitHostPort(env["GHLMOCK_ADDR"])
	require.NoError(t, err)
	require.Len(t, mock.Ports, 1)
	assert.True(t, strings.HasSuffix(mock.Ports[0], ":"+port), "the published port is the one the mock listens on")
	assert.True(t, strings.HasPrefix(mock.Ports[0], "127.0.0.1:"), "published on the host's loopback only")

	// The bot: the mock by service name, after its health check passes,
	// with a read-write token of the location it is told to use.
	assert.Equal(t, "http://ghlmock:"+port, bot.Environment["GHL_BASE_URL"])
	assert.Equal(t, "service_healthy", bot.DependsOn["ghlmock"].Condition, "the bot starts once the image's HEALTHCHECK passes")
	fx, err := fixture.Default()
	require.NoError(t, err)
	var tokenOK bool
	for _, l := range fx.Resolved().Locations {
		for _, tk := range l.Tokens {
			if l.ID == bot.Environment["GHL_LOCATION_ID"] && tk.Token == bot.Environment["GHL_TOKEN"] && slices.Contains(tk.Scopes, "contacts.write") {
				tokenOK = true
			}
		}
	}
	assert.True(t, tokenOK, "GHL_TOKEN is a read-write token of GHL_LOCATION_ID in the default fixtures")

	// Start the mock with compose's command and environment (the state in a
	// temporary folder, on loopback) and make the bot's request.
	env["GHLMOCK_STATE"] = filepath.Join(t.TempDir(), path.Base(state))
	env["GHLMOCK_ADDR"] = "127.0.0.1:0"
	base, stop := startServe(t, env, mock.Command[1:]...)
	status, body := getAs(t, base+"/contacts/?locationId="+bot.Environment["GHL_LOCATION_ID"]+"&limit=1", bot.Environment["GHL_TOKEN"])
	assert.Equal(t, 200, status, body)
	status, _ = get(t, base+"/_mock/requests")
	assert.Equal(t, 401, status, "the admin API wants the admin token")
	status, _ = getAs(t, base+"/_mock/requests", "compose-admin-secret")
	assert.Equal(t, 200, status)
	// The bot's side of the network reaches the admin API as http://ghlmock:PORT.
	req, err := http.NewRequestWithContext(t.Context(), "GET", base+"/_mock/requests", nil)
	require.NoError(t, err)
	req.Host = "ghlmock:" + port
	req.Header.Set("Authorization", "Bearer compose-admin-secret")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode, "with the token, the admin API answers under the service's name")
	require.NoError(t, stop())
	_, err = os.Stat(env["GHLMOCK_STATE"])
	assert.NoError(t, err, "the state was written where GHLMOCK_STATE says")
}
