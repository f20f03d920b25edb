package model

// Tone is what a status means to someone looking at a screen, independent of what it is the
// status of: a theme colours tones, not statuses, so a new kind of status (a pick task's, an
// RMA's, a count's) needs a tone here and no palette change. The values are the tone names the
// themes package colours (a test in tui/ui ties the two lists).
type Tone string

const (
	ToneOK      Tone = "ok"      // ready, nothing wrong: work can start
	ToneActive  Tone = "active"  // work in progress
	ToneWaiting Tone = "waiting" // nothing can happen until something else does
	ToneWarning Tone = "warning" // needs a person's attention
	ToneLate    Tone = "late"    // past a promise or a deadline
	ToneDone    Tone = "done"    // finished
	ToneMuted   Tone = "muted"   // no longer matters
)

// Tones lists every tone, for themes and their tests.
var Tones = []Tone{ToneOK, ToneActive, ToneWaiting, ToneWarning, ToneLate, ToneDone, ToneMuted}

var statusTones = map[OrderStatus]Tone{
	StatusPending:           ToneWaiting,
	StatusBackordered:       ToneWarning,
	StatusAllocated:         ToneOK,
	StatusPicking:           ToneActive,
	StatusPicked:            ToneActive,
	StatusPacked:            ToneActive,
	StatusReadyForPickup:    ToneWaiting, // the customer has to come
	StatusPartiallyShipped:  ToneActive,
	StatusShipped:           ToneDone,
	StatusDelivered:         ToneDone,
	StatusCollected:         ToneDone,
	StatusPartiallyReturned: ToneDone,
	StatusReturned:          ToneDone,
	StatusOnHold:            ToneWarning,
	StatusCancelled:         ToneMuted,
}

// Tone says how a status should look; an unknown status is muted.
func (s OrderStatus) Tone() Tone {
	if t, ok := statusTones[s]; ok {
		return t
	}
	return ToneMuted
}
