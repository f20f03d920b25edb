package simulate

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"oms/db/orders"
	"oms/model"
)

func TestACrewIsItsWorkersByJob(t *testing.T) {
	got := Crew{Pickers: 2, Packers: 1, Returns: 0}.jobs()
	want := []string{JobIntake, JobOffice, JobCounter, JobPicker, JobPicker, JobPacker}
	if !slices.Equal(got, want) {
		t.Errorf("jobs %v, want %v", got, want)
	}
	for job, staffJob := range map[string]string{JobIntake: "backoffice", JobOffice: "backoffice", JobCounter: "stock",
		JobPicker: "picker", JobPacker: "packer", JobReturns: "returns"} {
		if StaffJob(job) != staffJob {
			t.Errorf("%s logs in as %s, want %s", job, StaffJob(job), staffJob)
		}
	}
}

func TestAWorkersAddressIsTheDatabasesWithItsLogin(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://postgres:secret@127.0.0.1:5432/oms?sslmode=disable", "postgres://picker_anna:pw@127.0.0.1:5432/oms?sslmode=disable"},
		{"postgresql://db.example/oms", "postgresql://picker_anna:pw@db.example/oms"},
		{"host=db.example dbname=oms user=admin", "host=db.example dbname=oms user=admin user=picker_anna password=pw"},
		{"", "user=picker_anna password=pw"},
	} {
		got, err := withLogin(tt.in, "picker_anna", "pw")
		if err != nil || got != tt.want {
			t.Errorf("withLogin(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestTheShopTakesAWebShopInTheWarehousesCurrency(t *testing.T) {
	eur := model.Currency("EUR")
	chans := []orders.Channel{
		{Code: "amazon-uk", Kind: "marketplace", Currency: "GBP"},
		{Code: "phone", Kind: "manual", Currency: "EUR"},
		{Code: "web-us", Kind: "webshop", Currency: "USD"},
		{Code: "web-eu", Kind: "webshop", Currency: "EUR"},
	}
	best := chans[0]
	for _, c := range chans[1:] {
		if rank(c, eur) > rank(best, eur) {
			best = c
		}
	}
	if best.Code != "web-eu" {
		t.Errorf("took %s", best.Code)
	}
	if !(rank(chans[1], eur) > rank(chans[2], eur)) {
		t.Error("the warehouse's currency should weigh more than being a web shop")
	}
}

func TestTheFaultInjectorSeesACommandInFlight(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	buf := make([]byte, 4096)
	if lastEntryIs(path, buf, `"t":"sent"`) {
		t.Error("a missing journal has a command in flight")
	}
	j, _, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for range 200 { // a journal longer than the tail read
		j.Write(Entry{T: "nowork", Op: "claim", Key: "sim-abc-picker-1-g0-0-claim"})
	}
	j.Write(Entry{T: "sent", Op: "pick", Key: "sim-abc-picker-1-g0-1-pick", Args: []byte(`{"Task":12345678}`)})
	if !lastEntryIs(path, buf, `"t":"sent"`) {
		b, _ := os.ReadFile(path)
		t.Errorf("the command sent is not seen in flight:\n%s", b)
	}
	j.Write(Entry{T: "done", Op: "pick", Key: "sim-abc-picker-1-g0-1-pick", Ms: 3})
	if lastEntryIs(path, buf, `"t":"sent"`) {
		t.Error("an answered command is seen in flight")
	}
}
