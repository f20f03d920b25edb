package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"oms/db"
	"oms/db/staff"
)

// newStaffCmd is `oms staff`: staff members, their job roles and SSH keys. Every subcommand is
// one transaction through migration 00009's staff functions, which only the admin role (or a
// superuser) may call; the database refuses anyone else.
func newStaffCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "staff",
		Short: "Staff, their job roles and SSH keys",
		Long: `Adds staff members, each with a PostgreSQL login role of their own that is a member of
their job roles (` + strings.Join(staff.Jobs, ", ") + `), changes their roles, disables
them, and registers the SSH keys the SSH server lets them in with.

Run it as a member of the admin role, or as a superuser.`,
		Args: subcommandArgs("add, list, roles, disable and key"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms staff add, list, roles, disable or key (see oms staff --help)")}
		},
	}
	cmd.AddCommand(newStaffAddCmd(g), newStaffListCmd(g), newStaffRolesCmd(g), newStaffDisableCmd(g), newStaffKeyCmd(g))
	return cmd
}

// subcommandArgs refuses a word that is not one of a command's subcommands as a usage mistake.
func subcommandArgs(names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageError{fmt.Errorf("%q is not a command of %q: the commands are %s", args[0], cmd.CommandPath(), names)}
		}
		return nil
	}
}

// exactly refuses any other number of arguments than the names given, naming what is missing.
func exactly(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usageError{fmt.Errorf("%s needs %s", cmd.CommandPath(), strings.Join(names[len(args):], " and "))}
		case len(args) > len(names):
			return usageError{fmt.Errorf("%s takes %s, not also %q", cmd.CommandPath(), strings.Join(names, " and "), args[len(names)])}
		}
		return nil
	}
}

// withStaff opens the database for one staff command.
func withStaff(cmd *cobra.Command, g *globals, fn func(ctx context.Context, s *staff.Store) error) error {
	d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms staff", MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(cmd.Context(), staff.New(d))
}

// loginArg checks a LOGIN argument before anything is started.
func loginArg(login string) error {
	if err := staff.CheckLogin(login); err != nil {
		return usageError{err}
	}
	return nil
}

// roleList reads "picker,packer" (and repeated flags) into job roles, refusing unknown ones.
func roleList(flag string, values []string) ([]string, error) {
	var jobs []string
	for _, v := range values {
		for _, j := range strings.Split(v, ",") {
			if j = strings.TrimSpace(strings.ToLower(j)); j != "" {
				jobs = append(jobs, j)
			}
		}
	}
	if err := staff.CheckJobs(jobs); err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", flag, err)}
	}
	return jobs, nil
}

func newStaffAddCmd(g *globals) *cobra.Command {
	var name, warehouse string
	var roles []string
	var noPassword bool
	cmd := &cobra.Command{
		Use:   "add LOGIN --name NAME --role ROLE[,ROLE] [--warehouse CODE] [--no-password]",
		Short: "Add a staff member with a login role of their own",
		Long: `Creates the PostgreSQL login role LOGIN (a lower-case letter, then 1 to 30 lower-case
letters, digits or _), makes it a member of the given job roles, lets the SSH server act for
it, and adds the staff row. Unless --no-password, prints a generated password once, on
standard output: hand it over; it is not stored anywhere but as PostgreSQL's hash.

A staff member at a store (a warehouse of kind store) sees only that store's orders.`,
		Example: "  oms staff add anna --name \"Anna Jansen\" --role picker,packer --warehouse RTM1\n" +
			"  oms staff add scanner7 --name \"Scanner 7\" --role picker --no-password",
		Args: exactly("LOGIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			login := args[0]
			if err := loginArg(login); err != nil {
				return err
			}
			if strings.TrimSpace(name) == "" {
				return usageError{errors.New(`--name is needed: the person's name as colleagues know it, such as --name "Anna Jansen"`)}
			}
			jobs, err := roleList("--role", roles)
			if err != nil {
				return err
			}
			if len(jobs) == 0 {
				return usageError{fmt.Errorf("--role is needed: one or more of %s, such as --role picker,packer", strings.Join(staff.Jobs, ", "))}
			}
			password := ""
			if !noPassword {
				password = staff.NewPassword()
			}
			return withStaff(cmd, g, func(ctx context.Context, s *staff.Store) error {
				err := s.Add(ctx, staff.NewMember{Login: login, Name: name, Jobs: jobs, Warehouse: warehouse, Password: password})
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				at := ""
				if warehouse != "" {
					at = " at " + warehouse
				}
				fmt.Fprintf(out, "added %s (%s) as %s%s\n", login, strings.TrimSpace(name), strings.Join(jobs, ", "), at)
				if password != "" {
					fmt.Fprintf(out, "password (shown only now): %s\n", password)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the person's name (required)")
	cmd.Flags().StringSliceVar(&roles, "role", nil, "job roles, comma-separated: "+strings.Join(staff.Jobs, ", ")+" (required)")
	cmd.Flags().StringVar(&warehouse, "warehouse", "", "the code of the warehouse or store they work at")
	cmd.Flags().BoolVar(&noPassword, "no-password", false, "no password: they log in by SSH key (oms staff key add) or as the server allows")
	return cmd
}

func newStaffListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the staff with their job roles, warehouse and whether they may log in",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStaff(cmd, g, func(ctx context.Context, s *staff.Store) error {
				members, err := s.List(ctx)
				if err != nil {
					return err
				}
				if len(members) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no staff yet: add someone with oms staff add")
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "LOGIN\tNAME\tROLES\tWAREHOUSE\tSTATUS")
				for _, m := range members {
					roles := strings.Join(m.Jobs, ",")
					if roles == "" {
						roles = "(no login)"
					}
					status := "active"
					if !m.Active {
						status = "disabled"
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", m.Login, m.Name, roles, orDash(m.Warehouse), status)
				}
				return w.Flush()
			})
		},
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newStaffRolesCmd(g *globals) *cobra.Command {
	var add, remove []string
	cmd := &cobra.Command{
		Use:     "roles LOGIN [--add ROLE[,ROLE]] [--remove ROLE[,ROLE]]",
		Short:   "Give a staff member job roles or take them away",
		Example: "  oms staff roles anna --add returns --remove picker",
		Args:    exactly("LOGIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			login := args[0]
			if err := loginArg(login); err != nil {
				return err
			}
			adding, err := roleList("--add", add)
			if err != nil {
				return err
			}
			removing, err := roleList("--remove", remove)
			if err != nil {
				return err
			}
			if len(adding)+len(removing) == 0 {
				return usageError{errors.New("say which job roles to --add or --remove")}
			}
			return withStaff(cmd, g, func(ctx context.Context, s *staff.Store) error {
				m, err := s.SetJobs(ctx, login, adding, removing)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s now holds %s\n", login, strings.Join(m.Jobs, ", "))
				return nil
			})
		},
	}
	cmd.Flags().StringSliceVar(&add, "add", nil, "job roles to give, comma-separated")
	cmd.Flags().StringSliceVar(&remove, "remove", nil, "job roles to take away, comma-separated")
	return cmd
}

func newStaffDisableCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "disable LOGIN",
		Short: "Stop a staff member logging in and end their open sessions",
		Args:  exactly("LOGIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			login := args[0]
			if err := loginArg(login); err != nil {
				return err
			}
			return withStaff(cmd, g, func(ctx context.Context, s *staff.Store) error {
				if err := s.Disable(ctx, login); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "disabled %s: no new logins, open sessions ended\n", login)
				return nil
			})
		},
	}
}

func newStaffKeyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "A staff member's SSH keys for the SSH server",
		Args:  subcommandArgs("add, list and remove"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms staff key add, list or remove (see oms staff key --help)")}
		},
	}
	add := &cobra.Command{
		Use:   "add LOGIN FILE.pub",
		Short: "Register every public key in a file (a .pub or authorized_keys file) for a staff member",
		Long: `Registers every key in FILE for LOGIN, all or none. A key registered to someone else is
refused: a key belongs to one person.`,
		Args: exactly("LOGIN", "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			login, file := args[0], args[1]
			if err := loginArg(login); err != nil {
				return err
			}
			data, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("cannot read the key file: %w", err)
			}
			return withStaff(cmd, g, func(ctx context.Context, s *staff.Store) error {
				keys, err := s.AddKeys(ctx, login, data)
				if err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
				for _, k := range keys {
					fmt.Fprintf(cmd.OutOrStdout(), "added %s %s %s for %s\n", k.Algorithm, k.Fingerprint, k.Comment, login)
				}
				return nil
			})
		},
	}
	list := &cobra.Command{
		Use:   "list LOGIN",
		Short: "List a staff member's SSH keys",
		Args:  exactly("LOGIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			login := args[0]
			if err := loginArg(login); err != nil {
				return err
			}
			return withStaff(cmd, g, func(ctx context.Context, s *staff.Store) error {
				keys, err := s.Keys(ctx, login)
				if err != nil {
					return err
				}
				if len(keys) == 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "%s has no SSH keys: add one with oms staff key add %s FILE.pub\n", login, login)
					return nil
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "FINGERPRINT\tTYPE\tCOMMENT\tADDED")
				for _, k := range keys {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.Fingerprint, k.Algorithm, orDash(k.Comment), k.AddedAt.Local().Format("2006-01-02 15:04"))
				}
				return w.Flush()
			})
		},
	}
	remove := &cobra.Command{
		Use:   "remove LOGIN FINGERPRINT",
		Short: "Remove one of a staff member's SSH keys by its fingerprint (SHA256:…)",
		Args:  exactly("LOGIN", "FINGERPRINT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			login, fp := args[0], args[1]
			if err := loginArg(login); err != nil {
				return err
			}
			if !strings.HasPrefix(fp, "SHA256:") {
				return usageError{fmt.Errorf("a fingerprint starts with SHA256: as oms staff key list and ssh-keygen -l print it, not %q", fp)}
			}
			return withStaff(cmd, g, func(ctx context.Context, s *staff.Store) error {
				if err := s.RemoveKey(ctx, login, fp); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s from %s\n", fp, login)
				return nil
			})
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}
