package ratelimit_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// The limiter sits on every request's path. These measure Take under
// parallel load (GOMAXPROCS goroutines, b.SetParallelism more), with limits
// set high as in a load test so that every request passes and is counted.

var benchLimits = ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40}

// BenchmarkTakeParallelKeys spreads requests over 64 keys (app × location
// pairs), as many integrations sharing one mock do.
func BenchmarkTakeParallelKeys(b *testing.B) {
	keys := make([]string, 64)
	for i := range keys {
		keys[i] = fmt.Sprintf("6650e2c1a8b4f7d3e9c01a2b:loc%017d", i)
	}
	benchTake(b, keys)
}

// BenchmarkTakeParallelHotKey sends every request under one key: one
// integration hammering one location.
func BenchmarkTakeParallelHotKey(b *testing.B) {
	benchTake(b, []string{"6650e2c1a8b4f7d3e9c01a2b:O9hFAiOh29oB93c0F6UJ"})
}

func benchTake(b *testing.B, keys []string) {
	l := ratelimit.New(time.Now)
	var worker atomic.Int64
	b.SetParallelism(4)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(worker.Add(1)) * 7
		for pb.Next() {
			if d := l.Take(keys[i%len(keys)], benchLimits); !d.Allowed {
				b.Error("refused under limits set high")
				return
			}
			i++
		}
	})
}
