package tuitest

import (
	"io"
	"time"

	"oms/db/staff"
	"oms/keymaps"
	"oms/themes"
	"oms/tui/ui"
)

// Now is the fixed clock of UI tests; seed test data with the same Now so ages and SLAs in
// golden frames never change.
var Now = time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)

// NewContext is a UI context as a user with NO_COLOR would get it (frames hold no escape
// codes), with the default keys, a fixed clock, the demo's user and no logging.
func NewContext() *ui.Context {
	noColor := func(k string) string {
		if k == "NO_COLOR" {
			return "1"
		}
		return ""
	}
	theme, err := themes.Resolve("dark", noColor)
	if err != nil {
		panic(err)
	}
	keys := keymaps.Default()
	return &ui.Context{
		Styles: themes.NewStyles(themes.NewRenderer(io.Discard, theme, noColor), theme),
		Keys:   &keys,
		// Whom `oms demo`'s own terminal runs as: the supervisor at its home warehouse.
		User: staff.Identity{Login: "supervisor_rtm_01", Name: "Lucas de Vries", Job: "supervisor",
			Jobs: []string{"picker", "packer", "returns", "stock", "backoffice", "supervisor"}, Warehouse: "RTM1"},
		Now:      func() time.Time { return Now },
		Location: time.UTC,
		// A loaded machine (two test runs at once) must never turn a slow answer into a
		// time-out, which would draw a stale frame instead of the one the test expects. Tests of
		// time-outs set their own.
		Timeout: 10 * time.Minute,
	}
}
