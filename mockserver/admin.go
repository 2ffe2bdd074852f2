package mockserver

import (
	"encoding/json"
	"net/http"
)

// adminPrefix is where the admin API lives; no GHL path starts with it.
const adminPrefix = "/_mock/"

// adminHandler serves the admin API.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_mock/health", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/_mock/", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusNotFound, errorBody{StatusCode: http.StatusNotFound,
			Message: "Cannot " + r.Method + " " + r.URL.Path, Error: "Not Found"})
	})
	return mux
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"statusCode":500,"message":"Internal Server Error","error":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
