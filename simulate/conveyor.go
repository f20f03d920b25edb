package simulate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Conveyor hands work from one job to the next across processes, as a tote or a parcel moves
// between people: a directory where an item is a file. Put drops an item; Take moves the
// oldest item into the taker's own directory with one rename, so two takers never get the same
// one; Done removes it; Held lists what a taker had taken and not finished, for its successor
// after it was killed.
type Conveyor struct{ dir string }

// NewConveyor makes (or opens) the conveyor in dir.
func NewConveyor(dir string) (Conveyor, error) {
	return Conveyor{dir: dir}, os.MkdirAll(filepath.Join(dir, "held"), 0o700)
}

func validItem(item string) bool {
	return item != "" && !strings.ContainsAny(item, "/\\\x00") && !strings.HasPrefix(item, ".") && item != "held"
}

// Put drops item (a name without slashes); dropping one already there changes nothing.
func (c Conveyor) Put(item string) error {
	if !validItem(item) {
		return errors.New("conveyor: not an item name: " + item)
	}
	tmp, err := os.CreateTemp(c.dir, ".put-*")
	if err != nil {
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), filepath.Join(c.dir, item))
}

// Take gives taker the oldest item waiting, or false when none waits.
func (c Conveyor) Take(taker string) (string, bool, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return "", false, err
	}
	type waiting struct {
		name string
		mod  int64
	}
	var items []waiting
	for _, e := range entries {
		if e.IsDir() || !validItem(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // taken meanwhile
		}
		items = append(items, waiting{e.Name(), info.ModTime().UnixNano()})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].mod < items[j].mod })
	mine := filepath.Join(c.dir, "held", taker)
	if err := os.MkdirAll(mine, 0o700); err != nil {
		return "", false, err
	}
	for _, it := range items {
		err := os.Rename(filepath.Join(c.dir, it.name), filepath.Join(mine, it.name))
		if err == nil {
			return it.name, true, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", false, err
		}
	}
	return "", false, nil
}

// Done removes an item taker finished.
func (c Conveyor) Done(taker, item string) error {
	err := os.Remove(filepath.Join(c.dir, "held", taker, item))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Held lists what taker took and did not finish.
func (c Conveyor) Held(taker string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(c.dir, "held", taker))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out, err
}

// Waiting is how many items wait to be taken.
func (c Conveyor) Waiting() int {
	entries, _ := os.ReadDir(c.dir)
	n := 0
	for _, e := range entries {
		if !e.IsDir() && validItem(e.Name()) {
			n++
		}
	}
	return n
}
