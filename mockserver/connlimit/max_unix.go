//go:build unix

package connlimit

import "syscall"

// fileLimit is the process's limit on open files (Go raises the soft limit
// to the hard one at start-up), or 0 when it cannot be read.
func fileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return rl.Cur
}
