-- Cheaper allocation (issue 11, BM2/BM3): the allocator reserves many orders a transaction, and
-- what each of its rows costs inside the database decides its speed. Measured per batch of 64
-- one-line orders, the deferred check that a line's reservations add up to its open allocation
-- was the largest single cost, a third of the transaction, and growing with the table: its
-- plan, made once per session while reservations was small, summed a line's reservations by
-- scanning all of them. It now must use the (order_line_id, …) index, as oms_order_status
-- must use its own (00017), reads only the two numbers it compares, and fetches the order's and
-- product's names only to refuse.
--
-- The next largest cost was writing each order row twice: once when its lines' new allocation
-- moved its derived status, once more to set the warehouse it was routed to; and an orders row
-- has eighteen indexes to keep. An order that has no warehouse now takes, as its status moves
-- with its lines, the warehouse where most of its units are reserved — what the allocator
-- routed it to — so the allocator inserts the reservations before it raises the lines and
-- writes the order itself only when it moves an order already routed elsewhere.
--
-- And a batch's sentences go to the history in one statement (oms_order_events), checked as
-- oms_order_event checks one, which now calls it.
--
-- The ledger's balance functions (00004) locked and then updated the balances a statement
-- touches one row at a time, two statements per balance: an allocation of 128 orders spent a
-- fifth of its time there. Each now tries the whole set first — every key above the highest
-- locked so far and every row there: lock them in one statement in lock order (the rows come
-- sorted to the locking); every change within its guards: one UPDATE — and falls back to the
-- row-by-row path only to create missing rows, to take keys out of order, or to name the
-- balance that refuses.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_check_line_reservations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
DECLARE
    line_id bigint;
    open bigint;
    held bigint;
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'order_lines' THEN
        line_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        line_id := OLD.order_line_id;
    ELSE
        line_id := NEW.order_line_id;
    END IF;
    SELECT ol.qty_allocated - ol.qty_shipped,
           (SELECT coalesce(sum(r.qty), 0) FROM reservations r WHERE r.order_line_id = line_id)
      INTO open, held
      FROM order_lines ol WHERE ol.id = line_id;
    IF FOUND AND open <> held THEN
        SELECT o.number, ol.line_no, p.sku INTO bad
          FROM order_lines ol JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
         WHERE ol.id = line_id;
        RAISE EXCEPTION 'order % line % (%) has % allocated and not shipped, but % reserved in stock: allocation and reservations change together',
            bad.number, bad.line_no, bad.sku, open, held
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_reservations_match';
    END IF;
    RETURN NULL;
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
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION oms_order_events(order_ids bigint[], kinds text[], messages text[], data jsonb[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    bad record;
BEGIN
    IF cardinality(order_ids) IS DISTINCT FROM cardinality(kinds)
       OR cardinality(order_ids) IS DISTINCT FROM cardinality(messages)
       OR cardinality(order_ids) IS DISTINCT FROM cardinality(data) THEN
        RAISE EXCEPTION 'order events: % orders, % kinds, % messages and % data do not pair up',
            cardinality(order_ids), cardinality(kinds), cardinality(messages), cardinality(data)
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT x.kind INTO bad FROM unnest(kinds) AS x(kind)
     WHERE x.kind IS NULL OR x.kind NOT IN ('order.created', 'order.edited', 'order.held', 'order.released',
                          'order.cancelled', 'order.line_cancelled', 'order.rerouted', 'order.split',
                          'order.handed_over', 'order.allocated', 'order.backordered', 'order.deallocated')
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is not an order event the back office or the allocator writes', bad.kind
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(messages) AS m(message) WHERE m.message IS NULL OR btrim(m.message) = '') THEN
        RAISE EXCEPTION 'an order event says what happened: the message is empty'
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT x.id INTO bad FROM unnest(order_ids) AS x(id)
     WHERE x.id IS NULL OR NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = x.id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'order % does not exist', bad.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    INSERT INTO events (entity, entity_id, order_id, kind, message, data)
    SELECT 'order', x.id, x.id, x.kind, x.message, coalesce(x.data, '{}')
      FROM unnest(order_ids, kinds, messages, data) AS x(id, kind, message, data);
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_order_events(bigint[], text[], text[], jsonb[]) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_order_events(bigint[], text[], text[], jsonb[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_order_events(bigint[], text[], text[], jsonb[]) TO oms_backoffice;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_event(order_id bigint, kind text, message text, data jsonb DEFAULT '{}')
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT oms_order_events(ARRAY[order_id], ARRAY[kind], ARRAY[message], ARRAY[data]);
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_lock_balances(deltas oms_balance_delta[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
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
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_add_to_balances(deltas oms_balance_delta[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
DECLARE
    k oms_balance_delta;
    b stock_balances;
    what text;
    applied text[];
BEGIN
    WITH changed AS (
        UPDATE stock_balances s
           SET on_hand = s.on_hand + d.on_hand, reserved = s.reserved + d.reserved, updated_at = now()
          FROM unnest(deltas) AS d
         WHERE (d.on_hand <> 0 OR d.reserved <> 0)
           AND s.product_id = d.product_id AND s.location_id = d.location_id AND s.lot_id IS NOT DISTINCT FROM d.lot_id
           AND s.on_hand + d.on_hand >= 0
           AND s.reserved + d.reserved BETWEEN 0 AND s.on_hand + d.on_hand
        RETURNING s.product_id, s.location_id, s.lot_id)
    SELECT array_agg(concat_ws(':', product_id, location_id, coalesce(lot_id, 0))) INTO applied FROM changed;
    IF coalesce(cardinality(applied), 0) = (SELECT count(*) FROM unnest(deltas) AS d WHERE d.on_hand <> 0 OR d.reserved <> 0) THEN
        RETURN;
    END IF;
    -- A change did not fit its balance: name the first such one (the statement fails, and the
    -- changes applied above go with it).
    FOREACH k IN ARRAY deltas LOOP
        CONTINUE WHEN k.on_hand = 0 AND k.reserved = 0;
        CONTINUE WHEN concat_ws(':', k.product_id, k.location_id, coalesce(k.lot_id, 0)) = ANY (coalesce(applied, '{}'));
        SELECT * INTO b FROM stock_balances
         WHERE product_id = k.product_id AND location_id = k.location_id AND lot_id IS NOT DISTINCT FROM k.lot_id;
        what := oms_stock_item(k.product_id, k.lot_id);
        IF coalesce(b.on_hand, 0) + k.on_hand < 0 THEN
            RAISE EXCEPTION 'not enough stock: % holds % × % and the move takes %',
                oms_place(k.location_id), coalesce(b.on_hand, 0), what, -k.on_hand
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_no_negative_stock';
        ELSIF k.reserved > 0 THEN
            RAISE EXCEPTION 'not enough free stock to reserve % × %: % holds % with % already reserved',
                k.reserved, what, oms_place(k.location_id), coalesce(b.on_hand, 0) + k.on_hand, coalesce(b.reserved, 0)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_reserved_in_range';
        ELSIF coalesce(b.reserved, 0) + k.reserved < 0 THEN
            RAISE EXCEPTION 'cannot release % × % at %: only % are reserved there',
                -k.reserved, what, oms_place(k.location_id), coalesce(b.reserved, 0)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_reserved_in_range';
        ELSE
            RAISE EXCEPTION 'that stock is reserved for orders: % holds % × % with % reserved, and the move takes %',
                oms_place(k.location_id), coalesce(b.on_hand, 0), what, coalesce(b.reserved, 0), -k.on_hand
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_reserved_in_range';
        END IF;
    END LOOP;
    RAISE EXCEPTION 'stock balances changed while being updated: try again' USING ERRCODE = 'serialization_failure';
END $$;
-- +goose StatementEnd

-- +goose Down
ALTER FUNCTION oms_lock_balances(oms_balance_delta[]) RESET enable_seqscan;
ALTER FUNCTION oms_add_to_balances(oms_balance_delta[]) RESET enable_seqscan;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_lock_balances(deltas oms_balance_delta[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    held text := nullif(current_setting('oms.balance_lock_max', true), '');
    max_key bigint[];
    k oms_balance_delta;
    key bigint[];
    in_order boolean;
BEGIN
    IF held IS NOT NULL THEN
        max_key := string_to_array(held, ':')::bigint[];
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

-- Adds the deltas to balance rows the caller has locked (oms_lock_balances), refusing with a
-- sentence that names the SKU, the lot, the place and the quantities when a location would go
-- negative or reserve more than it holds. Reserving needs stock already there.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_add_to_balances(deltas oms_balance_delta[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    k oms_balance_delta;
    b stock_balances;
    what text;
BEGIN
    FOREACH k IN ARRAY deltas LOOP
        CONTINUE WHEN k.on_hand = 0 AND k.reserved = 0;
        UPDATE stock_balances
           SET on_hand = on_hand + k.on_hand, reserved = reserved + k.reserved, updated_at = now()
         WHERE product_id = k.product_id AND location_id = k.location_id AND lot_id IS NOT DISTINCT FROM k.lot_id
           AND on_hand + k.on_hand >= 0
           AND reserved + k.reserved BETWEEN 0 AND on_hand + k.on_hand;
        CONTINUE WHEN FOUND;
        SELECT * INTO b FROM stock_balances
         WHERE product_id = k.product_id AND location_id = k.location_id AND lot_id IS NOT DISTINCT FROM k.lot_id;
        what := oms_stock_item(k.product_id, k.lot_id);
        IF coalesce(b.on_hand, 0) + k.on_hand < 0 THEN
            RAISE EXCEPTION 'not enough stock: % holds % × % and the move takes %',
                oms_place(k.location_id), coalesce(b.on_hand, 0), what, -k.on_hand
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_no_negative_stock';
        ELSIF k.reserved > 0 THEN
            RAISE EXCEPTION 'not enough free stock to reserve % × %: % holds % with % already reserved',
                k.reserved, what, oms_place(k.location_id), coalesce(b.on_hand, 0) + k.on_hand, coalesce(b.reserved, 0)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_reserved_in_range';
        ELSIF coalesce(b.reserved, 0) + k.reserved < 0 THEN
            RAISE EXCEPTION 'cannot release % × % at %: only % are reserved there',
                -k.reserved, what, oms_place(k.location_id), coalesce(b.reserved, 0)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_reserved_in_range';
        ELSE
            RAISE EXCEPTION 'that stock is reserved for orders: % holds % × % with % reserved, and the move takes %',
                oms_place(k.location_id), coalesce(b.on_hand, 0), what, coalesce(b.reserved, 0), -k.on_hand
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_reserved_in_range';
        END IF;
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_event(order_id bigint, kind text, message text, data jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF kind NOT IN ('order.created', 'order.edited', 'order.held', 'order.released', 'order.cancelled',
                    'order.line_cancelled', 'order.rerouted', 'order.split', 'order.handed_over',
                    'order.allocated', 'order.backordered', 'order.deallocated') THEN
        RAISE EXCEPTION '% is not an order event the back office or the allocator writes', kind
            USING ERRCODE = 'check_violation';
    END IF;
    IF message IS NULL OR btrim(message) = '' THEN
        RAISE EXCEPTION 'an order event says what happened: the message is empty'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = oms_order_event.order_id) THEN
        RAISE EXCEPTION 'order % does not exist', oms_order_event.order_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    INSERT INTO events (entity, entity_id, order_id, kind, message, data)
    VALUES ('order', oms_order_event.order_id, oms_order_event.order_id, kind, message, coalesce(data, '{}'));
END $$;
-- +goose StatementEnd
DROP FUNCTION oms_order_events(bigint[], text[], text[], jsonb[]);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_lines_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT order_id) INTO changed FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT order_id) INTO changed FROM new_rows;
    END IF;
    PERFORM 1 FROM orders WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
    UPDATE orders o SET status = o.status
     WHERE o.id = ANY (changed)
       AND o.status <> oms_order_status(o.id, o.on_hold, o.cancelled_at IS NOT NULL,
                                        o.pickup_warehouse_id IS NOT NULL);
    RETURN NULL;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_order_lines_changed() RESET enable_seqscan;
ALTER FUNCTION oms_check_line_reservations() RESET enable_seqscan;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_check_line_reservations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    line_id bigint;
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'order_lines' THEN
        line_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        line_id := OLD.order_line_id;
    ELSE
        line_id := NEW.order_line_id;
    END IF;
    SELECT o.number, ol.line_no, p.sku, ol.qty_allocated - ol.qty_shipped AS open,
           (SELECT coalesce(sum(r.qty), 0) FROM reservations r WHERE r.order_line_id = ol.id) AS held
      INTO bad
      FROM order_lines ol JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
     WHERE ol.id = line_id;
    IF FOUND AND bad.open <> bad.held THEN
        RAISE EXCEPTION 'order % line % (%) has % allocated and not shipped, but % reserved in stock: allocation and reservations change together',
            bad.number, bad.line_no, bad.sku, bad.open, bad.held
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_reservations_match';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
