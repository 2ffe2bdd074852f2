package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/contracttest"
	"github.com/ghlmock/ghlmock/contracttest/inproc"
)

func init() {
	commands = append(commands, command{name: "contract", run: runContract})
}

// contractFlags are the flags of ghlmock contract. Each reads GHLMOCK_<FLAG>
// when not given (parseFlags); the target's flags then fall back to GHL_*
// (GHL_BASE_URL, GHL_TOKEN, GHL_LOCATION_ID, GHL_USER_ID, …).
type contractFlags struct {
	baseURL          string
	vars             map[string]*string // target variables by name, but duplicatesDisallowed
	duplicates       bool
	readonly         bool
	tags             string
	includeRateLimit bool
	jsonPath         string
	junitPath        string
	seed             int64
	runID            string
	scenarios        string
	timeout          time.Duration
	workspace        bool
	adminToken       string
}

func (f *contractFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.baseURL, "base-url", "", "the API to test, e.g. https://services.leadconnectorhq.com (env GHL_BASE_URL); none: an in-process mock")
	f.vars = map[string]*string{}
	for _, v := range contracttest.TargetVars {
		if v.Name == "duplicatesDisallowed" {
			continue
		}
		f.vars[v.Name] = fs.String(v.Flag, "", v.Help+" (env "+v.Env+")")
	}
	fs.BoolVar(&f.duplicates, "duplicates-disallowed", false, "the location does not allow duplicate contacts: run the duplicate-contact scenario (env GHL_DUPLICATES_DISALLOWED)")
	fs.BoolVar(&f.readonly, "readonly", false, "--token has only contacts.readonly: run the readonly scenarios, with it as the read-only token too")
	fs.StringVar(&f.tags, "tags", "", "run the scenarios with any of these comma-separated tags: readonly, write, errors, ratelimit (default: all but ratelimit)")
	fs.BoolVar(&f.includeRateLimit, "include-ratelimit", false, "also run the ratelimit scenarios (100+ requests each)")
	fs.StringVar(&f.jsonPath, "json", "", "write the report as JSON to this file")
	fs.StringVar(&f.junitPath, "junit", "", "write the report as JUnit XML to this file")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the generated emails, phones, names and tags (and of the in-process mock's data)")
	fs.StringVar(&f.runID, "run-id", "", "run id in every generated email, phone and tag (default: derived from --seed); give each run against a real API its own")
	fs.StringVar(&f.scenarios, "scenarios", "", "directory of scenario files to run instead of the embedded fixtures/scenarios")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "timeout of each request to a real API")
	fs.BoolVar(&f.workspace, "workspace", false, "run in a workspace of its own on the ghlmock at --base-url (created, then deleted), so that jobs sharing one mock never see each other's data")
	fs.StringVar(&f.adminToken, "admin-token", "", "the admin token of the ghlmock at --base-url, for --workspace")
}

func runContract(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("contract", stderr)
	var f contractFlags
	f.register(fs)
	if err := parseFlags(fs, args, getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	f.fromGHLEnv(given, getenv)

	tags := contracttest.ParseTags(f.tags)
	if f.readonly {
		if len(tags) == 0 {
			tags = []string{contracttest.TagReadonly}
		}
		if len(tags) != 1 || tags[0] != contracttest.TagReadonly || f.includeRateLimit {
			return errors.New("--readonly runs the readonly scenarios only: leave out --tags and --include-ratelimit, or use --tags readonly")
		}
	}
	if f.runID != "" && !contracttest.ValidRunID(f.runID) {
		return fmt.Errorf("--run-id %q must be 1 to 24 lower-case letters and digits", f.runID)
	}
	suite, err := loadScenarios(f.scenarios)
	if err != nil {
		return err
	}
	if _, _, err := contracttest.Select(suite, tags, f.includeRateLimit); err != nil {
		return fmt.Errorf("--tags: %w", err)
	}
	runID := f.runID
	if runID == "" {
		runID = contracttest.DeriveRunID(f.seed)
	}
	if f.workspace {
		done, err := f.openWorkspace(ctx, stdout, runID)
		if err != nil {
			return err
		}
		defer done()
	}
	target, err := f.target(stderr)
	if err != nil {
		return err
	}
	if f.readonly {
		// The token has only contacts.readonly; the in-process mock has such
		// a token of its own.
		if f.baseURL == "" {
			target.Vars["token"] = target.Vars["readonlyToken"]
		} else {
			target.Vars["readonlyToken"] = target.Vars["token"]
		}
	}

	fmt.Fprintf(stdout, "ghlmock contract: against %s (run %s, seed %d)\n\n", target.Name, runID, f.seed)
	rep, err := contracttest.Run(ctx, suite, target, contracttest.Options{
		Tags:             tags,
		IncludeRateLimit: f.includeRateLimit,
		Seed:             f.seed,
		RunID:            runID,
		Progress:         stdout,
	})
	if err != nil {
		return err
	}
	rep.WriteSummary(stdout)
	if err := writeReportFile(f.jsonPath, rep.WriteJSON); err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	if err := writeReportFile(f.junitPath, rep.WriteJUnit); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	switch {
	case rep.Interrupted:
		return exitCode(130)
	case !rep.OK():
		return exitCode(1)
	}
	return nil
}

// fromGHLEnv fills the target's flags that neither the command line nor a
// GHLMOCK_<FLAG> variable set from GHL_BASE_URL, GHL_TOKEN and the others.
func (f *contractFlags) fromGHLEnv(given map[string]bool, getenv func(string) string) {
	if !given["base-url"] {
		f.baseURL = getenv("GHL_BASE_URL")
	}
	for _, v := range contracttest.TargetVars {
		if given[v.Flag] {
			continue
		}
		val := strings.TrimSpace(getenv(v.Env))
		if v.Name == "duplicatesDisallowed" {
			f.duplicates = val == "true" || val == "1"
			continue
		}
		if val != "" {
			*f.vars[v.Name] = val
		}
	}
}

// target is the in-process mock without a base URL, the API at it otherwise.
func (f *contractFlags) target(stderr io.Writer) (*contracttest.Target, error) {
	if f.baseURL == "" {
		var ignored []string
		for _, v := range contracttest.TargetVars {
			if p := f.vars[v.Name]; p != nil && *p != "" {
				ignored = append(ignored, "--"+v.Flag)
			}
		}
		if len(ignored) > 0 {
			fmt.Fprintf(stderr, "ghlmock contract: no --base-url (nor GHL_BASE_URL): running against an in-process mock, which ignores %s\n",
				strings.Join(ignored, ", "))
		}
		return inproc.New(inproc.Options{Seed: f.seed})
	}
	vars := map[string]string{}
	for name, p := range f.vars {
		if *p != "" {
			vars[name] = *p
		}
	}
	if f.duplicates {
		vars["duplicatesDisallowed"] = "true"
	}
	return contracttest.NewRemoteTarget(contracttest.RemoteConfig{BaseURL: f.baseURL, Vars: vars, Timeout: f.timeout})
}

func loadScenarios(dir string) (*contracttest.Suite, error) {
	if dir == "" {
		return contracttest.LoadEmbedded()
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--scenarios: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("--scenarios %s is not a directory", dir)
	}
	return contracttest.Load(os.DirFS(dir))
}

func writeReportFile(path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(fh); err != nil {
		_ = fh.Close()
		return err
	}
	return fh.Close()
}
