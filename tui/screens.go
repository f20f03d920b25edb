package tui

import (
	"github.com/charmbracelet/bubbles/key"

	"oms/keymaps"
	"oms/tui/queue"
	"oms/tui/ui"
)

// screenDef is one top-level screen: its name, its jump key and how to build it.
type screenDef struct {
	title string
	short string // for 20-column screens
	key   func(k *keymaps.KeyMap) key.Binding
	build func(c *ui.Context) ui.Component
}

// screenDefs are the top-level screens in menu order. Adding a screen is one entry here and a
// package for it; nothing else in the shell changes.
func screenDefs() []screenDef {
	return []screenDef{
		{"Queue", "Queue", func(k *keymaps.KeyMap) key.Binding { return k.Global.Queue },
			func(c *ui.Context) ui.Component { return queue.New(c) }},
		{"Picking", "Pick", func(k *keymaps.KeyMap) key.Binding { return k.Global.Picking },
			placeholder("Picking", "Claim a pick batch, walk the pick path bin by bin, scan bin and item, confirm quantities, report short picks with a reason.")},
		{"Packing", "Pack", func(k *keymaps.KeyMap) key.Binding { return k.Global.Packing },
			placeholder("Packing", "Scan a tote or order, verify every item by scan, choose a box, weigh, rate-shop a carrier and print the label.")},
		{"Returns", "Returns", func(k *keymaps.KeyMap) key.Binding { return k.Global.Returns },
			placeholder("Returns", "Find the order, open an RMA, receive and inspect each unit, choose its disposition, then refund or exchange.")},
		{"Stock counts", "Counts", func(k *keymaps.KeyMap) key.Binding { return k.Global.Counts },
			placeholder("Stock counts", "Blind cycle counts by bin, variance review with reasons, approval and posting of adjustments.")},
		{"Supervisor", "Super", func(k *keymaps.KeyMap) key.Binding { return k.Global.Supervisor },
			placeholder("Supervisor", "Live queues with ageing and SLA breaches, picks per hour per picker, exceptions, reassigning and releasing work.")},
	}
}

func placeholder(title, text string) func(c *ui.Context) ui.Component {
	return func(c *ui.Context) ui.Component { return newPlaceholder(c, title, text) }
}
