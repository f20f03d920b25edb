package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// DefaultHostKeyPath is where the host key lives unless --host-key says otherwise:
// $XDG_DATA_HOME/oms/ssh_host_ed25519_key, by default ~/.local/share/oms/ssh_host_ed25519_key.
func DefaultHostKeyPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) { // the XDG spec: a relative path is to be ignored
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no place for the SSH host key (no $XDG_DATA_HOME and %v): use --host-key FILE", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "oms", "ssh_host_ed25519_key"), nil
}

// LoadHostKey reads the host key at path, generating an ed25519 key there (mode 0600, its
// directory 0700) when there is none. created says it was generated now. A key file that others
// may read is refused, as OpenSSH refuses it.
func LoadHostKey(path string) (signer gossh.Signer, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := writeHostKey(path); err != nil {
			return nil, false, err
		}
		created = true
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the SSH host key: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, false, fmt.Errorf("reading the SSH host key: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, false, fmt.Errorf("the SSH host key %s may be read by others (mode %04o): chmod 600 %s", path, perm, path)
	}
	signer, err = gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("the SSH host key %s is not a private key: %w", path, err)
	}
	return signer, created, nil
}

// writeHostKey generates an ed25519 key into a new file at path. The key is written to a
// temporary file and linked into place, which fails if path exists: an existing key is never
// replaced, and a server starting at the same moment never reads half a key.
func writeHostKey(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("making a place for the SSH host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := gossh.MarshalPrivateKey(priv, "oms host key")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".ssh_host_key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("writing the SSH host key: %w", err)
	}
	defer os.Remove(f.Name())
	err = pem.Encode(f, block)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(f.Name(), path)
	}
	if err != nil && !errors.Is(err, fs.ErrExist) { // ErrExist: another server made it first
		return fmt.Errorf("writing the SSH host key: %w", err)
	}
	return nil
}

// Fingerprint is a key's SHA256 fingerprint as ssh-keygen -l shows it: "SHA256:…".
func Fingerprint(key gossh.PublicKey) string { return gossh.FingerprintSHA256(key) }
