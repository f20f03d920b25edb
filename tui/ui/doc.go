// Package ui is what every screen of the terminal UI shares: the Component interface screens
// implement, the Context passed down to them (size, styles, key map, store, clock, user), the
// message types that carry data to the screen that asked for it, and small text helpers that
// keep every line inside the terminal's width. It knows no particular screen.
package ui
