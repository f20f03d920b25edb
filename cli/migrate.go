package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"oms/db"
)

func newMigrateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the schema migrations built into this oms",
		Long: `Applies every embedded migration that the database does not have yet. Running it again
does nothing; several runs at the same time are safe (they wait for each other).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := g.open(cmd.Context(), db.Config{AppName: "oms migrate", MaxConns: 2})
			if err != nil {
				return err
			}
			defer d.Close()
			res, err := d.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, name := range res.Applied {
				fmt.Fprintf(out, "applied %s\n", name)
			}
			if len(res.Applied) == 0 {
				fmt.Fprintf(out, "schema already at version %d: nothing to do\n", res.Version)
			} else {
				fmt.Fprintf(out, "schema now at version %d\n", res.Version)
			}
			return nil
		},
	}
}
