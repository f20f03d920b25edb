package bench

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"oms/db"
	"oms/db/floor"
)

// The floor mode of the live run (BM6 as issue 17 states it): the writers are scan-confirm's
// pickers (BM5's fixture and operation, setupScanFloor and scanFloor.confirm), each confirming
// one-unit scans through db/picking as fast as it can, so that what the screens take from them
// shows in their rate; the screens are supervisors following the floor: told of a change by the
// one shared poller, each refetches the board for today, the shift and the fixture's
// warehouse, at most once per MinGap, through floor.SharedBoard as tui/supervisor does: screens
// told of the same change share one read.
//
// Staleness. The writers note when each confirm returned, in one list; sorted, the list's i-th
// time is taken as the commit of the i-th unit picked in the phase. A screen's fetch whose board
// shows K more picks (the sum of People's Picks) than the board read just before the phase
// reflects the first K confirms of the phase, so each confirm's staleness on a screen runs from
// its commit to the end of that screen's first fetch showing at least its rank. The
// approximation: commits that return to their clients in an order other than the one they
// committed in swap ranks (by at most the few milliseconds between them), and a fetch whose
// snapshot was taken while a COMMIT was on its way back counts as 0, not negative.

// floorWrite is one confirm of the floor mode.
type floorWrite struct{ sent, commit time.Time }

// floorWriters runs the pickers for dur as fast as they can, and returns the confirms that
// committed, sorted by commit, and how many of them committed within dur.
func floorWriters(ctx context.Context, sf *scanFloor, dur time.Duration, errs *tally, tick func(time.Duration)) ([]floorWrite, int) {
	start := time.Now()
	end := start.Add(dur)
	var mu sync.Mutex
	var out []floorWrite
	var wg sync.WaitGroup
	for c := range sf.pickers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []floorWrite
			for ctx.Err() == nil && time.Now().Before(end) {
				sent := time.Now()
				ok, err := sf.confirm(ctx, c)
				if ctx.Err() != nil {
					break
				}
				errs.record("confirm", err)
				if ok && err == nil {
					mine = append(mine, floorWrite{sent: sent, commit: time.Now()})
				}
			}
			mu.Lock()
			out = append(out, mine...)
			mu.Unlock()
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
wait:
	for {
		select {
		case <-done:
			break wait
		case <-ticker.C:
			tick(min(time.Since(start), dur))
		}
	}
	tick(dur)
	slices.SortFunc(out, func(a, b floorWrite) int { return a.commit.Compare(b.commit) })
	in := sort.Search(len(out), func(i int) bool { return out[i].commit.After(end) })
	return out, in
}

// floorScreen is one simulated supervisor screen.
type floorScreen struct {
	wake chan struct{}
	mu   sync.Mutex
	log  []floorFetch // in order: one fetch at a time
}

type floorFetch struct {
	start, end time.Time
	picks      int64 // picks the board showed
}

func (s *floorScreen) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// floorWindow is what a supervisor at the fixture's warehouse looks at now.
func floorWindow(wh string) floor.Window {
	now := time.Now()
	y, m, d := now.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	return floor.Window{Day: day, Since: floor.ShiftStart(now, day), Warehouse: wh}
}

// boardPicks is the picks a board shows: every person's, since the start of the shift.
func boardPicks(b floor.Board) int64 {
	var n int64
	for _, p := range b.People {
		n += p.Picks
	}
	return n
}

// floorWatch is what the supervisor screen watches (tui/supervisor's Watches).
var floorWatch = db.SetOf(db.Orders, db.OrderLines, db.PickTasks, db.Stock, db.RMAs, db.Counts, db.Imports)

type floorFollowers struct {
	screens  []*floorScreen
	polls    atomic.Int64
	seen     atomic.Int64 // when the last poll that saw a change answered, in Unix nanoseconds
	progress chan struct{}
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

func startFloorFollowers(ctx context.Context, d *db.DB, wh string, o LiveOptions, errs *tally) *floorFollowers {
	ctx, cancel := context.WithCancel(ctx)
	f := &floorFollowers{progress: make(chan struct{}, 1), cancel: cancel}
	store := floor.New(d)
	for range o.Screens {
		f.screens = append(f.screens, &floorScreen{wake: make(chan struct{}, 1)})
	}
	for _, s := range f.screens {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.follow(ctx, store, wh, s, o.MinGap, errs)
		}()
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.poll(ctx, d, o.Poll, errs)
	}()
	return f
}

// poll is the shared change feed (pollChanges): every screen watches the same tables, and is
// told when the poll that saw a change answered, as the shell's ui.ChangedMsg.Seen.
func (f *floorFollowers) poll(ctx context.Context, d *db.DB, every time.Duration, errs *tally) {
	pollChanges(ctx, d, every, 0, floorWatch, &f.polls, errs, func(changed db.TableSet) {
		if changed.Intersects(floorWatch) {
			f.seen.Store(time.Now().UnixNano())
			for _, s := range f.screens {
				s.notify()
			}
		}
	})
}

// follow is one screen, under the rule of followers.follow: never two fetches at once, never
// two starting less than minGap apart, changes reported meanwhile cost one more fetch.
func (f *floorFollowers) follow(ctx context.Context, store *floor.Store, wh string, s *floorScreen, minGap time.Duration, errs *tally) {
	var last time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		if wait := time.Until(last.Add(minGap)); !last.IsZero() && wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		}
		select {
		case <-s.wake:
		default:
		}
		last = time.Now()
		fctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		// As tui/supervisor reads it: shared by the screens told of the same change.
		b, err := store.SharedBoard(fctx, floorWindow(wh), time.Unix(0, f.seen.Load()))
		cancel()
		end := time.Now()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			errs.record("board", err)
			continue
		}
		s.mu.Lock()
		s.log = append(s.log, floorFetch{start: last, end: end, picks: boardPicks(b)})
		s.mu.Unlock()
		select {
		case f.progress <- struct{}{}:
		default:
		}
	}
}

// wait waits until done holds for every screen (waitScreens); it gives up after limit.
func (f *floorFollowers) wait(ctx context.Context, limit time.Duration, done func(*floorScreen) bool) error {
	return waitScreens(ctx, f.screens, func(s *floorScreen) *sync.Mutex { return &s.mu }, f.progress, limit, done)
}

func (f *floorFollowers) stop() {
	f.cancel()
	f.wg.Wait()
}

func lastPicks(s *floorScreen) int64 {
	if len(s.log) == 0 {
		return -1
	}
	return s.log[len(s.log)-1].picks
}

// liveFloor is Live's floor mode.
func liveFloor(ctx context.Context, dbURL string, o LiveOptions) (LiveReport, error) {
	rep := LiveReport{Screens: o.Screens, Follow: FollowFloor, Writers: o.Writers}
	if o.Screens < 1 || o.Duration <= 0 || o.Writers < 1 || o.ScreenConns < 1 || o.Orders < 1 {
		return rep, fmt.Errorf("bench live: screens, duration, writers, connections and orders must be positive")
	}
	o.Progress("live: migrating", 0, 0)
	wd, err := Open(ctx, dbURL, o.Writers)
	if err != nil {
		return rep, err
	}
	defer wd.Close()
	cfg := db.TerminalConfig(dbURL)
	cfg.AppName, cfg.MaxConns = "oms bench live screens", o.ScreenConns
	sd, err := db.Open(ctx, cfg)
	if err != nil {
		return rep, err
	}
	defer sd.Close()

	o.Progress("live: setting up the floor", 0, 0)
	// A warehouse of its own per run, so that runs on one server do not share a floor.
	wh := fmt.Sprintf("LF%d", time.Now().UnixMilli()%100_000_000)
	sf, err := setupScanFloor(ctx, wd, wh, o.Orders, "oms bench live")
	if err != nil {
		return rep, fmt.Errorf("live floor fixture: %w", err)
	}
	if err := warmPool(ctx, sd, o.ScreenConns); err != nil {
		return rep, err
	}
	reader := floor.New(wd)

	var errs tally
	var aloneN, withN int
	var aloneTime, withTime time.Duration
	var aloneLat, withLat, stale, refetchTime []time.Duration
	latencies := func(ws []floorWrite) []time.Duration {
		out := make([]time.Duration, len(ws))
		for i, w := range ws {
			out[i] = w.commit.Sub(w.sent)
		}
		return out
	}
	half := o.Duration / 2
	for i, screens := range []bool{false, true, false, true} {
		mode := "pickers alone"
		if screens {
			mode = fmt.Sprintf("pickers and %d floor screens", o.Screens)
		}
		stage := fmt.Sprintf("live: %s %d/2", mode, i/2+1)
		tick := func(done time.Duration) { o.Progress(stage, done.Milliseconds(), half.Milliseconds()) }
		if !screens {
			ws, in := floorWriters(ctx, sf, half, &errs, tick)
			aloneN, aloneTime, aloneLat = aloneN+in, aloneTime+half, append(aloneLat, latencies(ws)...)
			continue
		}
		o.Progress(stage+": screens loading", 0, 0)
		b, err := reader.Board(ctx, floorWindow(wh))
		if err != nil {
			return rep, fmt.Errorf("the floor before the phase: %w", err)
		}
		base := boardPicks(b)
		f := startFloorFollowers(ctx, sd, wh, o, &errs)
		if err := f.wait(ctx, 30*time.Second, func(s *floorScreen) bool { return len(s.log) > 0 }); err != nil {
			f.stop()
			return rep, fmt.Errorf("the screens' first load: %w", err)
		}
		polls0 := f.polls.Load()
		from := time.Now()
		ws, in := floorWriters(ctx, sf, half, &errs, tick)
		to := time.Now()
		polls := f.polls.Load() - polls0
		o.Progress(stage+": screens catching up", 0, 0)
		want := base + int64(len(ws))
		// Waiting gives up after 5 s; the confirms no screen showed by then count as unseen.
		_ = f.wait(ctx, 5*time.Second, func(s *floorScreen) bool { return lastPicks(s) >= want })
		f.stop()
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		b, err = reader.Board(ctx, floorWindow(wh))
		if err != nil {
			return rep, fmt.Errorf("the floor after the phase: %w", err)
		}
		final := boardPicks(b)
		if final != want {
			errs.record("confirm", fmt.Errorf("%w: the board shows %d picks after the phase, but %d before and %d confirms since",
				ErrInvariant, final, base, len(ws)))
		}
		withN, withTime, withLat = withN+in, withTime+half, append(withLat, latencies(ws)...)
		rep.ScreenSeconds += to.Sub(from).Seconds()
		rep.Polls += polls
		for _, s := range f.screens {
			if lastPicks(s) != final {
				rep.Mismatched++
			}
			var starts []time.Time
			for _, r := range s.log {
				if !r.start.Before(from) && r.start.Before(to) {
					starts = append(starts, r.start)
					refetchTime = append(refetchTime, r.end.Sub(r.start))
				}
			}
			rep.Refetches += int64(len(starts))
			rep.MaxRefetches = max(rep.MaxRefetches, mostInASecond(starts))
			for k, w := range ws {
				rep.Pairs++
				need := base + int64(k) + 1
				j := sort.Search(len(s.log), func(j int) bool { return s.log[j].picks >= need })
				if j < len(s.log) {
					stale = append(stale, max(s.log[j].end.Sub(w.commit), 0))
				} else {
					rep.Unseen++
				}
			}
		}
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	if aloneTime > 0 {
		rep.Alone = float64(aloneN) / aloneTime.Seconds()
	}
	if withTime > 0 {
		rep.Writer = float64(withN) / withTime.Seconds()
	}
	rep.AloneLatency, rep.WriteLatency = percentiles(aloneLat), percentiles(withLat)
	if rep.Alone > 0 {
		rep.Ratio = floor2(rep.Writer / rep.Alone)
	}
	rep.Stale = percentiles(stale)
	rep.RefetchTime = percentiles(refetchTime)
	if rep.ScreenSeconds > 0 {
		perScreenS := float64(o.Screens) * rep.ScreenSeconds
		rep.RefetchesPerScreenS = float64(rep.Refetches) / perScreenS
		// One refetch is one floor.Board: one read-only snapshot of several statements.
		rep.QueriesPerScreenS = float64(rep.Polls+rep.Refetches) / perScreenS
	}
	rep.Errors = errs.errors.Load() + errs.lockTimeouts.Load() + errs.deadlocks.Load()
	rep.Messages = append(errs.violations(), errs.messages()...)
	if len(errs.violations()) > 0 {
		rep.Errors += int64(len(errs.violations()))
	}
	return rep, nil
}
