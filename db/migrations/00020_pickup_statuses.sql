-- The statuses of orders the customer collects at a store (orders.pickup_warehouse_id is set:
-- click and collect, or a sale at the till, 00017), with the rules of model.DeriveStatus:
--
--  * ready_for_pickup: every open unit is packed (at the store's counter) and none has left:
--    the order waits for its customer. It is open: it stays in the open queue and its indexes.
--  * collected: every open unit has left with the customer and none came back. Done, like
--    shipped; returns after collection read partially returned and returned as for any order.
--
-- Everything else reads as before; a pick-up order partly handed over is partially shipped.
-- oms_derive_status and oms_order_status take the pick-up fact as a new argument (the old ones
-- are dropped, so nothing can derive a pick-up order's status without it); the triggers pass
-- pickup_warehouse_id IS NOT NULL. The open-status list grows by ready_for_pickup everywhere it
-- is spelled: oms_order_is_open, the partial indexes orders_open_*, db/orders.openStatusSQL.

-- +goose Up
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'backordered',
    'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'shipped',
    'collected', 'partially_returned', 'returned', 'on_hold', 'cancelled'));

-- No SET options, like the one it replaces (00005): a function with SET options cannot be
-- inlined, and every call would plan its body again.
-- +goose StatementBegin
CREATE FUNCTION oms_derive_status(on_hold boolean, cancelled boolean, pick_up boolean, open bigint,
                                  allocated bigint, picked bigint, packed bigint, shipped bigint,
                                  returned bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN cancelled THEN 'cancelled'              -- cancelled explicitly, whatever the lines say
        WHEN open = 0 THEN 'cancelled'               -- no lines, or every unit cancelled
        WHEN on_hold THEN 'on_hold'                  -- a hold stops all work, even mid-shipment
        WHEN shipped = open AND returned > 0 THEN    -- all shipped; returns are the latest stage
            CASE WHEN returned = open THEN 'returned' ELSE 'partially_returned' END
        WHEN shipped = open AND pick_up THEN 'collected' -- every open unit left with the customer
        WHEN shipped = open THEN 'shipped'
        WHEN shipped > 0 THEN 'partially_shipped'    -- work left, even if some came back
        WHEN packed = open AND pick_up THEN 'ready_for_pickup' -- waiting at the store's counter
        WHEN packed = open THEN 'packed'
        WHEN picked = open THEN 'picked'
        WHEN picked > 0 THEN 'picking'
        WHEN allocated = open THEN 'allocated'
        WHEN allocated > 0 THEN 'backordered'
        ELSE 'pending' END
$$;
-- +goose StatementEnd

-- The status an order's lines give it (00005), now told whether the customer collects it.
-- +goose StatementBegin
CREATE FUNCTION oms_order_status(order_id bigint, on_hold boolean, cancelled boolean, pick_up boolean)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
DECLARE
    status text;
BEGIN
    SELECT oms_derive_status(on_hold, cancelled, pick_up, coalesce(sum(l.qty_ordered - l.qty_cancelled), 0),
                             coalesce(sum(l.qty_allocated), 0), coalesce(sum(l.qty_picked), 0),
                             coalesce(sum(l.qty_packed), 0), coalesce(sum(l.qty_shipped), 0),
                             coalesce(sum(l.qty_returned), 0))
      INTO status
      FROM order_lines l WHERE l.order_id = oms_order_status.order_id;
    RETURN status;
END $$;
-- +goose StatementEnd

-- The triggers of 00005, passing the pick-up fact. Every write of an order derives its status
-- again, so setting or clearing pickup_warehouse_id moves a packed order between packed and
-- ready for pickup.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_derive_order_status() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS NULL THEN
        RAISE EXCEPTION 'order % is cancelled: a cancelled order cannot be reopened', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_cancel_is_final';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'order %: its id cannot change', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_fixed_id';
    END IF;
    NEW.status := oms_order_status(NEW.id, NEW.on_hold, NEW.cancelled_at IS NOT NULL,
                                   NEW.pickup_warehouse_id IS NOT NULL);
    RETURN NEW;
END $$;
-- +goose StatementEnd

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

DROP FUNCTION oms_order_status(bigint, boolean, boolean);
DROP FUNCTION oms_derive_status(boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint);

-- The open statuses of model.OrderStatus.Open; a test compares the two on every status.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_is_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed',
                      'ready_for_pickup', 'partially_shipped', 'on_hold')
$$;
-- +goose StatementEnd

-- The open queue's partial indexes, with ready_for_pickup. The list must match
-- db/orders.openStatusSQL (the planner only uses an index whose predicate the query implies).
DROP INDEX orders_open_age;
DROP INDEX orders_open_promised;
DROP INDEX orders_open_warehouse_promised;
CREATE INDEX orders_open_age ON orders (ordered_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'on_hold');
CREATE INDEX orders_open_promised ON orders (promised_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'on_hold');
CREATE INDEX orders_open_warehouse_promised ON orders (warehouse_id, promised_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'on_hold');

ALTER FUNCTION oms_derive_status(boolean, boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint) OWNER TO oms_owner;
ALTER FUNCTION oms_order_status(bigint, boolean, boolean, boolean) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_order_status(bigint, boolean, boolean, boolean) FROM PUBLIC;
-- Anyone may ask what status given quantities make.
GRANT EXECUTE ON FUNCTION oms_derive_status(boolean, boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint) TO PUBLIC;

-- Pick-up orders already packed or shipped read ready for pickup or collected now (the counts
-- follow through the orders' triggers).
UPDATE orders o SET status = o.status
 WHERE o.pickup_warehouse_id IS NOT NULL
   AND o.status <> oms_order_status(o.id, o.on_hold, o.cancelled_at IS NOT NULL, true);

-- +goose Down
ALTER TABLE orders DROP CONSTRAINT orders_status_check;

-- +goose StatementBegin
CREATE FUNCTION oms_derive_status(on_hold boolean, cancelled boolean, open bigint, allocated bigint,
                                  picked bigint, packed bigint, shipped bigint, returned bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT oms_derive_status(on_hold, cancelled, false, open, allocated, picked, packed, shipped, returned)
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION oms_order_status(order_id bigint, on_hold boolean, cancelled boolean) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
    SELECT oms_order_status(order_id, on_hold, cancelled, false)
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_derive_order_status() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS NULL THEN
        RAISE EXCEPTION 'order % is cancelled: a cancelled order cannot be reopened', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_cancel_is_final';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'order %: its id cannot change', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_fixed_id';
    END IF;
    NEW.status := oms_order_status(NEW.id, NEW.on_hold, NEW.cancelled_at IS NOT NULL, false);
    RETURN NEW;
END $$;
-- +goose StatementEnd
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
       AND o.status <> oms_order_status(o.id, o.on_hold, o.cancelled_at IS NOT NULL, false);
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- Pick-up orders read packed and shipped again.
UPDATE orders o SET status = o.status WHERE o.status IN ('ready_for_pickup', 'collected');
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_is_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed',
                      'partially_shipped', 'on_hold')
$$;
-- +goose StatementEnd
DROP INDEX orders_open_age;
DROP INDEX orders_open_promised;
DROP INDEX orders_open_warehouse_promised;
CREATE INDEX orders_open_age ON orders (ordered_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'partially_shipped', 'on_hold');
CREATE INDEX orders_open_promised ON orders (promised_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'partially_shipped', 'on_hold');
CREATE INDEX orders_open_warehouse_promised ON orders (warehouse_id, promised_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'partially_shipped', 'on_hold');
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'backordered',
    'allocated', 'picking', 'picked', 'packed', 'partially_shipped', 'shipped',
    'partially_returned', 'returned', 'on_hold', 'cancelled'));
ALTER FUNCTION oms_derive_status(boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint) OWNER TO oms_owner;
ALTER FUNCTION oms_order_status(bigint, boolean, boolean) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_order_status(bigint, boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_derive_status(boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint) TO PUBLIC;
