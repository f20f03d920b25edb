-- Cheaper picks (BM5, scan-confirm): a confirmed scan did the same rules' work with more
-- statements, plans, balance passes and round trips than it needs. Measured per confirm, one
-- picker (pg_stat_statements with track_planning, pg_stat_user_functions, perf): of 3.9 ms in
-- oms_pick_confirm, the 'pick' movement's triggers took 2.7 ms — three lock-and-add passes over
-- stock_balances, four statements on reservations each firing the balance and pick-task
-- triggers even when they changed nothing, the order's status derived again after every unit —
-- and 0.7 ms went to planning: statements over a plpgsql array were planned again on every call
-- (a plan for the call's own array looked cheaper than the generic one), and the key's lookup
-- had settled on a generic plan made while idempotency_keys was one page, so it read the whole
-- table on every scan.
--
--  * The reservations a line movement carries change per (line, place, lot) by their net
--    amount, in at most one DELETE, one UPDATE and one INSERT, each run only when it has rows.
--    When the places the stock leaves keep what is reserved there without the units this
--    movement releases, the movement's balance pass runs first and the reservations that shrink
--    and grow follow in one statement: a pick of part of a reservation into a packing
--    reservation that exists costs two balance passes, not three. Otherwise the order stays
--    release, move, reserve, which a fully reserved bin needs. The same passes and triggers
--    check every rule.
--  * oms_lock_balances takes rows that come at or before what the transaction holds in one
--    statement when each is free or already its own (exactly what SKIP LOCKED takes), instead
--    of one call per row.
--  * The ledger's passes (oms_apply_movements, oms_lock_balances, oms_add_to_balances) and the
--    confirm use generic plans (plan_cache_mode), the confirm pinned to indexes.
--  * stock_balances_kept runs its function only for a writer who is not the owner: every row the
--    ledger writes is written by the owner, and the guard's oms_is_owner query cost more than the
--    row's update.
--  * An order's status is derived again only for lines whose change can move it. A line whose
--    picked units stay strictly between none and all of its open units, with none of its other
--    quantities changed, leaves every comparison oms_derive_status makes where it was (the
--    order's picked units stay above 0 and below its open units, whatever its other lines
--    hold, so a concurrent change of another line derives the same status with or without this
--    one): its order is neither locked nor derived again, unless it has no warehouse yet. The
--    trigger sees the old rows for that.
--  * oms_pick_confirm has a keyed form that claims the scan's key, replays it or applies the pick
--    in one call, storing the answer with the key in one INSERT: one statement from the client
--    instead of three, and one write of the key instead of two. The key is read after the task's
--    order line is locked, which a concurrent run of the same scan holds until it ends; a key
--    another command took meanwhile is a serialization failure, rerun by db.InTx, which then
--    finds it. The unkeyed pick is oms_pick_apply, which the first form still wraps.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_apply_movements() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    deltas oms_balance_delta[];
    bad record;
    for_lines boolean;
    moving_first boolean;
    -- The reservations the movements change, by their net amount: emptied (deleted), shrunk or
    -- grown (updated by delta) and new.
    gone bigint[];
    shrunk bigint[];
    shrunk_by bigint[];
    grown bigint[];
    grown_by bigint[];
    new_line bigint[];
    new_location bigint[];
    new_product bigint[];
    new_lot bigint[];
    new_qty bigint[];
BEGIN
    SELECT m.product_id, p.sku INTO bad
      FROM moved m JOIN products p ON p.id = m.product_id
     WHERE m.lot_id IS NULL AND p.lot_tracked LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is lot-tracked: a movement of it must say which lot moves', bad.sku
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_lot_required';
    END IF;

    SELECT array_agg(ROW(product_id, location_id, lot_id, delta, 0)::oms_balance_delta
                     ORDER BY product_id, location_id, coalesce(lot_id, 0)),
           (SELECT bool_or(order_line_id IS NOT NULL) FROM moved)
      INTO deltas, for_lines
      FROM (SELECT d.product_id, d.location_id, d.lot_id, sum(d.delta)::bigint AS delta
              FROM (SELECT product_id, from_location_id AS location_id, lot_id, -qty AS delta FROM moved
                    UNION ALL
                    SELECT product_id, to_location_id, lot_id, qty FROM moved) d
              JOIN locations l ON l.id = d.location_id AND NOT l.is_virtual
             GROUP BY 1, 2, 3) s;
    -- Lock order: order lines, then balances, then reservations, then orders (whose status the
    -- lines' new quantities move). Every command that touches a line's reservations locks the
    -- line first (see db/stock), so two transactions only meet on a reservation, a balance's
    -- reserved or an order after meeting on its line, and never wait on each other in a circle.
    IF for_lines THEN
        PERFORM 1 FROM order_lines WHERE id IN (SELECT order_line_id FROM moved) ORDER BY id FOR NO KEY UPDATE;
    END IF;
    IF deltas IS NOT NULL THEN
        PERFORM oms_lock_balances(deltas);
    END IF;
    IF NOT for_lines THEN
        IF deltas IS NOT NULL THEN
            PERFORM oms_add_to_balances(deltas);
        END IF;
        RETURN NULL;
    END IF;

    -- What each kind means for an order line decides where it may go.
    SELECT m.kind, o.number, ol.line_no, m.from_location_id, m.to_location_id INTO bad
      FROM moved m JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
      JOIN order_lines ol ON ol.id = m.order_line_id JOIN orders o ON o.id = ol.order_id
     WHERE NOT CASE m.kind
               WHEN 'ship' THEN NOT f.is_virtual AND t.kind = 'customer'
               WHEN 'return' THEN f.kind = 'customer' AND NOT t.is_virtual
               WHEN 'pick' THEN NOT f.is_virtual AND NOT t.is_virtual
               WHEN 'unpick' THEN NOT f.is_virtual AND NOT t.is_virtual
               ELSE true END
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'a % movement for order % line % cannot go from % to %', bad.kind, bad.number,
            bad.line_no, oms_place(bad.from_location_id), oms_place(bad.to_location_id)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_kind_for_line',
                  HINT = 'pick and unpick move between real locations, ship goes to a customer, return comes from one';
    END IF;
    -- Release what leaves a real location: the line must hold that much reserved there.
    SELECT o.number, ol.line_no, w.location_id, w.product_id, w.lot_id, w.qty, coalesce(r.qty, 0) AS held INTO bad
      FROM (SELECT m.order_line_id, m.from_location_id AS location_id, m.product_id, m.lot_id, sum(m.qty) AS qty
              FROM moved m JOIN locations f ON f.id = m.from_location_id
             WHERE m.order_line_id IS NOT NULL AND NOT f.is_virtual GROUP BY 1, 2, 3, 4) w
      JOIN order_lines ol ON ol.id = w.order_line_id JOIN orders o ON o.id = ol.order_id
      LEFT JOIN reservations r ON r.order_line_id = w.order_line_id AND r.location_id = w.location_id
                              AND r.lot_id IS NOT DISTINCT FROM w.lot_id
     WHERE coalesce(r.qty, 0) < w.qty LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'order % line % holds % × % reserved at %, and the movement takes %: reserve it there first',
            bad.number, bad.line_no, bad.held, oms_stock_item(bad.product_id, bad.lot_id), oms_place(bad.location_id), bad.qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'reservations_follow_stock';
    END IF;

    -- Each reservation a line's units leave (from a real location) or reach (a real location,
    -- from a real one), by its net change. The lines are locked, so these rows stay as read.
    WITH carried AS (
            SELECT m.order_line_id, m.from_location_id AS location_id, m.product_id, m.lot_id, -m.qty AS qty
              FROM moved m JOIN locations f ON f.id = m.from_location_id
             WHERE m.order_line_id IS NOT NULL AND NOT f.is_virtual
            UNION ALL
            SELECT m.order_line_id, m.to_location_id, m.product_id, m.lot_id, m.qty
              FROM moved m JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
             WHERE m.order_line_id IS NOT NULL AND NOT f.is_virtual AND NOT t.is_virtual),
         net AS (
            SELECT order_line_id, location_id, product_id, lot_id, sum(qty)::bigint AS qty
              FROM carried GROUP BY 1, 2, 3, 4 HAVING sum(qty) <> 0)
    SELECT array_agg(r.id) FILTER (WHERE r.qty + n.qty = 0),
           array_agg(r.id) FILTER (WHERE n.qty < 0 AND r.qty + n.qty > 0),
           array_agg(n.qty) FILTER (WHERE n.qty < 0 AND r.qty + n.qty > 0),
           array_agg(r.id) FILTER (WHERE n.qty > 0 AND r.id IS NOT NULL),
           array_agg(n.qty) FILTER (WHERE n.qty > 0 AND r.id IS NOT NULL),
           array_agg(n.order_line_id) FILTER (WHERE r.id IS NULL),
           array_agg(n.location_id) FILTER (WHERE r.id IS NULL),
           array_agg(n.product_id) FILTER (WHERE r.id IS NULL),
           array_agg(n.lot_id) FILTER (WHERE r.id IS NULL),
           array_agg(n.qty) FILTER (WHERE r.id IS NULL)
      INTO gone, shrunk, shrunk_by, grown, grown_by, new_line, new_location, new_product, new_lot, new_qty
      FROM net n
      LEFT JOIN reservations r ON r.order_line_id = n.order_line_id AND r.location_id = n.location_id
                              AND r.lot_id IS NOT DISTINCT FROM n.lot_id;

    -- The movement may go first when every place it takes from keeps what is reserved there
    -- without the reservations it releases (the balances are locked): then the reservations
    -- that shrink and grow change in one statement, one balance pass. Else release first.
    moving_first := deltas IS NULL OR NOT EXISTS (
        SELECT 1 FROM unnest(deltas) AS d
          JOIN stock_balances b ON b.product_id = d.product_id AND b.location_id = d.location_id
                               AND b.lot_id IS NOT DISTINCT FROM d.lot_id
         WHERE d.on_hand < 0 AND b.on_hand + d.on_hand < b.reserved);
    IF moving_first AND deltas IS NOT NULL THEN
        PERFORM oms_add_to_balances(deltas);
    END IF;
    IF gone IS NOT NULL THEN
        DELETE FROM reservations WHERE id = ANY (gone);
    END IF;
    IF moving_first AND coalesce(shrunk, grown) IS NOT NULL THEN
        UPDATE reservations r SET qty = r.qty + c.qty
          FROM unnest(coalesce(shrunk, '{}') || coalesce(grown, '{}'), coalesce(shrunk_by, '{}') || coalesce(grown_by, '{}'))
               AS c(id, qty)
         WHERE r.id = c.id;
    ELSIF NOT moving_first THEN
        IF shrunk IS NOT NULL THEN
            UPDATE reservations r SET qty = r.qty + c.qty FROM unnest(shrunk, shrunk_by) AS c(id, qty) WHERE r.id = c.id;
        END IF;
        IF deltas IS NOT NULL THEN
            PERFORM oms_add_to_balances(deltas);
        END IF;
        IF grown IS NOT NULL THEN
            UPDATE reservations r SET qty = r.qty + c.qty FROM unnest(grown, grown_by) AS c(id, qty) WHERE r.id = c.id;
        END IF;
    END IF;
    IF new_line IS NOT NULL THEN
        INSERT INTO reservations (order_line_id, location_id, product_id, lot_id, qty)
        SELECT * FROM unnest(new_line, new_location, new_product, new_lot, new_qty);
    END IF;

    UPDATE order_lines ol
       SET qty_picked = ol.qty_picked + s.picked, qty_shipped = ol.qty_shipped + s.shipped,
           qty_returned = ol.qty_returned + s.returned
      FROM (SELECT order_line_id,
                   sum(CASE kind WHEN 'pick' THEN qty WHEN 'unpick' THEN -qty ELSE 0 END) AS picked,
                   sum(CASE kind WHEN 'ship' THEN qty ELSE 0 END) AS shipped,
                   sum(CASE kind WHEN 'return' THEN qty ELSE 0 END) AS returned
              FROM moved
             WHERE order_line_id IS NOT NULL AND kind IN ('pick', 'unpick', 'ship', 'return')
             GROUP BY 1) s
     WHERE ol.id = s.order_line_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_lock_balances(deltas oms_balance_delta[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    held text := nullif(current_setting('oms.balance_lock_max', true), '');
    max_key bigint[];
    k oms_balance_delta;
    key bigint[];
    in_order boolean;
    locked bigint;
BEGIN
    IF held IS NOT NULL THEN
        max_key := string_to_array(held, ':')::bigint[];
    END IF;
    k := deltas[1];
    IF max_key IS NULL OR ARRAY[k.product_id, k.location_id, coalesce(k.lot_id, 0)] > max_key THEN
        -- All of them at once when they all come after what this transaction holds and all exist.
        SELECT count(*) INTO locked FROM (
            SELECT 1 FROM stock_balances b
              JOIN unnest(deltas) AS d ON b.product_id = d.product_id AND b.location_id = d.location_id
                                      AND b.lot_id IS NOT DISTINCT FROM d.lot_id
             ORDER BY b.product_id, b.location_id, coalesce(b.lot_id, 0)
               FOR UPDATE OF b) s;
    ELSE
        -- Some come at or before what it holds, so none may be waited for: all at once when each
        -- is free or already its own (a later pass of the same movement over the same rows),
        -- which is exactly what SKIP LOCKED takes.
        SELECT count(*) INTO locked FROM (
            SELECT 1 FROM stock_balances b
              JOIN unnest(deltas) AS d ON b.product_id = d.product_id AND b.location_id = d.location_id
                                      AND b.lot_id IS NOT DISTINCT FROM d.lot_id
             ORDER BY b.product_id, b.location_id, coalesce(b.lot_id, 0)
               FOR UPDATE OF b SKIP LOCKED) s;
    END IF;
    IF locked = cardinality(deltas) THEN
        k := deltas[cardinality(deltas)];
        key := ARRAY[k.product_id, k.location_id, coalesce(k.lot_id, 0)];
        IF max_key IS NULL OR key > max_key THEN
            PERFORM set_config('oms.balance_lock_max', array_to_string(key, ':'), true);
        END IF;
        RETURN;
    END IF;
    FOREACH k IN ARRAY deltas LOOP
        key := ARRAY[k.product_id, k.location_id, coalesce(k.lot_id, 0)];
        in_order := max_key IS NULL OR key > max_key;
        IF in_order THEN
            max_key := key;
        END IF;
        IF oms_take_balance(k, in_order) THEN
            CONTINUE;
        END IF;
        -- No row yet: create it at zero. Another transaction creating the same row makes this
        -- one wait for it, which out of order could close a cycle; so out of order, wait only
        -- briefly.
        IF in_order THEN
            INSERT INTO stock_balances (location_id, location_virtual, product_id, lot_id)
            VALUES (k.location_id, false, k.product_id, k.lot_id)
            ON CONFLICT DO NOTHING;
        ELSE
            PERFORM oms_create_balance_or_give_way(k);
        END IF;
        IF NOT oms_take_balance(k, in_order) THEN
            RAISE EXCEPTION 'stock of % at % is being changed by another transaction: try again',
                oms_stock_item(k.product_id, k.lot_id), oms_place(k.location_id)
                USING ERRCODE = 'serialization_failure';
        END IF;
    END LOOP;
    IF max_key IS NOT NULL THEN
        PERFORM set_config('oms.balance_lock_max', array_to_string(max_key, ':'), true);
    END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_lines_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT order_id) INTO changed FROM old_rows;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT order_id) INTO changed FROM new_rows;
    ELSE
        -- A line whose picked units stay strictly between none and all of its open units, with
        -- no other quantity changed, cannot move its order's status (see the migration's head),
        -- nor a warehouse the order already has: its order is left alone.
        SELECT array_agg(DISTINCT n.order_id) INTO changed
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.qty_ordered, n.qty_cancelled, n.qty_allocated, n.qty_packed, n.qty_shipped, n.qty_returned)
                   IS DISTINCT FROM (o.qty_ordered, o.qty_cancelled, o.qty_allocated, o.qty_packed, o.qty_shipped, o.qty_returned)
            OR (n.qty_picked <> o.qty_picked
                AND NOT (least(n.qty_picked, o.qty_picked) > 0
                         AND greatest(n.qty_picked, o.qty_picked) < n.qty_ordered - n.qty_cancelled))
            OR EXISTS (SELECT 1 FROM orders x WHERE x.id = n.order_id AND x.warehouse_id IS NULL);
        IF changed IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM 1 FROM orders WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
    -- Each changed order's status from its lines in one pass (oms_order_status per order, set-based),
    -- and the warehouse its units are reserved in when it has none.
    UPDATE orders o SET status = o.status, warehouse_id = coalesce(o.warehouse_id, r.warehouse_id)
      FROM (SELECT o2.id,
                   oms_derive_status(o2.on_hold, o2.cancelled_at IS NOT NULL, o2.pickup_warehouse_id IS NOT NULL,
                                     coalesce(sum(l.qty_ordered - l.qty_cancelled), 0), coalesce(sum(l.qty_allocated), 0),
                                     coalesce(sum(l.qty_picked), 0), coalesce(sum(l.qty_packed), 0),
                                     coalesce(sum(l.qty_shipped), 0), coalesce(sum(l.qty_returned), 0)) AS status,
                   CASE WHEN o2.warehouse_id IS NULL THEN
                       (SELECT loc.warehouse_id
                          FROM order_lines ol
                          JOIN reservations res ON res.order_line_id = ol.id
                          JOIN locations loc ON loc.id = res.location_id
                         WHERE ol.order_id = o2.id
                         GROUP BY loc.warehouse_id ORDER BY sum(res.qty) DESC, loc.warehouse_id LIMIT 1)
                   END AS warehouse_id
              FROM orders o2 LEFT JOIN order_lines l ON l.order_id = o2.id
             WHERE o2.id = ANY (changed)
             GROUP BY o2.id) r
     WHERE o.id = r.id
       AND (o.status <> r.status OR (o.warehouse_id IS NULL AND r.warehouse_id IS NOT NULL));
    RETURN NULL;
END $$;
-- +goose StatementEnd
DROP TRIGGER order_lines_status_update ON order_lines;
CREATE TRIGGER order_lines_status_update AFTER UPDATE ON order_lines
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_order_lines_changed();

-- Each pass over the balances planned once: a plan made for the array of one call was cheaper
-- on paper than the generic one, so PostgreSQL planned these statements again on every call.
ALTER FUNCTION oms_add_to_balances(oms_balance_delta[]) SET plan_cache_mode = force_generic_plan;

-- A balance is written only by the owner's functions (every row of every movement and
-- reservation statement): the guard's function, and the oms_is_owner query it runs, are called
-- only for anyone else. Every table is oms_owner's (the catalog test holds it so).
DROP TRIGGER stock_balances_kept ON stock_balances;
CREATE TRIGGER stock_balances_kept BEFORE INSERT OR UPDATE OR DELETE ON stock_balances
    FOR EACH ROW WHEN (NOT pg_has_role(current_user, 'oms_owner', 'MEMBER'))
    EXECUTE FUNCTION oms_kept_by_database('by the stock ledger and the reservations');

-- The pick itself, without its key: the task, the pick movement, the scan and the batch's lease.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_apply(task bigint, bin_scan text, item_scan text, lot_scan text, qty integer, command_key text)
RETURNS jsonb LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_pick_me();
    t pick_tasks;
    b pick_batches;
    w warehouses;
    loc locations;
    p products;
    lot_code text;
    warns text[] := '{}';
    msg text;
    res jsonb;
BEGIN
    IF qty IS NULL OR qty < 1 THEN
        RAISE EXCEPTION 'a pick is a positive number of units, not %', coalesce(qty::text, 'none') USING ERRCODE = 'check_violation';
    END IF;
    PERFORM oms_pick_held_task(task, me);
    SELECT * INTO t FROM pick_tasks WHERE id = task;
    SELECT * INTO b FROM pick_batches WHERE id = t.batch_id;
    SELECT * INTO w FROM warehouses WHERE id = t.warehouse_id;
    SELECT * INTO loc FROM locations WHERE id = t.location_id;
    SELECT * INTO p FROM products WHERE id = t.product_id;
    SELECT l.lot_code INTO lot_code FROM lots l WHERE l.id = t.lot_id;

    bin_scan := btrim(coalesce(bin_scan, ''));
    item_scan := btrim(coalesce(item_scan, ''));
    lot_scan := btrim(coalesce(lot_scan, ''));
    IF w.verify_bin <> 'none' AND upper(bin_scan) IS DISTINCT FROM upper(loc.code) AND bin_scan IS DISTINCT FROM loc.barcode THEN
        msg := CASE WHEN bin_scan = '' THEN format('Scan the bin: go to %s', loc.code)
                    ELSE format('Wrong bin: %s, go to %s', bin_scan, loc.code) END;
        IF w.verify_bin = 'error' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_scans_bin';
        END IF;
        warns := warns || msg;
    END IF;
    IF w.verify_item <> 'none' AND NOT (upper(item_scan) = upper(p.sku)
            OR coalesce(item_scan ~ '^[0-9]{8,14}$' AND ltrim(item_scan, '0') = ltrim(p.gtin, '0'), false)
            OR EXISTS (SELECT 1 FROM product_barcodes pb WHERE pb.barcode = item_scan AND pb.product_id = p.id)) THEN
        msg := CASE WHEN item_scan = '' THEN format('Scan the item: %s (%s)', p.sku, p.name)
                    ELSE format('Wrong item: %s is not %s (%s)', item_scan, p.sku, p.name) END;
        IF w.verify_item = 'error' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_scans_item';
        END IF;
        warns := warns || msg;
    END IF;
    IF w.verify_lot <> 'none' AND lot_code IS NOT NULL AND upper(lot_scan) IS DISTINCT FROM upper(lot_code) THEN
        msg := CASE WHEN lot_scan = '' THEN format('Scan the lot: %s', lot_code)
                    ELSE format('Wrong lot: %s, pick lot %s', lot_scan, lot_code) END;
        IF w.verify_lot = 'error' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_scans_lot';
        END IF;
        warns := warns || msg;
    END IF;
    IF t.qty_picked + qty > t.qty THEN
        RAISE EXCEPTION 'Too many: % × % at % is all this task asks for, and % were scanned', t.qty - t.qty_picked, p.sku, loc.code, qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_tasks_picked_in_range';
    END IF;

    -- The task first: its reservation shrinks with the movement below, and an open task may
    -- never ask for more than is reserved (pick_tasks_follow_reservations).
    UPDATE pick_tasks SET qty_picked = pick_tasks.qty_picked + oms_pick_apply.qty,
                          status = CASE WHEN pick_tasks.qty_picked + oms_pick_apply.qty = pick_tasks.qty THEN 'done' ELSE 'ready' END
     WHERE id = t.id RETURNING * INTO t;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, order_line_id,
                                 command_key, scan, note)
    VALUES (t.product_id, t.lot_id, t.location_id, b.to_location_id, qty, 'pick', t.order_line_id,
            nullif(command_key, ''), nullif(item_scan, ''),
            format('%s task %s%s', b.code, t.id, coalesce(' tote ' || nullif(b.tote, ''), '')));
    INSERT INTO pick_scans (terminal, task_id, batch_id, staff_id, bin_scan, item_scan, lot_scan, qty, warnings, command_key)
    VALUES (coalesce(current_setting('application_name', true), ''), t.id, b.id, me.id, bin_scan, item_scan, lot_scan,
            qty, warns, nullif(command_key, ''));

    res := oms_pick_touch_batch(b.id) || jsonb_build_object('task', t.id, 'status', t.status, 'qty', t.qty,
               'qty_picked', t.qty_picked, 'warnings', to_jsonb(warns));
    RETURN res;
END $$;
-- +goose StatementEnd

-- The first form, for a client that claimed the key itself: the pick, and its answer stored with
-- the key.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_pick_confirm(task bigint, bin_scan text, item_scan text, lot_scan text, qty integer, command_key text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET enable_seqscan = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    res jsonb := oms_pick_apply(task, bin_scan, item_scan, lot_scan, qty, command_key);
BEGIN
    IF coalesce(command_key, '') <> '' THEN
        UPDATE idempotency_keys SET result = res WHERE key = command_key;
    END IF;
    RETURN res;
END $$;
-- +goose StatementEnd

-- The keyed form (db/picking's Confirm): the key claimed, replayed or refused as db.ClaimKey
-- does (the same command name and request hash), and the pick applied, in one call. A key used
-- for another command or request is refused with the constraint idempotency_keys_reused and the
-- earlier command as its detail.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_confirm(command_key text, request_hash text, task bigint, bin_scan text, item_scan text,
                                 lot_scan text, qty integer)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET enable_seqscan = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    k idempotency_keys;
    res jsonb;
BEGIN
    IF coalesce(command_key, '') = '' THEN
        RETURN oms_pick_apply(task, bin_scan, item_scan, lot_scan, qty, '');
    END IF;
    -- The task's order line first, the lock order's first row and the pick's own: a concurrent
    -- run of the same scan holds it until it ends, so the key is read as that run left it.
    PERFORM 1 FROM order_lines WHERE id = (SELECT order_line_id FROM pick_tasks WHERE id = task) FOR NO KEY UPDATE;
    SELECT * INTO k FROM idempotency_keys WHERE key = command_key;
    IF FOUND THEN
        IF k.command <> 'picking.confirm' OR k.request_hash <> request_hash THEN
            RAISE EXCEPTION 'this command key was already used for something else (key % was %)', command_key, k.command
                USING ERRCODE = 'check_violation', CONSTRAINT = 'idempotency_keys_reused', DETAIL = k.command;
        END IF;
        RETURN coalesce(k.result, 'null');
    END IF;
    res := oms_pick_apply(task, bin_scan, item_scan, lot_scan, qty, command_key);
    INSERT INTO idempotency_keys (key, command, request_hash, result)
    VALUES (command_key, 'picking.confirm', request_hash, res)
    ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'command key % was claimed by another transaction meanwhile: try again', command_key
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN res;
END $$;
-- +goose StatementEnd

ALTER FUNCTION oms_pick_apply(bigint, text, text, text, integer, text) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_pick_apply(bigint, text, text, text, integer, text) FROM PUBLIC;
ALTER FUNCTION oms_pick_confirm(text, text, bigint, text, text, text, integer) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_pick_confirm(text, text, bigint, text, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_pick_confirm(text, text, bigint, text, text, text, integer) TO oms_picker;

-- +goose Down
-- The bodies of 00031 (oms_pick_confirm), 00004 (oms_apply_movements), 00025 (oms_lock_balances,
-- oms_order_lines_changed), as they were.
DROP FUNCTION oms_pick_confirm(text, text, bigint, text, text, text, integer);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_pick_confirm(task bigint, bin_scan text, item_scan text, lot_scan text, qty integer, command_key text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
DECLARE
    me staff := oms_pick_me();
    t pick_tasks;
    b pick_batches;
    w warehouses;
    loc locations;
    p products;
    lot_code text;
    warns text[] := '{}';
    msg text;
    res jsonb;
BEGIN
    IF qty IS NULL OR qty < 1 THEN
        RAISE EXCEPTION 'a pick is a positive number of units, not %', coalesce(qty::text, 'none') USING ERRCODE = 'check_violation';
    END IF;
    PERFORM oms_pick_held_task(task, me);
    SELECT * INTO t FROM pick_tasks WHERE id = task;
    SELECT * INTO b FROM pick_batches WHERE id = t.batch_id;
    SELECT * INTO w FROM warehouses WHERE id = t.warehouse_id;
    SELECT * INTO loc FROM locations WHERE id = t.location_id;
    SELECT * INTO p FROM products WHERE id = t.product_id;
    SELECT l.lot_code INTO lot_code FROM lots l WHERE l.id = t.lot_id;

    bin_scan := btrim(coalesce(bin_scan, ''));
    item_scan := btrim(coalesce(item_scan, ''));
    lot_scan := btrim(coalesce(lot_scan, ''));
    IF w.verify_bin <> 'none' AND upper(bin_scan) IS DISTINCT FROM upper(loc.code) AND bin_scan IS DISTINCT FROM loc.barcode THEN
        msg := CASE WHEN bin_scan = '' THEN format('Scan the bin: go to %s', loc.code)
                    ELSE format('Wrong bin: %s, go to %s', bin_scan, loc.code) END;
        IF w.verify_bin = 'error' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_scans_bin';
        END IF;
        warns := warns || msg;
    END IF;
    IF w.verify_item <> 'none' AND NOT (upper(item_scan) = upper(p.sku)
            OR coalesce(item_scan ~ '^[0-9]{8,14}$' AND ltrim(item_scan, '0') = ltrim(p.gtin, '0'), false)
            OR EXISTS (SELECT 1 FROM product_barcodes pb WHERE pb.barcode = item_scan AND pb.product_id = p.id)) THEN
        msg := CASE WHEN item_scan = '' THEN format('Scan the item: %s (%s)', p.sku, p.name)
                    ELSE format('Wrong item: %s is not %s (%s)', item_scan, p.sku, p.name) END;
        IF w.verify_item = 'error' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_scans_item';
        END IF;
        warns := warns || msg;
    END IF;
    IF w.verify_lot <> 'none' AND lot_code IS NOT NULL AND upper(lot_scan) IS DISTINCT FROM upper(lot_code) THEN
        msg := CASE WHEN lot_scan = '' THEN format('Scan the lot: %s', lot_code)
                    ELSE format('Wrong lot: %s, pick lot %s', lot_scan, lot_code) END;
        IF w.verify_lot = 'error' THEN
            RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_scans_lot';
        END IF;
        warns := warns || msg;
    END IF;
    IF t.qty_picked + qty > t.qty THEN
        RAISE EXCEPTION 'Too many: % × % at % is all this task asks for, and % were scanned', t.qty - t.qty_picked, p.sku, loc.code, qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_tasks_picked_in_range';
    END IF;

    -- The task first: its reservation shrinks with the movement below, and an open task may
    -- never ask for more than is reserved (pick_tasks_follow_reservations).
    UPDATE pick_tasks SET qty_picked = pick_tasks.qty_picked + oms_pick_confirm.qty,
                          status = CASE WHEN pick_tasks.qty_picked + oms_pick_confirm.qty = pick_tasks.qty THEN 'done' ELSE 'ready' END
     WHERE id = t.id RETURNING * INTO t;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, order_line_id,
                                 command_key, scan, note)
    VALUES (t.product_id, t.lot_id, t.location_id, b.to_location_id, qty, 'pick', t.order_line_id,
            nullif(command_key, ''), nullif(item_scan, ''),
            format('%s task %s%s', b.code, t.id, coalesce(' tote ' || nullif(b.tote, ''), '')));
    INSERT INTO pick_scans (terminal, task_id, batch_id, staff_id, bin_scan, item_scan, lot_scan, qty, warnings, command_key)
    VALUES (coalesce(current_setting('application_name', true), ''), t.id, b.id, me.id, bin_scan, item_scan, lot_scan,
            qty, warns, nullif(command_key, ''));

    res := oms_pick_touch_batch(b.id) || jsonb_build_object('task', t.id, 'status', t.status, 'qty', t.qty,
               'qty_picked', t.qty_picked, 'warnings', to_jsonb(warns));
    IF coalesce(command_key, '') <> '' THEN
        UPDATE idempotency_keys SET result = res WHERE key = command_key;
    END IF;
    RETURN res;
END $function$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_apply_movements()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
DECLARE
    deltas oms_balance_delta[];
    bad record;
    for_lines boolean;
BEGIN
    SELECT m.product_id, p.sku INTO bad
      FROM moved m JOIN products p ON p.id = m.product_id
     WHERE m.lot_id IS NULL AND p.lot_tracked LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is lot-tracked: a movement of it must say which lot moves', bad.sku
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_lot_required';
    END IF;

    SELECT array_agg(ROW(product_id, location_id, lot_id, delta, 0)::oms_balance_delta
                     ORDER BY product_id, location_id, coalesce(lot_id, 0)),
           (SELECT bool_or(order_line_id IS NOT NULL) FROM moved)
      INTO deltas, for_lines
      FROM (SELECT d.product_id, d.location_id, d.lot_id, sum(d.delta)::bigint AS delta
              FROM (SELECT product_id, from_location_id AS location_id, lot_id, -qty AS delta FROM moved
                    UNION ALL
                    SELECT product_id, to_location_id, lot_id, qty FROM moved) d
              JOIN locations l ON l.id = d.location_id AND NOT l.is_virtual
             GROUP BY 1, 2, 3) s;
    -- Lock order: order lines, then balances, then reservations, then orders (whose status the
    -- lines' new quantities move). Every command that touches a line's reservations locks the
    -- line first (see db/stock), so two transactions only meet on a reservation, a balance's
    -- reserved or an order after meeting on its line, and never wait on each other in a circle.
    IF for_lines THEN
        PERFORM 1 FROM order_lines WHERE id IN (SELECT order_line_id FROM moved) ORDER BY id FOR NO KEY UPDATE;
    END IF;
    IF deltas IS NOT NULL THEN
        PERFORM oms_lock_balances(deltas);
    END IF;
    IF for_lines THEN
        -- What each kind means for an order line decides where it may go.
        SELECT m.kind, o.number, ol.line_no, m.from_location_id, m.to_location_id INTO bad
          FROM moved m JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
          JOIN order_lines ol ON ol.id = m.order_line_id JOIN orders o ON o.id = ol.order_id
         WHERE NOT CASE m.kind
                   WHEN 'ship' THEN NOT f.is_virtual AND t.kind = 'customer'
                   WHEN 'return' THEN f.kind = 'customer' AND NOT t.is_virtual
                   WHEN 'pick' THEN NOT f.is_virtual AND NOT t.is_virtual
                   WHEN 'unpick' THEN NOT f.is_virtual AND NOT t.is_virtual
                   ELSE true END
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'a % movement for order % line % cannot go from % to %', bad.kind, bad.number,
                bad.line_no, oms_place(bad.from_location_id), oms_place(bad.to_location_id)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_kind_for_line',
                      HINT = 'pick and unpick move between real locations, ship goes to a customer, return comes from one';
        END IF;
        -- Release what leaves a real location: the line must hold that much reserved there.
        SELECT o.number, ol.line_no, w.location_id, w.product_id, w.lot_id, w.qty, coalesce(r.qty, 0) AS held INTO bad
          FROM (SELECT m.order_line_id, m.from_location_id AS location_id, m.product_id, m.lot_id, sum(m.qty) AS qty
                  FROM moved m JOIN locations f ON f.id = m.from_location_id
                 WHERE m.order_line_id IS NOT NULL AND NOT f.is_virtual GROUP BY 1, 2, 3, 4) w
          JOIN order_lines ol ON ol.id = w.order_line_id JOIN orders o ON o.id = ol.order_id
          LEFT JOIN reservations r ON r.order_line_id = w.order_line_id AND r.location_id = w.location_id
                                  AND r.lot_id IS NOT DISTINCT FROM w.lot_id
         WHERE coalesce(r.qty, 0) < w.qty LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'order % line % holds % × % reserved at %, and the movement takes %: reserve it there first',
                bad.number, bad.line_no, bad.held, oms_stock_item(bad.product_id, bad.lot_id), oms_place(bad.location_id), bad.qty
                USING ERRCODE = 'check_violation', CONSTRAINT = 'reservations_follow_stock';
        END IF;
        WITH leaving AS (
                SELECT m.order_line_id, m.from_location_id AS location_id, m.lot_id, sum(m.qty) AS qty
                  FROM moved m JOIN locations f ON f.id = m.from_location_id
                 WHERE m.order_line_id IS NOT NULL AND NOT f.is_virtual GROUP BY 1, 2, 3),
             emptied AS (
                DELETE FROM reservations r USING leaving w
                 WHERE r.order_line_id = w.order_line_id AND r.location_id = w.location_id
                   AND r.lot_id IS NOT DISTINCT FROM w.lot_id AND r.qty = w.qty
                RETURNING r.id)
        UPDATE reservations r SET qty = r.qty - w.qty
          FROM leaving w
         WHERE r.order_line_id = w.order_line_id AND r.location_id = w.location_id
           AND r.lot_id IS NOT DISTINCT FROM w.lot_id AND r.qty > w.qty;
    END IF;
    IF deltas IS NOT NULL THEN
        PERFORM oms_add_to_balances(deltas);
    END IF;
    IF for_lines THEN
        INSERT INTO reservations AS r (order_line_id, location_id, product_id, lot_id, qty)
        SELECT m.order_line_id, m.to_location_id, m.product_id, m.lot_id, sum(m.qty)
          FROM moved m JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
         WHERE m.order_line_id IS NOT NULL AND NOT f.is_virtual AND NOT t.is_virtual
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (order_line_id, location_id, lot_id) DO UPDATE SET qty = r.qty + EXCLUDED.qty;

        UPDATE order_lines ol
           SET qty_picked = ol.qty_picked + s.picked, qty_shipped = ol.qty_shipped + s.shipped,
               qty_returned = ol.qty_returned + s.returned
          FROM (SELECT order_line_id,
                       sum(CASE kind WHEN 'pick' THEN qty WHEN 'unpick' THEN -qty ELSE 0 END) AS picked,
                       sum(CASE kind WHEN 'ship' THEN qty ELSE 0 END) AS shipped,
                       sum(CASE kind WHEN 'return' THEN qty ELSE 0 END) AS returned
                  FROM moved
                 WHERE order_line_id IS NOT NULL AND kind IN ('pick', 'unpick', 'ship', 'return')
                 GROUP BY 1) s
         WHERE ol.id = s.order_line_id;
    END IF;
    RETURN NULL;
END $function$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_lock_balances(deltas oms_balance_delta[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
    held text := nullif(current_setting('oms.balance_lock_max', true), '');
    max_key bigint[];
    k oms_balance_delta;
    key bigint[];
    in_order boolean;
    locked bigint;
BEGIN
    IF held IS NOT NULL THEN
        max_key := string_to_array(held, ':')::bigint[];
    END IF;
    -- All of them at once when they all come after what this transaction holds and all exist.
    k := deltas[1];
    IF max_key IS NULL OR ARRAY[k.product_id, k.location_id, coalesce(k.lot_id, 0)] > max_key THEN
        SELECT count(*) INTO locked FROM (
            SELECT 1 FROM stock_balances b
              JOIN unnest(deltas) AS d ON b.product_id = d.product_id AND b.location_id = d.location_id
                                      AND b.lot_id IS NOT DISTINCT FROM d.lot_id
             ORDER BY b.product_id, b.location_id, coalesce(b.lot_id, 0)
               FOR UPDATE OF b) s;
        IF locked = cardinality(deltas) THEN
            k := deltas[cardinality(deltas)];
            PERFORM set_config('oms.balance_lock_max',
                               array_to_string(ARRAY[k.product_id, k.location_id, coalesce(k.lot_id, 0)], ':'), true);
            RETURN;
        END IF;
    END IF;
    FOREACH k IN ARRAY deltas LOOP
        key := ARRAY[k.product_id, k.location_id, coalesce(k.lot_id, 0)];
        in_order := max_key IS NULL OR key > max_key;
        IF in_order THEN
            max_key := key;
        END IF;
        IF oms_take_balance(k, in_order) THEN
            CONTINUE;
        END IF;
        -- No row yet: create it at zero. Another transaction creating the same row makes this
        -- one wait for it, which out of order could close a cycle; so out of order, wait only
        -- briefly.
        IF in_order THEN
            INSERT INTO stock_balances (location_id, location_virtual, product_id, lot_id)
            VALUES (k.location_id, false, k.product_id, k.lot_id)
            ON CONFLICT DO NOTHING;
        ELSE
            PERFORM oms_create_balance_or_give_way(k);
        END IF;
        IF NOT oms_take_balance(k, in_order) THEN
            RAISE EXCEPTION 'stock of % at % is being changed by another transaction: try again',
                oms_stock_item(k.product_id, k.lot_id), oms_place(k.location_id)
                USING ERRCODE = 'serialization_failure';
        END IF;
    END LOOP;
    IF max_key IS NOT NULL THEN
        PERFORM set_config('oms.balance_lock_max', array_to_string(max_key, ':'), true);
    END IF;
END $function$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_lines_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT order_id) INTO changed FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT order_id) INTO changed FROM new_rows;
    END IF;
    PERFORM 1 FROM orders WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
    -- Each changed order's status from its lines in one pass (oms_order_status per order, set-based),
    -- and the warehouse its units are reserved in when it has none.
    UPDATE orders o SET status = o.status, warehouse_id = coalesce(o.warehouse_id, r.warehouse_id)
      FROM (SELECT o2.id,
                   oms_derive_status(o2.on_hold, o2.cancelled_at IS NOT NULL, o2.pickup_warehouse_id IS NOT NULL,
                                     coalesce(sum(l.qty_ordered - l.qty_cancelled), 0), coalesce(sum(l.qty_allocated), 0),
                                     coalesce(sum(l.qty_picked), 0), coalesce(sum(l.qty_packed), 0),
                                     coalesce(sum(l.qty_shipped), 0), coalesce(sum(l.qty_returned), 0)) AS status,
                   CASE WHEN o2.warehouse_id IS NULL THEN
                       (SELECT loc.warehouse_id
                          FROM order_lines ol
                          JOIN reservations res ON res.order_line_id = ol.id
                          JOIN locations loc ON loc.id = res.location_id
                         WHERE ol.order_id = o2.id
                         GROUP BY loc.warehouse_id ORDER BY sum(res.qty) DESC, loc.warehouse_id LIMIT 1)
                   END AS warehouse_id
              FROM orders o2 LEFT JOIN order_lines l ON l.order_id = o2.id
             WHERE o2.id = ANY (changed)
             GROUP BY o2.id) r
     WHERE o.id = r.id
       AND (o.status <> r.status OR (o.warehouse_id IS NULL AND r.warehouse_id IS NOT NULL));
    RETURN NULL;
END $function$;
-- +goose StatementEnd
DROP FUNCTION oms_pick_apply(bigint, text, text, text, integer, text);
ALTER FUNCTION oms_add_to_balances(oms_balance_delta[]) RESET plan_cache_mode;
DROP TRIGGER stock_balances_kept ON stock_balances;
CREATE TRIGGER stock_balances_kept BEFORE INSERT OR UPDATE OR DELETE ON stock_balances
    FOR EACH ROW EXECUTE FUNCTION oms_kept_by_database('by the stock ledger and the reservations');
DROP TRIGGER order_lines_status_update ON order_lines;
CREATE TRIGGER order_lines_status_update AFTER UPDATE ON order_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_order_lines_changed();
