package ui

import (
	"crypto/rand"
	"encoding/hex"
)

// NewCommandKey returns a fresh idempotency key for one command a person is about to give
// (ARCHITECTURE.md §2.5). A screen makes it when the form or confirmation opens and sends the
// same key however often the person presses enter or the call is retried, so the database
// applies the command once.
func NewCommandKey(prefix string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return prefix + "-" + hex.EncodeToString(b[:])
}
