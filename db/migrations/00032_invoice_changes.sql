-- The Invoices screen in the change feed (ARCHITECTURE.md §4, db.Invoices): it wakes when another
-- terminal or `oms invoice issue` issues an invoice or credit note. The stamp and its index are
-- 00018's (invoices.change_xid, invoices_changes, stamped by the transaction that issues and
-- numbers a document), so writers pay nothing more.
--
-- The SSH server's shared poller asks about every table of the feed as its own pool role, which
-- reads invoices only through the people it serves; as for imports and exceptions (00019), the
-- stamp says nothing but "some transaction wrote here", so oms_server may read that column
-- whoever it serves.

-- +goose Up
GRANT SELECT (change_xid) ON invoices TO oms_server;

-- +goose Down
REVOKE SELECT (change_xid) ON invoices FROM oms_server;
