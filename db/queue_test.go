package db

import (
	"strings"
	"testing"

	"oms/model"
)

func TestOpenStatusSQLMatchesModel(t *testing.T) {
	var quoted []string
	for _, s := range model.OpenStatuses() {
		quoted = append(quoted, "'"+string(s)+"'")
	}
	want := "o.status IN (" + strings.Join(quoted, ", ") + ")"
	if openStatusSQL != want {
		t.Fatalf("openStatusSQL = %s\nmodel says    %s", openStatusSQL, want)
	}
}
