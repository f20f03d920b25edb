package simulate

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"oms/db"
	"oms/db/staff"
)

// Crew is how many workers of each job a run has: the intake, the office and the counter are
// one each.
type Crew struct{ Pickers, Packers, Returns int }

// jobs lists the workers of a crew, by job, in the order they start.
func (c Crew) jobs() []string {
	out := []string{JobIntake, JobOffice, JobCounter}
	for _, j := range []struct {
		job string
		n   int
	}{{JobPicker, c.Pickers}, {JobPacker, c.Packers}, {JobReturns, c.Returns}} {
		for range j.n {
			out = append(out, j.job)
		}
	}
	return out
}

// hire gives each worker of the crew a login of its job with a fresh password, through the
// same command `oms staff add` uses: the seeded staff of the job at the warehouse first (as
// `oms demo` gives its people logins), then elsewhere, then new people named sim_<job>_<run>_<n>
// once the seeded ones run out or already have logins. Each worker gets its own person, so a
// picker's batch is theirs alone.
func hire(ctx context.Context, admin *db.DB, adminURL, warehouse, run string, crew Crew) ([]Config, error) {
	st := staff.New(admin)
	members, err := st.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the staff: %w", err)
	}
	taken := map[string]bool{}
	var out []Config
	slots := map[string]int{}
	for _, job := range crew.jobs() {
		staffJob := StaffJob(job)
		slots[job]++
		var candidates []staff.Member
		for pass := range 2 { // the warehouse's own people first
			for _, m := range members {
				if strings.HasPrefix(m.Login, staffJob+"_") && m.Active && len(m.Jobs) == 0 && !taken[m.Login] &&
					(m.Warehouse == warehouse) == (pass == 0) {
					candidates = append(candidates, m)
				}
			}
		}
		candidates = append(candidates, staff.Member{Login: fmt.Sprintf("sim_%s_%s_%d", staffJob, run, len(out)+1),
			Name: fmt.Sprintf("Simulated %s %d", staffJob, slots[job]), Warehouse: warehouse})
		var added staff.Member
		password := staff.NewPassword()
		var lastErr error
		for _, m := range candidates {
			lastErr = st.Add(ctx, staff.NewMember{Login: m.Login, Name: m.Name, Jobs: []string{staffJob},
				Warehouse: m.Warehouse, Password: password})
			if lastErr == nil {
				added = m
				break
			}
		}
		if added.Login == "" {
			return nil, fmt.Errorf("giving a %s a login: %w", staffJob, lastErr)
		}
		taken[added.Login] = true
		u, err := withLogin(adminURL, added.Login, password)
		if err != nil {
			return nil, err
		}
		out = append(out, Config{Job: job, Slot: slots[job], Login: added.Login, URL: u, Warehouse: warehouse, Run: run})
	}
	return out, nil
}

// withLogin is the database address with another login and password.
func withLogin(address, login, password string) (string, error) {
	if strings.HasPrefix(address, "postgres://") || strings.HasPrefix(address, "postgresql://") {
		u, err := url.Parse(address)
		if err != nil {
			return "", fmt.Errorf("the database address is not valid: %w", err)
		}
		u.User = url.UserPassword(login, password)
		return u.String(), nil
	}
	// libpq key=value settings: a later setting wins.
	return strings.TrimSpace(address + " user=" + login + " password=" + password), nil
}
