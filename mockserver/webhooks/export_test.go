package webhooks

import "time"

// EvictScansForTest is how many times evict has scanned the log.
func (e *Engine) EvictScansForTest() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.scans
}

// YieldedForTest is how long the engine has waited for a busy API.
func (e *Engine) YieldedForTest() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.yielded
}
