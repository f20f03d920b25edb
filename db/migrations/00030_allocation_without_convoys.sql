-- Allocation without convoys (issue 11, BM3). Sixteen allocators working through orders for
-- thousands of different products spent nearly all their time waiting in oms_lock_free_bins:
-- each batch locks the free bins of a few hundred (warehouse, product) pairs in lock order and
-- holds them to its commit, and two batches share a pair or two almost always, so a batch
-- waiting for one pair kept every pair it had locked already from the batches behind it — at
-- any moment twelve to fifteen of the sixteen were waiting (pg_stat_activity: Lock
-- transactionid), and the allocators ran one after the other.
--
-- oms_try_lock_free_bins locks what it can without waiting (SKIP LOCKED) and says which free
-- bins it could not lock. The allocator puts the orders that need those aside for its next
-- batch when they are few, and otherwise gives the locks back (ROLLBACK TO SAVEPOINT) and
-- waits in lock order through oms_lock_free_bins, as before: a hot product every batch wants
-- is still taken in turn.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION oms_try_lock_free_bins(warehouse_ids bigint[], product_ids bigint[])
RETURNS TABLE (location_id bigint, warehouse_id bigint, product_id bigint, lot_id bigint, free bigint,
               pick_seq integer, expires_on date, locked boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    got_location bigint[];
    got_product bigint[];
    got_lot bigint[];
BEGIN
    SELECT array_agg(s.location_id), array_agg(s.product_id), array_agg(s.lot)
      INTO got_location, got_product, got_lot
      FROM (SELECT b.location_id, b.product_id, coalesce(b.lot_id, 0) AS lot
              FROM stock_balances b
              JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
              LEFT JOIN lots lt ON lt.id = b.lot_id
             WHERE (l.warehouse_id, b.product_id) IN (SELECT * FROM unnest(warehouse_ids, product_ids))
               AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
             ORDER BY b.product_id, b.location_id, b.lot_id
               FOR UPDATE OF b SKIP LOCKED) s;
    -- A new statement, a new snapshot: the rows locked above are read as they are now.
    RETURN QUERY
    SELECT b.location_id, l.warehouse_id, b.product_id, b.lot_id, b.on_hand - b.reserved, l.pick_seq, lt.expires_on,
           g.location_id IS NOT NULL
      FROM stock_balances b
      JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
      LEFT JOIN lots lt ON lt.id = b.lot_id
      LEFT JOIN unnest(got_location, got_product, got_lot) AS g(location_id, product_id, lot_id)
        ON g.location_id = b.location_id AND g.product_id = b.product_id AND g.lot_id = coalesce(b.lot_id, 0)
     WHERE (l.warehouse_id, b.product_id) IN (SELECT * FROM unnest(warehouse_ids, product_ids))
       AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date);
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_try_lock_free_bins(bigint[], bigint[]) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_try_lock_free_bins(bigint[], bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_try_lock_free_bins(bigint[], bigint[]) TO oms_backoffice;

-- +goose Down
DROP FUNCTION oms_try_lock_free_bins(bigint[], bigint[]);
