package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// ErrKeyReused means an idempotency key came back with a different command or different
// parameters: a bug in the caller, never a retry.
var ErrKeyReused = errors.New("this command key was already used for something else")

// ClaimKey claims an idempotency key for command in tx, the transaction that applies the
// command's effect (ARCHITECTURE.md §2.5). It returns done = true when the same command with the
// same request already committed under this key: the caller must then return without applying
// it again. A concurrent claim of the same key waits for the first to commit or roll back. An
// empty key claims nothing, for work no person or file triggered.
func ClaimKey(ctx context.Context, tx *sqlx.Tx, key, command string, request any) (done bool, err error) {
	if key == "" {
		return false, nil
	}
	hash, err := RequestHash(request)
	if err != nil {
		return false, fmt.Errorf("hashing the request of %s: %w", command, err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (key, command, request_hash)
		VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`, key, command, hash)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return false, err
	}
	var was struct {
		Command string `db:"command"`
		Hash    string `db:"request_hash"`
	}
	err = tx.GetContext(ctx, &was, `SELECT command, request_hash FROM idempotency_keys WHERE key = $1`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("command key %s vanished while claiming it", key)
	}
	if err != nil {
		return false, err
	}
	if was.Command != command || was.Hash != hash {
		return false, fmt.Errorf("%w (key %s was %s)", ErrKeyReused, key, was.Command)
	}
	return true, nil
}

// RequestHash is what a key remembers of its request: the SHA-256 of its JSON, in hex. A
// command that claims its key inside a database function passes it (picking's confirm).
func RequestHash(request any) (string, error) {
	body, err := json.Marshal(request)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// Keyed runs a command once under key in one transaction: the key is claimed with the effect
// (ClaimKey), the command's answer is stored with the key, and a retry of the same command finds
// the key and returns the first answer without doing anything again. An empty key runs the
// command without a key.
func Keyed[T any](ctx context.Context, d *DB, key, command string, request any, do func(tx *sqlx.Tx) (T, error)) (T, error) {
	var out T
	err := d.InTx(ctx, func(tx *sqlx.Tx) error {
		out = *new(T)
		done, err := ClaimKey(ctx, tx, key, command, request)
		if err != nil {
			return err
		}
		if done {
			var raw []byte
			if err := tx.GetContext(ctx, &raw, `SELECT coalesce(result, 'null') FROM idempotency_keys WHERE key = $1`, key); err != nil {
				return err
			}
			return json.Unmarshal(raw, &out)
		}
		if out, err = do(tx); err != nil || key == "" {
			return err
		}
		raw, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("storing the answer of %s: %w", command, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET result = $2 WHERE key = $1`, key, raw)
		return err
	})
	if err != nil {
		return *new(T), MapError(err)
	}
	return out, nil
}
