// Package tuitest drives Bubble Tea models in tests the way a person would, but synchronously:
// keys pressed by key-map action name (so remapping never breaks a test), every command run to
// completion and its messages fed back, and frames compared with golden files rendered without
// colour (go test ./tui/... -update rewrites them).
package tuitest
