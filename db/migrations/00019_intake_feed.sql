-- The Intake screen in the change feed (ARCHITECTURE.md §4): it wakes when an import starts or
-- finishes in another terminal (import_runs is stamped since 00017), when a running import
-- records a batch's rejected orders, and when an order exception is recorded or resolved.
-- Rejects are only inserted and exceptions change in place, so the small BEFORE trigger of
-- 00007 stamps both; rows already there keep NULL, which no snapshot reports as changed.
--
-- The SSH server's shared poller asks about every table of the feed as its own pool role, which
-- reads these tables only through the people it serves; the stamps themselves say nothing but
-- "some transaction wrote here", so oms_server may read that column whoever it serves.

-- +goose Up
ALTER TABLE import_rejects ADD COLUMN change_xid xid8;
CREATE INDEX import_rejects_changes ON import_rejects (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER import_rejects_stamp BEFORE INSERT OR UPDATE ON import_rejects
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

ALTER TABLE order_exceptions ADD COLUMN change_xid xid8;
CREATE INDEX order_exceptions_changes ON order_exceptions (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER order_exceptions_stamp BEFORE INSERT OR UPDATE ON order_exceptions
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

GRANT SELECT (change_xid) ON import_runs, import_rejects, order_exceptions TO oms_server;

-- +goose Down
REVOKE SELECT (change_xid) ON import_runs, import_rejects, order_exceptions FROM oms_server;
DROP TRIGGER order_exceptions_stamp ON order_exceptions;
ALTER TABLE order_exceptions DROP COLUMN change_xid;
DROP TRIGGER import_rejects_stamp ON import_rejects;
ALTER TABLE import_rejects DROP COLUMN change_xid;
