package model

import (
	"slices"
	"testing"
)

func TestEveryStatusHasATone(t *testing.T) {
	for _, s := range AllStatuses {
		if !slices.Contains(Tones, s.Tone()) {
			t.Errorf("%s has tone %q, which is not in Tones", s, s.Tone())
		}
	}
	if OrderStatus("bogus").Tone() != ToneMuted {
		t.Error("an unknown status is not muted")
	}
	// Attention goes where a person must act; finished work recedes.
	for s, want := range map[OrderStatus]Tone{StatusBackordered: ToneWarning, StatusOnHold: ToneWarning,
		StatusShipped: ToneDone, StatusCancelled: ToneMuted, StatusPicking: ToneActive,
		StatusReadyForPickup: ToneWaiting, StatusCollected: ToneDone, StatusDelivered: ToneDone} {
		if s.Tone() != want {
			t.Errorf("%s: tone %s, want %s", s, s.Tone(), want)
		}
	}
}
