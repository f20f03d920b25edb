-- The allocator's free bins are found through the balances' product index (oms bench
-- allocate-spread). oms_lock_free_bins and oms_try_lock_free_bins matched balances to the
-- wanted (warehouse, product) pairs by a hash join over every balance row: a sequential scan of
-- stock_balances for each batch, twice in the try-lock form — 30,000 rows in the bench, where
-- the read after the try-lock took three times as long as the locking, and every balance of
-- every warehouse in a real one. They now also say which products, so the planner looks them up
-- in stock_balances_by_product, and sequential scans are off in them as in oms_lock_balances.
-- What they lock, and in which order, is unchanged. oms_try_lock_free_bins then marked each
-- free bin locked or not by joining the keys it had locked to a second read, a nested loop of
-- every bin against every key (its planner misjudged the rows): 13 ms of a 128-order batch's
-- 130. It now returns the bins it locked, as locking read them (the newest version of each), and
-- then every free bin of a plain read, flagged not locked; db/alloc tells them apart by key.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_lock_free_bins(warehouse_ids bigint[], product_ids bigint[])
RETURNS TABLE (location_id bigint, warehouse_id bigint, product_id bigint, lot_id bigint, free bigint,
               pick_seq integer, expires_on date)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
    SELECT b.location_id, l.warehouse_id, b.product_id, b.lot_id, b.on_hand - b.reserved, l.pick_seq, lt.expires_on
      FROM stock_balances b
      JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
      LEFT JOIN lots lt ON lt.id = b.lot_id
     WHERE b.product_id = ANY(product_ids)
       AND (l.warehouse_id, b.product_id) IN (SELECT * FROM unnest(warehouse_ids, product_ids))
       AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
       AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = b.location_id AND f.product_id = b.product_id
                         AND f.resolved_at IS NULL)
     ORDER BY b.product_id, b.location_id, b.lot_id
       FOR UPDATE OF b
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_try_lock_free_bins(warehouse_ids bigint[], product_ids bigint[])
RETURNS TABLE (location_id bigint, warehouse_id bigint, product_id bigint, lot_id bigint, free bigint,
               pick_seq integer, expires_on date, locked boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
BEGIN
    -- The bins it could lock, as they are now: a row another transaction changed since the
    -- statement began is locked in its newest version, checked and returned as that.
    RETURN QUERY
    SELECT b.location_id, l.warehouse_id, b.product_id, b.lot_id, b.on_hand - b.reserved, l.pick_seq, lt.expires_on, true
      FROM stock_balances b
      JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
      LEFT JOIN lots lt ON lt.id = b.lot_id
     WHERE b.product_id = ANY(product_ids)
       AND (l.warehouse_id, b.product_id) IN (SELECT * FROM unnest(warehouse_ids, product_ids))
       AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
       AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = b.location_id AND f.product_id = b.product_id
                         AND f.resolved_at IS NULL)
     ORDER BY b.product_id, b.location_id, b.lot_id
       FOR UPDATE OF b SKIP LOCKED;
    -- Then every free bin, locked above or not: those the first part lacks are another's.
    RETURN QUERY
    SELECT b.location_id, l.warehouse_id, b.product_id, b.lot_id, b.on_hand - b.reserved, l.pick_seq, lt.expires_on, false
      FROM stock_balances b
      JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
      LEFT JOIN lots lt ON lt.id = b.lot_id
     WHERE b.product_id = ANY(product_ids)
       AND (l.warehouse_id, b.product_id) IN (SELECT * FROM unnest(warehouse_ids, product_ids))
       AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
       AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = b.location_id AND f.product_id = b.product_id
                         AND f.resolved_at IS NULL);
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_lock_free_bins(warehouse_ids bigint[], product_ids bigint[])
RETURNS TABLE (location_id bigint, warehouse_id bigint, product_id bigint, lot_id bigint, free bigint,
               pick_seq integer, expires_on date)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT b.location_id, l.warehouse_id, b.product_id, b.lot_id, b.on_hand - b.reserved, l.pick_seq, lt.expires_on
      FROM stock_balances b
      JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
      LEFT JOIN lots lt ON lt.id = b.lot_id
     WHERE (l.warehouse_id, b.product_id) IN (SELECT * FROM unnest(warehouse_ids, product_ids))
       AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
       AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = b.location_id AND f.product_id = b.product_id
                         AND f.resolved_at IS NULL)
     ORDER BY b.product_id, b.location_id, b.lot_id
       FOR UPDATE OF b
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_try_lock_free_bins(warehouse_ids bigint[], product_ids bigint[])
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
       AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = b.location_id AND f.product_id = b.product_id
                         AND f.resolved_at IS NULL)
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
       AND b.on_hand > b.reserved AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
       AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = b.location_id AND f.product_id = b.product_id
                         AND f.resolved_at IS NULL);
END $$;
-- +goose StatementEnd

