-- Picking (issue 13, db/picking): allocated orders are released into pick batches, a picker
-- claims the next batch under a lease, confirms each pick by scan, or shorts it.
--
--  * Warehouses carry their picking settings: how many orders and lines a batch holds, the pick
--    mode (single order, batch, cluster: one tote per order on a cart) and, per field, what a
--    mismatching scan does (none, warn, error).
--  * A task is one reservation to pick (order line × bin × lot). At most one open ('ready') task
--    per reservation key (pick_tasks_open_once): an order is never released twice.
--  * Work is written only through the SECURITY DEFINER functions below, each one call from the
--    client: oms_pick_release (back office, supervisor), oms_pick_claim, oms_pick_confirm and
--    oms_pick_short (pickers). The picker is oms_actor()'s staff row; nobody picks as someone else.
--  * A confirmed pick updates its task first, then posts a 'pick' movement from the bin to the
--    batch's packing location, which (migration 00004) carries the reservation with it and raises
--    the line's qty_picked. Each scan is a row of pick_scans.
--  * Tasks follow their reservations: when a reservation shrinks below what its open task still
--    asks for (an order cancelled, re-routed or changed by its channel), the task shrinks or is
--    cancelled in the same statement (pick_tasks_follow_reservations).
--  * A short pick flags its bin for a count (count_flags), moves the remainder's reservation to
--    other bins of the warehouse with free stock (new tasks in the same batch) and backorders
--    what none has.
--  * Lock order, as everywhere (ARCHITECTURE.md §3): the order line first, then the batch and the
--    task, then balances, reservations and the order. Claim touches batches only.

-- +goose Up
ALTER TABLE warehouses
    ADD COLUMN pick_max_orders integer NOT NULL DEFAULT 12 CHECK (pick_max_orders BETWEEN 1 AND 500),
    ADD COLUMN pick_max_lines  integer NOT NULL DEFAULT 40 CHECK (pick_max_lines BETWEEN 1 AND 5000),
    ADD COLUMN pick_mode       text NOT NULL DEFAULT 'batch' CHECK (pick_mode IN ('single', 'batch', 'cluster')),
    ADD COLUMN verify_bin      text NOT NULL DEFAULT 'error' CHECK (verify_bin IN ('none', 'warn', 'error')),
    ADD COLUMN verify_item     text NOT NULL DEFAULT 'error' CHECK (verify_item IN ('none', 'warn', 'error')),
    ADD COLUMN verify_lot      text NOT NULL DEFAULT 'error' CHECK (verify_lot IN ('none', 'warn', 'error')),
    ADD COLUMN verify_qty      text NOT NULL DEFAULT 'error' CHECK (verify_qty IN ('none', 'warn', 'error'));

ALTER TABLE pick_batches
    ADD COLUMN code           text GENERATED ALWAYS AS ('B-' || CASE WHEN id < 1000000 THEN lpad(id::text, 6, '0') ELSE id::text END) STORED,
    ADD COLUMN zone           text NOT NULL DEFAULT '',
    ADD COLUMN mode           text NOT NULL DEFAULT 'batch' CHECK (mode IN ('single', 'batch', 'cluster')),
    ADD COLUMN to_location_id bigint REFERENCES locations,
    ADD COLUMN orders         integer NOT NULL DEFAULT 0,
    ADD COLUMN lines          integer NOT NULL DEFAULT 0,
    ADD COLUMN worked_by      bigint REFERENCES staff,
    ADD COLUMN claimed_at     timestamptz,
    ADD COLUMN finished_at    timestamptz;
-- A picker holds at most one batch.
CREATE UNIQUE INDEX pick_batches_one_per_picker ON pick_batches (claimed_by) WHERE status = 'claimed';

ALTER TABLE pick_tasks
    ADD COLUMN order_id bigint REFERENCES orders,
    ADD COLUMN slot     integer NOT NULL DEFAULT 1 CHECK (slot > 0);
-- One open task per reservation: releasing an order twice, or two releases at once, is refused.
CREATE UNIQUE INDEX pick_tasks_open_once ON pick_tasks (order_line_id, location_id, (coalesce(lot_id, 0)))
    WHERE status = 'ready';

-- Each scan as typed, whether it matched or only warned.
CREATE TABLE pick_scans (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL DEFAULT oms_actor(),
    terminal     text NOT NULL DEFAULT '',
    task_id      bigint NOT NULL REFERENCES pick_tasks,
    batch_id     bigint NOT NULL REFERENCES pick_batches,
    staff_id     bigint NOT NULL REFERENCES staff,
    bin_scan     text NOT NULL DEFAULT '',
    item_scan    text NOT NULL DEFAULT '',
    lot_scan     text NOT NULL DEFAULT '',
    qty          integer NOT NULL CHECK (qty > 0),
    warnings     text[] NOT NULL DEFAULT '{}',
    command_key  text
);
CREATE INDEX pick_scans_by_task ON pick_scans (task_id, id);

-- Bins to count: a short pick says the bin holds less than the books say. Stock control turns
-- open flags into count tasks and resolves them.
CREATE TABLE count_flags (
    id           bigserial PRIMARY KEY,
    location_id  bigint NOT NULL REFERENCES locations,
    product_id   bigint NOT NULL REFERENCES products,
    lot_id       bigint REFERENCES lots,
    reason_code  text NOT NULL REFERENCES reason_codes,
    task_id      bigint REFERENCES pick_tasks,
    flagged_at   timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL DEFAULT oms_actor(),
    resolved_at  timestamptz
);
CREATE INDEX count_flags_open ON count_flags (location_id, product_id) WHERE resolved_at IS NULL;

ALTER TABLE pick_scans OWNER TO oms_owner;
ALTER TABLE count_flags OWNER TO oms_owner;

-- ───────────────────────────── helpers (run inside the functions, as the owner) ─────────────────────────────

-- The staff row of whoever is calling, or a refusal.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_me() RETURNS staff
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff;
BEGIN
    SELECT * INTO me FROM staff WHERE login = oms_actor() AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not an active member of staff: only staff pick', oms_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN me;
END $$;
-- +goose StatementEnd

-- Locks the task's order line (the lock order's first row), then the batch, then the task, and
-- refuses unless the caller holds the batch under a live lease and the task is still open.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_held_task(task bigint, me staff) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    t pick_tasks;
    b pick_batches;
    holder text;
    o record;
BEGIN
    PERFORM 1 FROM order_lines WHERE id = (SELECT order_line_id FROM pick_tasks WHERE id = task) FOR NO KEY UPDATE;
    SELECT * INTO b FROM pick_batches WHERE id = (SELECT batch_id FROM pick_tasks WHERE id = task) FOR NO KEY UPDATE;
    SELECT * INTO t FROM pick_tasks WHERE id = task FOR NO KEY UPDATE;
    IF t.id IS NULL OR b.id IS NULL THEN
        RAISE EXCEPTION 'there is no pick task %', task USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF b.status = 'claimed' AND b.claimed_by <> me.id THEN
        SELECT login INTO holder FROM staff WHERE id = b.claimed_by;
        RAISE EXCEPTION 'batch % is no longer yours: its lease expired and % took it', b.code, holder
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'pick_batches_held';
    ELSIF b.status = 'ready' THEN
        RAISE EXCEPTION 'batch % is no longer yours: its lease expired and it went back to the queue; claim again', b.code
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'pick_batches_held';
    ELSIF b.status IN ('done', 'cancelled') THEN
        RAISE EXCEPTION 'batch % is % already: there is nothing left to pick in it', b.code, b.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_batches_held';
    ELSIF b.lease_expires_at < now() THEN
        RAISE EXCEPTION 'batch % is no longer yours: its lease expired at % UTC; claim again to go on', b.code,
            to_char(b.lease_expires_at AT TIME ZONE 'UTC', 'HH24:MI:SS')
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'pick_batches_held';
    END IF;
    IF t.status = 'ready' THEN
        SELECT ord.number, r.description AS why INTO o
          FROM orders ord LEFT JOIN reason_codes r ON r.code = ord.hold_reason
         WHERE ord.id = (SELECT order_id FROM order_lines WHERE id = t.order_line_id) AND ord.on_hold;
        IF FOUND THEN
            RAISE EXCEPTION 'order % is held (%): leave its units in the bin and go on with the next task',
                o.number, coalesce(o.why, 'no reason given')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_tasks_order_held';
        END IF;
    ELSE
        SELECT ord.number, ord.cancelled_at IS NOT NULL AS cancelled, ol.line_no, p.sku, l.code AS bin INTO o
          FROM order_lines ol JOIN orders ord ON ord.id = ol.order_id JOIN products p ON p.id = t.product_id
          JOIN locations l ON l.id = t.location_id WHERE ol.id = t.order_line_id;
        IF t.status = 'cancelled' AND o.cancelled THEN
            RAISE EXCEPTION 'order % was cancelled: do not pick % from %; the task is cancelled', o.number, o.sku, o.bin
                USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_tasks_open';
        ELSIF t.status = 'cancelled' THEN
            RAISE EXCEPTION 'order % line % no longer needs % from % (it was re-routed or changed): the task is cancelled',
                o.number, o.line_no, o.sku, o.bin USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_tasks_open';
        ELSE
            RAISE EXCEPTION 'order % line %: % from % is % already (% of % picked)', o.number, o.line_no, o.sku, o.bin,
                CASE t.status WHEN 'short' THEN 'short-picked' ELSE t.status END, t.qty_picked, t.qty
                USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_tasks_open';
        END IF;
    END IF;
END $$;
-- +goose StatementEnd

-- Renews the batch's lease, or closes it when it has no open task left; returns its state.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_touch_batch(batch bigint) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    open_tasks integer;
    total integer;
    b pick_batches;
BEGIN
    SELECT count(*) FILTER (WHERE status = 'ready'), count(*) INTO open_tasks, total FROM pick_tasks WHERE batch_id = batch;
    IF open_tasks = 0 THEN
        UPDATE pick_batches SET status = 'done', claimed_by = NULL, lease_expires_at = NULL, finished_at = now()
         WHERE id = batch RETURNING * INTO b;
    ELSE
        UPDATE pick_batches SET lease_expires_at = now() + interval '2 minutes' WHERE id = batch RETURNING * INTO b;
    END IF;
    RETURN jsonb_build_object('batch', b.id, 'code', b.code, 'batch_status', b.status, 'open_tasks', open_tasks,
                              'tasks', total, 'lease_expires_at', b.lease_expires_at);
END $$;
-- +goose StatementEnd

-- The zone of a bin: its zone column, or else its code up to the first dash ("A-01-02" → "A").
-- No search_path of its own, so that it is inlined: it names only pg_catalog's functions.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_zone(zone text, code text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(nullif(zone, ''), split_part(code, '-', 1))
$$;
-- +goose StatementEnd

-- ───────────────────────────── release ─────────────────────────────

-- Releases the orders holding stock in a warehouse's bins (allocated whole, not held or
-- cancelled; of a split order, its part here) into batches: by zone,
-- oldest promise first, at most max_orders orders (the warehouse's pick_max_orders when null; one
-- in single mode) and pick_max_lines tasks a batch (an order bigger than that gets a batch of its
-- own), tasks in the bins' pick sequence. Only reservations without an open task are released,
-- so nothing is released twice; releases of one warehouse run one at a time. Returns the batches.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_release(warehouse_code text, max_orders integer DEFAULT NULL) RETURNS jsonb
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

-- ───────────────────────────── claim ─────────────────────────────

-- A batch and its tasks in pick order, as the handheld shows them. PL/pgSQL, not SQL: a SQL
-- function that cannot be inlined is planned anew at every call, PL/pgSQL keeps its plan.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_batch_json(batch bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('id', b.id, 'code', b.code, 'warehouse', w.code, 'zone', b.zone, 'mode', b.mode,
               'status', b.status, 'tote', coalesce(b.tote, ''), 'picker', coalesce(s.login, ''),
               'lease_expires_at', b.lease_expires_at, 'orders', b.orders, 'lines', b.lines,
               'to_location', pl.code,
               'tasks', coalesce((
                   SELECT jsonb_agg(jsonb_build_object('id', t.id, 'order_id', t.order_id, 'order', o.number,
                              'line_no', ol.line_no, 'slot', t.slot, 'bin', l.code, 'bin_barcode', coalesce(l.barcode, ''),
                              'pick_seq', t.pick_seq, 'sku', p.sku, 'name', p.name, 'gtin', coalesce(p.gtin, ''),
                              'lot', coalesce(lt.lot_code, ''), 'expires_on', lt.expires_on,
                              'qty', t.qty, 'qty_picked', t.qty_picked, 'status', t.status)
                              ORDER BY t.pick_seq, l.code, t.slot, t.id)
                     FROM pick_tasks t
                     JOIN locations l ON l.id = t.location_id
                     JOIN products p ON p.id = t.product_id
                     JOIN order_lines ol ON ol.id = t.order_line_id
                     JOIN orders o ON o.id = ol.order_id
                     LEFT JOIN lots lt ON lt.id = t.lot_id
                    WHERE t.batch_id = b.id), '[]'::jsonb))
      FROM pick_batches b JOIN warehouses w ON w.id = b.warehouse_id
      LEFT JOIN staff s ON s.id = b.claimed_by
      LEFT JOIN locations pl ON pl.id = b.to_location_id
     WHERE b.id = batch);
END $$;
-- +goose StatementEnd

-- Claims work for the calling picker in one call: their own batch if they hold one (its lease
-- renewed), else a batch whose holder's lease expired (what was picked stays picked), else the
-- next ready batch of the warehouse, each taken FOR UPDATE SKIP LOCKED so two pickers never get
-- the same one. A batch left with no open task (its orders cancelled) is closed on the way. NULL
-- when there is no work.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_claim(warehouse_code text, tote text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_pick_me();
    wid bigint;
    b pick_batches;
    prev text;
    picked integer;
BEGIN
    SELECT id INTO wid FROM warehouses WHERE code = warehouse_code;
    IF wid IS NULL THEN
        RAISE EXCEPTION 'there is no warehouse %', warehouse_code USING ERRCODE = 'foreign_key_violation';
    END IF;
    FOR i IN 1..1000 LOOP
        prev := NULL;
        SELECT * INTO b FROM pick_batches WHERE claimed_by = me.id AND status = 'claimed' FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            SELECT * INTO b FROM pick_batches
             WHERE status = 'claimed' AND lease_expires_at < now() AND warehouse_id = wid
             ORDER BY lease_expires_at LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
            IF FOUND THEN
                SELECT login INTO prev FROM staff WHERE id = b.claimed_by;
            ELSE
                SELECT * INTO b FROM pick_batches WHERE status = 'ready' AND warehouse_id = wid
                 ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
                IF NOT FOUND THEN
                    RETURN NULL;
                END IF;
            END IF;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pick_tasks WHERE batch_id = b.id AND status = 'ready') THEN
            SELECT count(*) INTO picked FROM pick_tasks WHERE batch_id = b.id AND status IN ('done', 'short');
            UPDATE pick_batches SET status = CASE WHEN picked > 0 THEN 'done' ELSE 'cancelled' END,
                   claimed_by = NULL, lease_expires_at = NULL, finished_at = now()
             WHERE id = b.id;
            CONTINUE;
        END IF;
        UPDATE pick_batches
           SET status = 'claimed', claimed_by = me.id, worked_by = me.id,
               lease_expires_at = now() + interval '2 minutes',
               claimed_at = CASE WHEN claimed_by = me.id THEN claimed_at ELSE now() END,
               tote = coalesce(nullif(btrim(oms_pick_claim.tote), ''), pick_batches.tote)
         WHERE id = b.id;
        IF prev IS NOT NULL THEN
            INSERT INTO events (entity, entity_id, kind, message, data)
            VALUES ('batch', b.id, 'batch.taken_over',
                    format('%s: the lease of %s expired; %s took the batch over', b.code, prev, me.login),
                    jsonb_build_object('from', prev, 'to', me.login));
        END IF;
        RETURN oms_pick_batch_json(b.id);
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- ───────────────────────────── confirm ─────────────────────────────

-- Confirms qty units of a task, as scanned: the caller must hold the task's batch; the scans are
-- checked against the warehouse's verification settings (an 'error' mismatch refuses, a 'warn'
-- one is recorded); over-picking is refused. The task, the scan, the movement bin → packing (the
-- line's qty_picked and its reservation follow) and the lease change together. Stores the result
-- under command_key for a replay.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_confirm(task bigint, bin_scan text, item_scan text, lot_scan text, qty integer, command_key text)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
END $$;
-- +goose StatementEnd

-- ───────────────────────────── short ─────────────────────────────

-- Shorts the rest of a task for a short-pick reason: the bin is flagged for a count, the rest's
-- reservation moves to other bins of the warehouse with free stock (earliest expiry, then pick
-- sequence; a task in the same batch for each), and what none has is de-allocated, so the order
-- is backordered and the allocator finds it again. Balances are locked in the ledger's order
-- before any is changed.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_short(task bigint, reason text, command_key text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_pick_me();
    t pick_tasks;
    b pick_batches;
    rest integer;
    want integer;
    took integer;
    c record;
    locs bigint[] := '{}';
    lots_ bigint[] := '{}';
    qtys integer[] := '{}';
    codes text[] := '{}';
    sku text;
    bin text;
    ord record;
    why text;
    msg text;
    res jsonb;
BEGIN
    PERFORM oms_pick_held_task(task, me);
    SELECT * INTO t FROM pick_tasks WHERE id = task;
    SELECT * INTO b FROM pick_batches WHERE id = t.batch_id;
    SELECT description INTO why FROM reason_codes WHERE code = reason AND kind = 'short_pick' AND active;
    IF why IS NULL THEN
        RAISE EXCEPTION '% is not a short-pick reason: choose one of %', coalesce(reason, 'nothing'),
            (SELECT string_agg(code, ', ' ORDER BY code) FROM reason_codes WHERE kind = 'short_pick' AND active)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pick_tasks_short_reason';
    END IF;
    rest := t.qty - t.qty_picked;
    SELECT p.sku INTO sku FROM products p WHERE p.id = t.product_id;
    SELECT l.code INTO bin FROM locations l WHERE l.id = t.location_id;
    SELECT o.id, o.number, ol.line_no INTO ord FROM order_lines ol JOIN orders o ON o.id = ol.order_id WHERE ol.id = t.order_line_id;

    UPDATE pick_tasks SET status = 'short', short_reason = reason WHERE id = t.id;

    -- The product's balances in this bin and in every bin of the warehouse with free stock, in
    -- the ledger's lock order, before anything changes.
    PERFORM 1 FROM stock_balances sb JOIN locations l ON l.id = sb.location_id
     WHERE sb.product_id = t.product_id AND l.warehouse_id = t.warehouse_id AND l.kind = 'bin'
       AND (sb.location_id = t.location_id OR (l.active AND sb.on_hand > sb.reserved))
     ORDER BY sb.product_id, sb.location_id, coalesce(sb.lot_id, 0) FOR UPDATE OF sb;

    -- Give the rest back here.
    DELETE FROM reservations
     WHERE order_line_id = t.order_line_id AND location_id = t.location_id AND coalesce(lot_id, 0) = coalesce(t.lot_id, 0)
       AND qty = rest;
    IF NOT FOUND THEN
        UPDATE reservations SET qty = qty - rest
         WHERE order_line_id = t.order_line_id AND location_id = t.location_id AND coalesce(lot_id, 0) = coalesce(t.lot_id, 0)
           AND qty > rest;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'order % line % holds less than % × % reserved at %', ord.number, ord.line_no, rest, sku, bin
                USING ERRCODE = 'check_violation', CONSTRAINT = 'reservations_follow_stock';
        END IF;
    END IF;

    -- Reserve it elsewhere, from what is free.
    want := rest;
    FOR c IN
        SELECT sb.location_id, sb.lot_id, (sb.on_hand - sb.reserved)::integer AS free, l.code
          FROM stock_balances sb JOIN locations l ON l.id = sb.location_id
          LEFT JOIN lots lt ON lt.id = sb.lot_id
         WHERE sb.product_id = t.product_id AND l.warehouse_id = t.warehouse_id AND l.kind = 'bin' AND l.active
           AND sb.location_id <> t.location_id AND sb.on_hand > sb.reserved
           AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
         ORDER BY lt.expires_on NULLS LAST, l.pick_seq, sb.location_id
    LOOP
        EXIT WHEN want = 0;
        took := least(want, c.free);
        want := want - took;
        locs := locs || c.location_id;
        lots_ := lots_ || c.lot_id;
        qtys := qtys || took;
        codes := codes || format('%s × %s at %s', took, sku, c.code);
    END LOOP;
    IF cardinality(locs) > 0 THEN
        INSERT INTO reservations AS r (order_line_id, location_id, product_id, lot_id, qty)
        SELECT t.order_line_id, x.loc, t.product_id, x.lot, x.q
          FROM unnest(locs, lots_, qtys) AS x(loc, lot, q) ORDER BY x.loc, x.lot
        ON CONFLICT (order_line_id, location_id, lot_id) DO UPDATE SET qty = r.qty + EXCLUDED.qty;
        INSERT INTO pick_tasks AS pt (batch_id, warehouse_id, order_line_id, product_id, lot_id, location_id, pick_seq, qty,
                                      order_id, slot)
        SELECT b.id, t.warehouse_id, t.order_line_id, t.product_id, x.lot, x.loc, l.pick_seq, x.q, t.order_id, t.slot
          FROM unnest(locs, lots_, qtys) AS x(loc, lot, q) JOIN locations l ON l.id = x.loc
        ON CONFLICT (order_line_id, location_id, (coalesce(lot_id, 0))) WHERE status = 'ready'
        DO UPDATE SET qty = pt.qty + EXCLUDED.qty;
    END IF;
    IF want > 0 THEN
        UPDATE order_lines SET qty_allocated = qty_allocated - want WHERE id = t.order_line_id;
    END IF;

    INSERT INTO count_flags (location_id, product_id, lot_id, reason_code, task_id)
    VALUES (t.location_id, t.product_id, t.lot_id, reason, t.id);

    msg := format('short pick of %s × %s at %s (%s)', rest, sku, bin, why);
    IF cardinality(codes) > 0 THEN
        msg := msg || ': re-tasked ' || array_to_string(codes, ', ');
    END IF;
    IF want > 0 THEN
        msg := msg || CASE WHEN cardinality(codes) > 0 THEN '; ' ELSE ': ' END || format('backordered %s × %s', want, sku);
    END IF;
    INSERT INTO events (entity, entity_id, order_id, kind, message, data, command_key)
    VALUES ('order', ord.id, ord.id, 'order.short_picked', msg,
            jsonb_build_object('task', t.id, 'batch', b.code, 'reason', reason, 'short', rest,
                               'retasked', rest - want, 'backordered', want), nullif(command_key, ''));

    res := oms_pick_touch_batch(b.id) || jsonb_build_object('task', t.id, 'status', 'short', 'qty', t.qty,
               'qty_picked', t.qty_picked, 'short', rest, 'retasked', rest - want,
               'backordered', want, 'sentence', msg, 'order', ord.number,
               'new_tasks', coalesce((SELECT jsonb_agg(pt.id ORDER BY pt.pick_seq, pt.id) FROM pick_tasks pt
                                       WHERE pt.batch_id = b.id AND pt.order_line_id = t.order_line_id AND pt.status = 'ready'
                                         AND pt.location_id = ANY (locs)), '[]'::jsonb));
    IF coalesce(command_key, '') <> '' THEN
        UPDATE idempotency_keys SET result = res WHERE key = command_key;
    END IF;
    RETURN res;
END $$;
-- +goose StatementEnd

-- ───────────────────────────── tasks follow their reservations ─────────────────────────────

-- After reservations shrink or go (a cancel, a re-route, a channel's change, a short pick), an
-- open task asking for more than its reservation still holds shrinks to it, or is cancelled
-- when nothing is left. Picks update their task before their movement, so they never trip this.
-- +goose StatementBegin
CREATE FUNCTION oms_pick_tasks_follow_reservations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE pick_tasks pt
       SET status = CASE WHEN s.held = 0 THEN 'cancelled' ELSE pt.status END,
           qty = CASE WHEN s.held = 0 OR pt.qty_picked + s.held = 0 THEN pt.qty ELSE pt.qty_picked + s.held END
      FROM (SELECT t.id, coalesce((SELECT r.qty FROM reservations r
                                    WHERE r.order_line_id = k.order_line_id AND r.location_id = k.location_id
                                      AND r.lot_id IS NOT DISTINCT FROM k.lot_id), 0) AS held
              FROM (SELECT DISTINCT order_line_id, location_id, lot_id FROM old_rows) k
              JOIN pick_tasks t ON t.order_line_id = k.order_line_id AND t.location_id = k.location_id
                               AND coalesce(t.lot_id, 0) = coalesce(k.lot_id, 0) AND t.status = 'ready') s
     WHERE pt.id = s.id AND pt.qty - pt.qty_picked > s.held;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER reservations_pick_tasks_follow_update AFTER UPDATE ON reservations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_pick_tasks_follow_reservations();
CREATE TRIGGER reservations_pick_tasks_follow_delete AFTER DELETE ON reservations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_pick_tasks_follow_reservations();

-- ───────────────────────────── who may do what ─────────────────────────────

-- +goose StatementBegin
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms\_pick\_%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO oms_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION oms_pick_claim(text, text), oms_pick_confirm(bigint, text, text, text, integer, text),
    oms_pick_short(bigint, text, text) TO oms_picker;
GRANT EXECUTE ON FUNCTION oms_pick_release(text, integer) TO oms_backoffice;

GRANT SELECT ON pick_scans, count_flags TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_store, oms_admin;
GRANT UPDATE (resolved_at) ON count_flags TO oms_stock;

-- +goose Down
DROP TRIGGER reservations_pick_tasks_follow_delete ON reservations;
DROP TRIGGER reservations_pick_tasks_follow_update ON reservations;
DROP FUNCTION oms_pick_tasks_follow_reservations();
DROP FUNCTION oms_pick_short(bigint, text, text);
DROP FUNCTION oms_pick_confirm(bigint, text, text, text, integer, text);
DROP FUNCTION oms_pick_claim(text, text);
DROP FUNCTION oms_pick_batch_json(bigint);
DROP FUNCTION oms_pick_release(text, integer);
DROP FUNCTION oms_pick_zone(text, text);
DROP FUNCTION oms_pick_touch_batch(bigint);
DROP FUNCTION oms_pick_held_task(bigint, staff);
DROP FUNCTION oms_pick_me();
DROP TABLE count_flags;
DROP TABLE pick_scans;
DROP INDEX pick_tasks_open_once;
ALTER TABLE pick_tasks DROP COLUMN slot, DROP COLUMN order_id;
DROP INDEX pick_batches_one_per_picker;
ALTER TABLE pick_batches DROP COLUMN code, DROP COLUMN zone, DROP COLUMN mode, DROP COLUMN to_location_id,
    DROP COLUMN orders, DROP COLUMN lines, DROP COLUMN worked_by, DROP COLUMN claimed_at, DROP COLUMN finished_at;
ALTER TABLE warehouses DROP COLUMN pick_max_orders, DROP COLUMN pick_max_lines, DROP COLUMN pick_mode,
    DROP COLUMN verify_bin, DROP COLUMN verify_item, DROP COLUMN verify_lot, DROP COLUMN verify_qty;
