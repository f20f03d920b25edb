-- The supervisor's floor (issue 17, db/floor, the F8 screen): what the floor reads cheaply, and
-- the supervisor's own commands, through SECURITY DEFINER functions only.
--
--  * A channel can be held (channel_holds, one open hold per channel, kept as history once
--    released): oms_pick_release leaves the held channel's orders out of every wave until the
--    hold is released. Nothing else changes for them: imports still take them in, allocation
--    still reserves their stock, their status stays what it is (they are not on hold one by
--    one), batches released before the hold are picked, packed and shipped as usual.
--  * A supervisor reassigns a batch to another picker (a fresh lease; the picker who had it
--    is told "no longer yours" at their next scan) or gives it back to the queue, and changes
--    an order's priority until it ships (allocation and release take higher priorities first).
--  * Each function checks that the calling person (oms_actor(), the login behind an SSH
--    session too) holds oms_supervisor, not the owner the function runs as.
--  * Indexes for the floor's reads: picks in a time window (pick_scans by time), parcels closed
--    in a window (packages by time), batches finished and shipments shipped since a time, and the
--    parcels whose tracking says something went wrong.

-- +goose Up

CREATE TABLE channel_holds (
    id           bigserial PRIMARY KEY,
    channel_id   bigint NOT NULL REFERENCES channels,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    held_at      timestamptz NOT NULL DEFAULT now(),
    held_by      text NOT NULL DEFAULT oms_actor(),
    released_at  timestamptz,
    released_by  text,
    CHECK ((released_at IS NULL) = (released_by IS NULL))
);
CREATE UNIQUE INDEX channel_holds_open ON channel_holds (channel_id) WHERE released_at IS NULL;

-- pick_scans and packages only grow, in time order, and every scan and parcel writes a row:
-- a BRIN index finds a time window at a fraction of a B-tree's upkeep on the scan path.
CREATE INDEX pick_scans_by_time ON pick_scans USING brin (at);
CREATE INDEX packages_by_time ON packages USING brin (created_at);
CREATE INDEX packages_tracking_trouble ON packages (id) WHERE tracking_status IN ('exception', 'returned_to_sender');
CREATE INDEX pick_batches_finished ON pick_batches (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX shipments_shipped ON shipments (shipped_at) WHERE shipped_at IS NOT NULL;

-- ───────────────────────────── helpers ─────────────────────────────

-- The calling person's staff row, refused unless they hold the supervisor role.
-- +goose StatementBegin
CREATE FUNCTION oms_floor_me() RETURNS staff
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff;
BEGIN
    SELECT * INTO me FROM staff WHERE login = oms_actor() AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not an active member of staff: only a supervisor acts on the floor', oms_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT pg_has_role(me.login, 'oms_supervisor', 'USAGE') THEN
        RAISE EXCEPTION 'acting on the floor is the work of the supervisor role, which % does not hold', me.login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN me;
END $$;
-- +goose StatementEnd

-- ───────────────────────────── release, skipping held channels ─────────────────────────────

-- Releases the orders holding stock in a warehouse's bins (allocated whole, not held or
-- cancelled; of a split order, its part here) into batches: by zone,
-- oldest promise first, at most max_orders orders (the warehouse's pick_max_orders when null; one
-- in single mode) and pick_max_lines tasks a batch (an order bigger than that gets a batch of its
-- own), tasks in the bins' pick sequence. Only reservations without an open task are released,
-- so nothing is released twice; releases of one warehouse run one at a time. Returns the batches.
-- Orders of a held channel (channel_holds) are left out: they wait, allocated, for the channel's
-- release (migration 00045).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_pick_release(warehouse_code text, max_orders integer DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    w warehouses;
    limit_orders integer;
    pack bigint;
    r record;
    cur_zone text;
    n_orders integer := 0;
    n_lines integer := 0;
    nb integer := 0;
    o_ids bigint[] := '{}';
    o_zones text[] := '{}';
    o_batch integer[] := '{}';
    o_slot integer[] := '{}';
    ids bigint[];
    result_ jsonb;
BEGIN
    SELECT * INTO w FROM warehouses WHERE code = warehouse_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no warehouse %', warehouse_code USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF max_orders IS NOT NULL AND max_orders < 1 THEN
        RAISE EXCEPTION 'a batch holds at least one order, not %', max_orders USING ERRCODE = 'check_violation';
    END IF;
    limit_orders := CASE WHEN w.pick_mode = 'single' THEN 1 ELSE coalesce(max_orders, w.pick_max_orders) END;
    PERFORM pg_advisory_xact_lock(hashtext('oms_pick_release'), w.id::integer);

    SELECT id INTO pack FROM locations WHERE warehouse_id = w.id AND kind = 'packing' AND active ORDER BY pick_seq, id LIMIT 1;
    IF pack IS NULL THEN
        INSERT INTO locations (warehouse_id, code, kind) VALUES (w.id, 'PACK', 'packing')
        ON CONFLICT DO NOTHING RETURNING id INTO pack;
        IF pack IS NULL THEN
            RAISE EXCEPTION 'warehouse % has no active packing location to pick to', w.code USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    -- The lines of the orders holding stock in the warehouse's bins (a split order's part here
    -- too), locked in id order as every command that touches reservations does.
    PERFORM 1 FROM order_lines ol
      JOIN orders o ON o.id = ol.order_id
     WHERE o.id IN (SELECT x.order_id FROM reservations rs
                      JOIN locations l ON l.id = rs.location_id AND l.kind = 'bin' AND l.warehouse_id = w.id
                      JOIN order_lines x ON x.id = rs.order_line_id)
       AND o.status IN ('allocated', 'picking') AND NOT o.on_hold AND o.cancelled_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM channel_holds h WHERE h.channel_id = o.channel_id AND h.released_at IS NULL)
     ORDER BY ol.id FOR NO KEY UPDATE OF ol;

    FOR r IN
        SELECT ol.order_id, oms_pick_zone(l.zone, l.code) AS zone, count(*)::integer AS tasks,
               min(o.promised_at) AS promised, max(o.priority) AS priority
          FROM orders o
          JOIN order_lines ol ON ol.order_id = o.id
          JOIN reservations rs ON rs.order_line_id = ol.id
          JOIN locations l ON l.id = rs.location_id AND l.kind = 'bin' AND l.warehouse_id = w.id
         WHERE o.status IN ('allocated', 'picking') AND NOT o.on_hold AND o.cancelled_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM channel_holds h WHERE h.channel_id = o.channel_id AND h.released_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM order_lines x WHERE x.order_id = o.id AND x.qty_allocated < x.qty_ordered - x.qty_cancelled)
           AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.order_line_id = rs.order_line_id AND t.location_id = rs.location_id
                             AND coalesce(t.lot_id, 0) = coalesce(rs.lot_id, 0) AND t.status = 'ready')
         GROUP BY ol.order_id, 2
         ORDER BY 2, min(o.promised_at), max(o.priority) DESC, ol.order_id
    LOOP
        IF nb = 0 OR r.zone IS DISTINCT FROM cur_zone OR n_orders >= limit_orders
           OR (n_orders > 0 AND n_lines + r.tasks > w.pick_max_lines) THEN
            nb := nb + 1;
            cur_zone := r.zone;
            n_orders := 0;
            n_lines := 0;
        END IF;
        n_orders := n_orders + 1;
        n_lines := n_lines + r.tasks;
        o_ids := o_ids || r.order_id;
        o_zones := o_zones || r.zone;
        o_batch := o_batch || nb;
        o_slot := o_slot || n_orders;
    END LOOP;
    IF nb = 0 THEN
        RETURN '[]'::jsonb;
    END IF;

    SELECT array_agg(id ORDER BY g) INTO ids
      FROM (SELECT g, nextval('pick_batches_id_seq') AS id FROM generate_series(1, nb) g ORDER BY g) s;
    INSERT INTO pick_batches (id, warehouse_id, zone, mode, to_location_id, orders)
    SELECT ids[x.nb], w.id, min(x.zone), w.pick_mode, pack, count(*)
      FROM unnest(o_zones, o_batch) AS x(zone, nb) GROUP BY x.nb ORDER BY x.nb;
    INSERT INTO pick_tasks (batch_id, warehouse_id, order_line_id, product_id, lot_id, location_id, pick_seq, qty, order_id, slot)
    SELECT ids[x.nb], w.id, rs.order_line_id, rs.product_id, rs.lot_id, rs.location_id, l.pick_seq, rs.qty, x.order_id, x.slot
      FROM unnest(o_ids, o_zones, o_batch, o_slot) AS x(order_id, zone, nb, slot)
      JOIN order_lines ol ON ol.order_id = x.order_id
      JOIN reservations rs ON rs.order_line_id = ol.id
      JOIN locations l ON l.id = rs.location_id AND l.kind = 'bin' AND l.warehouse_id = w.id
     WHERE oms_pick_zone(l.zone, l.code) = x.zone
       AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.order_line_id = rs.order_line_id AND t.location_id = rs.location_id
                         AND coalesce(t.lot_id, 0) = coalesce(rs.lot_id, 0) AND t.status = 'ready')
     ORDER BY 1, l.pick_seq, rs.location_id, x.slot;
    UPDATE pick_batches b SET lines = s.n
      FROM (SELECT batch_id, count(*) AS n FROM pick_tasks WHERE batch_id = ANY (ids) GROUP BY 1) s
     WHERE b.id = s.batch_id;

    SELECT jsonb_agg(jsonb_build_object('id', b.id, 'code', b.code, 'warehouse', w.code, 'zone', b.zone,
                                        'mode', b.mode, 'orders', b.orders, 'lines', b.lines) ORDER BY b.id)
      INTO result_ FROM pick_batches b WHERE b.id = ANY (ids);
    INSERT INTO events (entity, entity_id, kind, message, data)
    SELECT 'batch', b.id, 'batch.released',
           format('%s %s zone %s: %s orders, %s lines', b.code, w.code, b.zone, b.orders, b.lines),
           jsonb_build_object('orders', b.orders, 'lines', b.lines, 'zone', b.zone)
      FROM pick_batches b WHERE b.id = ANY (ids) ORDER BY b.id;
    RETURN result_;
END $$;
-- +goose StatementEnd
-- ───────────────────────────── the supervisor's commands ─────────────────────────────

-- Gives a batch to another picker (their login) under a fresh lease, or back to the queue
-- (picker NULL or ''). Only a batch still to pick (ready or claimed); a picker holds one batch
-- at a time, so one who holds another is refused naming it. What was picked stays picked.
-- +goose StatementBegin
CREATE FUNCTION oms_floor_reassign(batch bigint, picker text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_floor_me();
    b pick_batches;
    who staff;
    was text;
    other text;
BEGIN
    SELECT * INTO b FROM pick_batches WHERE id = batch FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no batch %', batch USING ERRCODE = 'no_data_found';
    END IF;
    IF b.status NOT IN ('ready', 'claimed') THEN
        RAISE EXCEPTION 'batch % is % already: there is nothing left to pick in it', b.code, b.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_batches_open';
    END IF;
    SELECT login INTO was FROM staff WHERE id = b.claimed_by;
    IF coalesce(btrim(picker), '') = '' THEN
        IF b.status = 'ready' THEN
            RETURN jsonb_build_object('batch', b.id, 'code', b.code, 'status', b.status, 'picker', '', 'was', '');
        END IF;
        UPDATE pick_batches SET status = 'ready', claimed_by = NULL, lease_expires_at = NULL WHERE id = b.id;
        INSERT INTO events (entity, entity_id, kind, message, data)
        VALUES ('batch', b.id, 'batch.released_back', format('%s: %s gave it back to the queue (it was %s''s)', b.code, me.name, was),
                jsonb_build_object('from', was, 'by', me.login));
        RETURN jsonb_build_object('batch', b.id, 'code', b.code, 'status', 'ready', 'picker', '', 'was', coalesce(was, ''));
    END IF;
    SELECT * INTO who FROM staff WHERE login = lower(btrim(picker)) AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not an active member of staff', picker USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT pg_has_role(who.login, 'oms_picker', 'USAGE') THEN
        RAISE EXCEPTION '% (%) does not pick: give the batch to a picker', who.name, who.login
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_batches_picker';
    END IF;
    IF who.id = b.claimed_by AND b.status = 'claimed' THEN
        RETURN jsonb_build_object('batch', b.id, 'code', b.code, 'status', b.status, 'picker', who.login, 'was', who.login);
    END IF;
    SELECT code INTO other FROM pick_batches WHERE claimed_by = who.id AND status = 'claimed' AND id <> b.id;
    IF other IS NOT NULL THEN
        RAISE EXCEPTION '% holds batch % already: reassign or release that one first', who.name, other
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_batches_one_per_picker';
    END IF;
    UPDATE pick_batches SET status = 'claimed', claimed_by = who.id, worked_by = who.id, claimed_at = now(),
                            lease_expires_at = now() + interval '2 minutes'
     WHERE id = b.id;
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('batch', b.id, 'batch.reassigned',
            format('%s: %s gave it to %s%s', b.code, me.name, who.name, coalesce(' (it was ' || was || '''s)', '')),
            jsonb_build_object('from', was, 'to', who.login, 'by', me.login));
    RETURN jsonb_build_object('batch', b.id, 'code', b.code, 'status', 'claimed', 'picker', who.login, 'was', coalesce(was, ''));
END $$;
-- +goose StatementEnd

-- Sets an order's priority (-9 … 9, higher first) until it ships; cancelled and shipped orders
-- are refused. The order's version moves like every writer's.
-- +goose StatementBegin
CREATE FUNCTION oms_floor_priority(order_id bigint, priority integer) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_floor_me();
    o orders;
BEGIN
    IF priority IS NULL OR priority NOT BETWEEN -9 AND 9 THEN
        RAISE EXCEPTION 'a priority is a number from -9 to 9, not %', coalesce(priority::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_priority_range';
    END IF;
    SELECT * INTO o FROM orders WHERE id = order_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no order %', order_id USING ERRCODE = 'no_data_found';
    END IF;
    IF o.cancelled_at IS NOT NULL OR o.status IN ('shipped', 'delivered', 'partially_returned', 'returned', 'collected', 'cancelled') THEN
        RAISE EXCEPTION 'order % is %: its priority no longer matters', o.number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_priority_open';
    END IF;
    IF o.priority = oms_floor_priority.priority THEN
        RETURN jsonb_build_object('order', o.id, 'number', o.number, 'priority', o.priority, 'was', o.priority);
    END IF;
    UPDATE orders SET priority = oms_floor_priority.priority WHERE id = o.id;
    INSERT INTO events (entity, entity_id, order_id, kind, message, data)
    VALUES ('order', o.id, o.id, 'order.priority', format('priority %s → %s by %s', o.priority, oms_floor_priority.priority, me.name),
            jsonb_build_object('from', o.priority, 'to', oms_floor_priority.priority));
    RETURN jsonb_build_object('order', o.id, 'number', o.number, 'priority', oms_floor_priority.priority, 'was', o.priority);
END $$;
-- +goose StatementEnd

-- Holds a channel (its code): its orders are released into no wave until the hold is released.
-- Holding a held channel changes nothing.
-- +goose StatementBegin
CREATE FUNCTION oms_floor_hold_channel(channel text, note text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_floor_me();
    c channels;
    h channel_holds;
BEGIN
    SELECT * INTO c FROM channels WHERE code = lower(btrim(channel)) FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no channel %', channel USING ERRCODE = 'no_data_found';
    END IF;
    SELECT * INTO h FROM channel_holds WHERE channel_id = c.id AND released_at IS NULL;
    IF NOT FOUND THEN
        INSERT INTO channel_holds (channel_id, note) VALUES (c.id, coalesce(note, '')) RETURNING * INTO h;
    END IF;
    RETURN jsonb_build_object('channel', c.code, 'held', true, 'held_at', h.held_at, 'held_by', h.held_by);
END $$;
-- +goose StatementEnd

-- Releases a channel's hold: the next wave takes its allocated orders again. Releasing a channel
-- that is not held changes nothing.
-- +goose StatementBegin
CREATE FUNCTION oms_floor_release_channel(channel text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_floor_me();
    c channels;
BEGIN
    SELECT * INTO c FROM channels WHERE code = lower(btrim(channel)) FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no channel %', channel USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE channel_holds SET released_at = now(), released_by = me.login WHERE channel_id = c.id AND released_at IS NULL;
    RETURN jsonb_build_object('channel', c.code, 'held', false);
END $$;
-- +goose StatementEnd

-- ───────────────────────────── grants ─────────────────────────────

ALTER TABLE channel_holds OWNER TO oms_owner;
GRANT SELECT ON channel_holds TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_admin, oms_server;
-- +goose StatementBegin
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms\_floor\_%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO oms_owner', f);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION oms_floor_reassign(bigint, text), oms_floor_priority(bigint, integer),
    oms_floor_hold_channel(text, text), oms_floor_release_channel(text) TO oms_supervisor;

-- +goose Down
DROP FUNCTION oms_floor_release_channel(text);
DROP FUNCTION oms_floor_hold_channel(text, text);
DROP FUNCTION oms_floor_priority(bigint, integer);
DROP FUNCTION oms_floor_reassign(bigint, text);

-- oms_pick_release as migration 00031 made it.
-- Releases the orders holding stock in a warehouse's bins (allocated whole, not held or
-- cancelled; of a split order, its part here) into batches: by zone,
-- oldest promise first, at most max_orders orders (the warehouse's pick_max_orders when null; one
-- in single mode) and pick_max_lines tasks a batch (an order bigger than that gets a batch of its
-- own), tasks in the bins' pick sequence. Only reservations without an open task are released,
-- so nothing is released twice; releases of one warehouse run one at a time. Returns the batches.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_pick_release(warehouse_code text, max_orders integer DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    w warehouses;
    limit_orders integer;
    pack bigint;
    r record;
    cur_zone text;
    n_orders integer := 0;
    n_lines integer := 0;
    nb integer := 0;
    o_ids bigint[] := '{}';
    o_zones text[] := '{}';
    o_batch integer[] := '{}';
    o_slot integer[] := '{}';
    ids bigint[];
    result_ jsonb;
BEGIN
    SELECT * INTO w FROM warehouses WHERE code = warehouse_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no warehouse %', warehouse_code USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF max_orders IS NOT NULL AND max_orders < 1 THEN
        RAISE EXCEPTION 'a batch holds at least one order, not %', max_orders USING ERRCODE = 'check_violation';
    END IF;
    limit_orders := CASE WHEN w.pick_mode = 'single' THEN 1 ELSE coalesce(max_orders, w.pick_max_orders) END;
    PERFORM pg_advisory_xact_lock(hashtext('oms_pick_release'), w.id::integer);

    SELECT id INTO pack FROM locations WHERE warehouse_id = w.id AND kind = 'packing' AND active ORDER BY pick_seq, id LIMIT 1;
    IF pack IS NULL THEN
        INSERT INTO locations (warehouse_id, code, kind) VALUES (w.id, 'PACK', 'packing')
        ON CONFLICT DO NOTHING RETURNING id INTO pack;
        IF pack IS NULL THEN
            RAISE EXCEPTION 'warehouse % has no active packing location to pick to', w.code USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    -- The lines of the orders holding stock in the warehouse's bins (a split order's part here
    -- too), locked in id order as every command that touches reservations does.
    PERFORM 1 FROM order_lines ol
      JOIN orders o ON o.id = ol.order_id
     WHERE o.id IN (SELECT x.order_id FROM reservations rs
                      JOIN locations l ON l.id = rs.location_id AND l.kind = 'bin' AND l.warehouse_id = w.id
                      JOIN order_lines x ON x.id = rs.order_line_id)
       AND o.status IN ('allocated', 'picking') AND NOT o.on_hold AND o.cancelled_at IS NULL
     ORDER BY ol.id FOR NO KEY UPDATE OF ol;

    FOR r IN
        SELECT ol.order_id, oms_pick_zone(l.zone, l.code) AS zone, count(*)::integer AS tasks,
               min(o.promised_at) AS promised, max(o.priority) AS priority
          FROM orders o
          JOIN order_lines ol ON ol.order_id = o.id
          JOIN reservations rs ON rs.order_line_id = ol.id
          JOIN locations l ON l.id = rs.location_id AND l.kind = 'bin' AND l.warehouse_id = w.id
         WHERE o.status IN ('allocated', 'picking') AND NOT o.on_hold AND o.cancelled_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM order_lines x WHERE x.order_id = o.id AND x.qty_allocated < x.qty_ordered - x.qty_cancelled)
           AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.order_line_id = rs.order_line_id AND t.location_id = rs.location_id
                             AND coalesce(t.lot_id, 0) = coalesce(rs.lot_id, 0) AND t.status = 'ready')
         GROUP BY ol.order_id, 2
         ORDER BY 2, min(o.promised_at), max(o.priority) DESC, ol.order_id
    LOOP
        IF nb = 0 OR r.zone IS DISTINCT FROM cur_zone OR n_orders >= limit_orders
           OR (n_orders > 0 AND n_lines + r.tasks > w.pick_max_lines) THEN
            nb := nb + 1;
            cur_zone := r.zone;
            n_orders := 0;
            n_lines := 0;
        END IF;
        n_orders := n_orders + 1;
        n_lines := n_lines + r.tasks;
        o_ids := o_ids || r.order_id;
        o_zones := o_zones || r.zone;
        o_batch := o_batch || nb;
        o_slot := o_slot || n_orders;
    END LOOP;
    IF nb = 0 THEN
        RETURN '[]'::jsonb;
    END IF;

    SELECT array_agg(id ORDER BY g) INTO ids
      FROM (SELECT g, nextval('pick_batches_id_seq') AS id FROM generate_series(1, nb) g ORDER BY g) s;
    INSERT INTO pick_batches (id, warehouse_id, zone, mode, to_location_id, orders)
    SELECT ids[x.nb], w.id, min(x.zone), w.pick_mode, pack, count(*)
      FROM unnest(o_zones, o_batch) AS x(zone, nb) GROUP BY x.nb ORDER BY x.nb;
    INSERT INTO pick_tasks (batch_id, warehouse_id, order_line_id, product_id, lot_id, location_id, pick_seq, qty, order_id, slot)
    SELECT ids[x.nb], w.id, rs.order_line_id, rs.product_id, rs.lot_id, rs.location_id, l.pick_seq, rs.qty, x.order_id, x.slot
      FROM unnest(o_ids, o_zones, o_batch, o_slot) AS x(order_id, zone, nb, slot)
      JOIN order_lines ol ON ol.order_id = x.order_id
      JOIN reservations rs ON rs.order_line_id = ol.id
      JOIN locations l ON l.id = rs.location_id AND l.kind = 'bin' AND l.warehouse_id = w.id
     WHERE oms_pick_zone(l.zone, l.code) = x.zone
       AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.order_line_id = rs.order_line_id AND t.location_id = rs.location_id
                         AND coalesce(t.lot_id, 0) = coalesce(rs.lot_id, 0) AND t.status = 'ready')
     ORDER BY 1, l.pick_seq, rs.location_id, x.slot;
    UPDATE pick_batches b SET lines = s.n
      FROM (SELECT batch_id, count(*) AS n FROM pick_tasks WHERE batch_id = ANY (ids) GROUP BY 1) s
     WHERE b.id = s.batch_id;

    SELECT jsonb_agg(jsonb_build_object('id', b.id, 'code', b.code, 'warehouse', w.code, 'zone', b.zone,
                                        'mode', b.mode, 'orders', b.orders, 'lines', b.lines) ORDER BY b.id)
      INTO result_ FROM pick_batches b WHERE b.id = ANY (ids);
    INSERT INTO events (entity, entity_id, kind, message, data)
    SELECT 'batch', b.id, 'batch.released',
           format('%s %s zone %s: %s orders, %s lines', b.code, w.code, b.zone, b.orders, b.lines),
           jsonb_build_object('orders', b.orders, 'lines', b.lines, 'zone', b.zone)
      FROM pick_batches b WHERE b.id = ANY (ids) ORDER BY b.id;
    RETURN result_;
END $$;
-- +goose StatementEnd
DROP FUNCTION oms_floor_me();
DROP INDEX shipments_shipped;
DROP INDEX pick_batches_finished;
DROP INDEX packages_tracking_trouble;
DROP INDEX packages_by_time;
DROP INDEX pick_scans_by_time;
DROP TABLE channel_holds;
