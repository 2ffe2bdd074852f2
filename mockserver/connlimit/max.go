package connlimit

// DefaultCap bounds DefaultMax: each open connection costs some 10-20 KiB
// (buffers and a goroutine), so 4096 idle ones stay under ~80 MiB.
const DefaultCap = 4096

// DefaultMax is the connection cap to use when none is given: the
// file-descriptor limit less a reserve (an eighth, at least 64) for the
// state database, the log and the refusals under way, and at most
// DefaultCap. With the common limit of 1024 descriptors it is 896.
func DefaultMax() int {
	return maxFor(fileLimit())
}

func maxFor(limit uint64) int {
	if limit == 0 {
		return 896 // unknown: as for 1024
	}
	reserve := max(limit/8, 64)
	if limit <= reserve+16 {
		return 16
	}
	return int(min(limit-reserve, DefaultCap))
}
