package oauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Config is what a Service serves and how it reports.
type Config struct {
	// Now is the mock's clock; every expiry is decided on it, so that a test
	// advances it rather than sleeping. nil means time.Now.
	Now func() time.Time
	// IDs makes install, family, user and code ids and refresh tokens'
	// uniqueIds; nil means a randomly seeded source.
	IDs IDSource
	// Key is the signing key; nil means one made the first time it is
	// needed (and reported through Changes then).
	Key *rsa.PrivateKey
	// Settings; nil means DefaultSettings().
	Settings *Settings
	// Companies, Apps and Installs come from the fixtures. Installs with no
	// ID get one; with no InstalledAt, the clock's now.
	Companies []Company
	Apps      []App
	Installs  []Install
	// State, when set, is the saved state to start from (the durable store's
	// content at start-up): its key, installs, codes and tokens replace Key
	// and Installs, and reporting them is not repeated.
	State *Snapshot
	// Changes receives every mutation, as one batch per operation, before
	// the operation's answer exists: a durable store commits it there. An
	// error undoes the operation, which then answers 500. It is called with
	// the Service's lock held: it must not call back into the Service.
	Changes func(ctx context.Context, batch []crm.Change) error
	// OnInstall is called after an install or uninstall has been applied,
	// once per location (and once for a Company install itself), outside the
	// lock: the mock sends GHL's INSTALL and UNINSTALL webhooks from it.
	OnInstall func(ctx context.Context, ev InstallEvent)
}

// Service is GHL's OAuth model and token lifecycle: apps, installs, codes and
// tokens. It knows nothing of HTTP: the server's handlers parse requests,
// call it and write what it answers. It is safe for concurrent use.
type Service struct {
	now       func() time.Time
	ids       IDSource
	changes   func(context.Context, []crm.Change) error
	onInstall func(context.Context, InstallEvent)
	csrfKey   []byte // HMAC key of the authorize page's form tokens

	// The fixtures' part, read-only after New.
	apps        []App
	appByID     map[string]int
	appByClient map[string]int
	companies   []Company
	companyByID map[string]int
	locations   map[string]locationRef
	initial     []*Install // the fixtures' installs, for Reset

	keyGen sync.Mutex // held while a key is made, outside mu: making one takes seconds

	mu          sync.RWMutex
	settings    Settings
	sig         *signer
	keyReported bool
	installs    map[string]*Install
	codes       map[string]*Code
	tokens      map[string]*Token
	lastIssued  crm.Millis // the last iat given, so that no two access tokens are the same string
}

// locationRef is a location and the index of its company.
type locationRef struct {
	Location
	company int
}

// New validates the configuration and returns a Service serving it.
func New(cfg Config) (*Service, error) {
	s := &Service{
		now: cfg.Now, ids: cfg.IDs, changes: cfg.Changes, onInstall: cfg.OnInstall,
		appByID: map[string]int{}, appByClient: map[string]int{},
		companyByID: map[string]int{}, locations: map[string]locationRef{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ids == nil {
		s.ids = randomIDs()
	}
	s.settings = DefaultSettings()
	if cfg.Settings != nil {
		s.settings = *cfg.Settings
	}
	if err := s.settings.validate(); err != nil {
		return nil, fmt.Errorf("oauth: settings: %w", err)
	}
	s.csrfKey = make([]byte, 32)
	_, _ = rand.Read(s.csrfKey) // never fails (crypto/rand's contract since Go 1.24)

	if err := s.loadCompanies(cfg.Companies); err != nil {
		return nil, err
	}
	if err := s.loadApps(cfg.Apps); err != nil {
		return nil, err
	}
	now := crm.MillisOf(s.now())
	for i, in := range cfg.Installs {
		in := in.clone()
		if err := s.checkInstall(in); err != nil {
			return nil, fmt.Errorf("oauth: installs[%d]: %w", i, err)
		}
		if in.ID == "" {
			in.ID = s.ids.HexID()
		}
		if in.UserID == "" {
			in.UserID = s.ids.ID()
		}
		if in.InstalledAt == 0 {
			in.InstalledAt = now
		}
		for j := range in.Locations {
			if in.Locations[j].InstalledAt == 0 {
				in.Locations[j].InstalledAt = in.InstalledAt
			}
		}
		if in.UserType == ClassCompany {
			in.ApproveAllLocations = len(in.Locations) > 0 && len(in.Locations) == len(s.company(in.CompanyID).Locations)
		}
		s.initial = append(s.initial, in)
	}
	s.installs, s.codes, s.tokens = map[string]*Install{}, map[string]*Code{}, map[string]*Token{}
	for _, in := range s.initial {
		s.installs[in.ID] = in.clone()
	}
	if cfg.Key != nil {
		s.sig = newSigner(cfg.Key)
	}
	if cfg.State != nil {
		if err := s.load(cfg.State); err != nil {
			return nil, err
		}
		s.keyReported = s.sig != nil
	}
	return s, nil
}

func (s *Service) loadCompanies(companies []Company) error {
	for i, c := range companies {
		if c.ID == "" {
			return fmt.Errorf("oauth: companies[%d]: no id", i)
		}
		if _, dup := s.companyByID[c.ID]; dup {
			return fmt.Errorf("oauth: company %s: declared twice", c.ID)
		}
		c.Locations = slices.Clone(c.Locations)
		for _, l := range c.Locations {
			if l.ID == "" {
				return fmt.Errorf("oauth: company %s: a location has no id", c.ID)
			}
			if _, dup := s.locations[l.ID]; dup {
				return fmt.Errorf("oauth: location %s: owned by two companies", l.ID)
			}
			s.locations[l.ID] = locationRef{Location: l, company: i}
		}
		s.companyByID[c.ID] = i
		s.companies = append(s.companies, c)
	}
	return nil
}

func (s *Service) loadApps(apps []App) error {
	for _, a := range apps {
		a = a.withDefaults()
		if err := a.Validate(); err != nil {
			return fmt.Errorf("oauth: %w", err)
		}
		if _, dup := s.appByID[a.ID]; dup {
			return fmt.Errorf("oauth: app %s: declared twice", a.ID)
		}
		if _, dup := s.appByClient[a.ClientID]; dup {
			return fmt.Errorf("oauth: client id %s: declared twice", a.ClientID)
		}
		s.appByID[a.ID] = len(s.apps)
		s.appByClient[a.ClientID] = len(s.apps)
		s.apps = append(s.apps, a)
	}
	return nil
}

// checkInstall checks an install's references: its app, its company and
// that its locations are the company's.
func (s *Service) checkInstall(in *Install) error {
	if _, ok := s.appByID[in.AppID]; !ok {
		return fmt.Errorf("%w: unknown app %q", ErrInvalid, in.AppID)
	}
	if !in.UserType.Valid() {
		return fmt.Errorf("%w: userType %q: want Company or Location", ErrInvalid, in.UserType)
	}
	if in.UserType == ClassLocation && len(in.Locations) != 1 {
		return fmt.Errorf("%w: a Location install has exactly one location, not %d", ErrInvalid, len(in.Locations))
	}
	for _, l := range in.Locations {
		ref, ok := s.locations[l.LocationID]
		if !ok {
			return fmt.Errorf("%w: unknown location %q", ErrInvalid, l.LocationID)
		}
		owner := s.companies[ref.company].ID
		if in.CompanyID == "" {
			in.CompanyID = owner
		}
		if owner != in.CompanyID {
			return fmt.Errorf("%w: location %s belongs to company %s, not %s", ErrInvalid, l.LocationID, owner, in.CompanyID)
		}
	}
	if _, ok := s.companyByID[in.CompanyID]; !ok {
		return fmt.Errorf("%w: unknown company %q", ErrInvalid, in.CompanyID)
	}
	return nil
}

// SetSettings replaces the settings; tokens already issued keep their
// lifetimes.
func (s *Service) SetSettings(st Settings) error {
	if err := st.validate(); err != nil {
		return fmt.Errorf("oauth: settings: %w", err)
	}
	s.mu.Lock()
	s.settings = st
	s.mu.Unlock()
	return nil
}

// Settings returns the settings in force.
func (s *Service) Settings() Settings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings
}

// app returns the app of id, or nil.
func (s *Service) app(id string) *App {
	if i, ok := s.appByID[id]; ok {
		return &s.apps[i]
	}
	return nil
}

// appOfClient returns the app of a client id, or nil.
func (s *Service) appOfClient(clientID string) *App {
	if i, ok := s.appByClient[clientID]; ok {
		return &s.apps[i]
	}
	return nil
}

func (s *Service) company(id string) *Company {
	if i, ok := s.companyByID[id]; ok {
		return &s.companies[i]
	}
	return nil
}

// companyOf returns the company owning location id, or nil.
func (s *Service) companyOf(locationID string) *Company {
	if ref, ok := s.locations[locationID]; ok {
		return &s.companies[ref.company]
	}
	return nil
}

// loadSigner returns the signing key, making one if there is none yet. It is
// made outside the state lock, so that API calls are not held up meanwhile.
func (s *Service) loadSigner() (*signer, error) {
	s.mu.RLock()
	sg := s.sig
	s.mu.RUnlock()
	if sg != nil {
		return sg, nil
	}
	s.keyGen.Lock()
	defer s.keyGen.Unlock()
	s.mu.RLock()
	sg = s.sig
	s.mu.RUnlock()
	if sg != nil {
		return sg, nil
	}
	k, err := GenerateKey()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sig == nil {
		s.sig, s.keyReported = newSigner(k), false
	}
	return s.sig, nil
}
