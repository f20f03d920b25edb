-- Pick work is made, claimed and confirmed only through picking's functions (00031:
-- oms_pick_release, oms_pick_claim, oms_pick_confirm, oms_pick_short), which check who holds a
-- batch, keep the lease and lock in the ledger's order. The direct writes 00009 gave the
-- picker (UPDATE on batches and tasks) and the supervisor (INSERT and UPDATE) let a client skip
-- all of that: a picker could claim another's batch or mark a task done without a pick
-- movement. They are taken back.

-- +goose Up
REVOKE UPDATE ON pick_batches, pick_tasks FROM oms_picker;
REVOKE INSERT, UPDATE ON pick_batches, pick_tasks FROM oms_supervisor;
REVOKE USAGE ON SEQUENCE pick_batches_id_seq, pick_tasks_id_seq FROM oms_supervisor;

-- +goose Down
GRANT UPDATE ON pick_batches, pick_tasks TO oms_picker;
GRANT INSERT, UPDATE ON pick_batches, pick_tasks TO oms_supervisor;
GRANT USAGE ON SEQUENCE pick_batches_id_seq, pick_tasks_id_seq TO oms_supervisor;
