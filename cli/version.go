package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"oms/db"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of oms and of the schema it needs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "oms %s (schema version %d, %s)\n", Version, db.LatestVersion(), runtime.Version())
			return nil
		},
	}
}
