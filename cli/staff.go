package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newStaffCmd is `oms staff`: staff, their job roles and SSH keys (being built).
func newStaffCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "staff",
		Short: "Staff, their job roles and SSH keys",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return errors.New("oms staff is not built yet") },
	}
}
