// Package tui is the terminal UI's root: it routes and draws the chrome, nothing else. It holds
// the screens (one slot per top-level screen, each with a stack of views such as an order's
// detail over the queue), gives keys to the focused field, the open menu or dialog before global
// shortcuts, routes data results to the component that asked, runs the live change-feed poll,
// and draws the header (user, warehouse, clock, connection state), the status line and the help
// footer around the showing component. Screens live in sub-packages and share package ui.
package tui
