package model

// MovementKind says why stock moved. The values are the ones the database's stock_movements
// CHECK accepts. For a movement that names an order line the kind also decides what the line
// gains: a pick adds picked units, an unpick takes them back, a ship adds shipped units, a
// return adds returned units; the database keeps those quantities from the ledger.
type MovementKind string

const (
	MoveReceipt    MovementKind = "receipt"    // supplier → receiving
	MovePutaway    MovementKind = "putaway"    // receiving or returns → a bin
	MoveTransfer   MovementKind = "transfer"   // between real locations, or between warehouses via transit
	MovePick       MovementKind = "pick"       // bin → packing station (or tote), for an order line
	MovePack       MovementKind = "pack"       // packing station → staging, for an order line
	MoveShip       MovementKind = "ship"       // packing or staging → the customer
	MoveReturn     MovementKind = "return"     // the customer → the returns area
	MoveAdjustment MovementKind = "adjustment" // found or lost, against the adjustment location
	MoveCount      MovementKind = "count"      // a stock count's correction
	MoveScrap      MovementKind = "scrap"      // → the scrap location
	MoveUnpick     MovementKind = "unpick"     // packing station → back to a bin
)
