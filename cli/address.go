package cli

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// checkAddress reads the database address as lib/pq will and, when it cannot be read, says
// which part of it is wrong. lib/pq's and net/url's own errors name Go functions
// (strconv.ParseUint) and repeat the whole URL, password included; these sentences do neither.
// from names where the address came from (--db, OMS_DATABASE_URL, DATABASE_URL); empty means
// libpq's PG* variables, which are read either way.
func checkAddress(addr, from string) error {
	where := "the database address"
	switch from {
	case "":
	case "--db":
		where += " given to --db"
	default:
		where += " in " + from
	}
	scheme, _, isURL := strings.Cut(addr, "://")
	isURL = isURL && validScheme(scheme)
	if isURL && scheme != "postgres" && scheme != "postgresql" {
		return fmt.Errorf("%s starts with %s://, but oms needs postgres:// (or postgresql://) or libpq key=value settings", where, scheme)
	}
	if isURL {
		if err := urlProblem(addr, where); err != nil {
			return err
		}
	}
	cfg, err := pq.NewConfig(addr)
	if err != nil {
		return pqProblem(err, where)
	}
	if cfg.Port == 0 {
		return fmt.Errorf("the port in %s is 0; a port is a number from 1 to 65535", where)
	}
	return nil
}

func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (i == 0 || !('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// urlProblem parses a postgres:// URL. To be sure no part of the password is ever repeated, it
// first parses the URL with its user name and password replaced: if that parses, the fault is
// in the user name or password; if not, the message comes from the stand-in, which holds none.
func urlProblem(raw, where string) error {
	if _, err := url.Parse(raw); err == nil {
		return nil
	}
	scheme, rest, _ := strings.Cut(raw, "://")
	redacted := raw
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		redacted = scheme + "://user:password" + rest[at:]
		if _, err := url.Parse(redacted); err == nil {
			return fmt.Errorf("the user name or password in %s has a character that must be percent-encoded in a URL "+
				"(@ as %%40, : as %%3A, / as %%2F, ? as %%3F, # as %%23, %% as %%25, a space as %%20)", where)
		}
	}
	_, err := url.Parse(redacted)
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var esc url.EscapeError
	var badHost url.InvalidHostError
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "invalid port "):
		port := strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(msg, "invalid port "), " after host"), `":`)
		port = strings.TrimSuffix(port, `"`)
		return fmt.Errorf("the port in %s is %q; a port is a number from 1 to 65535", where, port)
	case errors.As(err, &badHost), strings.Contains(msg, "in host"):
		return fmt.Errorf("the host in %s is not valid: %s", where, msg)
	case errors.As(err, &esc):
		return fmt.Errorf("%s has %q, which is not a percent-escape (write a %% itself as %%25)", where, "%"+strings.TrimPrefix(string(esc), "%"))
	}
	return fmt.Errorf("%s is not a valid URL: %s", where, strings.TrimPrefix(msg, "net/url: "))
}

// pqProblem turns lib/pq's complaint about an address into a sentence about the address. lib/pq
// never validates the password, so its messages never hold it, except that key=value parsing
// may quote a word of it; those messages are replaced whole.
func pqProblem(err error, where string) error {
	msg := strings.TrimPrefix(err.Error(), "pq: ")
	var num *strconv.NumError
	switch {
	case strings.HasPrefix(msg, "missing \"=\" after"):
		return fmt.Errorf("%s is neither a postgres:// URL nor libpq key=value settings: a word in it has no \"=\" "+
			"(quote a value that holds spaces: password='a b')", where)
	case strings.HasPrefix(msg, "unterminated quoted string"):
		return fmt.Errorf("a quoted value in %s has no closing quote (')", where)
	case strings.HasPrefix(msg, "missing character after backslash"):
		return fmt.Errorf("%s ends with a backslash", where)
	case strings.HasPrefix(msg, "environment variable $"):
		name, _, _ := strings.Cut(strings.TrimPrefix(msg, "environment variable $"), " ")
		return fmt.Errorf("the environment variable %s is set, but oms does not support it: unset it", name)
	case strings.HasPrefix(msg, "wrong value for "):
		setting, detail, _ := strings.Cut(strings.TrimPrefix(msg, "wrong value for "), ": ")
		part := "the setting " + strings.Trim(setting, `"`) + " in " + where
		if env, ok := strings.CutPrefix(setting, "$"); ok {
			part = "the environment variable " + env
		}
		if errors.As(err, &num) {
			switch strings.Trim(setting, `"$`) {
			case "port", "PGPORT":
				if env, ok := strings.CutPrefix(setting, "$"); ok {
					part = env
				} else {
					part = "the port in " + where
				}
				return fmt.Errorf("%s is %q; a port is a number from 1 to 65535", part, num.Num)
			case "connect_timeout", "PGCONNECT_TIMEOUT":
				return fmt.Errorf("%s is %q; it is a whole number of seconds", part, num.Num)
			}
			return fmt.Errorf("%s is %q, which is not a number", part, num.Num)
		}
		if name := strings.Trim(setting, `"$`); name == "hostaddr" || name == "PGHOSTADDR" {
			return fmt.Errorf("%s is not an IP address", part)
		}
		return fmt.Errorf("%s is not valid: %s", part, detail)
	}
	return fmt.Errorf("%s is not valid: %s", where, msg)
}
