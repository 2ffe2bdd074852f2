//go:build !unix

package sqlite

import "os"

// lockFile opens the database file; on this system no advisory lock keeps a
// second process from using it at the same time.
func lockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}
