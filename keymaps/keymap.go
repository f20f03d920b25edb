package keymaps

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// Scope names, as used in YAML, error messages and [Press].
const (
	ScopeGlobal     = "global"
	ScopeList       = "list"
	ScopeQueue      = "queue"
	ScopeOrder      = "order"
	ScopeProducts   = "products"
	ScopeNewOrder   = "newOrder"
	ScopeInvoices   = "invoices"
	ScopePicking    = "picking"
	ScopePacking    = "packing"
	ScopeReturns    = "returns"
	ScopeCounts     = "counts"
	ScopeStockwork  = "stockwork"
	ScopeSupervisor = "supervisor"
	ScopeInput      = "input"
	ScopeDialog     = "dialog"
)

// KeyMap holds every scope's bindings. Build it with [Default] or [Load];
// the zero value has no keys bound.
type KeyMap struct {
	Global     GlobalKeys
	List       ListKeys
	Queue      QueueKeys
	Order      OrderKeys
	Products   ProductsKeys
	NewOrder   NewOrderKeys
	Invoices   InvoicesKeys
	Picking    PickingKeys
	Packing    PackingKeys
	Returns    ReturnsKeys
	Counts     CountsKeys
	Stockwork  StockworkKeys
	Supervisor SupervisorKeys
	Input      InputKeys
	Dialog     DialogKeys
}

// GlobalKeys are active on every screen. While a text field or dialog is
// focused only those keys for which [WorksWhileTyping] is true apply.
type GlobalKeys struct {
	Quit       key.Binding
	Help       key.Binding
	Menu       key.Binding
	Back       key.Binding
	NextScreen key.Binding
	PrevScreen key.Binding
	Queue      key.Binding
	Picking    key.Binding
	Packing    key.Binding
	Returns    key.Binding
	Counts     key.Binding
	Supervisor key.Binding
	Products   key.Binding
	Intake     key.Binding
	HandOver   key.Binding
}

// ListKeys move the cursor of any list screen.
type ListKeys struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Open     key.Binding
}

// QueueKeys are the order queue screen's own actions (together with List).
type QueueKeys struct {
	Search          key.Binding
	ClearFilter     key.Binding
	FilterStatus    key.Binding
	FilterChannel   key.Binding
	FilterWarehouse key.Binding
	SortToggle      key.Binding
	NextStatus      key.Binding
	PrevStatus      key.Binding
	Refresh         key.Binding
	NewOrder        key.Binding
	// The order page's actions on the selected row: each opens the order with it started.
	Hold    key.Binding
	Cancel  key.Binding
	Edit    key.Binding
	Reroute key.Binding
	Split   key.Binding
}

// OrderKeys are the order detail screen's actions. The screen scrolls the
// focused section (lines or history); ToggleSection switches between them.
type OrderKeys struct {
	ScrollUp      key.Binding
	ScrollDown    key.Binding
	PageUp        key.Binding
	PageDown      key.Binding
	Top           key.Binding
	Bottom        key.Binding
	ToggleSection key.Binding
	Hold          key.Binding
	Cancel        key.Binding
	Edit          key.Binding
	Reroute       key.Binding
	Split         key.Binding
	PrevField     key.Binding
}

// ProductsKeys are the products screen's own actions (together with List), on its list and
// on a product's page.
type ProductsKeys struct {
	Search      key.Binding
	ClearSearch key.Binding
	Low         key.Binding
	Refresh     key.Binding
	Edit        key.Binding
	NextField   key.Binding
	PrevField   key.Binding
}

// ShortHelp implements help.KeyMap.
func (p ProductsKeys) ShortHelp() []key.Binding {
	return []key.Binding{p.Search, p.ClearSearch, p.Low, p.Refresh}
}

// FullHelp implements help.KeyMap.
func (p ProductsKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.Search, p.ClearSearch, p.Low, p.Refresh}, {p.Edit, p.NextField, p.PrevField}}
}

// NewOrderKeys are the new-order form's actions, together with Input (enter adds a line in
// the item fields, searches in the customer field, and saves elsewhere).
type NewOrderKeys struct {
	NextField  key.Binding
	PrevField  key.Binding
	PickUp     key.Binding
	PickDown   key.Binding
	RemoveLine key.Binding
	Save       key.Binding
}

// ShortHelp implements help.KeyMap.
func (n NewOrderKeys) ShortHelp() []key.Binding {
	return []key.Binding{n.Save, n.NextField, n.RemoveLine}
}

// FullHelp implements help.KeyMap.
func (n NewOrderKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{n.Save, n.NextField, n.PrevField}, {n.PickUp, n.PickDown, n.RemoveLine}}
}

// InvoicesKeys are the invoices screen's own actions (together with List), on its list of
// documents and on a document's page.
type InvoicesKeys struct {
	FindOrder   key.Binding
	Series      key.Binding
	Dates       key.Binding
	ClearFilter key.Binding
	Refresh     key.Binding
}

// ShortHelp implements help.KeyMap.
func (i InvoicesKeys) ShortHelp() []key.Binding {
	return []key.Binding{i.FindOrder, i.Series, i.Dates, i.Refresh}
}

// FullHelp implements help.KeyMap.
func (i InvoicesKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{i.FindOrder, i.Series, i.Dates}, {i.ClearFilter, i.Refresh}}
}

// InputKeys apply while a text or scan field is focused.
type InputKeys struct {
	Submit key.Binding
	Cancel key.Binding
	Clear  key.Binding
}

// DialogKeys apply while a confirmation dialog is open.
type DialogKeys struct {
	Confirm key.Binding
	Cancel  key.Binding
}

// PickingKeys are the picking screen's own actions, beside its scan field: ctrl keys the field
// does not use for editing, so a picker never has to leave the field.
type PickingKeys struct {
	Short   key.Binding
	Where   key.Binding
	Release key.Binding
}

// ShortHelp implements help.KeyMap.
func (p PickingKeys) ShortHelp() []key.Binding { return []key.Binding{p.Short, p.Where, p.Release} }

// FullHelp implements help.KeyMap.
func (p PickingKeys) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// PackingKeys are the packing screen's own actions, beside its scan field: ctrl keys the field
// does not use for editing and the shell does not take, so they work with the field empty or
// holding a scan.
type PackingKeys struct {
	Parcel  key.Binding
	Ship    key.Binding
	Reprint key.Binding
	Relabel key.Binding
	Station key.Binding
}

// ShortHelp implements help.KeyMap.
func (p PackingKeys) ShortHelp() []key.Binding {
	return []key.Binding{p.Parcel, p.Ship, p.Reprint, p.Relabel, p.Station}
}

// FullHelp implements help.KeyMap.
func (p PackingKeys) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// ReturnsKeys are the returns desk's own actions, beside its scan field: ctrl keys the field
// does not use for editing, and the arrows that choose among a field's values.
type ReturnsKeys struct {
	Open      key.Binding
	Inspect   key.Binding
	Refund    key.Binding
	Exchange  key.Binding
	Authorize key.Binding
	End       key.Binding
	Aside     key.Binding
	Queue     key.Binding
	Prev      key.Binding
	Next      key.Binding
}

// ShortHelp implements help.KeyMap.
func (r ReturnsKeys) ShortHelp() []key.Binding {
	return []key.Binding{r.Open, r.Inspect, r.Refund, r.Exchange, r.Authorize, r.End, r.Aside, r.Queue, r.Prev, r.Next}
}

// FullHelp implements help.KeyMap.
func (r ReturnsKeys) FullHelp() [][]key.Binding { return [][]key.Binding{r.ShortHelp()} }

// CountsKeys are the stock counts screen's own actions, beside its scan field: ctrl keys the
// field does not use for editing and the shell does not take, so they work with the field empty
// or holding a scan.
type CountsKeys struct {
	Finish   key.Binding
	Undo     key.Binding
	GiveBack key.Binding
	Review   key.Binding
	Counts   key.Binding
	Plan     key.Binding
}

// ShortHelp implements help.KeyMap.
func (c CountsKeys) ShortHelp() []key.Binding {
	return []key.Binding{c.Finish, c.Undo, c.GiveBack, c.Review, c.Counts, c.Plan}
}

// FullHelp implements help.KeyMap.
func (c CountsKeys) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// StockworkKeys are the receiving and moves screen's own actions, beside its scan field: ctrl
// keys the field does not use for editing and the shell does not take, so they work with the
// field empty or holding a scan. Its first menu chooses a job with the digits 1–4.
type StockworkKeys struct {
	Finish  key.Binding
	Undo    key.Binding
	Damaged key.Binding
	Cancel  key.Binding
	Notice  key.Binding
}

// ShortHelp implements help.KeyMap.
func (s StockworkKeys) ShortHelp() []key.Binding {
	return []key.Binding{s.Finish, s.Undo, s.Damaged, s.Cancel, s.Notice}
}

// FullHelp implements help.KeyMap.
func (s StockworkKeys) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// SupervisorKeys are the supervisor's floor screen's own actions, beside the list keys: its
// panes and what a supervisor does to the row under the cursor (each asks first).
type SupervisorKeys struct {
	NextPane key.Binding
	PrevPane key.Binding
	Wave     key.Binding
	Reassign key.Binding
	GiveBack key.Binding
	Priority key.Binding
	Approve  key.Binding
	Hold     key.Binding
	Scope    key.Binding
}

// ShortHelp implements help.KeyMap.
func (s SupervisorKeys) ShortHelp() []key.Binding {
	return []key.Binding{s.NextPane, s.Wave, s.Reassign, s.GiveBack, s.Priority, s.Approve, s.Hold, s.Scope, s.PrevPane}
}

// FullHelp implements help.KeyMap.
func (s SupervisorKeys) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// ShortHelp implements help.KeyMap.
func (g GlobalKeys) ShortHelp() []key.Binding { return []key.Binding{g.Help, g.Menu} }

// FullHelp implements help.KeyMap.
func (g GlobalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{g.Help, g.Menu, g.Back, g.Quit},
		{g.NextScreen, g.PrevScreen},
		{g.Queue, g.Picking, g.Packing},
		{g.Returns, g.Counts, g.Supervisor},
		{g.Products, g.Intake, g.HandOver},
	}
}

// ShortHelp implements help.KeyMap.
func (l ListKeys) ShortHelp() []key.Binding { return []key.Binding{l.Up, l.Down, l.Open} }

// FullHelp implements help.KeyMap.
func (l ListKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{l.Up, l.Down, l.PageUp, l.PageDown},
		{l.Top, l.Bottom, l.Open},
	}
}

// ShortHelp implements help.KeyMap.
func (q QueueKeys) ShortHelp() []key.Binding {
	return []key.Binding{q.Search, q.FilterStatus, q.SortToggle, q.Refresh}
}

// FullHelp implements help.KeyMap.
func (q QueueKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{q.Search, q.ClearFilter, q.SortToggle, q.Refresh},
		{q.FilterStatus, q.NextStatus, q.PrevStatus},
		{q.FilterChannel, q.FilterWarehouse, q.NewOrder},
		{q.Hold, q.Cancel, q.Edit, q.Reroute, q.Split},
	}
}

// ShortHelp implements help.KeyMap.
func (o OrderKeys) ShortHelp() []key.Binding {
	return []key.Binding{o.ToggleSection, o.ScrollUp, o.ScrollDown}
}

// FullHelp implements help.KeyMap.
func (o OrderKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{o.ScrollUp, o.ScrollDown, o.PageUp, o.PageDown},
		{o.Top, o.Bottom, o.ToggleSection},
		{o.Hold, o.Cancel, o.Edit, o.PrevField},
		{o.Reroute, o.Split},
	}
}

// ShortHelp implements help.KeyMap.
func (i InputKeys) ShortHelp() []key.Binding { return []key.Binding{i.Submit, i.Cancel, i.Clear} }

// FullHelp implements help.KeyMap.
func (i InputKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{i.Submit, i.Cancel, i.Clear}}
}

// ShortHelp implements help.KeyMap.
func (d DialogKeys) ShortHelp() []key.Binding { return []key.Binding{d.Confirm, d.Cancel} }

// FullHelp implements help.KeyMap.
func (d DialogKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.Confirm, d.Cancel}}
}

// Scope describes one scope for iteration: its name as used in YAML, a
// title and a sentence for the cheatsheet, and its actions in display order.
type Scope struct {
	Name    string
	Title   string
	About   string
	Actions []Action
}

// Action describes one action of a scope with its current keys.
type Action struct {
	Name        string   // lowerCamel name, e.g. "filterStatus"
	Keys        []string // key names as written in keys.yaml, e.g. "ctrl+c", "space"
	Help        string   // short description shown in the help footer
	Description string   // longer description for the cheatsheet
}

type actionDef struct {
	name  string
	keys  []string // default keys, in tea.KeyMsg.String() form
	help  string
	long  string
	field func(*KeyMap) *key.Binding
}

type scopeDef struct {
	name    string
	title   string
	about   string
	actions []actionDef
}

// registry is the single source of scope and action names, default keys and
// help texts. Default, Scopes, Binding, Load and Cheatsheet all read it.
var registry = []scopeDef{
	{
		name:  ScopeGlobal,
		title: "Global",
		about: "On every screen. While a text or scan field or a dialog is focused, only " +
			"function keys and the ctrl keys that fields do not use for editing reach these " +
			"actions (by default: ctrl+c, ctrl+q, f1–f8, ctrl+g).",
		actions: []actionDef{
			{"quit", []string{"ctrl+c", "ctrl+q"}, "quit", "Quit oms (asks first if input is unsaved)", func(k *KeyMap) *key.Binding { return &k.Global.Quit }},
			{"help", []string{"?", "f1"}, "help", "Show or hide the full help", func(k *KeyMap) *key.Binding { return &k.Global.Help }},
			{"menu", []string{"f2", "ctrl+g"}, "menu", "Open the menu of all screens", func(k *KeyMap) *key.Binding { return &k.Global.Menu }},
			{"back", []string{"esc"}, "back", "Go back to the previous view", func(k *KeyMap) *key.Binding { return &k.Global.Back }},
			{"nextScreen", []string{"ctrl+right", "ctrl+n"}, "next screen", "Switch to the next screen", func(k *KeyMap) *key.Binding { return &k.Global.NextScreen }},
			{"prevScreen", []string{"ctrl+left", "ctrl+p"}, "prev screen", "Switch to the previous screen", func(k *KeyMap) *key.Binding { return &k.Global.PrevScreen }},
			{"queue", []string{"f3"}, "queue", "Go to the order queue", func(k *KeyMap) *key.Binding { return &k.Global.Queue }},
			{"picking", []string{"f4"}, "picking", "Go to picking", func(k *KeyMap) *key.Binding { return &k.Global.Picking }},
			{"packing", []string{"f5"}, "packing", "Go to packing", func(k *KeyMap) *key.Binding { return &k.Global.Packing }},
			{"returns", []string{"f6"}, "returns", "Go to the returns desk", func(k *KeyMap) *key.Binding { return &k.Global.Returns }},
			{"counts", []string{"f7"}, "counts", "Go to stock counts", func(k *KeyMap) *key.Binding { return &k.Global.Counts }},
			{"supervisor", []string{"f8"}, "supervisor", "Go to the supervisor view", func(k *KeyMap) *key.Binding { return &k.Global.Supervisor }},
			{"products", []string{"f9"}, "products", "Go to products: find by SKU, name or scan; stock per warehouse", func(k *KeyMap) *key.Binding { return &k.Global.Products }},
			{"intake", []string{"f10"}, "intake", "Go to intake: recent imports, their rejected orders, open order exceptions", func(k *KeyMap) *key.Binding { return &k.Global.Intake }},
			{"handOver", []string{"f11"}, "hand-over", "Go to the store's hand-over: scan a click-and-collect order and hand it to the customer", func(k *KeyMap) *key.Binding { return &k.Global.HandOver }},
		},
	},
	{
		name:  ScopeList,
		title: "Lists",
		about: "On every list screen (the order queue and other lists), when no field is focused.",
		actions: []actionDef{
			{"up", []string{"up", "k"}, "up", "Move the cursor up", func(k *KeyMap) *key.Binding { return &k.List.Up }},
			{"down", []string{"down", "j"}, "down", "Move the cursor down", func(k *KeyMap) *key.Binding { return &k.List.Down }},
			{"pageUp", []string{"pgup", "ctrl+b"}, "page up", "Move one page up", func(k *KeyMap) *key.Binding { return &k.List.PageUp }},
			{"pageDown", []string{"pgdown", "ctrl+f"}, "page down", "Move one page down", func(k *KeyMap) *key.Binding { return &k.List.PageDown }},
			{"top", []string{"home", "g"}, "top", "Go to the first row", func(k *KeyMap) *key.Binding { return &k.List.Top }},
			{"bottom", []string{"end", "G"}, "bottom", "Go to the last row", func(k *KeyMap) *key.Binding { return &k.List.Bottom }},
			{"open", []string{"enter"}, "open", "Open the selected row", func(k *KeyMap) *key.Binding { return &k.List.Open }},
		},
	},
	{
		name:  ScopeQueue,
		title: "Order queue",
		about: "On the order queue screen, together with the list keys.",
		actions: []actionDef{
			{"search", []string{"/"}, "search", "Search orders (number, external id, customer)", func(k *KeyMap) *key.Binding { return &k.Queue.Search }},
			{"clearFilter", []string{"x"}, "clear filters", "Clear the search and all filters", func(k *KeyMap) *key.Binding { return &k.Queue.ClearFilter }},
			{"filterStatus", []string{"s"}, "status", "Filter by order status", func(k *KeyMap) *key.Binding { return &k.Queue.FilterStatus }},
			{"filterChannel", []string{"c"}, "channel", "Filter by sales channel", func(k *KeyMap) *key.Binding { return &k.Queue.FilterChannel }},
			{"filterWarehouse", []string{"w"}, "warehouse", "Filter by warehouse", func(k *KeyMap) *key.Binding { return &k.Queue.FilterWarehouse }},
			{"sortToggle", []string{"o"}, "sort", "Sort by age or by promised date", func(k *KeyMap) *key.Binding { return &k.Queue.SortToggle }},
			{"nextStatus", []string{"]"}, "next status", "Filter by the next status", func(k *KeyMap) *key.Binding { return &k.Queue.NextStatus }},
			{"prevStatus", []string{"["}, "prev status", "Filter by the previous status", func(k *KeyMap) *key.Binding { return &k.Queue.PrevStatus }},
			{"refresh", []string{"r"}, "refresh", "Refetch the queue now", func(k *KeyMap) *key.Binding { return &k.Queue.Refresh }},
			{"newOrder", []string{"a"}, "new order", "Enter a new order by hand (phone and e-mail orders)", func(k *KeyMap) *key.Binding { return &k.Queue.NewOrder }},
			{"hold", []string{"h"}, "hold", "Open the selected order and hold it with a reason, or release its hold (back office)", func(k *KeyMap) *key.Binding { return &k.Queue.Hold }},
			{"cancel", []string{"X"}, "cancel", "Open the selected order and cancel it or one line, with a reason; asks first (back office)", func(k *KeyMap) *key.Binding { return &k.Queue.Cancel }},
			{"edit", []string{"e"}, "edit", "Open the selected order's edit form (back office)", func(k *KeyMap) *key.Binding { return &k.Queue.Edit }},
			{"reroute", []string{"W"}, "re-route", "Open the selected order and re-route it to another warehouse; asks first (back office)", func(k *KeyMap) *key.Binding { return &k.Queue.Reroute }},
			{"split", []string{"b"}, "split", "Open the selected order and split its waiting units off into a new order; asks first (back office)", func(k *KeyMap) *key.Binding { return &k.Queue.Split }},
		},
	},
	{
		name:  ScopeOrder,
		title: "Order detail",
		about: "On the order detail screen; scrolling applies to the focused section.",
		actions: []actionDef{
			{"scrollUp", []string{"up", "k"}, "up", "Scroll up", func(k *KeyMap) *key.Binding { return &k.Order.ScrollUp }},
			{"scrollDown", []string{"down", "j"}, "down", "Scroll down", func(k *KeyMap) *key.Binding { return &k.Order.ScrollDown }},
			{"pageUp", []string{"pgup", "ctrl+b"}, "page up", "Scroll one page up", func(k *KeyMap) *key.Binding { return &k.Order.PageUp }},
			{"pageDown", []string{"pgdown", "ctrl+f"}, "page down", "Scroll one page down", func(k *KeyMap) *key.Binding { return &k.Order.PageDown }},
			{"top", []string{"home", "g"}, "top", "Scroll to the top", func(k *KeyMap) *key.Binding { return &k.Order.Top }},
			{"bottom", []string{"end", "G"}, "bottom", "Scroll to the bottom", func(k *KeyMap) *key.Binding { return &k.Order.Bottom }},
			{"toggleSection", []string{"tab"}, "section", "Switch between lines and history; in the edit form, go to the next field", func(k *KeyMap) *key.Binding { return &k.Order.ToggleSection }},
			{"hold", []string{"h"}, "hold", "Hold the order with a reason, or release its hold (back office)", func(k *KeyMap) *key.Binding { return &k.Order.Hold }},
			{"cancel", []string{"x"}, "cancel", "Cancel the whole order or one line's open units, with a reason; asks first (back office)", func(k *KeyMap) *key.Binding { return &k.Order.Cancel }},
			{"edit", []string{"e"}, "edit", "Edit the order before picking: quantities, new lines, ship-to, priority, notes, service (enter saves, esc leaves)", func(k *KeyMap) *key.Binding { return &k.Order.Edit }},
			{"reroute", []string{"w"}, "re-route", "Re-route the order to another warehouse, chosen by its stock of the order's lines, before picking; asks first (back office)", func(k *KeyMap) *key.Binding { return &k.Order.Reroute }},
			{"split", []string{"b"}, "split", "Split the units still waiting off into a new order, so the allocated part ships now; asks first (back office)", func(k *KeyMap) *key.Binding { return &k.Order.Split }},
			{"prevField", []string{"shift+tab"}, "prev field", "In the edit form, go to the previous field", func(k *KeyMap) *key.Binding { return &k.Order.PrevField }},
		},
	},
	{
		name:  ScopeProducts,
		title: "Products",
		about: "On the products list and a product's page, together with the list keys.",
		actions: []actionDef{
			{"search", []string{"/"}, "search", "Search products (SKU prefix, part of the name, scanned GTIN or barcode)", func(k *KeyMap) *key.Binding { return &k.Products.Search }},
			{"clearSearch", []string{"x"}, "clear", "Clear the search", func(k *KeyMap) *key.Binding { return &k.Products.ClearSearch }},
			{"low", []string{"l"}, "low only", "Show only the products low somewhere they are stocked (▼: available at or below the reorder point), or all again", func(k *KeyMap) *key.Binding { return &k.Products.Low }},
			{"refresh", []string{"r"}, "refresh", "Refetch now", func(k *KeyMap) *key.Binding { return &k.Products.Refresh }},
			{"edit", []string{"e"}, "edit", "Edit the product: name, codes, weight and measures, customs, tax, tracking, reorder point, active (enter saves, esc leaves)", func(k *KeyMap) *key.Binding { return &k.Products.Edit }},
			{"nextField", []string{"tab"}, "next field", "Go to the next field of the form", func(k *KeyMap) *key.Binding { return &k.Products.NextField }},
			{"prevField", []string{"shift+tab"}, "prev field", "Go to the previous field of the form", func(k *KeyMap) *key.Binding { return &k.Products.PrevField }},
		},
	},
	{
		name:  ScopeNewOrder,
		title: "New order",
		about: "On the form of an order entered by hand, together with the text field keys.",
		actions: []actionDef{
			{"nextField", []string{"tab"}, "next field", "Go to the next field", func(k *KeyMap) *key.Binding { return &k.NewOrder.NextField }},
			{"prevField", []string{"shift+tab"}, "prev field", "Go to the previous field", func(k *KeyMap) *key.Binding { return &k.NewOrder.PrevField }},
			{"pickUp", []string{"up"}, "up", "Choose the customer above in the search's results", func(k *KeyMap) *key.Binding { return &k.NewOrder.PickUp }},
			{"pickDown", []string{"down"}, "down", "Choose the customer below in the search's results", func(k *KeyMap) *key.Binding { return &k.NewOrder.PickDown }},
			{"removeLine", []string{"ctrl+x"}, "remove line", "Remove the last line", func(k *KeyMap) *key.Binding { return &k.NewOrder.RemoveLine }},
			{"save", []string{"ctrl+s"}, "save", "Save the order (enter in a plain field saves too)", func(k *KeyMap) *key.Binding { return &k.NewOrder.Save }},
		},
	},
	{
		name:  ScopeInvoices,
		title: "Invoices",
		about: "On the invoices list and a document's page, together with the list keys.",
		actions: []actionDef{
			{"findOrder", []string{"/"}, "order", "Show only the documents of an order: type its number, enter applies it", func(k *KeyMap) *key.Binding { return &k.Invoices.FindOrder }},
			{"series", []string{"s"}, "series", "Show every series, then invoices only, then credit notes only", func(k *KeyMap) *key.Binding { return &k.Invoices.Series }},
			{"dates", []string{"d"}, "dates", "Show documents issued on any day, today, this month (UTC), or a range you type (2026-11-01..2026-11-15)", func(k *KeyMap) *key.Binding { return &k.Invoices.Dates }},
			{"clearFilter", []string{"x"}, "clear", "Clear the order, series and dates", func(k *KeyMap) *key.Binding { return &k.Invoices.ClearFilter }},
			{"refresh", []string{"r"}, "refresh", "Refetch now (the list follows new documents by itself)", func(k *KeyMap) *key.Binding { return &k.Invoices.Refresh }},
		},
	},
	{
		name:  ScopePicking,
		title: "Picking",
		about: "On the picking screen, beside its scan field (scans and typed counts go to the field).",
		actions: []actionDef{
			{"short", []string{"ctrl+s"}, "short", "Short pick: the bin has fewer than the task asks; choose why", func(k *KeyMap) *key.Binding { return &k.Picking.Short }},
			{"where", []string{"ctrl+l"}, "where is it", "Where is it? The next scan shows what a bin, item or tote holds instead of picking", func(k *KeyMap) *key.Binding { return &k.Picking.Where }},
			{"release", []string{"ctrl+r"}, "release", "Release the warehouse's allocated orders as pick batches (supervisors, between batches)", func(k *KeyMap) *key.Binding { return &k.Picking.Release }},
		},
	},
	{
		name:  ScopePacking,
		title: "Packing",
		about: "On the packing screen, beside its scan field (scans, typed counts, boxes and weights go to the field).",
		actions: []actionDef{
			{"parcel", []string{"ctrl+x"}, "close parcel", "Close a parcel of the verified units in none yet: choose its box (oms suggests one), then weigh it", func(k *KeyMap) *key.Binding { return &k.Packing.Parcel }},
			{"ship", []string{"ctrl+s"}, "ship", "Every unit verified and in a parcel: show the carriers' offers; enter on one ships and prints the labels", func(k *KeyMap) *key.Binding { return &k.Packing.Ship }},
			{"reprint", []string{"ctrl+r"}, "reprint", "Print the shipped order's labels and papers again (after a printer failed)", func(k *KeyMap) *key.Binding { return &k.Packing.Reprint }},
			{"relabel", []string{"ctrl+o"}, "new labels", "Void the shipped order's labels and print new ones with new tracking numbers (before the carrier's manifest closes); asks first", func(k *KeyMap) *key.Binding { return &k.Packing.Relabel }},
			{"station", []string{"ctrl+l"}, "station", "Change the packing station whose printers print the labels (between orders)", func(k *KeyMap) *key.Binding { return &k.Packing.Station }},
		},
	},
	{
		name:  ScopeReturns,
		title: "Returns desk",
		about: "On the returns desk, beside its scan field (scans, order numbers, names, counts and amounts go to the field).",
		actions: []actionDef{
			{"open", []string{"ctrl+o"}, "open RMA", "On an order: open an RMA — per line the units coming back and why, what the customer wishes; asks first", func(k *KeyMap) *key.Binding { return &k.Returns.Open }},
			{"inspect", []string{"ctrl+x"}, "inspect", "On an RMA with units received and not graded: grade them (A–D) and say where they go (restock asks for a bin)", func(k *KeyMap) *key.Binding { return &k.Returns.Inspect }},
			{"refund", []string{"ctrl+r"}, "refund", "On an RMA with inspected units to pay back: show the refund line by line, choose the method, pay it after a y (a supervisor may type another amount)", func(k *KeyMap) *key.Binding { return &k.Returns.Refund }},
			{"exchange", []string{"ctrl+y"}, "exchange", "On an exchange RMA: make its replacement order; asks first", func(k *KeyMap) *key.Binding { return &k.Returns.Exchange }},
			{"authorize", []string{"ctrl+s"}, "authorise", "On an RMA waiting for a supervisor (outside the return window): authorise it; asks first. Supervisors only: others are not offered the key, and pressing it says so", func(k *KeyMap) *key.Binding { return &k.Returns.Authorize }},
			{"end", []string{"ctrl+z"}, "cancel/close", "On an open RMA: cancel it when nothing came back, otherwise close it (the rest is not coming; received units must be graded and a refund due paid first); takes an optional note, asks first", func(k *KeyMap) *key.Binding { return &k.Returns.End }},
			{"aside", []string{"ctrl+t"}, "put aside", "At the find field: put something that came without an RMA aside as unexpected — what was scanned (or the field's text), units and a short note", func(k *KeyMap) *key.Binding { return &k.Returns.Aside }},
			{"queue", []string{"ctrl+l"}, "queue", "Go to the returns queue: arrived, to refund, expected, waiting for a supervisor, all open, and the unexpected items (enter on one decides it)", func(k *KeyMap) *key.Binding { return &k.Returns.Queue }},
			{"prev", []string{"left"}, "prev", "The previous list of the queue, or the previous value of the chosen field (reason, wish, grade, disposition, method)", func(k *KeyMap) *key.Binding { return &k.Returns.Prev }},
			{"next", []string{"right"}, "next", "The next list of the queue, or the next value of the chosen field", func(k *KeyMap) *key.Binding { return &k.Returns.Next }},
		},
	},
	{
		name:  ScopeCounts,
		title: "Stock counts",
		about: "On the stock counts screen, beside its scan field (bins, items, \"5*SKU\", lots and plans go to the field).",
		actions: []actionDef{
			{"finish", []string{"ctrl+s"}, "finish", "While counting a bin: record what you counted (asks first; an empty bin is a count of nothing)", func(k *KeyMap) *key.Binding { return &k.Counts.Finish }},
			{"undo", []string{"ctrl+z"}, "undo", "While counting a bin: take back the last scan", func(k *KeyMap) *key.Binding { return &k.Counts.Undo }},
			{"giveBack", []string{"ctrl+x"}, "give back", "Give the claimed bin back to the queue uncounted: it is counted later, by you or someone else", func(k *KeyMap) *key.Binding { return &k.Counts.GiveBack }},
			{"review", []string{"ctrl+r"}, "review", "Supervisors: the bins whose recount is still beyond tolerance; enter on one approves it with a reason or rejects it, after a y", func(k *KeyMap) *key.Binding { return &k.Counts.Review }},
			{"counts", []string{"ctrl+l"}, "counts", "The warehouse's counts and their progress (bins posted, open, waiting for a supervisor)", func(k *KeyMap) *key.Binding { return &k.Counts.Counts }},
			{"plan", []string{"ctrl+o"}, "plan", "Plan a count: type how and what — zone A, aisle 3, bins A-01 A-02, abc A or flags; asks first", func(k *KeyMap) *key.Binding { return &k.Counts.Plan }},
		},
	},
	{
		name:  ScopeStockwork,
		title: "Receiving and moves",
		about: "On the receiving and moves screen, beside its scan field (PO numbers, items, \"5*SKU\", counts, lots, expiry dates and bins go to the field; 1–4 choose a job).",
		actions: []actionDef{
			{"finish", []string{"ctrl+s"}, "receive", "While receiving against a PO: receive what was scanned (asks first)", func(k *KeyMap) *key.Binding { return &k.Stockwork.Finish }},
			{"undo", []string{"ctrl+z"}, "undo", "While receiving: take back the last scan", func(k *KeyMap) *key.Binding { return &k.Stockwork.Undo }},
			{"damaged", []string{"ctrl+r"}, "damaged", "While receiving: mark the last scan's units damaged (they go to quarantine), or good again", func(k *KeyMap) *key.Binding { return &k.Stockwork.Damaged }},
			{"cancel", []string{"ctrl+x"}, "cancel task", "Replenishment: cancel the claimed task when it cannot be done (its reserve is empty); asks first", func(k *KeyMap) *key.Binding { return &k.Stockwork.Cancel }},
			{"notice", []string{"ctrl+o"}, "receive the notice", "While receiving a PO opened by a supplier's notice (its number or pallet label): receive the notice whole, as announced (asks first)", func(k *KeyMap) *key.Binding { return &k.Stockwork.Notice }},
		},
	},
	{
		name:  ScopeSupervisor,
		title: "Supervisor",
		about: "On the supervisor's floor screen (Now, People, Exceptions), together with the list keys; every action asks first.",
		actions: []actionDef{
			{"nextPane", []string{"tab"}, "next pane", "Show the next pane: Now, People, Exceptions", func(k *KeyMap) *key.Binding { return &k.Supervisor.NextPane }},
			{"prevPane", []string{"shift+tab"}, "prev pane", "Show the previous pane", func(k *KeyMap) *key.Binding { return &k.Supervisor.PrevPane }},
			{"wave", []string{"w"}, "wave", "Release a wave: the warehouse's allocated orders into pick batches (a held channel's stay out); asks first", func(k *KeyMap) *key.Binding { return &k.Supervisor.Wave }},
			{"reassign", []string{"r"}, "reassign", "On a person holding a batch, or an expired lease: give the batch to another picker (type their login); asks first", func(k *KeyMap) *key.Binding { return &k.Supervisor.Reassign }},
			{"giveBack", []string{"b"}, "release batch", "On a person holding a batch, or an expired lease: give the batch back to the queue for the next picker; asks first", func(k *KeyMap) *key.Binding { return &k.Supervisor.GiveBack }},
			{"priority", []string{"p"}, "priority", "On a row naming an order: type its new priority (-9 to 9, higher first); asks first", func(k *KeyMap) *key.Binding { return &k.Supervisor.Priority }},
			{"approve", []string{"a"}, "approve", "On a count beyond tolerance, an adjustment, an RMA to authorise or a refund due: approve it (a count posts with lost or found; a refund pays the computed amount); asks first", func(k *KeyMap) *key.Binding { return &k.Supervisor.Approve }},
			{"hold", []string{"h"}, "hold channel", "On a channel in Now: hold it (its orders go into no wave) or release its hold; asks first", func(k *KeyMap) *key.Binding { return &k.Supervisor.Hold }},
			{"scope", []string{"v"}, "all/mine", "Show every warehouse's floor, or only your own warehouse's again (the screen opens on yours)", func(k *KeyMap) *key.Binding { return &k.Supervisor.Scope }},
		},
	},
	{
		name:  ScopeInput,
		title: "Text and scan fields",
		about: "While a text or scan field is focused; all other printable keys are typed into it.",
		actions: []actionDef{
			{"submit", []string{"enter"}, "submit", "Submit the field (a scanner ends each scan with enter)", func(k *KeyMap) *key.Binding { return &k.Input.Submit }},
			{"cancel", []string{"esc"}, "cancel", "Leave the field", func(k *KeyMap) *key.Binding { return &k.Input.Cancel }},
			{"clear", []string{"ctrl+u"}, "clear", "Clear the field", func(k *KeyMap) *key.Binding { return &k.Input.Clear }},
		},
	},
	{
		name:  ScopeDialog,
		title: "Dialogs",
		about: "While a confirmation dialog is open.",
		actions: []actionDef{
			{"confirm", []string{"y", "enter"}, "yes", "Confirm", func(k *KeyMap) *key.Binding { return &k.Dialog.Confirm }},
			{"cancel", []string{"n", "esc"}, "no", "Cancel", func(k *KeyMap) *key.Binding { return &k.Dialog.Cancel }},
		},
	},
}

func lookupScope(name string) *scopeDef {
	for i := range registry {
		if registry[i].name == name {
			return &registry[i]
		}
	}
	return nil
}

func (s *scopeDef) lookup(name string) *actionDef {
	for i := range s.actions {
		if s.actions[i].name == name {
			return &s.actions[i]
		}
	}
	return nil
}

func (s *scopeDef) actionNames() []string {
	names := make([]string, len(s.actions))
	for i, a := range s.actions {
		names[i] = a.name
	}
	return names
}

func scopeNames() []string {
	names := make([]string, len(registry))
	for i, s := range registry {
		names[i] = s.name
	}
	return names
}

// Default returns the built-in key map. Every call returns fresh bindings,
// so changing one KeyMap never affects another.
func Default() KeyMap {
	var km KeyMap
	for _, s := range registry {
		for _, a := range s.actions {
			setKeys(a.field(&km), a.help, append([]string(nil), a.keys...))
		}
	}
	return km
}

// setKeys sets a binding's keys (tea form) and rebuilds its help label from
// them, keeping the description.
func setKeys(b *key.Binding, desc string, keys []string) {
	*b = key.NewBinding(key.WithKeys(keys...), key.WithHelp(Label(keys), desc))
}

// Label is the help label for a list of canonical keys: their display
// names joined by "/", e.g. "ctrl+c/ctrl+q" or "space"; by ", " when one of
// them contains "/" itself ("/, ctrl+s").
func Label(keys []string) string {
	names := make([]string, len(keys))
	sep := "/"
	for i, k := range keys {
		names[i] = DisplayName(k)
		if strings.Contains(k, "/") {
			sep = ", "
		}
	}
	return strings.Join(names, sep)
}

// Scopes lists every scope and its actions, in a fixed order, with the
// current keys of km.
func (k KeyMap) Scopes() []Scope {
	out := make([]Scope, 0, len(registry))
	for _, s := range registry {
		sc := Scope{Name: s.name, Title: s.title, About: s.about, Actions: make([]Action, 0, len(s.actions))}
		for _, a := range s.actions {
			b := a.field(&k)
			keys := b.Keys()
			names := make([]string, len(keys))
			for i, key := range keys {
				names[i] = DisplayName(key)
			}
			sc.Actions = append(sc.Actions, Action{
				Name:        a.name,
				Keys:        names,
				Help:        b.Help().Desc,
				Description: a.long,
			})
		}
		out = append(out, sc)
	}
	return out
}

// Binding returns a pointer to the binding of scope.action (lowerCamel
// names, e.g. "queue", "filterStatus"), or false if there is no such action.
func (k *KeyMap) Binding(scope, action string) (*key.Binding, bool) {
	s := lookupScope(scope)
	if s == nil {
		return nil, false
	}
	a := s.lookup(action)
	if a == nil {
		return nil, false
	}
	return a.field(k), true
}
