-- Stock counts (issue 16, db/counts, the F7 screen): blind counts of bins that stay right while
-- the floor moves, through SECURITY DEFINER functions only.
--
--  * A count (stock_counts) is a plan's bins — a zone, an aisle, a list of bins, the bins of an
--    ABC class due for their cycle count, or the bins short picks flagged — released as count
--    tasks (count_tasks), one per bin and round, claimed one at a time with a lease like pick
--    batches (FOR UPDATE SKIP LOCKED on the ready tasks' partial index). A short pick's flag
--    raises a task for its bin by itself.
--  * Blind: the counter scans the bin and records what is there; the expected quantity is not
--    shown unless the warehouse says so (count_show_expected).
--  * In-flight aware: recording a count takes the recording transaction's pg_current_snapshot().
--    What the ledger said at that position is the balance now less the movements of the bin
--    that snapshot could not see (their change_xid is not visible in it, which a movement id
--    cannot tell: ids are taken before commit). The variance is the count minus that, and an
--    adjustment posts exactly the variance, now: picks, put-aways, transfers and restocks before
--    or after the count are accounted for once, nothing is frozen and nothing is back-dated.
--  * Variance review: within the warehouse's tolerance (units and value) the adjustment posts at
--    once; beyond it the bin is recounted by someone else (round 2), and that count waits for a
--    supervisor who counted neither round, who posts each line with a reason or rejects it.
--    A shortage that reservations hold is first taken from the newest reservations there (their
--    orders wait for the allocator again), so stock is never reserved beyond what is on hand.

-- +goose Up

ALTER TABLE warehouses
    ADD COLUMN count_tolerance_units integer NOT NULL DEFAULT 0 CHECK (count_tolerance_units >= 0),
    ADD COLUMN count_tolerance_minor bigint NOT NULL DEFAULT 0 CHECK (count_tolerance_minor >= 0),
    ADD COLUMN count_show_expected boolean NOT NULL DEFAULT false;

-- What a unit of a product is worth to the business, in the company's currency: the value of
-- count variances and adjustments (0 until set).
ALTER TABLE products
    ADD COLUMN unit_cost_minor bigint NOT NULL DEFAULT 0 CHECK (unit_cost_minor >= 0);

ALTER TABLE stock_counts
    ADD COLUMN number text UNIQUE,
    ADD COLUMN plan text NOT NULL DEFAULT '';

-- A flag records the transaction that raised it, so a count resolves exactly the flags its
-- snapshot saw.
ALTER TABLE count_flags ADD COLUMN flag_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE TABLE count_tasks (
    id                bigserial PRIMARY KEY,
    count_id          bigint NOT NULL REFERENCES stock_counts,
    warehouse_id      bigint NOT NULL REFERENCES warehouses,
    location_id       bigint NOT NULL REFERENCES locations,
    round             smallint NOT NULL DEFAULT 1 CHECK (round IN (1, 2)),
    status            text NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'claimed', 'recount', 'review',
                           'posted', 'rejected', 'cancelled')),
    pick_seq          integer NOT NULL DEFAULT 0,
    not_by            bigint REFERENCES staff,      -- a recount is someone else's
    claimed_by        bigint REFERENCES staff,
    lease_expires_at  timestamptz,
    counted_by        bigint REFERENCES staff,
    counted_at        timestamptz,
    snapshot          pg_snapshot,
    decided_by        bigint REFERENCES staff,
    decided_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    change_xid        xid8,
    UNIQUE (count_id, location_id, round),
    CHECK ((status = 'claimed') = (claimed_by IS NOT NULL)),
    CHECK ((counted_at IS NULL) = (snapshot IS NULL))
);
CREATE INDEX count_tasks_ready ON count_tasks (warehouse_id, pick_seq, id) WHERE status = 'ready';
CREATE INDEX count_tasks_claimed ON count_tasks (claimed_by) WHERE status = 'claimed';
-- One open task per bin: a plan and a short pick's flag racing for a bin meet here, and the
-- second waits for the first and adds nothing.
CREATE UNIQUE INDEX count_tasks_one_open ON count_tasks (location_id) WHERE status IN ('ready', 'claimed', 'review');
CREATE INDEX count_tasks_changes ON count_tasks (change_xid);
CREATE TRIGGER count_tasks_stamp BEFORE INSERT OR UPDATE ON count_tasks
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

-- What a round found: per product and lot, the count, what the ledger said at the count's
-- snapshot, and (once posted) the adjustment's movement.
CREATE TABLE count_task_lines (
    id           bigserial PRIMARY KEY,
    task_id      bigint NOT NULL REFERENCES count_tasks,
    product_id   bigint NOT NULL REFERENCES products,
    lot_id       bigint REFERENCES lots,
    counted      bigint NOT NULL CHECK (counted >= 0),
    expected     bigint NOT NULL,
    variance     bigint GENERATED ALWAYS AS (counted - expected) STORED,
    value_minor  bigint NOT NULL DEFAULT 0,     -- |variance| × unit cost, in the company's currency
    reason_code  text REFERENCES reason_codes,
    movement_id  bigint REFERENCES stock_movements,
    UNIQUE NULLS NOT DISTINCT (task_id, product_id, lot_id)
);
CREATE INDEX count_task_lines_by_task ON count_task_lines (task_id);

-- ───────────────────────────── helpers (as the owner) ─────────────────────────────

-- +goose StatementBegin
CREATE FUNCTION oms_count_me() RETURNS staff
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff;
BEGIN
    SELECT * INTO me FROM staff WHERE login = oms_actor() AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not an active member of staff: only staff count stock', oms_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN me;
END $$;
-- +goose StatementEnd

-- A product's unit cost in the company's currency.
-- +goose StatementBegin
CREATE FUNCTION oms_count_unit_cost(product bigint) RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT p.unit_cost_minor FROM products p WHERE p.id = product
$$;
-- +goose StatementEnd

-- Adds the bins to a count as round-1 tasks, skipping bins with a task still open; returns how
-- many it added.
-- +goose StatementBegin
CREATE FUNCTION oms_count_add_bins(count_id bigint, bins bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    INSERT INTO count_tasks (count_id, warehouse_id, location_id, pick_seq)
    SELECT oms_count_add_bins.count_id, l.warehouse_id, l.id, l.pick_seq FROM locations l
     WHERE l.id = ANY (bins) AND l.kind = 'bin'
       AND NOT EXISTS (SELECT 1 FROM count_tasks t WHERE t.location_id = l.id AND t.status IN ('ready', 'claimed', 'review'))
     ORDER BY l.pick_seq, l.id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
-- +goose StatementEnd

-- A new count of a warehouse, numbered C-…
-- +goose StatementBegin
CREATE FUNCTION oms_count_new(warehouse bigint, count_kind text, count_plan text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO stock_counts (warehouse_id, kind, blind, status, plan)
    SELECT w.id, count_kind, NOT w.count_show_expected, 'counting', count_plan FROM warehouses w WHERE w.id = warehouse
    RETURNING stock_counts.id INTO new_id;
    UPDATE stock_counts SET number = 'C-' || lpad(new_id::text, 6, '0') WHERE stock_counts.id = new_id;
    RETURN new_id;
END $$;
-- +goose StatementEnd

-- A count's status follows its tasks: under review while one waits for a supervisor, posted
-- once none is open.
-- +goose StatementBegin
CREATE FUNCTION oms_count_restatus(count_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    UPDATE stock_counts c SET status = s.status
      FROM (SELECT CASE WHEN bool_or(t.status = 'review') THEN 'review'
                        WHEN bool_or(t.status IN ('ready', 'claimed')) THEN 'counting'
                        WHEN bool_and(t.status = 'cancelled') THEN 'cancelled'
                        ELSE 'posted' END AS status
              FROM count_tasks t WHERE t.count_id = oms_count_restatus.count_id) s
     WHERE c.id = oms_count_restatus.count_id AND c.status IS DISTINCT FROM s.status AND s.status IS NOT NULL
$$;
-- +goose StatementEnd

-- Puts a flagged bin in its warehouse's open count of flagged bins (a new one if none is open),
-- unless the bin has a count task open already.
-- +goose StatementBegin
CREATE FUNCTION oms_count_flag_bin(bin bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    wid bigint := (SELECT warehouse_id FROM locations WHERE id = bin);
    c bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM count_tasks WHERE location_id = bin AND status IN ('ready', 'claimed', 'review')) THEN
        RETURN;
    END IF;
    SELECT id INTO c FROM stock_counts WHERE warehouse_id = wid AND plan = 'short-pick flags'
       AND status IN ('counting', 'review') ORDER BY id DESC LIMIT 1;
    IF c IS NULL THEN
        c := oms_count_new(wid, 'spot', 'short-pick flags');
    END IF;
    PERFORM oms_count_add_bins(c, ARRAY[bin]);
    PERFORM oms_count_restatus(c);
END $$;
-- +goose StatementEnd

-- A short pick's flag raises a count task for its bin by itself, in the warehouse's open count
-- of flagged bins.
-- +goose StatementBegin
CREATE FUNCTION oms_count_flagged() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT DISTINCT n.location_id FROM new_rows n JOIN locations l ON l.id = n.location_id
              WHERE l.kind = 'bin' ORDER BY 1 LOOP
        -- A bin being counted right now: wait for that count, which may answer this flag or
        -- not (its snapshot decides), and then see whether the bin still has an open task.
        PERFORM 1 FROM count_tasks WHERE location_id = f.location_id AND status IN ('ready', 'claimed', 'review') FOR SHARE;
        PERFORM oms_count_flag_bin(f.location_id);
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER count_flags_raise_tasks AFTER INSERT ON count_flags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_count_flagged();

-- ───────────────────────────── plan ─────────────────────────────

-- Plans a count of a warehouse: how is 'zone', 'aisle', 'bins' (codes separated by commas or
-- spaces), 'abc' (class A, B or C: the bins holding products of that class — by units shipped in
-- the last 90 days, A the top fifth of products, B the next three tenths — not counted within
-- the class's frequency: 30, 90 or 365 days) or 'flags' (the bins short picks flagged). At most
-- max_bins bins, in pick sequence. Returns the count's id; nothing to count is a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_count_plan(warehouse text, how text, arg text, max_bins integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_count_me();
    wh warehouses;
    bins bigint[];
    c bigint;
    plan_text text;
    codes text[];
    unknown text;
BEGIN
    SELECT * INTO wh FROM warehouses w WHERE w.code = upper(btrim(warehouse));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no warehouse %', warehouse USING ERRCODE = 'no_data_found';
    END IF;
    max_bins := least(greatest(coalesce(nullif(max_bins, 0), 500), 1), 5000);
    CASE how
    WHEN 'zone', 'aisle' THEN
        SELECT array_agg(id ORDER BY pick_seq, id) INTO bins FROM (
            SELECT l.id, l.pick_seq FROM locations l
             WHERE l.warehouse_id = wh.id AND l.kind = 'bin' AND l.active
               AND CASE how WHEN 'zone' THEN l.zone ELSE l.aisle END = btrim(arg)
             ORDER BY l.pick_seq, l.id LIMIT max_bins) x;
        plan_text := format('%s %s', how, btrim(arg));
    WHEN 'bins' THEN
        codes := regexp_split_to_array(upper(btrim(arg)), '[\s,]+');
        SELECT string_agg(x, ', ') INTO unknown FROM unnest(codes) x
         WHERE x <> '' AND NOT EXISTS (SELECT 1 FROM locations l WHERE l.warehouse_id = wh.id AND l.code = x AND l.kind = 'bin');
        IF unknown IS NOT NULL THEN
            RAISE EXCEPTION '% has no bin %', wh.code, unknown USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_bins';
        END IF;
        SELECT array_agg(l.id ORDER BY l.pick_seq, l.id) INTO bins FROM locations l
         WHERE l.warehouse_id = wh.id AND l.kind = 'bin' AND l.code = ANY (codes);
        plan_text := 'bins ' || array_to_string(codes, ', ');
    WHEN 'abc' THEN
        IF upper(btrim(arg)) NOT IN ('A', 'B', 'C') THEN
            RAISE EXCEPTION 'an ABC class is A, B or C, not "%"', arg USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_abc';
        END IF;
        WITH demand AS (
            SELECT p.id, coalesce(sum(m.qty) FILTER (WHERE m.kind = 'ship' AND m.at > now() - interval '90 days'), 0) AS shipped
              FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id AND m.kind = 'ship' AND m.at > now() - interval '90 days'
             WHERE p.active GROUP BY p.id),
        ranked AS (SELECT id, percent_rank() OVER (ORDER BY shipped DESC, id) AS r FROM demand),
        classed AS (SELECT id, CASE WHEN r < 0.2 THEN 'A' WHEN r < 0.5 THEN 'B' ELSE 'C' END AS class FROM ranked),
        due AS (
            SELECT DISTINCT l.id, l.pick_seq FROM stock_balances b JOIN locations l ON l.id = b.location_id
              JOIN classed c ON c.id = b.product_id
             WHERE l.warehouse_id = wh.id AND l.kind = 'bin' AND l.active AND b.on_hand > 0 AND c.class = upper(btrim(arg))
               AND NOT EXISTS (SELECT 1 FROM count_tasks t WHERE t.location_id = l.id AND t.status = 'posted'
                                  AND t.counted_at > now() - CASE upper(btrim(arg)) WHEN 'A' THEN interval '30 days'
                                                                  WHEN 'B' THEN interval '90 days' ELSE interval '365 days' END))
        SELECT array_agg(id ORDER BY pick_seq, id) INTO bins FROM (SELECT * FROM due ORDER BY pick_seq, id LIMIT max_bins) x;
        plan_text := format('cycle count, class %s', upper(btrim(arg)));
    WHEN 'flags' THEN
        SELECT array_agg(id ORDER BY pick_seq, id) INTO bins FROM (
            SELECT DISTINCT l.id, l.pick_seq FROM count_flags f JOIN locations l ON l.id = f.location_id
             WHERE l.warehouse_id = wh.id AND f.resolved_at IS NULL ORDER BY l.pick_seq, l.id LIMIT max_bins) x;
        plan_text := 'short-pick flags';
    ELSE
        RAISE EXCEPTION 'a count is planned by zone, aisle, bins, abc or flags, not "%"', coalesce(how, '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_plan';
    END CASE;
    IF bins IS NULL OR NOT EXISTS (SELECT 1 FROM locations l WHERE l.id = ANY (bins)
                                      AND NOT EXISTS (SELECT 1 FROM count_tasks t WHERE t.location_id = l.id
                                                         AND t.status IN ('ready', 'claimed', 'review'))) THEN
        RAISE EXCEPTION 'nothing to count at % for %: no bin, or every one is being counted already', wh.code, plan_text
            USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_something';
    END IF;
    c := oms_count_new(wh.id, CASE how WHEN 'abc' THEN 'cycle' ELSE 'spot' END, plan_text);
    IF oms_count_add_bins(c, bins) = 0 THEN
        RAISE EXCEPTION 'nothing to count at % for %: every bin is being counted already', wh.code, plan_text
            USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_something';
    END IF;
    INSERT INTO events (entity, entity_id, kind, message, data)
    SELECT 'count', c, 'count.planned', format('%s planned by %s at %s: %s, %s bins', s.number, me.name, wh.code, plan_text,
                                               (SELECT count(*) FROM count_tasks WHERE count_id = c)),
           jsonb_build_object('count', s.number, 'plan', plan_text)
      FROM stock_counts s WHERE s.id = c;
    RETURN c;
END $$;
-- +goose StatementEnd

-- ───────────────────────────── claim and record ─────────────────────────────

-- A task as the counter's screen shows it: the bin, and the expected lines only where the
-- warehouse shows them.
-- +goose StatementBegin
CREATE FUNCTION oms_count_task_json(task bigint) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_object('id', t.id, 'count', c.number, 'plan', c.plan, 'round', t.round, 'bin', l.code,
               'warehouse', w.code, 'status', t.status,
               'lease_expires_at', t.lease_expires_at,
               'expected', CASE WHEN w.count_show_expected THEN coalesce((
                   SELECT jsonb_agg(jsonb_build_object('sku', p.sku, 'lot', lt.lot_code, 'qty', b.on_hand) ORDER BY p.sku)
                     FROM stock_balances b JOIN products p ON p.id = b.product_id LEFT JOIN lots lt ON lt.id = b.lot_id
                    WHERE b.location_id = l.id AND b.on_hand <> 0), '[]') END)
      FROM count_tasks t JOIN stock_counts c ON c.id = t.count_id JOIN locations l ON l.id = t.location_id
      JOIN warehouses w ON w.id = t.warehouse_id
     WHERE t.id = task
$$;
-- +goose StatementEnd

-- Hands the caller the next bin to count at a warehouse (their own claimed one first, then one
-- whose lease ran out, then the first ready in pick sequence; a recount never to whoever
-- counted the first round) under a lease. NULL: nothing to count.
-- +goose StatementBegin
CREATE FUNCTION oms_count_claim(warehouse text, lease interval) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_count_me();
    wid bigint;
    t count_tasks;
BEGIN
    SELECT id INTO wid FROM warehouses WHERE code = upper(btrim(warehouse));
    IF wid IS NULL THEN
        RAISE EXCEPTION 'there is no warehouse %', warehouse USING ERRCODE = 'no_data_found';
    END IF;
    SELECT * INTO t FROM count_tasks WHERE claimed_by = me.id AND status = 'claimed' AND warehouse_id = wid
     ORDER BY id LIMIT 1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        SELECT * INTO t FROM count_tasks
         WHERE status = 'claimed' AND warehouse_id = wid AND lease_expires_at < now() AND not_by IS DISTINCT FROM me.id
         ORDER BY lease_expires_at LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
    END IF;
    IF NOT FOUND THEN
        SELECT * INTO t FROM count_tasks
         WHERE status = 'ready' AND warehouse_id = wid AND not_by IS DISTINCT FROM me.id
         ORDER BY pick_seq, id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
    END IF;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE count_tasks SET status = 'claimed', claimed_by = me.id, lease_expires_at = now() + lease WHERE id = t.id;
    RETURN oms_count_task_json(t.id);
END $$;
-- +goose StatementEnd

-- Gives a claimed task back to the queue (the counter cannot count it now).
-- +goose StatementBegin
CREATE FUNCTION oms_count_unclaim(task bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_count_me();
BEGIN
    UPDATE count_tasks SET status = 'ready', claimed_by = NULL, lease_expires_at = NULL
     WHERE id = task AND status = 'claimed' AND claimed_by = me.id;
END $$;
-- +goose StatementEnd

-- Posts a round's variances as adjustments, now: each line's variance moves between the
-- adjustment location and the bin (kind 'count', the line's reason). A shortage that
-- reservations hold is first taken from the newest reservations there: their lines give the
-- units back to allocation, order lines locked first (the ledger's lock order).
-- +goose StatementBegin
CREATE FUNCTION oms_count_post(task bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    t count_tasks;
    ln record;
    r record;
    adj bigint := (SELECT id FROM locations WHERE kind = 'adjustment' ORDER BY id LIMIT 1);
    short bigint;
    took bigint;
    mv bigint;
    cnt text;
BEGIN
    SELECT * INTO t FROM count_tasks WHERE id = task;
    SELECT number INTO cnt FROM stock_counts WHERE id = t.count_id;
    -- Every order line holding units of a short line in this bin, locked first.
    PERFORM 1 FROM order_lines WHERE id IN (
        SELECT rv.order_line_id FROM reservations rv JOIN count_task_lines cl ON cl.task_id = t.id
         WHERE rv.location_id = t.location_id AND rv.product_id = cl.product_id
           AND rv.lot_id IS NOT DISTINCT FROM cl.lot_id AND cl.variance < 0)
     ORDER BY id FOR NO KEY UPDATE;
    FOR ln IN SELECT * FROM count_task_lines WHERE task_id = t.id AND variance <> 0 ORDER BY product_id, coalesce(lot_id, 0) LOOP
        IF ln.variance < 0 THEN
            SELECT greatest(b.reserved - (b.on_hand + ln.variance), 0) INTO short FROM stock_balances b
             WHERE b.location_id = t.location_id AND b.product_id = ln.product_id AND b.lot_id IS NOT DISTINCT FROM ln.lot_id
             FOR UPDATE;
            FOR r IN SELECT rv.* FROM reservations rv
                      WHERE rv.location_id = t.location_id AND rv.product_id = ln.product_id
                        AND rv.lot_id IS NOT DISTINCT FROM ln.lot_id ORDER BY rv.order_line_id DESC LOOP
                EXIT WHEN coalesce(short, 0) <= 0;
                took := least(short, r.qty);
                IF took = r.qty THEN
                    DELETE FROM reservations WHERE order_line_id = r.order_line_id AND location_id = r.location_id
                       AND lot_id IS NOT DISTINCT FROM r.lot_id;
                ELSE
                    UPDATE reservations SET qty = qty - took WHERE order_line_id = r.order_line_id AND location_id = r.location_id
                       AND lot_id IS NOT DISTINCT FROM r.lot_id;
                END IF;
                UPDATE order_lines SET qty_allocated = qty_allocated - took WHERE id = r.order_line_id;
                short := short - took;
            END LOOP;
        END IF;
        INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, reason_code, note)
        VALUES (ln.product_id, ln.lot_id,
                CASE WHEN ln.variance > 0 THEN adj ELSE t.location_id END,
                CASE WHEN ln.variance > 0 THEN t.location_id ELSE adj END,
                abs(ln.variance), 'count',
                coalesce(ln.reason_code, CASE WHEN ln.variance > 0 THEN 'CNT_FOUND' ELSE 'CNT_LOST' END),
                format('%s round %s', cnt, t.round))
        RETURNING id INTO mv;
        UPDATE count_task_lines SET movement_id = mv,
               reason_code = coalesce(reason_code, CASE WHEN ln.variance > 0 THEN 'CNT_FOUND' ELSE 'CNT_LOST' END)
         WHERE id = ln.id;
    END LOOP;
END $$;
-- +goose StatementEnd

-- Records the count of a claimed bin: lines is [{"product": id, "lot": id or null, "qty": n}];
-- a product the ledger has in the bin and the counter did not list counts as 0. Returns the
-- outcome: posted (within tolerance; the adjustments are in the ledger), recount (someone else
-- counts it again) or review (a supervisor decides). Never says what was expected.
-- +goose StatementBegin
CREATE FUNCTION oms_count_record(task bigint, lines jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_count_me();
    snap pg_snapshot := pg_current_snapshot();
    t count_tasks;
    wh warehouses;
    bad record;
    beyond boolean;
    outcome text;
    flags integer;
    cnt text;
    bin text;
BEGIN
    SELECT * INTO t FROM count_tasks WHERE id = task FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no count task %', task USING ERRCODE = 'no_data_found';
    END IF;
    SELECT code INTO bin FROM locations WHERE id = t.location_id;
    IF t.status <> 'claimed' OR t.claimed_by IS DISTINCT FROM me.id THEN
        RAISE EXCEPTION 'the count of % is not yours to record (%): claim the next bin again', bin,
            CASE WHEN t.status = 'claimed' THEN 'another counter holds it' ELSE replace(t.status, '_', ' ') END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_held';
    END IF;
    IF jsonb_typeof(lines) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'a count lists what the bin holds, even nothing' USING ERRCODE = 'check_violation', CONSTRAINT = 'count_task_lines_list';
    END IF;
    SELECT x.product, x.lot, x.qty INTO bad FROM jsonb_to_recordset(lines) AS x(product bigint, lot bigint, qty bigint)
     WHERE x.qty IS NULL OR x.qty < 0 OR x.qty > 10000000 OR NOT EXISTS (SELECT 1 FROM products p WHERE p.id = x.product)
        OR (x.lot IS NOT NULL AND NOT EXISTS (SELECT 1 FROM lots l WHERE l.id = x.lot AND l.product_id = x.product))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'a counted line needs a product, its own lot and 0 or more units (got product %, lot %, %)',
            bad.product, bad.lot, bad.qty USING ERRCODE = 'check_violation', CONSTRAINT = 'count_task_lines_valid';
    END IF;
    SELECT * INTO wh FROM warehouses WHERE id = t.warehouse_id;
    SELECT number INTO cnt FROM stock_counts WHERE id = t.count_id;

    -- What the ledger said at the snapshot: each balance of the bin now, less what moved in or
    -- out of it in transactions the snapshot could not see. One statement, so the balances and
    -- the movements it reads are of one moment.
    WITH now_held AS (
            SELECT product_id, lot_id, on_hand FROM stock_balances WHERE location_id = t.location_id),
         unseen AS (
            SELECT product_id, lot_id, sum(CASE WHEN to_location_id = t.location_id THEN qty ELSE -qty END) AS qty
              FROM stock_movements
             WHERE change_xid >= pg_snapshot_xmin(snap) AND NOT pg_visible_in_snapshot(change_xid, snap)
               AND (from_location_id = t.location_id OR to_location_id = t.location_id)
             GROUP BY 1, 2),
         expected AS (
            SELECT coalesce(n.product_id, u.product_id) AS product_id, coalesce(n.lot_id, u.lot_id) AS lot_id,
                   coalesce(n.on_hand, 0) - coalesce(u.qty, 0) AS qty
              FROM now_held n FULL JOIN unseen u ON u.product_id = n.product_id AND u.lot_id IS NOT DISTINCT FROM n.lot_id),
         counted AS (
            SELECT x.product, x.lot, sum(x.qty) AS qty FROM jsonb_to_recordset(lines) AS x(product bigint, lot bigint, qty bigint)
             GROUP BY 1, 2)
    INSERT INTO count_task_lines (task_id, product_id, lot_id, counted, expected, value_minor)
    SELECT t.id, coalesce(c.product, e.product_id), coalesce(c.lot, e.lot_id), coalesce(c.qty, 0), coalesce(e.qty, 0),
           abs(coalesce(c.qty, 0) - coalesce(e.qty, 0)) * oms_count_unit_cost(coalesce(c.product, e.product_id))
      FROM counted c FULL JOIN (SELECT * FROM expected WHERE qty <> 0) e
        ON e.product_id = c.product AND e.lot_id IS NOT DISTINCT FROM c.lot;

    SELECT bool_or(abs(variance) > wh.count_tolerance_units) OR coalesce(sum(value_minor) > wh.count_tolerance_minor, false)
      INTO beyond FROM count_task_lines WHERE task_id = t.id;
    outcome := CASE WHEN NOT coalesce(beyond, false) THEN 'posted' WHEN t.round = 1 THEN 'recount' ELSE 'review' END;
    UPDATE count_tasks SET status = outcome, counted_by = me.id, counted_at = now(), snapshot = snap, claimed_by = NULL,
                           lease_expires_at = NULL
     WHERE id = t.id;
    IF outcome = 'posted' THEN
        PERFORM oms_count_post(t.id);
    ELSIF outcome = 'recount' THEN
        INSERT INTO count_tasks (count_id, warehouse_id, location_id, round, pick_seq, not_by)
        VALUES (t.count_id, t.warehouse_id, t.location_id, 2, t.pick_seq, me.id);
    END IF;
    -- The flags this count saw are answered; one raised after its snapshot stays.
    UPDATE count_flags SET resolved_at = now()
     WHERE location_id = t.location_id AND resolved_at IS NULL AND pg_visible_in_snapshot(flag_xid, snap);
    GET DIAGNOSTICS flags = ROW_COUNT;
    -- A flag this count did not see (raised after its snapshot) gets a count of its own.
    IF EXISTS (SELECT 1 FROM count_flags WHERE location_id = t.location_id AND resolved_at IS NULL) THEN
        PERFORM oms_count_flag_bin(t.location_id);
    END IF;
    PERFORM oms_count_restatus(t.count_id);
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('count', t.count_id, 'count.recorded',
            format('%s: %s counted by %s (round %s): %s', cnt, bin, me.name, t.round,
                   CASE outcome WHEN 'posted' THEN 'posted' WHEN 'recount' THEN 'beyond tolerance, to be recounted by someone else'
                                ELSE 'beyond tolerance again, waits for a supervisor' END),
            jsonb_build_object('count', cnt, 'bin', bin, 'round', t.round, 'outcome', outcome));
    RETURN jsonb_build_object('outcome', outcome, 'bin', bin, 'flags_resolved', flags);
END $$;
-- +goose StatementEnd

-- A supervisor who counted neither round decides a bin under review: approve posts each line's
-- variance with the reason given (reasons: {"product:lot": code}, or one code for all under
-- "*"), reject posts nothing.
-- +goose StatementBegin
CREATE FUNCTION oms_count_decide(task bigint, approve boolean, reasons jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_count_me();
    t count_tasks;
    first_by bigint;
    bad text;
    cnt text;
    bin text;
BEGIN
    IF NOT pg_has_role(me.login, 'oms_supervisor', 'USAGE') THEN
        RAISE EXCEPTION 'approving a count is the work of the supervisor role, which % does not hold', me.login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO t FROM count_tasks WHERE id = task FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no count task %', task USING ERRCODE = 'no_data_found';
    END IF;
    SELECT code INTO bin FROM locations WHERE id = t.location_id;
    SELECT number INTO cnt FROM stock_counts WHERE id = t.count_id;
    IF t.status <> 'review' THEN
        RAISE EXCEPTION 'the count of % is %, not waiting for a decision', bin, t.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_review';
    END IF;
    SELECT counted_by INTO first_by FROM count_tasks WHERE count_id = t.count_id AND location_id = t.location_id AND round = 1;
    IF me.id IN (t.counted_by, first_by) THEN
        RAISE EXCEPTION 'you counted % yourself: another supervisor approves it', bin
            USING ERRCODE = 'check_violation', CONSTRAINT = 'count_tasks_four_eyes';
    END IF;
    IF approve THEN
        SELECT string_agg(DISTINCT r, ', ') INTO bad FROM (
            SELECT value AS r FROM jsonb_each_text(coalesce(reasons, '{}'))) x
         WHERE NOT EXISTS (SELECT 1 FROM reason_codes c WHERE c.code = x.r AND c.kind = 'count_variance' AND c.active);
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION '% is not a count variance reason', bad USING ERRCODE = 'check_violation', CONSTRAINT = 'count_task_lines_reason';
        END IF;
        UPDATE count_task_lines cl SET reason_code = coalesce(reasons ->> (cl.product_id || ':' || coalesce(cl.lot_id::text, '')), reasons ->> '*')
         WHERE cl.task_id = t.id AND cl.variance <> 0;
        PERFORM oms_count_post(t.id);
    END IF;
    UPDATE count_tasks SET status = CASE WHEN approve THEN 'posted' ELSE 'rejected' END, decided_by = me.id, decided_at = now()
     WHERE id = t.id;
    PERFORM oms_count_restatus(t.count_id);
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('count', t.count_id, CASE WHEN approve THEN 'count.approved' ELSE 'count.rejected' END,
            format('%s: %s %s by %s', cnt, bin, CASE WHEN approve THEN 'approved and posted' ELSE 'rejected' END, me.name),
            jsonb_build_object('count', cnt, 'bin', bin));
END $$;
-- +goose StatementEnd

-- ───────────────────────────── grants ─────────────────────────────

ALTER TABLE count_tasks OWNER TO oms_owner;
ALTER TABLE count_task_lines OWNER TO oms_owner;
GRANT SELECT ON count_tasks, count_task_lines TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_admin;
GRANT SELECT ON count_tasks, count_task_lines TO oms_server;
-- Counting goes through the functions: no direct writes on counts or their lines.
REVOKE INSERT, UPDATE ON stock_counts, stock_count_lines FROM oms_stock;
REVOKE UPDATE (resolved_at) ON count_flags FROM oms_stock;
GRANT UPDATE (count_tolerance_units, count_tolerance_minor, count_show_expected) ON warehouses TO oms_supervisor;
-- +goose StatementBegin
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms_count%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO oms_owner', f);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION oms_count_plan(text, text, text, integer), oms_count_claim(text, interval),
    oms_count_unclaim(bigint), oms_count_record(bigint, jsonb) TO oms_stock;
GRANT EXECUTE ON FUNCTION oms_count_decide(bigint, boolean, jsonb) TO oms_supervisor;

-- +goose Down
REVOKE UPDATE (count_tolerance_units, count_tolerance_minor, count_show_expected) ON warehouses FROM oms_supervisor;
GRANT INSERT, UPDATE ON stock_counts, stock_count_lines TO oms_stock;
GRANT UPDATE (resolved_at) ON count_flags TO oms_stock;
DROP TRIGGER count_flags_raise_tasks ON count_flags;
DROP FUNCTION oms_count_decide(bigint, boolean, jsonb);
DROP FUNCTION oms_count_record(bigint, jsonb);
DROP FUNCTION oms_count_post(bigint);
DROP FUNCTION oms_count_unclaim(bigint);
DROP FUNCTION oms_count_claim(text, interval);
DROP FUNCTION oms_count_task_json(bigint);
DROP FUNCTION oms_count_plan(text, text, text, integer);
DROP FUNCTION oms_count_flagged();
DROP FUNCTION oms_count_flag_bin(bigint);
DROP FUNCTION oms_count_restatus(bigint);
DROP FUNCTION oms_count_new(bigint, text, text);
DROP FUNCTION oms_count_add_bins(bigint, bigint[]);
DROP FUNCTION oms_count_unit_cost(bigint);
DROP FUNCTION oms_count_me();
DROP TABLE count_task_lines;
DROP TABLE count_tasks;
ALTER TABLE count_flags DROP COLUMN flag_xid;
ALTER TABLE stock_counts DROP COLUMN number, DROP COLUMN plan;
ALTER TABLE products DROP COLUMN unit_cost_minor;
ALTER TABLE warehouses DROP COLUMN count_tolerance_units, DROP COLUMN count_tolerance_minor, DROP COLUMN count_show_expected;
