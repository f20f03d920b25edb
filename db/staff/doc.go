// Package staff is the staff area of the data layer: who a session runs as, and later the staff
// members, their roles and SSH keys. Identity comes from the database session (current_user),
// never from what a client says about itself.
package staff
