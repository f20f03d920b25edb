-- Allocation (issue 11, db/alloc): orders reserve stock in the warehouse routing chooses, and
-- backorders release by themselves when stock arrives.
--
--  * order_lines_waiting finds the lines with units still to allocate, by product: what the
--    allocator looks for when a product's stock grows, and what decides whether a movement
--    needs to wake it at all.
--  * allocation_wakeups is the products whose free stock grew while orders wait for them: a
--    receipt, a return or a count into a bin, a transfer, or reservations given back (a
--    cancelled or changed order). The triggers below append a row per product and statement —
--    never a unique key, which would make two receipts of one product wait for each other's
--    commit; the allocator takes rows with SKIP LOCKED, folds the duplicates and allocates the
--    waiting orders of those products, oldest promise first.

-- +goose Up
CREATE INDEX order_lines_waiting ON order_lines (product_id)
    WHERE qty_allocated < qty_ordered - qty_cancelled;

CREATE TABLE allocation_wakeups (
    id          bigserial PRIMARY KEY,
    product_id  bigint NOT NULL,
    since       timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE allocation_wakeups OWNER TO oms_owner;

-- +goose StatementBegin
CREATE FUNCTION oms_wake_allocation_for_stock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO allocation_wakeups (product_id)
    SELECT DISTINCT m.product_id
      FROM moved m JOIN locations l ON l.id = m.to_location_id AND l.kind = 'bin'
     WHERE EXISTS (SELECT 1 FROM order_lines ol
                    WHERE ol.product_id = m.product_id AND ol.qty_allocated < ol.qty_ordered - ol.qty_cancelled)
     ORDER BY 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_movements_wake_allocation AFTER INSERT ON stock_movements
    REFERENCING NEW TABLE AS moved
    FOR EACH STATEMENT EXECUTE FUNCTION oms_wake_allocation_for_stock();

-- +goose StatementBegin
CREATE FUNCTION oms_wake_allocation_for_release() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO allocation_wakeups (product_id)
    SELECT DISTINCT r.product_id
      FROM released r JOIN locations l ON l.id = r.location_id AND l.kind = 'bin'
     WHERE EXISTS (SELECT 1 FROM order_lines ol
                    WHERE ol.product_id = r.product_id AND ol.qty_allocated < ol.qty_ordered - ol.qty_cancelled)
     ORDER BY 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER reservations_wake_allocation AFTER DELETE ON reservations
    REFERENCING OLD TABLE AS released
    FOR EACH STATEMENT EXECUTE FUNCTION oms_wake_allocation_for_release();

-- The bins an allocation may reserve from, locked for the rest of its transaction in the
-- ledger's lock order (product, location, lot), so that nobody takes their units between the
-- allocator's decision and its reservations. Balances are the database's (no client may lock
-- them for update), hence a function; only the allocator's job may call it.
-- +goose StatementBegin
CREATE FUNCTION oms_lock_free_bins(warehouse_ids bigint[], product_ids bigint[])
RETURNS TABLE (location_id bigint, warehouse_id bigint, product_id bigint, lot_id bigint, free bigint,
               pick_seq integer, expires_on date)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT b.location_id, l.warehouse_id, b.product_id, b.lot_id, b.on_hand - b.reserved, l.pick_seq, lt.expires_on
      FROM stock_balances b
      JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
      LEFT JOIN lots lt ON lt.id = b.lot_id
     WHERE (l.warehouse_id, b.product_id) IN (SELECT * FROM unnest(warehouse_ids, product_ids))
       AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
     ORDER BY b.product_id, b.location_id, b.lot_id
       FOR UPDATE OF b
$$;
-- +goose StatementEnd
ALTER FUNCTION oms_lock_free_bins(bigint[], bigint[]) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_lock_free_bins(bigint[], bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_lock_free_bins(bigint[], bigint[]) TO oms_backoffice;

ALTER FUNCTION oms_wake_allocation_for_stock() OWNER TO oms_owner;
ALTER FUNCTION oms_wake_allocation_for_release() OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_wake_allocation_for_stock(), oms_wake_allocation_for_release() FROM PUBLIC;

-- The allocator is the back office's work (the supervisor holds it): it takes the wake-ups with
-- FOR UPDATE SKIP LOCKED, which needs an UPDATE grant, and deletes them.
GRANT SELECT, DELETE, UPDATE (since) ON allocation_wakeups TO oms_backoffice;
GRANT SELECT ON allocation_wakeups TO oms_admin;

-- +goose Down
DROP FUNCTION oms_lock_free_bins(bigint[], bigint[]);
DROP TRIGGER reservations_wake_allocation ON reservations;
DROP TRIGGER stock_movements_wake_allocation ON stock_movements;
DROP FUNCTION oms_wake_allocation_for_release();
DROP FUNCTION oms_wake_allocation_for_stock();
DROP TABLE allocation_wakeups;
DROP INDEX order_lines_waiting;
