// Package staff is the staff area of the data layer: who a session acts for, the staff members,
// their job roles and SSH keys. Identity comes from the database session (oms_actor(): the
// session's login, or the person the SSH server names), never from what a client says about
// itself. Each command is one transaction calling a SECURITY DEFINER function of migration
// 00009, which creates and alters login roles and grants only the allowlisted job groups; only
// the admin role may call them.
package staff
