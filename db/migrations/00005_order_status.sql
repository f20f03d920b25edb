-- An order's status is derived by the database from its lines, the hold flag and the
-- cancellation, with the rules of model.DeriveStatus (a test proves the two agree on every
-- combination): whatever a client writes into orders.status is replaced. A cancelled order stays
-- cancelled.
--
-- The queue's counts per (channel, warehouse, status) become insert-only: each statement that
-- changes orders appends its netted deltas, and a writer that happens to cross a multiple of 256
-- deltas folds them into order_counts if no one else is folding. Writers never update a shared
-- counter row, so two transactions that touch different orders never wait on each other (the
-- sharded counters of 00003 deadlocked when two sessions shared a shard).

-- +goose Up

-- No SET search_path: it names no table, and a function with SET options cannot be inlined,
-- which made every call plan its body again (measured: a third of a status change's cost).
-- +goose StatementBegin
CREATE FUNCTION oms_derive_status(on_hold boolean, cancelled boolean, open bigint, allocated bigint,
                                  picked bigint, packed bigint, shipped bigint, returned bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN cancelled THEN 'cancelled'              -- cancelled explicitly, whatever the lines say
        WHEN open = 0 THEN 'cancelled'               -- no lines, or every unit cancelled
        WHEN on_hold THEN 'on_hold'                  -- a hold stops all work, even mid-shipment
        WHEN shipped = open AND returned > 0 THEN    -- all shipped; returns are the latest stage
            CASE WHEN returned = open THEN 'returned' ELSE 'partially_returned' END
        WHEN shipped = open THEN 'shipped'
        WHEN shipped > 0 THEN 'partially_shipped'    -- work left, even if some came back
        WHEN packed = open THEN 'packed'
        WHEN picked = open THEN 'picked'
        WHEN picked > 0 THEN 'picking'
        WHEN allocated = open THEN 'allocated'
        WHEN allocated > 0 THEN 'backordered'
        ELSE 'pending' END
$$;
-- +goose StatementEnd

-- The status an order's lines give it. PL/pgSQL rather than SQL so that its query is planned
-- once per session, not at every call.
-- +goose StatementBegin
CREATE FUNCTION oms_order_status(order_id bigint, on_hold boolean, cancelled boolean) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
DECLARE
    status text;
BEGIN
    SELECT oms_derive_status(on_hold, cancelled, coalesce(sum(l.qty_ordered - l.qty_cancelled), 0),
                             coalesce(sum(l.qty_allocated), 0), coalesce(sum(l.qty_picked), 0),
                             coalesce(sum(l.qty_packed), 0), coalesce(sum(l.qty_shipped), 0),
                             coalesce(sum(l.qty_returned), 0))
      INTO status
      FROM order_lines l WHERE l.order_id = oms_order_status.order_id;
    RETURN status;
END $$;
-- +goose StatementEnd

-- Replaces whatever status a write brings with the derived one; refuses to reopen a cancelled
-- order. Runs as the owner so the lines it sums are all of them, whoever asks.
-- +goose StatementBegin
CREATE FUNCTION oms_derive_order_status() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS NULL THEN
        RAISE EXCEPTION 'order % is cancelled: a cancelled order cannot be reopened', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_cancel_is_final';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'order %: its id cannot change', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_fixed_id';
    END IF;
    NEW.status := oms_order_status(NEW.id, NEW.on_hold, NEW.cancelled_at IS NOT NULL);
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending';
CREATE TRIGGER orders_derive_status BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION oms_derive_order_status();

-- After lines change, touches the orders whose derived status moved, so the trigger above
-- stores it (and the counts below follow). The orders are locked first: two transactions
-- changing different lines of one order then derive its status one after the other, the second
-- from a snapshot taken after the first committed, so neither can store a status that misses
-- the other's lines.
-- +goose StatementBegin
CREATE FUNCTION oms_order_lines_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT order_id) INTO changed FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT order_id) INTO changed FROM new_rows;
    END IF;
    PERFORM 1 FROM orders WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
    UPDATE orders o SET status = o.status
     WHERE o.id = ANY (changed)
       AND o.status <> oms_order_status(o.id, o.on_hold, o.cancelled_at IS NOT NULL);
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- Its statements take a different array each time; a generic plan serves them all.
ALTER FUNCTION oms_order_lines_changed() SET plan_cache_mode = force_generic_plan;
CREATE TRIGGER order_lines_status_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_order_lines_changed();
CREATE TRIGGER order_lines_status_update AFTER UPDATE ON order_lines REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_order_lines_changed();
CREATE TRIGGER order_lines_status_delete AFTER DELETE ON order_lines
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_order_lines_changed();

-- ───────────────────────────── insert-only queue counts ─────────────────────────────

DROP TRIGGER orders_count_insert ON orders;
DROP TRIGGER orders_count_update ON orders;
DROP TRIGGER orders_count_delete ON orders;
DROP FUNCTION oms_count_orders(), oms_count_inserted_orders(), oms_count_deleted_orders();
DROP TABLE order_counts;

-- Folded counts: written only by oms_fold_order_counts.
CREATE TABLE order_counts (
    channel_id    bigint NOT NULL,
    warehouse_id  bigint NOT NULL, -- 0 while the order is not routed
    status        text   NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (channel_id, warehouse_id, status)
);

-- Deltas not folded yet: every writer appends, nobody updates.
CREATE TABLE order_count_deltas (
    id            bigserial PRIMARY KEY,
    channel_id    bigint NOT NULL,
    warehouse_id  bigint NOT NULL,
    status        text   NOT NULL,
    n             bigint NOT NULL
);

-- What readers use: folded counts plus pending deltas, summed by the reader's GROUP BY. A fold
-- deletes deltas and adds them to order_counts in one transaction, so any snapshot sees each
-- delta exactly once.
CREATE VIEW order_counts_live AS
    SELECT channel_id, warehouse_id, status, n FROM order_counts
    UNION ALL
    SELECT channel_id, warehouse_id, status, n FROM order_count_deltas;

-- Folds every visible delta into order_counts. Only one transaction folds at a time (the others
-- skip: try-lock), and only in READ COMMITTED, where a delete never trips over a fold that
-- committed after the transaction's snapshot.
-- +goose StatementBegin
CREATE FUNCTION oms_fold_order_counts() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed'
       OR NOT pg_try_advisory_xact_lock(7402510019463551) THEN -- "oms fold counts"
        RETURN;
    END IF;
    WITH gone AS (DELETE FROM order_count_deltas RETURNING channel_id, warehouse_id, status, n)
    INSERT INTO order_counts AS c (channel_id, warehouse_id, status, n)
    SELECT channel_id, warehouse_id, status, sum(n) FROM gone GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (channel_id, warehouse_id, status) DO UPDATE SET n = c.n + EXCLUDED.n;
END $$;
-- +goose StatementEnd

-- Appends a statement's changes to the counts: -1 for each row as it was, +1 for each row as it
-- is, netted per key.
-- +goose StatementBegin
CREATE FUNCTION oms_count_order_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    last bigint;
    added bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH ins AS (
            INSERT INTO order_count_deltas (channel_id, warehouse_id, status, n)
            SELECT channel_id, coalesce(warehouse_id, 0), status, count(*) FROM new_rows GROUP BY 1, 2, 3
            RETURNING id)
        SELECT max(id), count(*) INTO last, added FROM ins;
    ELSIF TG_OP = 'DELETE' THEN
        WITH ins AS (
            INSERT INTO order_count_deltas (channel_id, warehouse_id, status, n)
            SELECT channel_id, coalesce(warehouse_id, 0), status, -count(*) FROM old_rows GROUP BY 1, 2, 3
            RETURNING id)
        SELECT max(id), count(*) INTO last, added FROM ins;
    ELSE
        WITH ins AS (
            INSERT INTO order_count_deltas (channel_id, warehouse_id, status, n)
            SELECT channel_id, warehouse_id, status, sum(delta)
              FROM (SELECT channel_id, coalesce(warehouse_id, 0) AS warehouse_id, status, -1 AS delta FROM old_rows
                    UNION ALL
                    SELECT channel_id, coalesce(warehouse_id, 0), status, 1 FROM new_rows) d
             GROUP BY 1, 2, 3 HAVING sum(delta) <> 0
            RETURNING id)
        SELECT max(id), count(*) INTO last, added FROM ins;
    END IF;
    IF last / 256 > (last - added) / 256 THEN
        PERFORM oms_fold_order_counts();
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER orders_count_insert AFTER INSERT ON orders
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_count_order_changes();
CREATE TRIGGER orders_count_update AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_count_order_changes();
CREATE TRIGGER orders_count_delete AFTER DELETE ON orders
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_count_order_changes();
-- Bulk loads that switch ordinary triggers off (session_replication_role = replica, as the
-- seeder and pg_restore do) must still keep the counts.
ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_count_insert;
ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_count_update;
ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_count_delete;

CREATE TRIGGER order_counts_kept BEFORE INSERT OR UPDATE OR DELETE ON order_counts
    FOR EACH ROW EXECUTE FUNCTION oms_kept_by_database('by the order triggers');
CREATE TRIGGER order_count_deltas_kept BEFORE INSERT OR UPDATE OR DELETE ON order_count_deltas
    FOR EACH ROW EXECUTE FUNCTION oms_kept_by_database('by the order triggers');
CREATE TRIGGER order_counts_no_truncate BEFORE TRUNCATE ON order_counts
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();
CREATE TRIGGER order_count_deltas_no_truncate BEFORE TRUNCATE ON order_count_deltas
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- Counts for the orders already there, then their statuses by the rules above (an order that
-- read partially returned with units still open reads partially shipped now).
INSERT INTO order_counts (channel_id, warehouse_id, status, n)
SELECT channel_id, coalesce(warehouse_id, 0), status, count(*) FROM orders GROUP BY 1, 2, 3;
UPDATE orders o SET status = o.status
 WHERE o.status <> oms_order_status(o.id, o.on_hold, o.cancelled_at IS NOT NULL);

-- +goose StatementBegin
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms\_%'
                AND p.proname <> 'oms_is_owner' LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
-- Anyone may ask what status given quantities make.
GRANT EXECUTE ON FUNCTION oms_derive_status(boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint) TO PUBLIC;

-- +goose Down
SELECT 1;
