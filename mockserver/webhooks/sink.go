package webhooks

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// SinkConfig configures a Sink. Everything has a default.
type SinkConfig struct {
	// Prefix is the path the sink is mounted at. Default "/_mock/sink/".
	Prefix string
	// PublicKeys are the Ed25519 keys a signature may verify with (usually
	// the mock's); RSAKeys the same for the legacy signature. Nil: the
	// signatures are not checked.
	PublicKeys func() []ed25519.PublicKey
	RSAKeys    func() []*rsa.PublicKey
	// Now dates what is received. Default time.Now.
	Now func() time.Time
	// MaxSinks, MaxRecords (per sink) and MaxBody bound its memory: the least
	// recently used sink and the oldest records go first, and a larger body
	// is refused with 413. Defaults 100, 1000 and 1 MiB.
	MaxSinks   int
	MaxRecords int
	MaxBody    int64
	// MaxDelay bounds a behaviour's delayMs. Default one minute.
	MaxDelay time.Duration
}

// Sink is a webhook receiver built into the mock, at /_mock/sink/{name}:
// POST records a request (its headers, body, whether its signature
// verifies, whether its webhookId came before); GET lists what was
// received; DELETE clears the sink; POST {name}/behaviour makes it answer a
// status N times, or slowly, so that CI can test retries with no receiver of
// its own (Svix Play's force_status_code).
type Sink struct {
	cfg   SinkConfig
	mu    sync.Mutex
	sinks map[string]*sinkState
	tick  uint64 // for least-recently-used eviction
}

type sinkState struct {
	records   []SinkRecord
	seen      map[string]int // webhookId → count among records
	seq       int
	behaviour SinkBehaviour
	remaining int // of behaviour.Times; -1: until reset
	used      uint64
}

// SinkRecord is one request a sink received.
type SinkRecord struct {
	Seq       int               `json:"seq"`
	At        time.Time         `json:"at"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	Type      string            `json:"type,omitempty"`
	WebhookID string            `json:"webhookId,omitempty"`
	// Signature and LegacySignature are "valid", "invalid", "missing", or
	// "unchecked" (present, but the sink has no key to check it with).
	Signature       string `json:"signature"`
	LegacySignature string `json:"legacySignature"`
	// Verified: x-ghl-signature verifies over the exact bytes.
	Verified bool `json:"verified"`
	// Canonical: the body equals JSON.stringify(JSON.parse(body)), so a
	// re-serialising receiver verifies it too.
	Canonical bool `json:"canonical"`
	// Duplicate: a request with this webhookId came before.
	Duplicate bool `json:"duplicate"`
	Answered  int  `json:"answered"`
}

// SinkBehaviour is how a sink answers: Status (default 200) and DelayMs for
// the next Times requests (0: until reset). Reset goes back to 200 at once.
type SinkBehaviour struct {
	Status  int  `json:"status,omitempty"`
	Times   int  `json:"times,omitempty"`
	DelayMs int  `json:"delayMs,omitempty"`
	Reset   bool `json:"reset,omitempty"`
}

// NewSink returns a sink.
func NewSink(cfg SinkConfig) *Sink {
	if cfg.Prefix == "" {
		cfg.Prefix = "/_mock/sink/"
	}
	if !strings.HasSuffix(cfg.Prefix, "/") {
		cfg.Prefix += "/"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxSinks <= 0 {
		cfg.MaxSinks = 100
	}
	if cfg.MaxRecords <= 0 {
		cfg.MaxRecords = 1000
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = time.Minute
	}
	return &Sink{cfg: cfg, sinks: map[string]*sinkState{}}
}

var sinkName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ServeHTTP serves the sink's routes below its prefix.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, s.cfg.Prefix)
	if !ok {
		sinkError(w, http.StatusNotFound, "not a sink path")
		return
	}
	name, sub, _ := strings.Cut(rest, "/")
	if !sinkName.MatchString(name) {
		sinkError(w, http.StatusBadRequest, "a sink name is 1 to 64 letters, digits, '.', '_' or '-'")
		return
	}
	switch {
	case sub == "" && r.Method == http.MethodPost:
		s.receive(w, r, name)
	case sub == "" && r.Method == http.MethodGet:
		writeSinkJSON(w, http.StatusOK, s.listing(name))
	case sub == "" && r.Method == http.MethodDelete:
		writeSinkJSON(w, http.StatusOK, map[string]int{"cleared": s.Clear(name)})
	case sub == "behaviour" && r.Method == http.MethodPost:
		var b SinkBehaviour
		dec := json.NewDecoder(io.LimitReader(r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&b); err != nil {
			sinkError(w, http.StatusBadRequest, "behaviour: "+err.Error())
			return
		}
		if err := s.SetBehaviour(name, b); err != nil {
			sinkError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeSinkJSON(w, http.StatusOK, s.listing(name)["behaviour"])
	case sub == "behaviour" && r.Method == http.MethodGet:
		writeSinkJSON(w, http.StatusOK, s.listing(name)["behaviour"])
	case sub == "" || sub == "behaviour":
		sinkError(w, http.StatusMethodNotAllowed, "method not allowed")
	default:
		sinkError(w, http.StatusNotFound, "no such sink route")
	}
}

func (s *Sink) receive(w http.ResponseWriter, r *http.Request, name string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBody+1))
	if err != nil {
		sinkError(w, http.StatusBadRequest, "cannot read the body")
		return
	}
	if int64(len(body)) > s.cfg.MaxBody {
		sinkError(w, http.StatusRequestEntityTooLarge, "body too large for the sink")
		return
	}
	rec := s.inspect(r.Header, body)

	s.mu.Lock()
	st := s.state(name)
	st.seq++
	rec.Seq = st.seq
	if rec.WebhookID != "" {
		rec.Duplicate = st.seen[rec.WebhookID] > 0
		st.seen[rec.WebhookID]++
	}
	status, delay := http.StatusOK, time.Duration(0)
	if st.remaining != 0 {
		if st.behaviour.Status != 0 {
			status = st.behaviour.Status
		}
		delay = time.Duration(st.behaviour.DelayMs) * time.Millisecond
		if st.remaining > 0 {
			st.remaining--
		}
	}
	rec.Answered = status
	st.records = append(st.records, rec)
	if len(st.records) > s.cfg.MaxRecords {
		old := st.records[0]
		if old.WebhookID != "" {
			if st.seen[old.WebhookID]--; st.seen[old.WebhookID] <= 0 {
				delete(st.seen, old.WebhookID)
			}
		}
		st.records = append(st.records[:0:0], st.records[1:]...)
	}
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	writeSinkJSON(w, status, map[string]any{"sink": name, "seq": rec.Seq, "status": status})
}

// inspect reads what a request carries: its event, its webhookId and the
// state of its signatures.
func (s *Sink) inspect(h http.Header, body []byte) SinkRecord {
	rec := SinkRecord{At: s.cfg.Now(), Headers: make(map[string]string, len(h)), Body: strings.ToValidUTF8(string(body), "\uFFFD")}
	for k, v := range h {
		rec.Headers[k] = strings.Join(v, ", ")
	}
	var env struct {
		Type      string `json:"type"`
		WebhookID string `json:"webhookId"`
	}
	if json.Unmarshal(body, &env) == nil {
		rec.Type, rec.WebhookID = env.Type, env.WebhookID
	}
	if c, err := Canonicalize(body); err == nil {
		rec.Canonical = bytes.Equal(c, body)
	}
	rec.Signature = "missing"
	if sig := h.Get(HeaderSignature); sig != "" {
		rec.Signature = "unchecked"
		if s.cfg.PublicKeys != nil {
			rec.Signature = "invalid"
			for _, k := range s.cfg.PublicKeys() {
				if Verify(k, body, sig) {
					rec.Signature, rec.Verified = "valid", true
					break
				}
			}
		}
	}
	rec.LegacySignature = "missing"
	if sig := h.Get(HeaderLegacySignature); sig != "" {
		rec.LegacySignature = "unchecked"
		if s.cfg.RSAKeys != nil {
			rec.LegacySignature = "invalid"
			for _, k := range s.cfg.RSAKeys() {
				if VerifyRSA(k, body, sig) {
					rec.LegacySignature = "valid"
					break
				}
			}
		}
	}
	return rec
}

// state returns the sink called name, making it (and evicting the least
// recently used sink beyond MaxSinks). s.mu is held.
func (s *Sink) state(name string) *sinkState {
	s.tick++
	st, ok := s.sinks[name]
	if !ok {
		if len(s.sinks) >= s.cfg.MaxSinks {
			oldest, at := "", ^uint64(0)
			for n, o := range s.sinks {
				if o.used < at {
					oldest, at = n, o.used
				}
			}
			delete(s.sinks, oldest)
		}
		st = &sinkState{seen: map[string]int{}}
		s.sinks[name] = st
	}
	st.used = s.tick
	return st
}

// Received returns what the sink called name received, oldest first.
func (s *Sink) Received(name string) []SinkRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.sinks[name]
	if !ok {
		return nil
	}
	return append([]SinkRecord(nil), st.records...)
}

// Clear forgets the sink called name (its records and its behaviour) and
// says how many records it had.
func (s *Sink) Clear(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.sinks[name]
	if !ok {
		return 0
	}
	delete(s.sinks, name)
	return len(st.records)
}

// SetBehaviour sets how the sink called name answers from now on.
func (s *Sink) SetBehaviour(name string, b SinkBehaviour) error {
	if b.Reset && (b.Status != 0 || b.Times != 0 || b.DelayMs != 0) {
		return errors.New("behaviour: reset stands alone")
	}
	if b.Status != 0 && (b.Status < 200 || b.Status > 599) {
		return errors.New("behaviour: status must be between 200 and 599")
	}
	if b.Times < 0 || b.DelayMs < 0 {
		return errors.New("behaviour: times and delayMs must not be negative")
	}
	if time.Duration(b.DelayMs)*time.Millisecond > s.cfg.MaxDelay {
		return errors.New("behaviour: delayMs beyond the sink's limit (" + s.cfg.MaxDelay.String() + ")")
	}
	if !b.Reset && b.Status == 0 && b.DelayMs == 0 {
		return errors.New("behaviour: give status, delayMs or reset")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state(name)
	if b.Reset {
		st.behaviour, st.remaining = SinkBehaviour{}, 0
		return nil
	}
	st.behaviour = b
	st.remaining = b.Times
	if b.Times == 0 {
		st.remaining = -1
	}
	return nil
}

func (s *Sink) listing(name string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := map[string]any{"status": 200}
	out := map[string]any{"name": name, "received": []SinkRecord{}, "behaviour": b}
	st, ok := s.sinks[name]
	if !ok {
		return out
	}
	out["received"] = append([]SinkRecord{}, st.records...)
	if st.remaining != 0 {
		if st.behaviour.Status != 0 {
			b["status"] = st.behaviour.Status
		}
		if st.behaviour.DelayMs != 0 {
			b["delayMs"] = st.behaviour.DelayMs
		}
		if st.remaining > 0 {
			b["remaining"] = st.remaining
		}
	}
	return out
}

func writeSinkJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func sinkError(w http.ResponseWriter, status int, msg string) {
	writeSinkJSON(w, status, map[string]any{"statusCode": status, "message": msg})
}
