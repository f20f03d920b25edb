package ui

import (
	"slices"
	"testing"

	"oms/model"
	"oms/themes"
)

// Every tone a status can have is one every theme colours, and the other way round: a new tone
// in model without a colour in themes (or a colour nobody uses) fails here.
func TestModelTonesAreTheThemesTones(t *testing.T) {
	var fromModel []string
	for _, tone := range model.Tones {
		fromModel = append(fromModel, string(tone))
	}
	fromThemes := themes.Tones()
	slices.Sort(fromModel)
	slices.Sort(fromThemes)
	if !slices.Equal(fromModel, fromThemes) {
		t.Fatalf("model tones %v, themes colour %v", fromModel, fromThemes)
	}
	for _, st := range model.AllStatuses {
		if !slices.Contains(fromThemes, string(st.Tone())) {
			t.Errorf("status %s has tone %q, which no theme colours", st, st.Tone())
		}
	}
}
