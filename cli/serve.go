package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newServeCmd is `oms serve`: the SSH server for handhelds (being built).
func newServeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the terminal UI over SSH to handheld scanners",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return errors.New("oms serve is not built yet") },
	}
}
