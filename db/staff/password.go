package staff

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// NewPassword is a one-time password to hand to a new person: 20 characters in four groups,
// from an alphabet without look-alikes (no 0/o, 1/l/i), about 100 bits.
func NewPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	var b strings.Builder
	for i := range 20 {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(alphabet[randIndex(len(alphabet))])
	}
	return b.String()
}

// randIndex is a uniform index below n (n < 256), by rejection.
func randIndex(n int) int {
	limit := 256 - 256%n
	var one [1]byte
	for {
		if _, err := rand.Read(one[:]); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		if int(one[0]) < limit {
			return int(one[0]) % n
		}
	}
}

// scramVerifier is what PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802/7677, in
// PostgreSQL's "SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey" form), so the password itself
// never reaches the server, its statement log or pg_stat_activity. PostgreSQL applies SASLprep
// to what the client types, which leaves printable ASCII unchanged; anything else is sent as it
// is for the server to prepare and hash.
func scramVerifier(password string) (string, error) {
	for _, r := range password {
		if r < 0x20 || r > 0x7e {
			return password, nil
		}
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	const iterations = 4096 // PostgreSQL's scram_iterations default
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac(salted, "Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(mac(salted, "Server Key"))), nil
}
