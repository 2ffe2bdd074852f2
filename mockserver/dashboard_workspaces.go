package mockserver

import (
	"context"
	"errors"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/dashboard"
)

// uiWorkspaces is the state page's view of the server's workspaces: what
// POST, GET and DELETE /_mock/workspaces do.
type uiWorkspaces struct{ s *Server }

var _ dashboard.Workspaces = uiWorkspaces{}

func uiWorkspace(w Workspace) dashboard.Workspace {
	out := dashboard.Workspace{ID: w.ID, Name: w.Name, CreatedAt: w.CreatedAt, ExpiresAt: w.ExpiresAt, Admin: w.Admin, Contract: w.Contract}
	for _, l := range w.Locations {
		out.Locations = append(out.Locations, l.ID)
	}
	return out
}

func (u uiWorkspaces) Workspaces() []dashboard.Workspace {
	var out []dashboard.Workspace
	for _, w := range u.s.Workspaces() {
		out = append(out, uiWorkspace(w))
	}
	return out
}

func (u uiWorkspaces) CreateWorkspace(ctx context.Context, name string, ttl time.Duration) (dashboard.Workspace, error) {
	w, err := u.s.CreateWorkspace(ctx, WorkspaceOptions{Name: name, TTL: ttl})
	if err != nil {
		var we *workspaceError
		if errors.As(err, &we) {
			return dashboard.Workspace{}, &dashboard.Error{Status: we.status, Messages: []string{we.msg}}
		}
		return dashboard.Workspace{}, err
	}
	return uiWorkspace(w), nil
}

func (u uiWorkspaces) DeleteWorkspace(id string) bool { return u.s.DeleteWorkspace(id) }
