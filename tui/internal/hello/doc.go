// Package hello is the worked example of adding a screen, kept small and tested
// (tui's TestAddingAScreenIsOnePackageAndOneLine registers it): a package that declares the
// data it reads, exports a Def for the route table, and implements ui.Component. It shows how
// many orders are open and refetches when they change. Copy it to start a new screen.
package hello
