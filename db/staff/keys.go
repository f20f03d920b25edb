package staff

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"
)

// PublicKey is one key of an authorized_keys file, as OpenSSH writes it: the algorithm, the key
// blob (base64 of SSH wire format) and a comment.
type PublicKey struct {
	Algorithm, Blob, Comment string
}

// Line is the key as an authorized_keys line, without options.
func (k PublicKey) Line() string {
	if k.Comment == "" {
		return k.Algorithm + " " + k.Blob
	}
	return k.Algorithm + " " + k.Blob + " " + k.Comment
}

// Fingerprint is OpenSSH's SHA256 fingerprint of the key, as ssh-keygen -l prints it.
func (k PublicKey) Fingerprint() string {
	blob, _ := base64.StdEncoding.DecodeString(k.Blob)
	return FingerprintOf(blob)
}

// FingerprintOf is OpenSSH's SHA256 fingerprint of a key blob in SSH wire format.
func FingerprintOf(blob []byte) string {
	sum := sha256.Sum256(blob)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// Ed25519Key is the authorized_keys form of an ed25519 public key: what tests and the demo
// need to register a key they generated.
func Ed25519Key(pub ed25519.PublicKey, comment string) PublicKey {
	blob := sshString(nil, []byte("ssh-ed25519"))
	blob = sshString(blob, pub)
	return PublicKey{Algorithm: "ssh-ed25519", Blob: base64.StdEncoding.EncodeToString(blob), Comment: comment}
}

func sshString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

var algorithmPattern = regexp.MustCompile(`^[a-z0-9@.-]{3,64}$`)

// keyBlob decodes a key field and checks that it is SSH wire format naming algorithm: a run of
// length-prefixed fields that uses every byte, the first one the algorithm's name (an ed25519
// key's second field is its 32 bytes). This is what sshd needs to recognise a key; whether the
// numbers make a valid key of that kind is for the SSH server to find when the key is offered.
func keyBlob(algorithm, field string) ([]byte, bool) {
	if !algorithmPattern.MatchString(algorithm) {
		return nil, false
	}
	blob, err := base64.StdEncoding.DecodeString(field)
	if err != nil {
		return nil, false
	}
	var fields [][]byte
	for rest := blob; len(rest) > 0; {
		if len(rest) < 4 {
			return nil, false
		}
		n := binary.BigEndian.Uint32(rest)
		if uint64(n) > uint64(len(rest)-4) {
			return nil, false
		}
		fields, rest = append(fields, rest[4:4+n]), rest[4+n:]
	}
	if len(fields) < 2 || string(fields[0]) != algorithm ||
		(algorithm == "ssh-ed25519" && (len(fields) != 2 || len(fields[1]) != ed25519.PublicKeySize)) {
		return nil, false
	}
	return blob, true
}

// ParseAuthorizedKeys reads every key of an authorized_keys or .pub file, skipping blank lines
// and # comments. A line that is no key, or that has options (command="…", from=…, which the oms
// SSH server would not honour), is refused with its line number.
func ParseAuthorizedKeys(data []byte) ([]PublicKey, error) {
	var keys []PublicKey
	for i, raw := range strings.Split(string(data), "\n") {
		text := strings.TrimSpace(raw)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		at := -1
		for j := 0; j+1 < len(f); j++ {
			if _, ok := keyBlob(f[j], f[j+1]); ok {
				at = j
				break
			}
		}
		switch {
		case at < 0:
			return nil, fmt.Errorf("line %d is not a public key (an OpenSSH .pub or authorized_keys line)", i+1)
		case at > 0:
			return nil, fmt.Errorf("line %d has options (%s), which the oms SSH server does not honour: remove them",
				i+1, strings.Join(f[:at], " "))
		}
		keys = append(keys, PublicKey{Algorithm: f[0], Blob: f[1], Comment: strings.Join(f[2:], " ")})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("there is no public key in it")
	}
	return keys, nil
}
