package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// openWorkspace asks the mock at --base-url for a workspace of its own
// (POST /_mock/workspaces) and points the run at it: its token, location
// and the other target variables replace any given. It returns the function
// that deletes the workspace once the run is over, so that parallel CI jobs
// sharing one mock never see each other's contacts.
func (f *contractFlags) openWorkspace(ctx context.Context, stdout io.Writer, runID string) (func(), error) {
	if f.baseURL == "" {
		return nil, errors.New("--workspace needs --base-url, a running ghlmock shared by several jobs (the in-process mock is the run's own already)")
	}
	base := strings.TrimRight(f.baseURL, "/")
	body, _ := json.Marshal(map[string]any{"name": "ghlmock contract " + runID, "ttl": (f.timeout*10 + time.Hour).String()})
	var ws struct {
		ID       string            `json:"id"`
		Admin    string            `json:"admin"`
		Contract map[string]string `json:"contract"`
	}
	status, raw, err := f.adminCall(ctx, http.MethodPost, base+"/_mock/workspaces", body)
	if err != nil {
		return nil, fmt.Errorf("--workspace: %w", err)
	}
	if status != http.StatusCreated {
		return nil, fmt.Errorf("--workspace: %s answered POST /_mock/workspaces with %d: %s (is it a ghlmock? does it need --admin-token?)", base, status, bytes.TrimSpace(raw))
	}
	if err := json.Unmarshal(raw, &ws); err != nil || ws.ID == "" || ws.Contract["token"] == "" {
		return nil, fmt.Errorf("--workspace: %s answered POST /_mock/workspaces with %q, not a workspace", base, raw)
	}
	for name, v := range ws.Contract {
		if name == "duplicatesDisallowed" {
			f.duplicates = v == "true"
			continue
		}
		if p := f.vars[name]; p != nil {
			*p = v
		}
	}
	fmt.Fprintf(stdout, "ghlmock contract: in workspace %s of %s (location %s)\n", ws.ID, base, ws.Contract["locationId"])
	return func() {
		// Deleted even when the run was interrupted: not with its context.
		dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		status, raw, err := f.adminCall(dctx, http.MethodDelete, base+"/_mock/workspaces/"+ws.ID, nil)
		if err != nil || status != http.StatusOK {
			fmt.Fprintf(stdout, "ghlmock contract: could not delete workspace %s (it expires on its own): %d %s %v\n", ws.ID, status, bytes.TrimSpace(raw), err)
		}
	}, nil
}

// adminCall calls the mock's admin API, with --admin-token when given.
func (f *contractFlags) adminCall(ctx context.Context, method, url string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if f.adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+f.adminToken)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, raw, err
}
