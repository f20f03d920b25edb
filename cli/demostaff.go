package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"oms/db"
	"oms/db/staff"
)

// demoPerson is a demo staff member who can log in: one per job role.
type demoPerson struct {
	staff.Member
	Job     string
	URL     string // the database address with their login and password
	URLFile string // a file only this user can read holding URL
}

// demoLoginPrefix is, per job, the seeded login the demo gives a login role: such a person at
// the demo's home warehouse, whose name already appears in the orders' history.
var demoLoginPrefix = map[string]string{
	"picker": "picker_", "packer": "packer_", "returns": "returns_", "stock": "stock_",
	"backoffice": "backoffice_", "store": "store_", "supervisor": "supervisor_", "admin": "admin_",
}

// addDemoStaff gives one seeded person per job role a PostgreSQL login with a fresh password,
// through the same functions `oms staff add` uses, and writes each one's address to a file.
func addDemoStaff(ctx context.Context, d *db.DB, port int, adminURL string) ([]demoPerson, error) {
	st := staff.New(d)
	members, err := st.List(ctx)
	if err != nil {
		return nil, err
	}
	var people []demoPerson
	for _, job := range staff.Jobs {
		m, ok := firstWithPrefix(members, demoLoginPrefix[job])
		if !ok {
			m = staff.Member{Login: "demo_" + job, Name: "Demo " + job}
		}
		password := staff.NewPassword()
		err := st.Add(ctx, staff.NewMember{Login: m.Login, Name: m.Name, Jobs: []string{job},
			Warehouse: m.Warehouse, Password: password})
		if err != nil {
			return nil, fmt.Errorf("adding the demo %s %s: %w", job, m.Login, err)
		}
		u, err := url.Parse(adminURL)
		if err != nil {
			return nil, err
		}
		u.User = url.UserPassword(m.Login, password)
		p := demoPerson{Member: m, Job: job, URL: u.String()}
		if p.URLFile, err = writeURLFile(port, m.Login, p.URL); err != nil {
			removeURLFiles(people)
			return nil, err
		}
		people = append(people, p)
	}
	return people, nil
}

// demoHome is the warehouse whose people the demo prefers: the seed's first and largest.
const demoHome = "RTM1"

func firstWithPrefix(members []staff.Member, prefix string) (staff.Member, bool) {
	var found staff.Member
	ok := false
	for _, m := range members {
		if strings.HasPrefix(m.Login, prefix) && m.Active && (!ok || m.Warehouse == demoHome && found.Warehouse != demoHome) {
			found, ok = m, true
		}
	}
	return found, ok
}

func removeURLFiles(people []demoPerson) {
	for _, p := range people {
		os.Remove(p.URLFile)
	}
}

// printDemoStaff says how to join the demo as each job role.
func printDemoStaff(w io.Writer, people []demoPerson) {
	fmt.Fprintln(w, "  join as each job role (a login and password of its own):")
	for _, p := range people {
		fmt.Fprintf(w, "    %-10s  %-18s  %s\n", p.Job, p.Name, joinCommand(p.URLFile))
	}
}
