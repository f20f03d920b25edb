package ui

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"oms/db"
)

// Explain turns an error from a database call into one sentence for the status line.
func Explain(err error) string {
	var ce *db.ConstraintError
	var ue *db.UnreachableError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ce):
		return ce.Message
	case errors.As(err, &ue):
		return ue.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "the database did not answer in time; showing the last data"
	case IsConnectionError(err):
		return "lost the connection to the database; showing the last data and retrying"
	case errors.Is(err, db.ErrNotFound):
		return "not found: it may have been removed"
	}
	return err.Error()
}

// IsConnectionError says whether err means the database could not be reached, as opposed to a
// refusal or a bug: the header then says the data is stale.
func IsConnectionError(err error) bool {
	var netErr net.Error
	var ue *db.UnreachableError
	return errors.As(err, &netErr) || errors.As(err, &ue) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, context.DeadlineExceeded)
}
