package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"oms/channels"
	"oms/db"
	"oms/db/alloc"
	"oms/db/orders"
)

// importBatchSize is how many orders go to the database in one transaction: a batch costs a
// handful of round trips whatever its size, and a replay is mostly round trips (500 orders a
// batch replayed at 0.35 × a raw COPY, 2,000 at 0.8 ×: BM1), while a batch stays small enough
// that the savepoint replay after one bad order is quick and concurrent imports take turns.
const importBatchSize = 2000

type importOptions struct {
	channel    string
	dryRun     bool
	watch      string
	noAllocate bool
}

func newImportCmd(g *globals) *cobra.Command {
	var opt importOptions
	cmd := &cobra.Command{
		Use:   "import FORMAT --channel CODE FILE…",
		Short: "Bring orders in from a channel's files (" + strings.Join(channels.Formats, ", ") + ")",
		Long: `Reads the orders of a sales channel from its own export files and brings them in.
FORMAT is one of ` + strings.Join(channels.Formats, ", ") + `; "-" reads standard input.
Columns are found by their names, in any order.

Each order is all or nothing: a bad order is reported on standard error as
FILE:LINE: order ID: reason and every other order still comes in. Importing a file again adds
nothing; a later export in which an order changed updates it while nothing has been picked, and
otherwise records an exception for the back office. An order the channel reports unpaid comes
in on hold until a later export shows it paid. Orders brought in or changed are then routed and
their stock reserved (as oms allocate does; --no-allocate leaves that for later), and a line
"allocated N, backordered B, split S" comes before the last.

The last line is "imported N new, M unchanged, U updated, R rejected" over all files. The exit
status is 0 when nothing was rejected, 1 when anything was, 2 for a usage mistake (an unknown
format or channel, a file lacking a required column). Imports run as the backoffice role.

With --watch DIR, files dropped into DIR are imported as they arrive and moved to DIR/done or
DIR/failed with a report beside them; a file being written should arrive under a name starting
with "." or ending in .part or .tmp and be renamed when complete.`,
		Example: "  oms import shopify --channel web-eu orders_export.csv\n" +
			"  oms import amazon --channel amazon-de --dry-run report.txt\n" +
			"  oms import json --channel web-eu --watch /srv/drop/web-eu",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("say which format: oms import FORMAT --channel CODE FILE… (FORMAT is one of %s)", strings.Join(channels.Formats, ", "))}
			}
			if opt.watch == "" && len(args) < 2 {
				return usageError{errors.New("say which files to import (\"-\" reads standard input), or --watch DIR")}
			}
			if opt.watch != "" && len(args) > 1 {
				return usageError{errors.New("--watch imports the files dropped into DIR: name no files")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			format := strings.ToLower(args[0])
			if !knownFormat(format) {
				return usageError{fmt.Errorf("unknown format %q: oms import reads %s", args[0], strings.Join(channels.Formats, ", "))}
			}
			if opt.channel == "" {
				return usageError{errors.New("say which channel the orders come from: --channel CODE")}
			}
			if opt.watch != "" {
				return watchDrop(cmd, g, format, opt)
			}
			return importFiles(cmd, g, format, opt, args[1:])
		},
	}
	cmd.Flags().StringVar(&opt.channel, "channel", "", "the sales channel the orders come from (its code, any case)")
	cmd.Flags().BoolVar(&opt.dryRun, "dry-run", false, "check everything and report, write nothing")
	cmd.Flags().StringVar(&opt.watch, "watch", "", "import files dropped into `DIR` as they arrive")
	cmd.Flags().BoolVar(&opt.noAllocate, "no-allocate", false, "bring the orders in without routing and reserving them (oms allocate does it later)")
	return cmd
}

func knownFormat(f string) bool {
	for _, k := range channels.Formats {
		if k == f {
			return true
		}
	}
	return false
}

// importer imports files of one format for one channel into one database.
type importer struct {
	store     *orders.Store
	channel   orders.Channel
	format    string
	dryRun    bool
	stderr    io.Writer
	progress  *progressLine
	allocator *orderAllocator // nil: --no-allocate or a dry run
}

func openImporter(ctx context.Context, cmd *cobra.Command, g *globals, format string, opt importOptions) (*importer, func(), error) {
	// An import allocates a little for every cell and keeps about 10 MB alive: collecting at
	// 5 × the live heap instead of 2 × spends a third less time in the collector (a replay of
	// 100k Shopify orders: 1.55 s → 0.97 s), and the limit keeps a huge file within its 150 MB.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(120 << 20)
	d, err := g.openMigrated(ctx, db.Config{AppName: "oms import", MaxConns: 3})
	if err != nil {
		return nil, nil, err
	}
	store := orders.New(d)
	ch, err := store.ChannelByCode(ctx, opt.channel)
	if errors.Is(err, orders.ErrNoChannel) {
		codes, _ := store.ChannelCodes(ctx)
		d.Close()
		return nil, nil, usageError{fmt.Errorf("there is no channel %q: the channels are %s", opt.channel, strings.Join(codes, ", "))}
	}
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	if !ch.Active {
		d.Close()
		return nil, nil, usageError{fmt.Errorf("channel %s is retired (active = false): its orders are not imported", ch.Code)}
	}
	imp := &importer{store: store, channel: ch, format: format, dryRun: opt.dryRun, stderr: cmd.ErrOrStderr(),
		progress: newProgressLine(cmd.ErrOrStderr())}
	if !opt.dryRun && !opt.noAllocate {
		imp.allocator = startAllocator(ctx, alloc.New(d))
	}
	return imp, func() {
		if imp.allocator != nil {
			imp.allocator.finish()
		}
		d.Close()
	}, nil
}

func importFiles(cmd *cobra.Command, g *globals, format string, opt importOptions, files []string) error {
	ctx := cmd.Context()
	// Standard input is kept in a temporary file: a run records the file's hash, and the header
	// of every file is checked before anything is imported.
	inputs, cleanup, err := spoolStdin(files, cmd.InOrStdin())
	defer cleanup()
	if err != nil {
		return err
	}
	for _, f := range inputs {
		if err := checkHeader(format, f.path, f.name, false); err != nil {
			return err
		}
	}
	imp, closeDB, err := openImporter(ctx, cmd, g, format, opt)
	if err != nil {
		return err
	}
	defer closeDB()
	var total orders.ImportCounts
	var failed error
	for _, f := range inputs {
		c, err := imp.importFile(ctx, f.path, f.name, imp.stderr)
		total = total.Add(c)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			fmt.Fprintln(imp.stderr, err)
			failed = err
		}
	}
	if imp.allocator != nil {
		tally, err := imp.allocator.finish()
		fmt.Fprintln(cmd.OutOrStdout(), tally)
		if err != nil && failed == nil {
			fmt.Fprintln(imp.stderr, err)
			failed = err
		}
	}
	printImportSummary(cmd.OutOrStdout(), total, opt.dryRun)
	switch {
	case failed != nil:
		return fmt.Errorf("not every file could be read to the end")
	case total.Rejected > 0:
		return fmt.Errorf("%d %s rejected", total.Rejected, plural(total.Rejected, "order", "orders"))
	}
	return nil
}

func printImportSummary(w io.Writer, c orders.ImportCounts, dry bool) {
	prefix := ""
	if dry {
		prefix = "dry run: "
	}
	fmt.Fprintf(w, "%simported %d new, %d unchanged, %d updated, %d rejected\n", prefix, c.New, c.Unchanged, c.Updated, c.Rejected)
}

type importInput struct{ path, name string }

func spoolStdin(args []string, stdin io.Reader) ([]importInput, func(), error) {
	var files []importInput
	var tmp string
	cleanup := func() {
		if tmp != "" {
			os.Remove(tmp)
		}
	}
	for _, a := range args {
		if a != "-" {
			files = append(files, importInput{path: a, name: a})
			continue
		}
		if tmp == "" {
			f, err := os.CreateTemp("", "oms-import-*")
			if err != nil {
				return nil, cleanup, err
			}
			tmp = f.Name()
			_, err = io.Copy(f, stdin)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, cleanup, fmt.Errorf("reading standard input: %w", err)
			}
		}
		files = append(files, importInput{path: tmp, name: "stdin"})
	}
	return files, cleanup, nil
}

// checkHeader opens a file and reads its header: a missing file or column is found before
// anything is imported. In a watched folder the same problems fail only that file.
func checkHeader(format, path, name string, _ bool) error {
	f, err := os.Open(path)
	if err != nil {
		return usageError{fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))}
	}
	defer f.Close()
	_, err = channels.Open(format, f, channels.Options{File: name})
	var missing *channels.MissingColumnsError
	if errors.As(err, &missing) {
		return usageError{err}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// importFile imports one file as one run: its orders in batches, each rejected order reported
// on report as FILE:LINE: order ID: reason.
func (imp *importer) importFile(ctx context.Context, path, name string, report io.Writer) (orders.ImportCounts, error) {
	var counts orders.ImportCounts
	sum, size, err := hashFile(path)
	if err != nil {
		return counts, fmt.Errorf("cannot read %s: %w", name, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return counts, fmt.Errorf("cannot read %s: %w", name, err)
	}
	defer f.Close()
	counted := &countingReader{r: f}
	reader, err := channels.Open(imp.format, counted, channels.Options{File: name, TaxIncluded: imp.channel.TaxIncluded})
	if err != nil {
		return counts, err
	}
	run := orders.ImportRun{Channel: imp.channel, Format: imp.format, File: name}
	if !imp.dryRun {
		if run, err = imp.store.StartImport(ctx, imp.channel, imp.format, name, sum); err != nil {
			return counts, err
		}
	}
	// The file is read in a goroutine of its own, so the next batch is parsed while the
	// database writes this one.
	done := make(chan struct{})
	defer close(done)
	batches := readBatches(reader, counted, done)
	var readErr error
	for b := range batches {
		if b.err != nil {
			readErr = b.err
			break
		}
		res, err := imp.store.ImportBatch(ctx, run, b.orders)
		if err != nil {
			return counts, err
		}
		for i, r := range res {
			counts = counts.Add(reportOutcome(report, name, b.orders[i], r))
			if imp.allocator != nil && (r.Outcome == orders.OrderNew || r.Outcome == orders.OrderUpdated) {
				imp.allocator.add(r.OrderID)
			}
		}
		imp.progress.Update(name, b.read, size)
	}
	imp.progress.Done()
	if !imp.dryRun {
		// Finishing is not the caller's context's to cancel: the counts of what was imported
		// belong on the record even when a signal stopped the rest.
		if err := imp.store.FinishImport(context.WithoutCancel(ctx), run, counts); err != nil {
			return counts, err
		}
	}
	return counts, readErr
}

// orderAllocator routes and reserves the orders an import brought in or changed, in a goroutine
// of its own beside the import, one transaction per order (db/alloc), oldest first as they came.
type orderAllocator struct {
	ids   chan int64
	done  chan struct{}
	once  sync.Once
	tally allocationTally
	err   error
}

func startAllocator(ctx context.Context, a *alloc.Store) *orderAllocator {
	al := &orderAllocator{ids: make(chan int64, 2*importBatchSize), done: make(chan struct{})}
	go func() {
		defer close(al.done)
		for batch := range al.batches() {
			if al.err != nil || ctx.Err() != nil {
				continue // drain: the import is stopping or allocation failed
			}
			rs, err := a.AllocateMany(ctx, batch, false)
			for _, r := range rs {
				al.tally.add(r)
			}
			if err != nil {
				al.err = fmt.Errorf("allocating the imported orders: %w (oms allocate finishes it)", err)
			}
		}
	}()
	return al
}

func (al *orderAllocator) add(id int64) { al.ids <- id }

// batches hands over the orders added, as many at a time as are waiting (up to a transaction's
// worth), so that allocation keeps up with intake.
func (al *orderAllocator) batches() iter.Seq[[]int64] {
	return func(yield func([]int64) bool) {
		for id := range al.ids {
			batch := []int64{id}
		more:
			for len(batch) < alloc.BatchSize {
				select {
				case id, ok := <-al.ids:
					if !ok {
						break more
					}
					batch = append(batch, id)
				default:
					break more
				}
			}
			if !yield(batch) {
				return
			}
		}
	}
}

// finish waits for the orders handed over so far and says what became of them.
func (al *orderAllocator) finish() (allocationTally, error) {
	al.once.Do(func() { close(al.ids) })
	<-al.done
	return al.tally, al.err
}

// parsedBatch is up to importBatchSize orders of a file, each external id at most once, or
// the error that stopped reading it; read is how far into the file it reaches.
type parsedBatch struct {
	orders []orders.Incoming
	read   int64
	err    error
}

// readBatches parses a file into batches until its end, an unreadable part, or done closing.
func readBatches(reader channels.Reader, counted *countingReader, done <-chan struct{}) <-chan parsedBatch {
	out := make(chan parsedBatch, 2)
	go func() {
		defer close(out)
		send := func(b parsedBatch) bool {
			select {
			case out <- b:
				return true
			case <-done:
				return false
			}
		}
		var batch []orders.Incoming
		inBatch := map[string]bool{}
		flush := func() bool {
			if len(batch) == 0 {
				return true
			}
			ok := send(parsedBatch{orders: batch, read: counted.n})
			batch, inBatch = nil, map[string]bool{}
			return ok
		}
		for {
			p, err := reader.Next()
			if err == io.EOF {
				flush()
				return
			}
			if err != nil {
				if flush() {
					send(parsedBatch{err: err})
				}
				return
			}
			// The same order twice in one batch would be written twice: it starts the next.
			if p.Reason == "" && inBatch[p.Order.ExternalID] && !flush() {
				return
			}
			batch = append(batch, orders.Incoming{Order: p.Order, Line: p.Line, Ref: p.ID, Reason: p.Reason})
			if p.Reason == "" {
				inBatch[p.Order.ExternalID] = true
			}
			if len(batch) >= importBatchSize && !flush() {
				return
			}
		}
	}()
	return out
}

// reportOutcome says what happened to one order when a person needs to know, and counts it.
func reportOutcome(w io.Writer, file string, in orders.Incoming, r orders.Result) orders.ImportCounts {
	ref := in.Ref
	where := fmt.Sprintf("%s:%d: ", file, in.Line)
	if ref != "" {
		where += "order " + ref + ": "
	}
	switch r.Outcome {
	case orders.OrderNew:
		return orders.ImportCounts{New: 1}
	case orders.OrderUnchanged:
		return orders.ImportCounts{Unchanged: 1}
	case orders.OrderUpdated:
		return orders.ImportCounts{Updated: 1}
	case orders.OrderException:
		fmt.Fprintf(w, "%s%s\n", where, r.Reason)
		return orders.ImportCounts{Unchanged: 1}
	}
	fmt.Fprintf(w, "%s%s\n", where, r.Reason)
	return orders.ImportCounts{Rejected: 1}
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// countingReader counts the bytes read, for the progress line.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
