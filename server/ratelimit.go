package server

import (
	"sync"
	"time"
)

// rateLimiter is a token bucket per remote address: each address may open burst connections
// at once and then perMinute a minute. It keeps, per address, the time at which its bucket will
// be full again (the generic cell rate algorithm), in whole durations, so no rounding lets a
// connection in early or late. An address whose bucket is full is forgotten, so the map holds
// only addresses seen within the last minute or so.
type rateLimiter struct {
	interval  time.Duration // one connection's worth of refill
	tolerance time.Duration // how far ahead of now a bucket may be: burst-1 intervals
	now       func() time.Time

	mu    sync.Mutex
	full  map[string]time.Time // when each address's bucket is full again
	swept time.Time
}

func newRateLimiter(perMinute, burst int, now func() time.Time) *rateLimiter {
	interval := time.Minute / time.Duration(perMinute)
	return &rateLimiter{interval: interval, tolerance: interval * time.Duration(burst-1), now: now,
		full: map[string]time.Time{}}
}

// allow takes a token from addr's bucket, or says no when it is empty.
func (r *rateLimiter) allow(addr string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	r.sweep(now)
	at := r.full[addr]
	if at.Before(now) {
		at = now
	}
	if at.Sub(now) > r.tolerance {
		return false
	}
	r.full[addr] = at.Add(r.interval)
	return true
}

// sweep forgets full buckets, at most once a minute.
func (r *rateLimiter) sweep(now time.Time) {
	if now.Sub(r.swept) < time.Minute {
		return
	}
	r.swept = now
	for addr, at := range r.full {
		if !at.After(now) {
			delete(r.full, addr)
		}
	}
}
