package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"oms/db"
	dbship "oms/db/shipping"
)

// trackingStatuses are the statuses a tracking file may say.
var trackingStatuses = []string{"in_transit", "out_for_delivery", "delivered", "exception", "returned_to_sender"}

func newTrackingCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tracking",
		Short: "Record carriers' tracking events",
		Args:  subcommandArgs("import"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms tracking import (see oms tracking --help)")}
		},
	}
	cmd.AddCommand(newTrackingImportCmd(g))
	return cmd
}

func newTrackingImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Record tracking events from a carrier's CSV file, all or nothing",
		Long: `Reads FILE.csv ("-" for standard input) with the columns tracking_number, time, status and
place, found by name in the first line. time is RFC 3339 ("2026-11-30T14:05:00+01:00"); status is
one of in_transit, out_for_delivery, delivered, exception, returned_to_sender. Each parcel's
latest event becomes its status; a delivered event delivers it, and an order is delivered when
all its parcels are. An event already recorded is skipped, so a file may be imported again.
A bad row refuses the whole file (FILE:LINE: reason on standard error, exit status 1); numbers
no parcel has are listed. The last line is "recorded N events".`,
		Example: "  oms tracking import dhl-events.csv",
		Args:    exactly("FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, data, err := readInputFile(cmd, args[0])
			if err != nil {
				return err
			}
			evs, err := parseTrackingFile(name, data)
			if err != nil {
				return err
			}
			d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms tracking import", MaxConns: 1})
			if err != nil {
				return err
			}
			defer d.Close()
			sum := sha256.Sum256(data)
			res, err := dbship.New(d).RecordTracking(cmd.Context(), "tracking-import:"+hex.EncodeToString(sum[:]), evs)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, u := range res.Unknown {
				fmt.Fprintf(out, "unknown tracking number %s: no parcel has it\n", u)
			}
			for _, r := range res.Returns {
				fmt.Fprintf(out, "return parcel %s is on its way back\n", r)
			}
			fmt.Fprintf(out, "recorded %d %s\n", res.Recorded, plural(res.Recorded, "event", "events"))
			return nil
		},
	}
}

// parseTrackingFile reads a tracking CSV; every bad row is reported, none is half-read.
func parseTrackingFile(name string, data []byte) ([]dbship.TrackingEvent, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: no header line: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, want := range []string{"tracking_number", "time", "status", "place"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("%s: the header has no %s column (it needs tracking_number, time, status, place)", name, want)
		}
	}
	var evs []dbship.TrackingEvent
	var bad []string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s:%d: %v", name, line, err))
			continue
		}
		field := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e, why := trackingEvent(field("tracking_number"), field("time"), field("status"), field("place"))
		if why != "" {
			bad = append(bad, fmt.Sprintf("%s:%d: %s", name, line, why))
			continue
		}
		evs = append(evs, e)
	}
	if len(bad) > 0 {
		return nil, errors.New(strings.Join(bad, "\n"))
	}
	return evs, nil
}

func trackingEvent(number, at, status, place string) (dbship.TrackingEvent, string) {
	if number == "" {
		return dbship.TrackingEvent{}, "tracking_number is empty"
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return dbship.TrackingEvent{}, fmt.Sprintf("time %q is not an RFC 3339 time such as 2026-11-30T14:05:00+01:00", at)
	}
	if !slices.Contains(trackingStatuses, status) {
		return dbship.TrackingEvent{}, fmt.Sprintf("status %q is not one of %s", status, strings.Join(trackingStatuses, ", "))
	}
	if strings.ContainsFunc(place, func(r rune) bool { return r < ' ' }) || len(place) > 200 {
		return dbship.TrackingEvent{}, "place holds control characters or is longer than 200 characters"
	}
	return dbship.TrackingEvent{Tracking: strings.ToUpper(number), At: t, Status: status, Place: place}, ""
}
