-- A transfer ships from bins no count flag hangs over (issue 16). A short pick flags a bin
-- because it held less than the books say; the allocator waits for its count (00036), and so
-- must a transfer: oms_transfer_ship chose its bins by the pick path alone, so it could send
-- units off from a bin a picker had just found empty, and the receiving warehouse would find
-- them missing. It now leaves out a product's flagged bins, as the allocator's free bins do;
-- when only flagged bins hold the units, the shipment is refused with the usual sentence
-- ("too little free … more are needed") until the bin is counted.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_transfer_ship(a_transfer bigint, a_lines jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    t transfers := oms_transfer_lock(a_transfer);
    w warehouses;
    want record;
    line transfer_lines;
    b record;
    need bigint;
    take bigint;
    m_line bigint[] := '{}';
    m_product bigint[] := '{}';
    m_lot bigint[] := '{}';
    m_from bigint[] := '{}';
    m_qty bigint[] := '{}';
    total bigint := 0;
BEGIN
    SELECT * INTO w FROM warehouses WHERE id = t.from_warehouse_id;
    IF t.received_at IS NOT NULL THEN
        RAISE EXCEPTION '% was received already: nothing more ships on it', t.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_ship_before_receipt';
    END IF;
    -- Products asked for that the transfer does not carry, or more than it has left to ship.
    SELECT u.sku, u.qty, coalesce(sum(l.qty - l.qty_shipped), 0) AS open, count(l.id) AS lines INTO want
      FROM (SELECT x.product_id, min(x.sku) AS sku, sum(x.qty) AS qty FROM oms_inbound_units(coalesce(a_lines, '[]')) x GROUP BY 1) u
      LEFT JOIN transfer_lines l ON l.transfer_id = t.id AND l.product_id = u.product_id
     GROUP BY u.sku, u.qty HAVING count(l.id) = 0 OR u.qty > coalesce(sum(l.qty - l.qty_shipped), 0) LIMIT 1;
    IF FOUND THEN
        IF want.lines = 0 THEN
            RAISE EXCEPTION '% is not on %', want.sku, t.number USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_product';
        END IF;
        RAISE EXCEPTION '% has % × % left to ship, not %', t.number, want.open, want.sku, want.qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_shipped_in_range';
    END IF;
    FOR line IN SELECT * FROM transfer_lines WHERE transfer_id = t.id AND qty_shipped < qty ORDER BY id LOOP
        IF a_lines IS NULL THEN
            need := line.qty - line.qty_shipped;
        ELSE
            -- What is asked of this product and not yet given to an earlier line of it.
            SELECT coalesce(sum(x.qty), 0) INTO need FROM oms_inbound_units(a_lines) x WHERE x.product_id = line.product_id;
            need := need - coalesce((SELECT sum(q) FROM unnest(m_product, m_qty) AS z(pid, q) WHERE pid = line.product_id), 0);
            need := least(need, line.qty - line.qty_shipped);
        END IF;
        CONTINUE WHEN need <= 0;
        FOR b IN SELECT s.location_id, s.lot_id, s.on_hand - s.reserved AS free
                   FROM stock_balances s JOIN locations l ON l.id = s.location_id
                  WHERE l.warehouse_id = w.id AND l.kind = 'bin' AND l.active AND s.product_id = line.product_id
                    AND (line.lot_id IS NULL OR s.lot_id = line.lot_id) AND s.on_hand - s.reserved > 0
                    AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = s.location_id
                                      AND f.product_id = s.product_id AND f.resolved_at IS NULL)
                  ORDER BY l.pick_seq, l.id, s.lot_id LOOP
            EXIT WHEN need = 0;
            take := least(need, b.free);
            m_line := m_line || line.id;
            m_product := m_product || line.product_id;
            m_lot := m_lot || b.lot_id;
            m_from := m_from || b.location_id;
            m_qty := m_qty || take;
            need := need - take;
            total := total + take;
        END LOOP;
        IF need > 0 THEN
            RAISE EXCEPTION '%''s bins have too little free % for %: % more are needed', w.code,
                oms_stock_item(line.product_id, line.lot_id), t.number, need
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_no_negative_stock';
        END IF;
    END LOOP;
    IF total = 0 THEN
        RAISE EXCEPTION '% has nothing left to ship', t.number USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_shipped_in_range';
    END IF;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, transfer_line_id, note)
    SELECT z.pid, z.lid, z.fid, (SELECT id FROM locations WHERE kind = 'transit' ORDER BY id LIMIT 1), z.q, 'transfer', z.tl,
           format('%s shipped to %s', t.number, (SELECT code FROM warehouses WHERE id = t.to_warehouse_id))
      FROM unnest(m_line, m_product, m_lot, m_from, m_qty) AS z(tl, pid, lid, fid, q)
     ORDER BY z.pid, z.fid, z.lid;
    UPDATE transfers SET shipped_at = coalesce(shipped_at, now()) WHERE id = t.id;
    t := oms_transfer_restatus(t.id);
    RETURN jsonb_build_object('transfer', t.number, 'shipped', total, 'status', t.status);
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_transfer_ship(a_transfer bigint, a_lines jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    t transfers := oms_transfer_lock(a_transfer);
    w warehouses;
    want record;
    line transfer_lines;
    b record;
    need bigint;
    take bigint;
    m_line bigint[] := '{}';
    m_product bigint[] := '{}';
    m_lot bigint[] := '{}';
    m_from bigint[] := '{}';
    m_qty bigint[] := '{}';
    total bigint := 0;
BEGIN
    SELECT * INTO w FROM warehouses WHERE id = t.from_warehouse_id;
    IF t.received_at IS NOT NULL THEN
        RAISE EXCEPTION '% was received already: nothing more ships on it', t.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_ship_before_receipt';
    END IF;
    -- Products asked for that the transfer does not carry, or more than it has left to ship.
    SELECT u.sku, u.qty, coalesce(sum(l.qty - l.qty_shipped), 0) AS open, count(l.id) AS lines INTO want
      FROM (SELECT x.product_id, min(x.sku) AS sku, sum(x.qty) AS qty FROM oms_inbound_units(coalesce(a_lines, '[]')) x GROUP BY 1) u
      LEFT JOIN transfer_lines l ON l.transfer_id = t.id AND l.product_id = u.product_id
     GROUP BY u.sku, u.qty HAVING count(l.id) = 0 OR u.qty > coalesce(sum(l.qty - l.qty_shipped), 0) LIMIT 1;
    IF FOUND THEN
        IF want.lines = 0 THEN
            RAISE EXCEPTION '% is not on %', want.sku, t.number USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_product';
        END IF;
        RAISE EXCEPTION '% has % × % left to ship, not %', t.number, want.open, want.sku, want.qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_shipped_in_range';
    END IF;
    FOR line IN SELECT * FROM transfer_lines WHERE transfer_id = t.id AND qty_shipped < qty ORDER BY id LOOP
        IF a_lines IS NULL THEN
            need := line.qty - line.qty_shipped;
        ELSE
            -- What is asked of this product and not yet given to an earlier line of it.
            SELECT coalesce(sum(x.qty), 0) INTO need FROM oms_inbound_units(a_lines) x WHERE x.product_id = line.product_id;
            need := need - coalesce((SELECT sum(q) FROM unnest(m_product, m_qty) AS z(pid, q) WHERE pid = line.product_id), 0);
            need := least(need, line.qty - line.qty_shipped);
        END IF;
        CONTINUE WHEN need <= 0;
        FOR b IN SELECT s.location_id, s.lot_id, s.on_hand - s.reserved AS free
                   FROM stock_balances s JOIN locations l ON l.id = s.location_id
                  WHERE l.warehouse_id = w.id AND l.kind = 'bin' AND l.active AND s.product_id = line.product_id
                    AND (line.lot_id IS NULL OR s.lot_id = line.lot_id) AND s.on_hand - s.reserved > 0
                  ORDER BY l.pick_seq, l.id, s.lot_id LOOP
            EXIT WHEN need = 0;
            take := least(need, b.free);
            m_line := m_line || line.id;
            m_product := m_product || line.product_id;
            m_lot := m_lot || b.lot_id;
            m_from := m_from || b.location_id;
            m_qty := m_qty || take;
            need := need - take;
            total := total + take;
        END LOOP;
        IF need > 0 THEN
            RAISE EXCEPTION '%''s bins have too little free % for %: % more are needed', w.code,
                oms_stock_item(line.product_id, line.lot_id), t.number, need
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_no_negative_stock';
        END IF;
    END LOOP;
    IF total = 0 THEN
        RAISE EXCEPTION '% has nothing left to ship', t.number USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_shipped_in_range';
    END IF;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, transfer_line_id, note)
    SELECT z.pid, z.lid, z.fid, (SELECT id FROM locations WHERE kind = 'transit' ORDER BY id LIMIT 1), z.q, 'transfer', z.tl,
           format('%s shipped to %s', t.number, (SELECT code FROM warehouses WHERE id = t.to_warehouse_id))
      FROM unnest(m_line, m_product, m_lot, m_from, m_qty) AS z(tl, pid, lid, fid, q)
     ORDER BY z.pid, z.fid, z.lid;
    UPDATE transfers SET shipped_at = coalesce(shipped_at, now()) WHERE id = t.id;
    t := oms_transfer_restatus(t.id);
    RETURN jsonb_build_object('transfer', t.number, 'shipped', total, 'status', t.status);
END $$;
-- +goose StatementEnd
