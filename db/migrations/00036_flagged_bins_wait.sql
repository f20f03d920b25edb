-- A bin flagged for a count waits for it (issue 13): a short pick says the bin holds less than
-- the books say, so the allocator must not reserve there again until someone has counted it —
-- else the backorder the short made is released at once onto the same empty bin, and the next
-- picker finds it empty too. The free bins the allocator locks (00024, 00030) leave out a
-- product's bins with an open count flag, as db/alloc's reading of free stock does.

-- +goose Up
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
