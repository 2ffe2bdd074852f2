package main

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instruction is one Dockerfile instruction, its continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, …
	args string
	line int
}

// stage is a FROM and what follows it.
type stage struct {
	from, name string
	body       []instruction
}

// parseDockerfile reads the instructions (comments and blank lines
// dropped, backslash continuations joined) into the global ARGs and the
// stages.
func parseDockerfile(t *testing.T, text string) (globalArgs []instruction, stages []stage) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		start := i + 1
		for strings.HasSuffix(l, `\`) && i+1 < len(lines) {
			i++
			next := strings.TrimSpace(lines[i])
			if strings.HasPrefix(next, "#") {
				continue
			}
			l = strings.TrimSuffix(l, `\`) + " " + next
		}
		cmd, args, _ := strings.Cut(l, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		switch {
		case in.cmd == "FROM":
			f := strings.Fields(in.args)
			st := stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
		case len(stages) == 0:
			require.Equal(t, "ARG", in.cmd, "line %d: only ARG comes before the first FROM", start)
			globalArgs = append(globalArgs, in)
		default:
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	return globalArgs, stages
}

// execForm parses an instruction's JSON array (CMD ["a","b"]).
func execForm(t *testing.T, in instruction) []string {
	t.Helper()
	var argv []string
	require.NoError(t, json.Unmarshal([]byte(in.args), &argv), "line %d: %s %s is not in exec form (a JSON array): a scratch image has no shell", in.line, in.cmd, in.args)
	return argv
}

// keyValues parses ENV/ARG's NAME=value pairs (values without spaces).
func keyValues(args string) map[string]string {
	out := map[string]string{}
	for _, f := range strings.Fields(args) {
		k, v, _ := strings.Cut(f, "=")
		out[k] = strings.Trim(v, `"`)
	}
	return out
}

// expand replaces ${NAME} and $NAME from vars.
func expand(s string, vars map[string]string) string {
	return os.Expand(s, func(k string) string { return vars[k] })
}

// dockerImage is what the Dockerfile says of the image it makes.
type dockerImage struct {
	buildStage stage
	globals    map[string]string
	final      stage
	env        map[string]string
	user       string
	volumes    []string
	expose     []string
	health     []string // HEALTHCHECK's CMD, exec form
	entrypoint []string
	cmd        []string
	copies     []instruction
}

func readDockerfile(t *testing.T) dockerImage {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	require.NoError(t, err)
	globals, stages := parseDockerfile(t, string(raw))
	require.GreaterOrEqual(t, len(stages), 2, "a multi-stage build: a Go stage that builds, a final stage that only runs")
	img := dockerImage{buildStage: stages[0], final: stages[len(stages)-1], globals: map[string]string{}, env: map[string]string{}}
	for _, g := range globals {
		for k, v := range keyValues(g.args) {
			img.globals[k] = v
		}
	}
	for _, in := range img.final.body {
		switch in.cmd {
		case "ENV":
			for k, v := range keyValues(in.args) {
				img.env[k] = v
			}
		case "USER":
			img.user = in.args
		case "VOLUME":
			img.volumes = append(img.volumes, strings.Fields(in.args)...)
		case "EXPOSE":
			img.expose = append(img.expose, strings.Fields(in.args)...)
		case "HEALTHCHECK":
			_, c, ok := strings.Cut(in.args, "CMD ")
			require.True(t, ok, "line %d: HEALTHCHECK … CMD [...]", in.line)
			img.health = execForm(t, instruction{cmd: "HEALTHCHECK", args: c, line: in.line})
		case "ENTRYPOINT":
			img.entrypoint = execForm(t, in)
		case "CMD":
			img.cmd = execForm(t, in)
		case "COPY":
			img.copies = append(img.copies, in)
		case "RUN":
			t.Fatalf("line %d: the final stage runs nothing (it has no shell): %s", in.line, in.args)
		}
	}
	return img
}

// TestDockerfile holds the Dockerfile to what it promises: its build stage
// runs make build (emulated here: its COPYs into a folder, its RUNs with
// sh), which makes a static binary; the final stage is that binary in a
// scratch image, run as a user that is not root, with a volume where
// GHLMOCK_STATE points and a HEALTHCHECK; and its ENTRYPOINT, CMD, ENV and
// HEALTHCHECK, run against the binary built, serve and report healthy.
func TestDockerfile(t *testing.T) {
	requireTool(t, "make")
	root := repoRoot(t)
	img := readDockerfile(t)

	// The Go of the build stage is the Go that go.mod asks for.
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	require.NotNil(t, goVersion)
	assert.Equal(t, string(goVersion[1]), img.globals["GO_VERSION"], "the build stage's Go is go.mod's")
	assert.Equal(t, "golang:${GO_VERSION}-bookworm", img.buildStage.from)
	assert.Equal(t, "scratch", img.final.from, "the image is the static binary and nothing else")

	// The build stage, emulated: WORKDIR is a temporary folder, COPY copies
	// from the repository minus .dockerignore, RUN runs with sh there.
	work := t.TempDir()
	rules := readIgnore(t, filepath.Join(root, ".dockerignore"))
	assert.True(t, rules.ignored(".git") && rules.ignored("bin/ghlmock") && rules.ignored("mockserver/testdata/node_modules/x"), ".dockerignore leaves out .git, bin and node_modules")
	assert.False(t, rules.ignored("go.mod") || rules.ignored("cmd/ghlmock/main.go"))
	args := map[string]string{}
	for k, v := range img.globals {
		args[k] = v
	}
	dir := work
	var ranMakeBuild bool
	for _, in := range img.buildStage.body {
		switch in.cmd {
		case "WORKDIR":
			dir = filepath.Join(work, filepath.FromSlash(in.args))
			require.NoError(t, os.MkdirAll(dir, 0o755))
		case "ARG":
			for k, v := range keyValues(in.args) {
				args[k] = v
			}
			if _, ok := args["VERSION"]; ok {
				args["VERSION"] = "v0.0.0-dockerfile-test" // docker build --build-arg VERSION=…
			}
		case "COPY":
			f := strings.Fields(in.args)
			srcs, dst := f[:len(f)-1], f[len(f)-1]
			for _, src := range srcs {
				if src == "." {
					copyTree(t, root, filepath.Join(dir, dst), rules)
					continue
				}
				require.False(t, rules.ignored(src), "line %d: COPY %s, which .dockerignore leaves out", in.line, src)
				require.NoError(t, copyFile(filepath.Join(root, src), filepath.Join(dir, dst, src)))
			}
		case "RUN":
			script := expand(in.args, args)
			ranMakeBuild = ranMakeBuild || strings.Contains(in.args, "make build")
			out, code := runIn(t, dir, cleanEnv(), "sh", "-ec", script)
			require.Equal(t, 0, code, "line %d: RUN %s\n%s", in.line, script, out)
		default:
			t.Fatalf("line %d: the build stage's %s is not emulated by this test: teach it", in.line, in.cmd)
		}
	}
	assert.True(t, ranMakeBuild, "the image is built by make build, the command users run")

	// What the final stage copies from the build stage exists there.
	var binary, stateDir string
	for _, c := range img.copies {
		f := strings.Fields(c.args)
		require.Equal(t, "--from="+img.buildStage.name, f[0], "line %d: the final stage copies from the build stage", c.line)
		src, dst := f[len(f)-2], f[len(f)-1]
		if !strings.HasPrefix(src, "/src/") {
			continue // from the golang image itself (the CA certificates)
		}
		local := filepath.Join(work, filepath.FromSlash(src))
		_, err := os.Stat(local)
		require.NoError(t, err, "line %d: COPY %s: the build stage made no such file", c.line, src)
		switch {
		case len(img.entrypoint) > 0 && dst == img.entrypoint[0]:
			binary = local
		case slices.Contains(img.volumes, dst):
			stateDir = dst
			assert.Contains(t, c.args, "--chown="+img.user, "the volume's folder belongs to the user the mock runs as")
		}
	}
	require.NotEmpty(t, binary, "the ENTRYPOINT is the binary the build stage made")
	requireStatic(t, binary)

	// Not root; the state in the volume; the health check asks the binary.
	require.NotEmpty(t, img.user)
	uid, _, _ := strings.Cut(img.user, ":")
	assert.NotContains(t, []string{"0", "root"}, uid, "the mock does not run as root")
	require.Equal(t, []string{path.Dir(img.env["GHLMOCK_STATE"])}, img.volumes, "GHLMOCK_STATE lives in the VOLUME")
	assert.Equal(t, img.volumes[0], img.env["TMPDIR"], "temporary files go where the mock's user may write (scratch has no /tmp)")
	assert.Equal(t, stateDir, img.volumes[0], "the volume's folder is made in the image, owned by the mock's user")
	assert.Equal(t, []string{"8080"}, img.expose)
	assert.Equal(t, "0.0.0.0:8080", img.env["GHLMOCK_ADDR"], "the port EXPOSE declares, on every interface")
	require.GreaterOrEqual(t, len(img.health), 2)
	assert.Equal(t, []string{img.entrypoint[0], "health"}, img.health[:2], "HEALTHCHECK runs ghlmock health: a scratch image has no curl")
	require.Equal(t, []string{"serve"}, img.cmd)

	// Run the image's command as docker run would, with the volume a folder
	// and (this machine serving only on loopback) the address's host
	// 127.0.0.1. Without an admin token the image's any-interface address is
	// refused: docker run needs -e GHLMOCK_ADMIN_TOKEN.
	imageEnv := func(over map[string]string) []string {
		env := cleanEnv()
		for k, v := range img.env {
			if o, ok := over[k]; ok {
				v = o
			}
			env = append(env, k+"="+v)
		}
		for k, v := range over {
			if _, ok := img.env[k]; !ok {
				env = append(env, k+"="+v)
			}
		}
		return env
	}
	volume := filepath.Join(work, "src", "state")
	state := filepath.Join(volume, path.Base(img.env["GHLMOCK_STATE"]))
	out, code := runIn(t, work, imageEnv(map[string]string{"GHLMOCK_STATE": state, "TMPDIR": volume}), binary, append(img.entrypoint[1:], img.cmd...)...)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "set an admin token (GHLMOCK_ADMIN_TOKEN", "the image on 0.0.0.0 without GHLMOCK_ADMIN_TOKEN is refused, saying why")

	addr := freeAddr(t)
	env := imageEnv(map[string]string{"GHLMOCK_ADDR": addr, "GHLMOCK_STATE": state, "TMPDIR": volume, "GHLMOCK_ADMIN_TOKEN": "admin-secret"})
	p := startProcess(t, work, env, binary, append(img.entrypoint[1:], img.cmd...)...)
	line := p.waitForLine(t, time.Minute, func(s string) bool { return listening.MatchString(s) })
	assert.Contains(t, line, addr)
	out, code = runIn(t, work, env, binary, img.health[1:]...)
	require.Equal(t, 0, code, "the HEALTHCHECK passes against the running image's command: %s", out)
	status, body := get(t, "http://"+addr+"/contacts/2NexTNy4UiJ1cLOoua11")
	require.Equal(t, 200, status, body)
	_, err = os.Stat(state)
	assert.NoError(t, err, "the state database is in the volume")
	require.NoError(t, p.signal(syscall.SIGTERM), "docker stop sends SIGTERM")
	assert.NoError(t, p.wait(t, 30*time.Second), "and the mock stops cleanly: %s", p.stderr)
	out, code = runIn(t, work, env, binary, img.health[1:]...)
	assert.NotEqual(t, 0, code, "the HEALTHCHECK fails once the mock is gone: %s", out)
}
