package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"oms/catalog"
	"oms/db"
	dbcatalog "oms/db/catalog"
)

// catalogKind is one KIND of `oms catalog import|export`: how its file is read (before the
// database is opened, so a missing column is a usage mistake however the database is), loaded
// and written.
type catalogKind struct {
	name   string
	job    string // who may import it (migration 00009/00011)
	parse  func(file string, data []byte) (load catalogLoad, rejected []catalog.Rejection, err error)
	export func(ctx context.Context, s *dbcatalog.Store, w io.Writer) error
}

type catalogLoad func(ctx context.Context, s *dbcatalog.Store) (dbcatalog.Result, error)

var catalogKinds = []catalogKind{
	{
		name: "products", job: "backoffice",
		parse: func(file string, data []byte) (catalogLoad, []catalog.Rejection, error) {
			rows, rej, err := catalog.ReadProducts(file, data)
			return func(ctx context.Context, s *dbcatalog.Store) (dbcatalog.Result, error) {
				return s.ImportProducts(ctx, file, rows)
			}, rej, err
		},
		export: func(ctx context.Context, s *dbcatalog.Store, w io.Writer) error {
			rows, err := s.Products(ctx)
			if err != nil {
				return err
			}
			return catalog.WriteProducts(w, rows)
		},
	},
	{
		name: "warehouses", job: "admin",
		parse: func(file string, data []byte) (catalogLoad, []catalog.Rejection, error) {
			rows, rej, err := catalog.ReadWarehouses(file, data)
			return func(ctx context.Context, s *dbcatalog.Store) (dbcatalog.Result, error) {
				return s.ImportWarehouses(ctx, file, rows)
			}, rej, err
		},
		export: func(ctx context.Context, s *dbcatalog.Store, w io.Writer) error {
			rows, err := s.Warehouses(ctx)
			if err != nil {
				return err
			}
			return catalog.WriteWarehouses(w, rows)
		},
	},
	{
		name: "locations", job: "stock",
		parse: func(file string, data []byte) (catalogLoad, []catalog.Rejection, error) {
			rows, rej, err := catalog.ReadLocations(file, data)
			return func(ctx context.Context, s *dbcatalog.Store) (dbcatalog.Result, error) {
				return s.ImportLocations(ctx, file, rows)
			}, rej, err
		},
		export: func(ctx context.Context, s *dbcatalog.Store, w io.Writer) error {
			rows, err := s.Locations(ctx)
			if err != nil {
				return err
			}
			return catalog.WriteLocations(w, rows)
		},
	},
	{
		name: "channels", job: "backoffice",
		parse: func(file string, data []byte) (catalogLoad, []catalog.Rejection, error) {
			rows, rej, err := catalog.ReadChannels(file, data)
			return func(ctx context.Context, s *dbcatalog.Store) (dbcatalog.Result, error) {
				return s.ImportChannels(ctx, file, rows)
			}, rej, err
		},
		export: func(ctx context.Context, s *dbcatalog.Store, w io.Writer) error {
			rows, err := s.Channels(ctx)
			if err != nil {
				return err
			}
			return catalog.WriteChannels(w, rows)
		},
	},
	{
		name: "boxes", job: "stock",
		parse: func(file string, data []byte) (catalogLoad, []catalog.Rejection, error) {
			rows, rej, err := catalog.ReadBoxes(file, data)
			return func(ctx context.Context, s *dbcatalog.Store) (dbcatalog.Result, error) {
				return s.ImportBoxes(ctx, file, rows)
			}, rej, err
		},
		export: func(ctx context.Context, s *dbcatalog.Store, w io.Writer) error {
			rows, err := s.Boxes(ctx)
			if err != nil {
				return err
			}
			return catalog.WriteBoxes(w, rows)
		},
	},
}

func catalogKindNames() string {
	names := make([]string, len(catalogKinds))
	for i, k := range catalogKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

func findCatalogKind(name string) (catalogKind, error) {
	for _, k := range catalogKinds {
		if k.name == strings.ToLower(name) {
			return k, nil
		}
	}
	return catalogKind{}, usageError{fmt.Errorf("%q is not a kind of master data: the kinds are %s", name, catalogKindNames())}
}

func catalogColumnsHelp() string {
	var b strings.Builder
	for _, k := range catalogKinds {
		all, required := catalog.Columns(k.name)
		fmt.Fprintf(&b, "  %s (the %s role): %s\n    required: %s\n", k.name, k.job, strings.Join(all, ", "), strings.Join(required, ", "))
	}
	return b.String()
}

// newCatalogCmd is `oms catalog`: loading and exporting master data as CSV files.
func newCatalogCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Import and export master data (products, warehouses, locations, channels, boxes) as CSV",
		Args:  subcommandArgs("import and export"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms catalog import or export (see oms catalog --help)")}
		},
	}
	cmd.AddCommand(newCatalogImportCmd(g), newCatalogExportCmd(g))
	return cmd
}

func withCatalog(cmd *cobra.Command, g *globals, app string, fn func(ctx context.Context, s *dbcatalog.Store) error) error {
	d, err := g.openMigrated(cmd.Context(), db.Config{AppName: app, MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(cmd.Context(), dbcatalog.New(d))
}

func newCatalogImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import KIND FILE.csv",
		Short: "Add and update master data from a CSV file",
		Long: `Reads FILE.csv (UTF-8, with or without a byte-order mark, comma-separated, quoted as
spreadsheets write it) and adds or updates each row by its natural key: products by sku,
warehouses by code, locations by warehouse and code, channels by code, boxes by warehouse
and code. Columns are found by their name in the first line, in any order; other columns are
ignored; a missing required column is a usage mistake. An optional column the file does not have is left as stored (a new
row gets its default), so a file of SKUs and reorder points changes only those. Booleans are
true/false, yes/no or 1/0; an empty cell is the column's default (measures: not known).

Each row is checked on its own; a bad row is reported on standard error as FILE:LINE: reason
and the others are imported, all in one transaction. An import never deletes: set active to
false to retire something. The last line on standard output is
"imported N new, U updated, R rejected"; the exit status is 0 when nothing was rejected, 1
otherwise.

The kinds, the job role that may import them, and their columns:
` + catalogColumnsHelp(),
		Example: "  oms catalog import products products.csv\n  oms catalog export products > products.csv",
		Args:    exactly("KIND", "FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, err := findCatalogKind(args[0])
			if err != nil {
				return err
			}
			file := args[1]
			data, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("cannot read the %s file: %w", kind.name, err)
			}
			load, rejected, err := kind.parse(file, data)
			var missing *catalog.MissingColumnsError
			var dup *catalog.DuplicateColumnError
			if errors.As(err, &missing) || errors.As(err, &dup) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			return withCatalog(cmd, g, "oms catalog import", func(ctx context.Context, s *dbcatalog.Store) error {
				res, err := load(ctx, s)
				if err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
				rejected = append(rejected, res.Rejected...)
				sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Line < rejected[j].Line })
				for _, r := range rejected {
					fmt.Fprintln(cmd.ErrOrStderr(), r.String())
				}
				out := cmd.OutOrStdout()
				if res.Unchanged > 0 {
					fmt.Fprintf(out, "%d unchanged\n", res.Unchanged)
				}
				fmt.Fprintf(out, "imported %d new, %d updated, %d rejected\n", res.New, res.Updated, len(rejected))
				if len(rejected) > 0 {
					return fmt.Errorf("%s: %d %s rejected", file, len(rejected), plural(len(rejected), "row", "rows"))
				}
				return nil
			})
		},
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func newCatalogExportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "export KIND",
		Short: "Write master data as CSV to standard output",
		Long: `Writes every row of KIND (` + catalogKindNames() + `) as CSV to standard output, in the
columns oms catalog import reads, ordered by natural key, so that importing the file again
changes nothing.`,
		Example: "  oms catalog export products > products.csv",
		Args:    exactly("KIND"),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, err := findCatalogKind(args[0])
			if err != nil {
				return err
			}
			return withCatalog(cmd, g, "oms catalog export", func(ctx context.Context, s *dbcatalog.Store) error {
				return kind.export(ctx, s, cmd.OutOrStdout())
			})
		},
	}
}
