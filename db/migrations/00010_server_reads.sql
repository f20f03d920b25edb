-- The SSH server's pool (a login that is a member of oms_server) runs its own few statements as
-- itself, not as a person: the schema check at start, and the one change-feed poll all sessions
-- share. Until now it could read those tables only through the staff roles granted to
-- oms_server, so on a database with no staff yet `oms serve` could not start. It reads nothing
-- else as itself; every session's statements run as that session's person.

-- +goose Up
GRANT SELECT ON goose_db_version, orders, order_lines, pick_batches, pick_tasks, stock_movements,
    rmas, rma_lines, stock_counts, stock_count_lines TO oms_server;

-- +goose Down
REVOKE SELECT ON goose_db_version, orders, order_lines, pick_batches, pick_tasks, stock_movements,
    rmas, rma_lines, stock_counts, stock_count_lines FROM oms_server;
