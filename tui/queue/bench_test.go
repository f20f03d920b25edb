package queue

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"oms/db/orders"
	"oms/keymaps"
	"oms/model"
	"oms/themes"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// memStore serves a queue of n synthetic orders from arithmetic, so the benchmark measures the
// screen (Update + View), not PostgreSQL. Order i was placed i seconds after base.
type memStore struct {
	n    int
	base time.Time
}

func (m memStore) row(i int) orders.QueueRow {
	st := model.AllStatuses[i%len(model.AllStatuses)]
	at := m.base.Add(time.Duration(i) * time.Second)
	return orders.QueueRow{ID: int64(i + 1), Number: fmt.Sprintf("SO-%07d", i+1), Status: st,
		Channel: "web-eu", Warehouse: "RTM1", CustomerName: "Customer " + fmt.Sprint(i%997),
		Total: model.Money{Minor: int64(1000 + i%50000), Currency: "EUR"}, Lines: 2, Units: 3,
		OrderedAt: at, PromisedAt: at.Add(48 * time.Hour)}
}

func (m memStore) QueuePage(_ context.Context, r orders.PageRequest) ([]orders.QueueRow, error) {
	// Rows are sorted by (ordered_at, id) = index, so a key is an index.
	idx := func(k *orders.QueueKey) int { return int(k.ID) - 1 }
	lo, hi := 0, m.n
	switch {
	case r.After != nil:
		lo = idx(r.After) + 1
	case r.From != nil:
		lo = idx(r.From)
	case r.Before != nil:
		hi = idx(r.Before)
		lo = max(hi-r.Limit, 0)
	case r.Last:
		lo = max(m.n-r.Limit, 0)
	}
	hi = min(hi, lo+r.Limit)
	rows := make([]orders.QueueRow, 0, max(hi-lo, 0))
	for i := lo; i < hi; i++ {
		rows = append(rows, m.row(i))
	}
	return rows, nil
}

func (m memStore) QueueCounts(context.Context, orders.QueueFilter) (orders.StatusCounts, error) {
	c := orders.StatusCounts{ByStatus: map[model.OrderStatus]int64{}}
	for i, st := range model.AllStatuses {
		c.ByStatus[st] = int64(m.n / len(model.AllStatuses))
		if i < m.n%len(model.AllStatuses) {
			c.ByStatus[st]++
		}
	}
	return c, nil
}

func (memStore) ExactMatch(context.Context, string) (orders.Match, bool, error) {
	return orders.Match{}, false, nil
}
func (memStore) LoadLookups(context.Context) (orders.Lookups, error) { return orders.Lookups{}, nil }

// BenchmarkQueueKeyPress is BM8 (the README's Measured table): one key press (Update + View) on
// the queue with 40 visible rows. Time and allocations must not grow with the queue's size.
func BenchmarkQueueKeyPress(b *testing.B) {
	for _, colour := range []bool{false, true} {
		for _, n := range []int{1_000, 1_000_000} {
			b.Run(fmt.Sprintf("colour=%v/orders=%d", colour, n), func(b *testing.B) {
				benchKeyPress(b, n, colour)
			})
		}
	}
}

func benchKeyPress(b *testing.B, n int, colour bool) {
	{
		{
			c := tuitest.NewContext()
			if colour {
				theme, _ := themes.ByName("dark")
				r := themes.NewRenderer(io.Discard, theme, func(string) string { return "" },
					termenv.WithProfile(termenv.TrueColor))
				c.Styles = themes.NewStyles(r, theme)
			}
			s := New(c, memStore{n: n, base: tuitest.Now.Add(-30 * 24 * time.Hour)})
			d := tuitest.New(b, s, *c.Keys, 120, 44) // 4 lines of chrome + 40 rows
			if got := s.visibleRows(); got != 40 {
				b.Fatalf("visible rows %d, want 40", got)
			}
			down := keymaps.Press(*c.Keys, "list", "down")
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				d.Send(down)
				_ = d.Frame()
			}
			b.StopTimer()
			if len(s.rows) > s.maxWindow() {
				b.Fatalf("window grew to %d rows", len(s.rows))
			}
		}
	}
}

// BenchmarkPlainRows is BM8's baseline: 40 rows of the same width, padded and joined.
func BenchmarkPlainRows(b *testing.B) {
	m := memStore{n: 40, base: tuitest.Now}
	rows := make([]orders.QueueRow, 40)
	for i := range rows {
		rows[i] = m.row(i)
	}
	b.ReportAllocs()
	for range b.N {
		var sb strings.Builder
		for i := range rows {
			r := &rows[i]
			line := fmt.Sprintf(" %-10s %-5s %-40s %-11s %5d %14d %-4s", r.Number, r.Status, r.CustomerName, "late", r.Units, r.Total.Minor, r.Warehouse)
			sb.WriteString(ui.Fit(line, 120))
			sb.WriteByte('\n')
		}
		_ = sb.String()
	}
}
