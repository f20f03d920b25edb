-- Stock rules that span tables, enforced by the database rather than audited after the fact:
--
--  * a lot belongs to one product, and every movement, balance and reservation of a lot names
--    that product; a lot-tracked product never moves without its lot;
--  * a reservation, a movement or a pick task for an order line is of that line's product;
--  * stock_balances.reserved is derived from the reservations by trigger, in the same statement,
--    so the two cannot disagree; clients never write stock_balances;
--  * virtual locations (supplier, customer, adjustment, scrap, transit) keep no balance rows, so
--    receipts and shipments in different warehouses never wait on one shared row;
--  * balance rows are locked in one global (product, location, lot) order across all the
--    statements of a transaction: a statement that would need a row below one it already holds
--    takes it only if it is free, and otherwise fails at once with a serialization failure (the
--    caller reruns the transaction) instead of waiting into a deadlock;
--  * a movement for an order line carries the line's reservation with it (pick: from the bin to
--    the packing station; ship: consumed) and keeps the line's picked, shipped and returned
--    quantities, which only the ledger may change.
--
-- Trigger functions that write other tables run as the schema owner (SECURITY DEFINER with a
-- pinned search_path, PUBLIC execute revoked), so a client role needs no write access to the
-- tables they keep. Guards that ask "who is writing" run as the caller.

-- +goose Up

-- ───────────────────────────── who may write derived data ─────────────────────────────

-- True when the current role may write what triggers keep: the owner of the table (which is what
-- current_user is inside the SECURITY DEFINER trigger functions below) or a superuser.
-- +goose StatementBegin
CREATE FUNCTION oms_is_owner(rel regclass) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT pg_has_role(current_user, c.relowner, 'MEMBER') FROM pg_class c WHERE c.oid = rel
$$;
-- +goose StatementEnd

-- Refuses direct writes to a table the database keeps itself. TG_ARGV[0] says what keeps it.
-- +goose StatementBegin
CREATE FUNCTION oms_kept_by_database() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT oms_is_owner(TG_RELID) THEN
        RAISE EXCEPTION '% is kept by the database (%): it cannot be written directly', TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- "bin A-01-01-1 at RTM1" or "the CUSTOMER location": codes exactly as they are stored.
-- +goose StatementBegin
CREATE FUNCTION oms_place(location_id bigint) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT CASE WHEN l.warehouse_id IS NULL THEN 'the ' || l.code || ' location'
                ELSE l.kind || ' ' || l.code || ' at ' || w.code END
      FROM locations l LEFT JOIN warehouses w ON w.id = l.warehouse_id
     WHERE l.id = location_id
$$;
-- +goose StatementEnd

-- "MUG-01" or "MUG-01 lot L2406": a product and, when there is one, its lot.
-- +goose StatementBegin
CREATE FUNCTION oms_stock_item(product_id bigint, lot_id bigint) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT p.sku || coalesce(' lot ' || (SELECT lot_code FROM lots WHERE id = lot_id), '')
      FROM products p WHERE p.id = product_id
$$;
-- +goose StatementEnd

-- ───────────────────────────── lots and order lines name their product ─────────────────────────────

ALTER TABLE lots ADD CONSTRAINT lots_id_product_key UNIQUE (id, product_id);
ALTER TABLE order_lines ADD CONSTRAINT order_lines_id_product_key UNIQUE (id, product_id);

ALTER TABLE stock_movements
    DROP CONSTRAINT stock_movements_lot_id_fkey,
    DROP CONSTRAINT stock_movements_order_line_id_fkey,
    ADD CONSTRAINT stock_movements_lot_of_product FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id),
    ADD CONSTRAINT stock_movements_line_of_product FOREIGN KEY (order_line_id, product_id) REFERENCES order_lines (id, product_id);
ALTER TABLE stock_balances
    DROP CONSTRAINT stock_balances_lot_id_fkey,
    ADD CONSTRAINT stock_balances_lot_of_product FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id);
ALTER TABLE reservations
    DROP CONSTRAINT reservations_lot_id_fkey,
    DROP CONSTRAINT reservations_order_line_id_fkey,
    ADD CONSTRAINT reservations_lot_of_product FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id),
    ADD CONSTRAINT reservations_line_of_product FOREIGN KEY (order_line_id, product_id) REFERENCES order_lines (id, product_id);
ALTER TABLE pick_tasks
    DROP CONSTRAINT pick_tasks_lot_id_fkey,
    DROP CONSTRAINT pick_tasks_order_line_id_fkey,
    ADD CONSTRAINT pick_tasks_lot_of_product FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id),
    ADD CONSTRAINT pick_tasks_line_of_product FOREIGN KEY (order_line_id, product_id) REFERENCES order_lines (id, product_id);
ALTER TABLE stock_count_lines
    DROP CONSTRAINT stock_count_lines_lot_id_fkey,
    ADD CONSTRAINT stock_count_lines_lot_of_product FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id);

-- A product cannot stop being lot-tracked while lots of it are in stock, nor start while stock of
-- it without a lot is; either would leave balances that break the rule below.
-- +goose StatementBegin
CREATE FUNCTION oms_lot_tracking_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.lot_tracked AND EXISTS (SELECT 1 FROM stock_balances
                                    WHERE product_id = NEW.id AND lot_id IS NULL AND on_hand <> 0) THEN
        RAISE EXCEPTION '% has stock without a lot: move it out before tracking lots', NEW.sku
            USING ERRCODE = 'check_violation', CONSTRAINT = 'products_lot_tracking';
    END IF;
    IF NOT NEW.lot_tracked AND EXISTS (SELECT 1 FROM stock_balances
                                        WHERE product_id = NEW.id AND lot_id IS NOT NULL AND on_hand <> 0) THEN
        RAISE EXCEPTION '% has stock in lots: move it out before ending lot tracking', NEW.sku
            USING ERRCODE = 'check_violation', CONSTRAINT = 'products_lot_tracking';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER products_lot_tracking BEFORE UPDATE OF lot_tracked ON products
    FOR EACH ROW WHEN (OLD.lot_tracked IS DISTINCT FROM NEW.lot_tracked)
    EXECUTE FUNCTION oms_lot_tracking_guard();

-- ───────────────────────────── balances: real locations only ─────────────────────────────

DELETE FROM stock_balances WHERE location_virtual;
ALTER TABLE stock_balances
    ADD CONSTRAINT stock_balances_real_location CHECK (NOT location_virtual);

CREATE TRIGGER stock_balances_kept BEFORE INSERT OR UPDATE OR DELETE ON stock_balances
    FOR EACH ROW EXECUTE FUNCTION oms_kept_by_database('by the stock ledger and the reservations');
CREATE TRIGGER stock_balances_no_truncate BEFORE TRUNCATE ON stock_balances
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- One balance's change: the key and what to add to on_hand and reserved.
CREATE TYPE oms_balance_delta AS (product_id bigint, location_id bigint, lot_id bigint,
                                  on_hand bigint, reserved bigint);

-- Locks one balance row: waiting for it when in order, and otherwise only if no one else holds
-- it, failing with a serialization failure when someone does. False when there is no such row.
-- +goose StatementBegin
CREATE FUNCTION oms_take_balance(k oms_balance_delta, in_order boolean) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF in_order THEN
        PERFORM 1 FROM stock_balances
          WHERE product_id = k.product_id AND location_id = k.location_id AND lot_id IS NOT DISTINCT FROM k.lot_id
            FOR UPDATE;
        RETURN FOUND;
    END IF;
    PERFORM 1 FROM stock_balances
      WHERE product_id = k.product_id AND location_id = k.location_id AND lot_id IS NOT DISTINCT FROM k.lot_id
        FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        RETURN true;
    END IF;
    IF EXISTS (SELECT 1 FROM stock_balances
                WHERE product_id = k.product_id AND location_id = k.location_id
                  AND lot_id IS NOT DISTINCT FROM k.lot_id) THEN
        RAISE EXCEPTION 'stock of % at % is being changed by another transaction: try again',
            oms_stock_item(k.product_id, k.lot_id), oms_place(k.location_id)
            USING ERRCODE = 'serialization_failure',
                  HINT = 'this transaction touched stock in a different order than a concurrent one';
    END IF;
    RETURN false;
END $$;
-- +goose StatementEnd

-- Creates a missing balance row out of lock order. If another transaction is creating the same
-- row, waiting for it could close a cycle of waiters, so wait only a moment and then ask the
-- caller to try again (40001) rather than risk a deadlock.
-- +goose StatementBegin
CREATE FUNCTION oms_create_balance_or_give_way(k oms_balance_delta) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    saved text := current_setting('lock_timeout');
BEGIN
    PERFORM set_config('lock_timeout', '50ms', true);
    BEGIN
        INSERT INTO stock_balances (location_id, location_virtual, product_id, lot_id)
        VALUES (k.location_id, false, k.product_id, k.lot_id)
        ON CONFLICT DO NOTHING;
    EXCEPTION WHEN lock_not_available THEN
        PERFORM set_config('lock_timeout', saved, true);
        RAISE EXCEPTION 'stock of % at % is being changed by another transaction: try again',
            oms_stock_item(k.product_id, k.lot_id), oms_place(k.location_id)
            USING ERRCODE = 'serialization_failure',
                  HINT = 'this transaction touched stock in a different order than a concurrent one';
    END;
    PERFORM set_config('lock_timeout', saved, true);
END $$;
-- +goose StatementEnd

-- Locks the balance rows of the given keys, creating missing ones at zero, in one global
-- (product, location, lot) order across every statement of the transaction. The deltas must come
-- sorted that way. The highest key locked so far is remembered in a transaction-local setting;
-- a key at or below it is taken only if no one else holds it, and otherwise the statement fails
-- with a serialization failure (40001) at once: waiting could close a cycle of waiters (a
-- deadlock, found only after deadlock_timeout), while failing lets the caller rerun the whole
-- transaction (db.InTx does). A client that tampers with the setting only makes its own
-- transactions wait in the wrong order, which PostgreSQL still detects.
-- +goose StatementBegin
CREATE FUNCTION oms_lock_balances(deltas oms_balance_delta[]) RETURNS void
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
CREATE FUNCTION oms_add_to_balances(deltas oms_balance_delta[]) RETURNS void
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

-- ───────────────────────────── reservations keep reserved ─────────────────────────────

-- Applies a statement's reservation changes to stock_balances.reserved, netted per balance, in
-- lock order. One function serves the three triggers: each branch reads only the transition
-- tables its event has, and PL/pgSQL plans a branch only when it runs.
-- +goose StatementBegin
CREATE FUNCTION oms_apply_reservations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    deltas oms_balance_delta[];
    bad record;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        SELECT n.location_id, n.product_id, n.lot_id INTO bad
          FROM new_rows n JOIN locations l ON l.id = n.location_id
         WHERE l.is_virtual LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'cannot reserve % at %: stock is reserved only where it physically is',
                oms_stock_item(bad.product_id, bad.lot_id), oms_place(bad.location_id)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'reservations_real_location';
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(product_id, location_id, lot_id, 0, qty)::oms_balance_delta
                         ORDER BY product_id, location_id, coalesce(lot_id, 0)) INTO deltas
          FROM (SELECT product_id, location_id, lot_id, sum(qty)::bigint AS qty FROM new_rows GROUP BY 1, 2, 3) s;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(product_id, location_id, lot_id, 0, -qty)::oms_balance_delta
                         ORDER BY product_id, location_id, coalesce(lot_id, 0)) INTO deltas
          FROM (SELECT product_id, location_id, lot_id, sum(qty)::bigint AS qty FROM old_rows GROUP BY 1, 2, 3) s;
    ELSE
        SELECT array_agg(ROW(product_id, location_id, lot_id, 0, qty)::oms_balance_delta
                         ORDER BY product_id, location_id, coalesce(lot_id, 0)) INTO deltas
          FROM (SELECT product_id, location_id, lot_id, sum(qty)::bigint AS qty
                  FROM (SELECT product_id, location_id, lot_id, qty FROM new_rows
                        UNION ALL
                        SELECT product_id, location_id, lot_id, -qty FROM old_rows) c
                 GROUP BY 1, 2, 3 HAVING sum(qty) <> 0) s;
    END IF;
    IF deltas IS NOT NULL THEN
        PERFORM oms_lock_balances(deltas);
        PERFORM oms_add_to_balances(deltas);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER reservations_reserve AFTER INSERT ON reservations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_apply_reservations();
CREATE TRIGGER reservations_rereserve AFTER UPDATE ON reservations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_apply_reservations();
CREATE TRIGGER reservations_release AFTER DELETE ON reservations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_apply_reservations();
CREATE TRIGGER reservations_no_truncate BEFORE TRUNCATE ON reservations
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- ───────────────────────────── the ledger ─────────────────────────────

-- Applies a statement's movements: refuses a lot-tracked product without its lot and order-line
-- movements that go where their kind cannot, locks every real balance it touches in lock order,
-- releases the order lines' reservations where their stock leaves, applies on_hand, carries the
-- reservations to where the stock arrives (a pick keeps the units reserved at the packing
-- station; a shipment consumes them), and adds the picked, shipped and returned units to the
-- lines. Virtual ends (supplier, customer, …) have no balance to lock.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_apply_movements() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
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
END $$;
-- +goose StatementEnd

-- ───────────────────────────── order lines: what only the ledger may change ─────────────────────────────

-- Runs as the caller, so it can tell a client from the database's own trigger functions (which
-- run as the owner). A line never moves to another order; its product is fixed once stock has
-- been allocated or moved for it; picked, shipped and returned follow the ledger; packed units
-- that sit in packages cannot be unpacked by editing the line.
-- +goose StatementBegin
CREATE FUNCTION oms_order_line_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    number text := '';
    in_packages bigint;
BEGIN
    -- The order's number is looked up only to name it in a refusal.
    IF TG_OP = 'INSERT' THEN
        IF (NEW.qty_picked, NEW.qty_shipped, NEW.qty_returned) <> (0, 0, 0) AND NOT oms_is_owner(TG_RELID) THEN
            number := (SELECT o.number FROM orders o WHERE o.id = NEW.order_id);
            RAISE EXCEPTION 'order % line %: a new line has nothing picked, shipped or returned yet; those follow the stock ledger',
                number, NEW.line_no USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_stages_follow_ledger';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.order_id <> OLD.order_id THEN
        number := (SELECT o.number FROM orders o WHERE o.id = NEW.order_id);
        RAISE EXCEPTION 'order % line %: a line cannot move to another order', number, OLD.line_no
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_fixed_order';
    END IF;
    IF NEW.product_id <> OLD.product_id
       AND (OLD.qty_allocated, OLD.qty_picked, OLD.qty_packed, OLD.qty_shipped, OLD.qty_returned) <> (0, 0, 0, 0, 0) THEN
        number := (SELECT o.number FROM orders o WHERE o.id = NEW.order_id);
        RAISE EXCEPTION 'order % line %: stock has been allocated or moved for it, so its product cannot change; cancel the line and add a new one',
            number, OLD.line_no USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_fixed_product';
    END IF;
    IF (NEW.qty_picked, NEW.qty_shipped, NEW.qty_returned) IS DISTINCT FROM (OLD.qty_picked, OLD.qty_shipped, OLD.qty_returned)
       AND NOT oms_is_owner(TG_RELID) THEN
        number := (SELECT o.number FROM orders o WHERE o.id = NEW.order_id);
        RAISE EXCEPTION 'order % line %: picked, shipped and returned units follow the stock ledger; post a pick, ship or return movement instead',
            number, OLD.line_no USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_stages_follow_ledger';
    END IF;
    IF NEW.qty_packed < OLD.qty_packed THEN
        SELECT coalesce(sum(qty), 0) INTO in_packages FROM package_lines WHERE order_line_id = NEW.id;
        IF NEW.qty_packed < in_packages THEN
            number := (SELECT o.number FROM orders o WHERE o.id = NEW.order_id);
            RAISE EXCEPTION 'order % line %: % units are in packages, so packed cannot go down to %',
                number, OLD.line_no, in_packages, NEW.qty_packed
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_packed_in_packages';
        END IF;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER order_lines_guard BEFORE INSERT OR UPDATE ON order_lines
    FOR EACH ROW EXECUTE FUNCTION oms_order_line_guard();
CREATE INDEX package_lines_by_order_line ON package_lines (order_line_id);

-- Each line's reservations add up to its open allocation (allocated − shipped), checked when the
-- transaction commits, so an allocation may insert the reservation and raise qty_allocated in
-- either order.
-- +goose StatementBegin
CREATE FUNCTION oms_check_line_reservations() RETURNS trigger
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
CREATE CONSTRAINT TRIGGER reservations_match_line AFTER INSERT OR UPDATE OR DELETE ON reservations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION oms_check_line_reservations();
CREATE CONSTRAINT TRIGGER order_lines_match_reservations AFTER UPDATE OF qty_allocated, qty_shipped ON order_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.qty_allocated - OLD.qty_shipped IS DISTINCT FROM NEW.qty_allocated - NEW.qty_shipped)
    EXECUTE FUNCTION oms_check_line_reservations();
CREATE CONSTRAINT TRIGGER order_lines_new_match_reservations AFTER INSERT ON order_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.qty_allocated <> NEW.qty_shipped)
    EXECUTE FUNCTION oms_check_line_reservations();

-- Nothing here is for clients to call: trigger functions run without EXECUTE, and the helpers
-- run inside them as the owner. oms_is_owner stays callable because guards run as the caller.
-- +goose StatementBegin
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms\_%' LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION oms_is_owner(regclass) TO PUBLIC;

-- +goose Down
SELECT 1;
