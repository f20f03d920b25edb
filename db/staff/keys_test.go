package staff_test

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"oms/db/staff"
)

// Keys and fingerprints printed by OpenSSH's ssh-keygen (-l), one of each common kind.
var openSSHKeys = []struct{ line, fingerprint string }{
	{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl anna@laptop",
		"SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"},
	{"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCwGMY6icYHD9Mr2KvtNyTIN1MkKwqi6OQsim7E7sZd13SS84/yvw44i+zsOt+LApE1CD4e1hdh/J2/laXvogTIQAms8c+5FXqt86s3AAmDENQy2zELSQmJ9f1gyGZK9cCUs4++MYJXEL15j+5ylQsUwhnElvhB+eSzvOQQZ+njb6SEblj/n+lG41OKj6UOGJ40KeOT3yJesXMLSfxQgl8UPxgi/0e6/XGIj0EzLA5gz8t8pUwndzu+rJ8X0ux19NT+flw9TkQYYyIlwT2YyjlTLjeNHxtsnkpe3KW3TwtJjkAQ+I6IxDOWopxxgQ6gvS6ckG3TuNLM2OujilohM9Ap ops@rsa",
		"SHA256:e7L63kXtJl9UVPid4A4ycMDl0QaQUS1XsF4nOvx5PCQ"},
	{"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOQVJGpr+s2RqRcyQ1w9UVFmBDwhPo18w9O4RMVN+M/htSXkhs9Aa7XWerFJ+9y2mHsphS0IQkeEDnwg/AG+5zI= ops@ecdsa",
		"SHA256:q4osRLXi23biY24eb3Md4+rwbnJsd0k9gOVyiQ5q7Zw"},
}

// TestParseAuthorizedKeysAgreesWithOpenSSH: the keys of a file, their comments and the
// fingerprints ssh-keygen prints for them.
func TestParseAuthorizedKeysAgreesWithOpenSSH(t *testing.T) {
	var file strings.Builder
	file.WriteString("# team keys\n\n")
	for _, k := range openSSHKeys {
		file.WriteString("  " + k.line + "\r\n")
	}
	keys, err := staff.ParseAuthorizedKeys([]byte(file.String()))
	if err != nil || len(keys) != len(openSSHKeys) {
		t.Fatalf("ParseAuthorizedKeys = %v, %v", keys, err)
	}
	for i, k := range keys {
		if k.Line() != openSSHKeys[i].line || k.Fingerprint() != openSSHKeys[i].fingerprint {
			t.Errorf("key %d: %s %s, want %s %s", i+1, k.Line(), k.Fingerprint(), openSSHKeys[i].line, openSSHKeys[i].fingerprint)
		}
	}

	pub := ed25519.PublicKey(make([]byte, ed25519.PublicKeySize))
	made := staff.Ed25519Key(pub, "")
	if again, err := staff.ParseAuthorizedKeys([]byte(made.Line())); err != nil || again[0] != made {
		t.Errorf("a key made by Ed25519Key reads back as %v, %v", again, err)
	}

	for file, says := range map[string]string{
		"":                                     "there is no public key in it",
		"ssh-ed25519\n":                        "line 1 is not a public key",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 x\n": "line 1 is not a public key", // the name and no key
		"ssh-rsa " + strings.Fields(openSSHKeys[0].line)[1]:                "line 1 is not a public key", // an ed25519 blob called rsa
		`from="10.0.0.0/8",command="/bin/sh -c id" ` + openSSHKeys[0].line: `line 1 has options (from="10.0.0.0/8",command="/bin/sh -c id")`,
	} {
		if _, err := staff.ParseAuthorizedKeys([]byte(file)); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseAuthorizedKeys(%q) = %v, want %q", file, err, says)
		}
	}
}
