package mockserver

import "github.com/ghlmock/ghlmock/mockserver/sqlite"

// TLSMetaKey is the meta value of the state database that serve --tls keeps
// its certificate authority in (ghlmock tls ca reads it without a server).
const TLSMetaKey = "tls-ca"

// TLSKeeper is where serve --tls keeps its certificate authority when the
// state lives in a database (Config.StatePath): in the database itself, so
// that the CA a user trusts moves and lives with the state. Without a state
// database, ok is false.
func (s *Server) TLSKeeper() (k sqlite.MetaValue, ok bool) {
	if s.db == nil {
		return sqlite.MetaValue{}, false
	}
	return sqlite.MetaValue{DB: s.db, Key: TLSMetaKey}, true
}
