package pgcluster

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestNoPostgresAnywhereSaysWhatToInstall(t *testing.T) {
	nothing := func(string) (string, error) { return "", exec.ErrNotFound }
	_, err := findBinDir(nothing, filepath.Join(t.TempDir(), "*", "bin"))
	if !errors.Is(err, ErrNoPostgres) {
		t.Fatalf("got %v, want ErrNoPostgres", err)
	}
	for _, want := range []string{"no PostgreSQL server binaries found", "apt-get install postgresql", "OMS_TEST_DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
}

func TestNewestVersionDirectoryWins(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9", "15", "13"} {
		bin := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"initdb", "postgres"} {
			if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	nothing := func(string) (string, error) { return "", exec.ErrNotFound }
	got, err := findBinDir(nothing, filepath.Join(root, "*", "bin"))
	if err != nil || got != filepath.Join(root, "15", "bin") {
		t.Fatalf("got %q, %v; want the version 15 directory", got, err)
	}
}

// TestStartServesAndStopRemovesEverything starts a real private server, as `oms demo` does.
func TestStartServesAndStopRemovesEverything(t *testing.T) {
	c, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir()
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	var one int
	if err := db.QueryRow(`SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Fatalf("query on the private server: %v", err)
	}
	db.Close()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cluster directory %s still there after Stop (%v)", dir, err)
	}
	db, _ = sql.Open("postgres", c.URL("postgres"))
	defer db.Close()
	if err := db.Ping(); err == nil {
		t.Fatal("server still answers after Stop")
	}
}
