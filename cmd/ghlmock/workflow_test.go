package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// workflowFile is the part of a GitHub Actions workflow the test reads.
type workflowFile struct {
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

type workflowStep struct {
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	With map[string]string `yaml:"with"`
	Run  string            `yaml:"run"`
	If   string            `yaml:"if"`
}

// integrationTests is the name of the step that stands for the user's own
// tests; the test runs a stand-in that talks to the mock as they would.
const integrationTests = "Run the integration's tests"

// TestGitHubActionsWorkflow runs docs/ci/github-actions.yml's steps in order
// as GitHub's runner would (bash -eo pipefail, one script per step, the job's
// env, $GITHUB_PATH and $GITHUB_ENV honoured), with the `uses:` steps emulated: checking
// ghlmock out is copying this repository, setup-go is the Go that runs this
// test, and the upload's paths must exist when the steps are done. The mock
// listens on a free port instead of 8080 (the job's GHLMOCK_ADDR and
// GHL_BASE_URL changed together), and the user's test command is replaced
// by a stand-in request.
func TestGitHubActionsWorkflow(t *testing.T) {
	bash := requireTool(t, "bash")
	requireTool(t, "make")
	curl := requireTool(t, "curl")
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "docs", "ci", "github-actions.yml"))
	require.NoError(t, err)
	var wf workflowFile
	require.NoError(t, yaml.Unmarshal(raw, &wf))
	require.Len(t, wf.Jobs, 1)
	var job = wf.Jobs["integration"]
	require.NotEmpty(t, job.Steps)

	ws := t.TempDir()
	addr := freeAddr(t)
	require.Equal(t, "http://"+job.Env["GHLMOCK_ADDR"], job.Env["GHL_BASE_URL"], "the integration talks to where the mock listens")
	jobEnv := map[string]string{}
	for k, v := range job.Env {
		jobEnv[k] = v
	}
	jobEnv["GHLMOCK_ADDR"] = addr
	jobEnv["GHL_BASE_URL"] = "http://" + addr
	githubPath := filepath.Join(t.TempDir(), "github_path")
	require.NoError(t, os.WriteFile(githubPath, nil, 0o644))
	githubEnv := filepath.Join(t.TempDir(), "github_env")
	require.NoError(t, os.WriteFile(githubEnv, nil, 0o644))

	var uploaded []string
	var sawIntegration, sawContract, sawHealth bool
	var groups []int
	t.Cleanup(func() {
		for _, g := range groups {
			_ = syscall.Kill(-g, syscall.SIGTERM) // what the steps left running: the mock
		}
	})
	for i, st := range job.Steps {
		label := st.Name
		if label == "" {
			label = st.Uses
		}
		switch {
		case strings.HasPrefix(st.Uses, "actions/checkout@"):
			if p := st.With["path"]; p != "" {
				assert.Equal(t, "${{ env.GHLMOCK_REPOSITORY }}", st.With["repository"], "ghlmock comes from the repository the job names")
				copyTree(t, root, filepath.Join(ws, p), readIgnore(t, filepath.Join(root, ".dockerignore")))
			}
		case strings.HasPrefix(st.Uses, "actions/setup-go@"):
			for _, k := range []string{"go-version-file", "cache-dependency-path"} {
				_, err := os.Stat(filepath.Join(ws, st.With[k]))
				assert.NoError(t, err, "setup-go's %s exists after the checkout", k)
			}
		case strings.HasPrefix(st.Uses, "actions/upload-artifact@"):
			for p := range strings.SplitSeq(strings.TrimSpace(st.With["path"]), "\n") {
				uploaded = append(uploaded, strings.TrimSpace(p))
			}
		case st.Uses != "":
			t.Fatalf("step %d (%s): %s is not emulated by this test: teach it", i, label, st.Uses)
		default:
			require.NotContains(t, st.Run, "${{", "step %d (%s): an expression in a run script cannot be emulated: read an environment variable instead", i, label)
			script := st.Run
			if st.Name == integrationTests {
				sawIntegration = true
				// The user's tests, as a request their client would make.
				script = `code=$(` + curl + ` -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $GHL_TOKEN" -H "Version: 2021-07-28" "$GHL_BASE_URL/contacts/?locationId=$GHL_LOCATION_ID&limit=1")
test "$code" = 200`
			}
			sawContract = sawContract || strings.Contains(st.Run, "ghlmock contract") && strings.Contains(st.Run, "--junit")
			sawHealth = sawHealth || strings.Contains(st.Run, "ghlmock health --wait")
			file := filepath.Join(t.TempDir(), "step.sh")
			require.NoError(t, os.WriteFile(file, []byte(script), 0o644))
			// What earlier steps wrote to $GITHUB_ENV (NAME=value lines).
			setEnv, err := os.ReadFile(githubEnv)
			require.NoError(t, err)
			for l := range strings.SplitSeq(string(setEnv), "\n") {
				if k, v, ok := strings.Cut(l, "="); ok {
					require.NotEmpty(t, v, "step %d (%s)'s $GITHUB_ENV line %q has no value", i, label, l)
					jobEnv[k] = v
				}
			}
			env := cleanEnv("GITHUB_PATH="+githubPath, "GITHUB_ENV="+githubEnv, "GITHUB_WORKSPACE="+ws)
			for k, v := range jobEnv {
				env = append(env, k+"="+v)
			}
			extra, err := os.ReadFile(githubPath)
			require.NoError(t, err)
			var prepend []string
			for _, l := range strings.Split(strings.TrimSpace(string(extra)), "\n") {
				if l != "" {
					prepend = append([]string{l}, prepend...) // later entries first, as GitHub does
				}
			}
			if len(prepend) > 0 {
				env = append(env, "PATH="+strings.Join(prepend, ":")+":"+os.Getenv("PATH"))
			}
			p := startProcess(t, ws, env, bash, "--noprofile", "--norc", "-eo", "pipefail", file)
			groups = append(groups, p.cmd.Process.Pid)
			err = p.wait(t, 5*time.Minute)
			require.NoError(t, err, "step %d (%s) failed\n%s\nstdout: %s\nstderr: %s", i, label, script, p.stdout, p.stderr)
		}
	}
	assert.True(t, sawHealth, "a step waits for the mock's health")
	assert.True(t, sawIntegration, "a step named %q runs the user's tests", integrationTests)
	assert.True(t, sawContract, "a step runs ghlmock contract --junit")

	require.NotEmpty(t, uploaded, "the reports are uploaded")
	for _, p := range uploaded {
		_, err := os.Stat(filepath.Join(ws, p))
		assert.NoError(t, err, "the upload's %s exists", p)
	}
	report, err := os.ReadFile(filepath.Join(ws, "ghlmock-contract.xml"))
	require.NoError(t, err)
	var suites struct {
		Tests    string `xml:"tests,attr"`
		Failures string `xml:"failures,attr"`
		Skipped  string `xml:"skipped,attr"`
	}
	require.NoError(t, xml.Unmarshal(report, &suites), "the JUnit report is XML")
	assert.Equal(t, "0", suites.Failures)
	assert.Equal(t, "0", suites.Skipped, "the job's GHL_* variables give the suite all it needs: nothing skipped")
	n, _ := strconv.Atoi(suites.Tests)
	assert.Greater(t, n, 10)
	log, _ := os.ReadFile(filepath.Join(ws, "ghlmock.log"))
	assert.Contains(t, string(log), "operationId=get-contacts", "the mock's log has the integration's request")
}
