package export_test

import (
	"testing"

	"oms/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
