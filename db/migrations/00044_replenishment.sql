-- Replenishment and reordering (issue 16, db/replenish): pick bins refilled from reserve bins
-- as tasks, and reorder rules per product and warehouse that suggest (and draft) purchase
-- orders.
--
--  * A reserve bin (locations.reserve) stores stock that is not picked from by plan; allocation
--    still reserves from any bin, so a reserve's free stock is its on hand less what is reserved
--    there. A pick bin has levels per product (bin_levels: min < max), set by the stock role.
--  * oms_replenish_raise makes a task per reserve bin (and lot) used for each pick bin at or
--    below its min with no open task: max − on hand, from the reserves' free stock not promised
--    to an open task already, the earliest expiry first, then the pick path. Tasks are claimed
--    one at a time under a lease like count tasks (FOR UPDATE SKIP LOCKED) and confirmed by
--    scanning both bins: a transfer movement in the ledger, never more than the task's units or
--    the reserve's free stock. Nobody writes a level or a task directly.
--  * reorder_rules (the back office's, through oms_reorder_rule_set): a point, a quantity, the
--    lead time in days and a supplier. The suggestion is a read-only query in db/replenish.

-- +goose Up

ALTER TABLE locations ADD COLUMN reserve boolean NOT NULL DEFAULT false;
ALTER TABLE locations ADD CONSTRAINT locations_reserve_bin CHECK (NOT reserve OR kind = 'bin');
CREATE INDEX locations_reserve_bins ON locations (warehouse_id, pick_seq, id) WHERE reserve;

CREATE TABLE bin_levels (
    location_id  bigint NOT NULL REFERENCES locations,
    product_id   bigint NOT NULL REFERENCES products,
    min_qty      integer NOT NULL,
    max_qty      integer NOT NULL,
    updated_by   text NOT NULL DEFAULT oms_actor(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (location_id, product_id),
    CONSTRAINT bin_levels_min_below_max CHECK (0 <= min_qty AND min_qty < max_qty)
);

CREATE TABLE replenish_tasks (
    id                bigserial PRIMARY KEY,
    warehouse_id      bigint NOT NULL REFERENCES warehouses,
    from_location_id  bigint NOT NULL REFERENCES locations,   -- a reserve bin
    to_location_id    bigint NOT NULL REFERENCES locations,   -- the pick bin
    product_id        bigint NOT NULL REFERENCES products,
    lot_id            bigint,
    qty               integer NOT NULL CHECK (qty > 0),
    status            text NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'claimed', 'done', 'cancelled')),
    pick_seq          integer NOT NULL DEFAULT 0,             -- the reserve's, the order tasks are handed out in
    claimed_by        bigint REFERENCES staff,
    lease_expires_at  timestamptz,
    done_by           bigint REFERENCES staff,
    done_at           timestamptz,
    qty_moved         integer,
    movement_id       bigint REFERENCES stock_movements,
    raised_by         text NOT NULL DEFAULT oms_actor(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    change_xid        xid8,
    FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id),
    CHECK (from_location_id <> to_location_id),
    CONSTRAINT replenish_tasks_claimed CHECK (status <> 'claimed' OR (claimed_by IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CONSTRAINT replenish_tasks_done CHECK ((status = 'done') = (done_by IS NOT NULL AND movement_id IS NOT NULL)),
    CONSTRAINT replenish_tasks_qty_moved CHECK (qty_moved IS NULL OR qty_moved BETWEEN 1 AND qty)
);
CREATE INDEX replenish_tasks_ready ON replenish_tasks (warehouse_id, pick_seq, id) WHERE status = 'ready';
CREATE INDEX replenish_tasks_claimed ON replenish_tasks (warehouse_id, lease_expires_at) WHERE status = 'claimed';
CREATE INDEX replenish_tasks_open_to ON replenish_tasks (to_location_id, product_id) WHERE status IN ('ready', 'claimed');
CREATE INDEX replenish_tasks_open_from ON replenish_tasks (from_location_id, product_id) WHERE status IN ('ready', 'claimed');
CREATE INDEX replenish_tasks_changes ON replenish_tasks (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER replenish_tasks_stamp BEFORE INSERT OR UPDATE ON replenish_tasks
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

CREATE TABLE reorder_rules (
    warehouse_id   bigint NOT NULL REFERENCES warehouses,
    product_id     bigint NOT NULL REFERENCES products,
    reorder_point  integer NOT NULL CHECK (reorder_point >= 0),
    reorder_qty    integer NOT NULL CHECK (reorder_qty > 0),
    lead_days      integer NOT NULL CHECK (lead_days BETWEEN 0 AND 365),
    supplier_id    bigint REFERENCES suppliers,
    updated_by     text NOT NULL DEFAULT oms_actor(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (warehouse_id, product_id)
);

-- Shipments of a warehouse in the last weeks (the reorder suggestion's demand): the ship
-- movements, found by product and time.
CREATE INDEX stock_movements_shipped ON stock_movements (product_id, at) WHERE kind = 'ship';

-- ───────────────────────────── bin levels ─────────────────────────────

-- Sets a pick bin's min and max for a product (the stock role's); max 0 deletes them. Answers
-- {"bin", "sku", "min", "max"} (max 0 when deleted).
-- +goose StatementBegin
CREATE FUNCTION oms_bin_level_set(a_warehouse text, a_bin text, a_scan text, a_min integer, a_max integer) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    w warehouses := oms_inbound_warehouse(a_warehouse);
    loc locations := oms_inbound_location(w, a_bin, ARRAY['bin']);
    p products := oms_inbound_product(a_scan);
BEGIN
    IF a_max = 0 THEN
        DELETE FROM bin_levels WHERE location_id = loc.id AND product_id = p.id;
        RETURN jsonb_build_object('bin', loc.code, 'sku', p.sku, 'min', 0, 'max', 0);
    END IF;
    IF loc.reserve THEN
        RAISE EXCEPTION '% at % is a reserve bin: levels are for pick bins, which reserves refill', loc.code, w.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bin_levels_pick_bin';
    END IF;
    IF a_min IS NULL OR a_max IS NULL OR a_min < 0 OR a_min >= a_max THEN
        RAISE EXCEPTION 'a bin''s min is 0 or more and below its max: not min % and max % for % at %',
            coalesce(a_min::text, 'none'), coalesce(a_max::text, 'none'), p.sku, loc.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bin_levels_min_below_max';
    END IF;
    INSERT INTO bin_levels (location_id, product_id, min_qty, max_qty, updated_by)
    VALUES (loc.id, p.id, a_min, a_max, me.login)
    ON CONFLICT (location_id, product_id) DO UPDATE
       SET min_qty = EXCLUDED.min_qty, max_qty = EXCLUDED.max_qty, updated_by = EXCLUDED.updated_by, updated_at = now();
    RETURN jsonb_build_object('bin', loc.code, 'sku', p.sku, 'min', a_min, 'max', a_max);
END $$;
-- +goose StatementEnd

-- ───────────────────────────── replenishment tasks ─────────────────────────────

-- A task as the handheld shows it.
-- +goose StatementBegin
CREATE FUNCTION oms_replenish_task_json(task bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_object('id', t.id, 'warehouse', w.code, 'from', f.code, 'from_barcode', coalesce(f.barcode, ''),
                              'to', d.code, 'to_barcode', coalesce(d.barcode, ''), 'sku', p.sku, 'name', p.name,
                              'lot', coalesce(lo.lot_code, ''), 'qty', t.qty, 'status', t.status,
                              'claimed_by', coalesce(s.login, ''), 'lease_expires_at', t.lease_expires_at,
                              'qty_moved', coalesce(t.qty_moved, 0))
      FROM replenish_tasks t JOIN warehouses w ON w.id = t.warehouse_id
      JOIN locations f ON f.id = t.from_location_id JOIN locations d ON d.id = t.to_location_id
      JOIN products p ON p.id = t.product_id LEFT JOIN lots lo ON lo.id = t.lot_id
      LEFT JOIN staff s ON s.id = t.claimed_by
     WHERE t.id = task
$$;
-- +goose StatementEnd

-- Raises the tasks a warehouse's pick bins need: for each bin level whose pick bin holds at
-- most its min and has no open task, max − on hand from the reserve bins' free stock (on hand
-- less reserved less what open tasks take from them already), the earliest expiry first, then
-- the pick path; a task per reserve bin and lot used. Expired lots stay where they are. The
-- warehouse's levels are locked first, so two raisers take turns and the second sees the
-- first's tasks. Answers {"tasks", "units", "short": [{"bin", "sku", "missing"}]}.
-- +goose StatementBegin
CREATE FUNCTION oms_replenish_raise(a_warehouse text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    w warehouses := oms_inbound_warehouse(a_warehouse);
    lv record;
    src record;
    need bigint;
    take bigint;
    tasks integer := 0;
    units bigint := 0;
    short jsonb := '[]';
BEGIN
    PERFORM 1 FROM bin_levels bl JOIN locations l ON l.id = bl.location_id
     WHERE l.warehouse_id = w.id ORDER BY bl.location_id, bl.product_id FOR NO KEY UPDATE OF bl;
    FOR lv IN SELECT bl.location_id, bl.product_id, bl.min_qty, bl.max_qty, l.code AS bin, p.sku,
                     coalesce((SELECT sum(b.on_hand) FROM stock_balances b
                                WHERE b.location_id = bl.location_id AND b.product_id = bl.product_id), 0) AS on_hand
                FROM bin_levels bl JOIN locations l ON l.id = bl.location_id JOIN products p ON p.id = bl.product_id
               WHERE l.warehouse_id = w.id AND l.active AND NOT l.reserve
                 AND NOT EXISTS (SELECT 1 FROM replenish_tasks t WHERE t.to_location_id = bl.location_id
                                    AND t.product_id = bl.product_id AND t.status IN ('ready', 'claimed'))
               ORDER BY l.pick_seq, l.id, bl.product_id LOOP
        CONTINUE WHEN lv.on_hand > lv.min_qty;
        need := lv.max_qty - lv.on_hand;
        FOR src IN SELECT b.location_id, b.lot_id, l.pick_seq,
                          b.on_hand - b.reserved
                          - coalesce((SELECT sum(t.qty) FROM replenish_tasks t
                                       WHERE t.from_location_id = b.location_id AND t.product_id = b.product_id
                                         AND t.lot_id IS NOT DISTINCT FROM b.lot_id AND t.status IN ('ready', 'claimed')), 0) AS free
                     FROM stock_balances b JOIN locations l ON l.id = b.location_id LEFT JOIN lots lo ON lo.id = b.lot_id
                    WHERE l.warehouse_id = w.id AND l.kind = 'bin' AND l.reserve AND l.active
                      AND b.product_id = lv.product_id AND b.on_hand - b.reserved > 0
                      AND (lo.expires_on IS NULL OR lo.expires_on >= current_date)
                    ORDER BY lo.expires_on NULLS LAST, l.pick_seq, l.id, b.lot_id NULLS FIRST LOOP
            EXIT WHEN need <= 0;
            CONTINUE WHEN src.free <= 0;
            take := least(need, src.free);
            INSERT INTO replenish_tasks (warehouse_id, from_location_id, to_location_id, product_id, lot_id, qty, pick_seq, raised_by)
            VALUES (w.id, src.location_id, lv.location_id, lv.product_id, src.lot_id, take, src.pick_seq, me.login);
            tasks := tasks + 1;
            units := units + take;
            need := need - take;
        END LOOP;
        IF need > 0 THEN
            short := short || jsonb_build_object('bin', lv.bin, 'sku', lv.sku, 'missing', need);
        END IF;
    END LOOP;
    RETURN jsonb_build_object('tasks', tasks, 'units', units, 'short', short);
END $$;
-- +goose StatementEnd

-- Hands the caller the next task of a warehouse under a lease: their own claimed task first,
-- then one whose lease ran out, then the first ready one on the reserves' pick path. FOR NO KEY
-- UPDATE SKIP LOCKED, so two replenishers asking at once get different tasks and never wait on
-- each other. Answers the task (oms_replenish_task_json), or null when there is none.
-- +goose StatementBegin
CREATE FUNCTION oms_replenish_claim(a_warehouse text, lease interval) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    w warehouses := oms_inbound_warehouse(a_warehouse);
    t replenish_tasks;
BEGIN
    IF lease IS NULL OR lease <= interval '0' OR lease > interval '1 day' THEN
        RAISE EXCEPTION 'a lease is longer than nothing and at most a day, not %', coalesce(lease::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'replenish_tasks_lease';
    END IF;
    SELECT * INTO t FROM replenish_tasks WHERE claimed_by = me.id AND status = 'claimed' AND warehouse_id = w.id
     ORDER BY id LIMIT 1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        SELECT * INTO t FROM replenish_tasks
         WHERE status = 'claimed' AND warehouse_id = w.id AND lease_expires_at < now()
         ORDER BY lease_expires_at LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
    END IF;
    IF NOT FOUND THEN
        SELECT * INTO t FROM replenish_tasks WHERE status = 'ready' AND warehouse_id = w.id
         ORDER BY pick_seq, id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
    END IF;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE replenish_tasks SET status = 'claimed', claimed_by = me.id, lease_expires_at = now() + lease WHERE id = t.id;
    RETURN oms_replenish_task_json(t.id);
END $$;
-- +goose StatementEnd

-- Cancels a task that cannot be done (its reserve turned out empty, the pick bin moved): a ready
-- one, the caller's own claimed one, or one whose lease ran out. Raising may then make another.
-- +goose StatementBegin
CREATE FUNCTION oms_replenish_cancel(a_task bigint) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    t replenish_tasks;
BEGIN
    SELECT * INTO t FROM replenish_tasks WHERE id = a_task FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no replenishment task %', a_task USING ERRCODE = 'no_data_found';
    END IF;
    IF t.status IN ('done', 'cancelled') THEN
        RAISE EXCEPTION 'replenishment task % is % already', t.id, t.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'replenish_tasks_open';
    END IF;
    IF t.status = 'claimed' AND t.claimed_by <> me.id AND t.lease_expires_at > now() THEN
        RAISE EXCEPTION 'replenishment task % is being done by %', t.id, (SELECT name FROM staff WHERE id = t.claimed_by)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'replenish_tasks_claimed';
    END IF;
    UPDATE replenish_tasks SET status = 'cancelled', claimed_by = NULL, lease_expires_at = NULL WHERE id = t.id;
    RETURN oms_replenish_task_json(t.id);
END $$;
-- +goose StatementEnd

-- Confirms a task: the scans name its reserve bin and its pick bin (code or barcode), and qty
-- units (at most the task's, and the reserve's free stock) move from the one to the other in a
-- transfer movement; the task is done. A task another replenisher holds under a live lease is
-- theirs. Answers the task with {"on_hand"}: what the pick bin holds now.
-- +goose StatementBegin
CREATE FUNCTION oms_replenish_confirm(a_task bigint, a_from text, a_to text, a_qty integer) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    t replenish_tasks;
    src locations;
    dst locations;
    p products;
    who text;
    free bigint;
    mv bigint;
    held bigint;
BEGIN
    SELECT * INTO t FROM replenish_tasks WHERE id = a_task FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no replenishment task %', a_task USING ERRCODE = 'no_data_found';
    END IF;
    SELECT * INTO src FROM locations WHERE id = t.from_location_id;
    SELECT * INTO dst FROM locations WHERE id = t.to_location_id;
    SELECT * INTO p FROM products WHERE id = t.product_id;
    IF t.status IN ('done', 'cancelled') THEN
        SELECT coalesce(s.name, s.login) INTO who FROM staff s WHERE s.id = t.done_by;
        RAISE EXCEPTION 'replenishment task % was % already%', t.id, t.status, coalesce(' by ' || who, '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'replenish_tasks_open';
    END IF;
    IF t.status = 'claimed' AND t.claimed_by <> me.id AND t.lease_expires_at >= now() THEN
        SELECT coalesce(s.name, s.login) INTO who FROM staff s WHERE s.id = t.claimed_by;
        RAISE EXCEPTION 'replenishment task % is %''s until %', t.id, who, to_char(t.lease_expires_at, 'HH24:MI')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT (upper(btrim(coalesce(a_from, ''))) = src.code OR btrim(a_from) IS NOT DISTINCT FROM src.barcode) THEN
        RAISE EXCEPTION 'replenishment task % takes % from %, not from "%"', t.id, oms_stock_item(t.product_id, t.lot_id),
            src.code, coalesce(btrim(a_from), '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'replenish_tasks_from_scan';
    END IF;
    IF NOT (upper(btrim(coalesce(a_to, ''))) = dst.code OR btrim(a_to) IS NOT DISTINCT FROM dst.barcode) THEN
        RAISE EXCEPTION 'replenishment task % fills %, not "%"', t.id, dst.code, coalesce(btrim(a_to), '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'replenish_tasks_to_scan';
    END IF;
    IF a_qty IS NULL OR a_qty < 1 OR a_qty > t.qty THEN
        RAISE EXCEPTION 'replenishment task % moves 1 to % × %, not %', t.id, t.qty, p.sku, coalesce(a_qty::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'replenish_tasks_qty_moved';
    END IF;
    SELECT coalesce(sum(b.on_hand - b.reserved), 0) INTO free FROM stock_balances b
     WHERE b.location_id = src.id AND b.product_id = t.product_id AND b.lot_id IS NOT DISTINCT FROM t.lot_id;
    IF a_qty > free THEN
        RAISE EXCEPTION '% has % × % free (on hand less reserved), not %: move what is free', src.code, free,
            oms_stock_item(t.product_id, t.lot_id), a_qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_reserved_in_range';
    END IF;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, scan, note)
    VALUES (t.product_id, t.lot_id, src.id, dst.id, a_qty, 'transfer', coalesce(btrim(a_to), ''),
            format('replenishment task %s: %s → %s', t.id, src.code, dst.code))
    RETURNING id INTO mv;
    UPDATE replenish_tasks SET status = 'done', claimed_by = coalesce(claimed_by, me.id), done_by = me.id, done_at = now(),
           qty_moved = a_qty, movement_id = mv
     WHERE id = t.id;
    SELECT coalesce(sum(on_hand), 0) INTO held FROM stock_balances WHERE location_id = dst.id AND product_id = t.product_id;
    RETURN oms_replenish_task_json(t.id) || jsonb_build_object('on_hand', held);
END $$;
-- +goose StatementEnd

-- ───────────────────────────── reorder rules ─────────────────────────────

-- Sets a product's reorder rule at a warehouse (the back office's): the point, the quantity,
-- the lead time in days and the supplier (optional; null keeps none). A quantity of 0 deletes
-- the rule. Answers {"warehouse", "sku", "point", "qty", "lead_days", "supplier"}.
-- +goose StatementBegin
CREATE FUNCTION oms_reorder_rule_set(a_warehouse text, a_scan text, a_point integer, a_qty integer, a_lead_days integer,
                                     a_supplier text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('backoffice');
    w warehouses := oms_inbound_warehouse(a_warehouse);
    p products := oms_inbound_product(a_scan);
    s suppliers;
BEGIN
    IF a_qty = 0 THEN
        DELETE FROM reorder_rules WHERE warehouse_id = w.id AND product_id = p.id;
        RETURN jsonb_build_object('warehouse', w.code, 'sku', p.sku, 'point', 0, 'qty', 0, 'lead_days', 0, 'supplier', '');
    END IF;
    IF a_point IS NULL OR a_point < 0 OR a_qty IS NULL OR a_qty < 0 OR a_lead_days IS NULL OR a_lead_days NOT BETWEEN 0 AND 365 THEN
        RAISE EXCEPTION 'a reorder rule has a point of 0 or more, a quantity of 1 or more and a lead time of 0 to 365 days: not point %, quantity %, % days for % at %',
            coalesce(a_point::text, 'none'), coalesce(a_qty::text, 'none'), coalesce(a_lead_days::text, 'no'), p.sku, w.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'reorder_rules_values';
    END IF;
    IF nullif(btrim(a_supplier), '') IS NOT NULL THEN
        SELECT * INTO s FROM suppliers WHERE code = upper(btrim(a_supplier)) AND active;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'there is no supplier %: add it with oms suppliers add', upper(btrim(a_supplier))
                USING ERRCODE = 'no_data_found';
        END IF;
    END IF;
    INSERT INTO reorder_rules (warehouse_id, product_id, reorder_point, reorder_qty, lead_days, supplier_id, updated_by)
    VALUES (w.id, p.id, a_point, a_qty, a_lead_days, s.id, me.login)
    ON CONFLICT (warehouse_id, product_id) DO UPDATE
       SET reorder_point = EXCLUDED.reorder_point, reorder_qty = EXCLUDED.reorder_qty, lead_days = EXCLUDED.lead_days,
           supplier_id = EXCLUDED.supplier_id, updated_by = EXCLUDED.updated_by, updated_at = now();
    RETURN jsonb_build_object('warehouse', w.code, 'sku', p.sku, 'point', a_point, 'qty', a_qty, 'lead_days', a_lead_days,
                              'supplier', coalesce(s.code, ''));
END $$;
-- +goose StatementEnd

-- ───────────────────────────── owners and grants ─────────────────────────────

ALTER TABLE bin_levels OWNER TO oms_owner;
ALTER TABLE replenish_tasks OWNER TO oms_owner;
ALTER TABLE reorder_rules OWNER TO oms_owner;
-- Levels, tasks and rules are read by those who plan and do the work; every write goes
-- through the functions.
GRANT SELECT ON bin_levels, replenish_tasks, reorder_rules TO oms_stock, oms_backoffice, oms_admin;
-- +goose StatementBegin
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace
                AND (p.proname LIKE 'oms\_replenish\_%' OR p.proname = 'oms_bin_level_set' OR p.proname LIKE 'oms\_reorder\_%') LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO oms_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION oms_bin_level_set(text, text, text, integer, integer), oms_replenish_raise(text),
    oms_replenish_claim(text, interval), oms_replenish_confirm(bigint, text, text, integer), oms_replenish_cancel(bigint) TO oms_stock;
GRANT EXECUTE ON FUNCTION oms_reorder_rule_set(text, text, integer, integer, integer, text) TO oms_backoffice;

-- +goose Down
DROP FUNCTION oms_reorder_rule_set(text, text, integer, integer, integer, text);
DROP FUNCTION oms_replenish_cancel(bigint);
DROP FUNCTION oms_replenish_confirm(bigint, text, text, integer);
DROP FUNCTION oms_replenish_claim(text, interval);
DROP FUNCTION oms_replenish_raise(text);
DROP FUNCTION oms_replenish_task_json(bigint);
DROP FUNCTION oms_bin_level_set(text, text, text, integer, integer);
DROP INDEX stock_movements_shipped;
DROP TABLE reorder_rules, replenish_tasks, bin_levels;
DROP INDEX locations_reserve_bins;
ALTER TABLE locations DROP CONSTRAINT locations_reserve_bin, DROP COLUMN reserve;
