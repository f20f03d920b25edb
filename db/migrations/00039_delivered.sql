-- The order status delivered (issue 14): an order is delivered when all its parcels are. The
-- tracking events of 00037 deliver a parcel by its delivered event and a shipment when all its
-- parcels are; now an order whose lines read shipped (every open unit shipped, nothing returned,
-- not collected at a store) reads delivered when it has at least one shipment and every one of
-- its shipments is delivered. Returns still win (partially returned, returned), as does a
-- pick-up order's collected. Delivered is not open: like shipped, it is in no open list
-- (oms_order_is_open, the orders_open_* indexes and db/orders.openStatusSQL stay as they are).
--
--  * oms_derive_status gains the delivered fact as an argument (a new function; the one of
--    00020 now calls it with false, so the rules are spelled once). model.DeriveStatus takes
--    the same fact (OrderFacts.Delivered); a test compares the two on every combination.
--  * oms_order_status looks up the order's shipments only when its lines read shipped, so
--    allocation, picking and packing, which never make an order shipped, pay nothing for it
--    (shipments (order_id) is indexed). The orders' BEFORE trigger derives the status through it
--    on every write of an order, so a line change that makes an order shipped (its last units
--    shipped, or the rest cancelled) finds its shipments delivered too.
--  * oms_tracking_record derives again the status of the orders whose shipments it delivered.

-- +goose Up
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'backordered',
    'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'shipped',
    'delivered', 'collected', 'partially_returned', 'returned', 'on_hold', 'cancelled'));

-- The rules of model.DeriveStatus with every fact. No SET options, like the one of 00020: a
-- function with SET options cannot be inlined.
-- +goose StatementBegin
CREATE FUNCTION oms_derive_status(on_hold boolean, cancelled boolean, pick_up boolean, delivered boolean,
                                  open bigint, allocated bigint, picked bigint, packed bigint, shipped bigint,
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
        WHEN shipped = open AND delivered THEN 'delivered' -- and every shipment arrived
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

-- What the lines alone give (the order lines' trigger compares with it, 00025): never delivered.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_derive_status(on_hold boolean, cancelled boolean, pick_up boolean, open bigint,
                                             allocated bigint, picked bigint, packed bigint, shipped bigint,
                                             returned bigint)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT oms_derive_status(on_hold, cancelled, pick_up, false, open, allocated, picked, packed, shipped, returned)
$$;
-- +goose StatementEnd

-- The status an order's lines and shipments give it. The shipments are read only when the lines
-- read shipped: delivered when the order has at least one shipment and all are delivered.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_status(order_id bigint, on_hold boolean, cancelled boolean, pick_up boolean)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
DECLARE
    derived text;
    open bigint;
    allocated bigint;
    picked bigint;
    packed bigint;
    shipped bigint;
    returned bigint;
    delivered boolean;
BEGIN
    SELECT coalesce(sum(l.qty_ordered - l.qty_cancelled), 0), coalesce(sum(l.qty_allocated), 0),
           coalesce(sum(l.qty_picked), 0), coalesce(sum(l.qty_packed), 0), coalesce(sum(l.qty_shipped), 0),
           coalesce(sum(l.qty_returned), 0)
      INTO open, allocated, picked, packed, shipped, returned
      FROM order_lines l WHERE l.order_id = oms_order_status.order_id;
    derived := oms_derive_status(on_hold, cancelled, pick_up, false, open, allocated, picked, packed, shipped, returned);
    IF derived = 'shipped' THEN
        SELECT coalesce(bool_and(sh.status = 'delivered'), false) INTO delivered
          FROM shipments sh WHERE sh.order_id = oms_order_status.order_id;
        derived := oms_derive_status(on_hold, cancelled, pick_up, delivered, open, allocated, picked, packed, shipped,
                                     returned);
    END IF;
    RETURN derived;
END $$;
-- +goose StatementEnd

-- 00037's, and then the orders whose shipments it delivered are derived again (the orders'
-- trigger reads their shipments). Shipments before orders, as a ship locks them.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_tracking_record(numbers text[], ats timestamptz[], statuses text[], places text[])
RETURNS TABLE (recorded integer, unknown text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    n integer;
    arrived bigint[];
BEGIN
    -- Each new event also goes into its order's history, as the carrier said it.
    WITH ins AS (
        INSERT INTO tracking_events (package_id, tracking_number, at, status, place)
        SELECT p.id, x.t, x.at, x.st, coalesce(x.pl, '')
          FROM unnest(numbers, ats, statuses, places) AS x(t, at, st, pl) JOIN packages p ON p.tracking_number = x.t
        ON CONFLICT (tracking_number, at, status) DO NOTHING
        RETURNING package_id, tracking_number, at, status, place)
    INSERT INTO events (entity, entity_id, order_id, kind, message, data)
    SELECT 'shipment', p.shipment_id, p.order_id, 'tracking.' || ins.status,
           format('%s %s%s, %s', ins.tracking_number, replace(ins.status, '_', ' '),
                  coalesce(' at ' || nullif(ins.place, ''), ''), to_char(ins.at AT TIME ZONE 'UTC', 'DD Mon HH24:MI "UTC"')),
           jsonb_build_object('tracking', ins.tracking_number, 'at', ins.at, 'place', ins.place)
      FROM ins JOIN packages p ON p.id = ins.package_id
     ORDER BY ins.at;
    GET DIAGNOSTICS n = ROW_COUNT;
    -- Each parcel's latest event is its status.
    UPDATE packages p SET tracking_status = e.status,
           delivered_at = CASE WHEN e.status = 'delivered' THEN e.at END
      FROM (SELECT DISTINCT ON (te.package_id) te.package_id, te.status, te.at FROM tracking_events te
             WHERE te.package_id IN (SELECT pk.id FROM packages pk WHERE pk.tracking_number = ANY (numbers))
             ORDER BY te.package_id, te.at DESC, te.id DESC) e
     WHERE p.id = e.package_id AND (p.tracking_status, p.delivered_at) IS DISTINCT FROM (e.status, CASE WHEN e.status = 'delivered' THEN e.at END);
    WITH done AS (
        UPDATE shipments s SET status = 'delivered',
               delivered_at = (SELECT max(p.delivered_at) FROM packages p WHERE p.shipment_id = s.id)
         WHERE s.status = 'shipped'
           AND s.id IN (SELECT pk.shipment_id FROM packages pk WHERE pk.tracking_number = ANY (numbers))
           AND NOT EXISTS (SELECT 1 FROM packages p WHERE p.shipment_id = s.id AND p.delivered_at IS NULL)
        RETURNING s.order_id)
    SELECT array_agg(DISTINCT done.order_id) INTO arrived FROM done;
    -- An order is delivered when all its shipments are (oms_order_status); only a shipped one
    -- can move.
    IF arrived IS NOT NULL THEN
        PERFORM 1 FROM orders o WHERE o.id = ANY (arrived) AND o.status = 'shipped' ORDER BY o.id FOR NO KEY UPDATE;
        UPDATE orders o SET status = o.status
         WHERE o.id = ANY (arrived) AND o.status = 'shipped'
           AND o.status <> oms_order_status(o.id, o.on_hold, o.cancelled_at IS NOT NULL,
                                            o.pickup_warehouse_id IS NOT NULL);
    END IF;
    RETURN QUERY SELECT n, coalesce((SELECT array_agg(DISTINCT x.t ORDER BY x.t) FROM unnest(numbers) AS x(t)
                                      WHERE NOT EXISTS (SELECT 1 FROM packages p WHERE p.tracking_number = x.t)), '{}');
END $$;
-- +goose StatementEnd

ALTER FUNCTION oms_derive_status(boolean, boolean, boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint) OWNER TO oms_owner;
-- Anyone may ask what status given quantities make.
GRANT EXECUTE ON FUNCTION oms_derive_status(boolean, boolean, boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint) TO PUBLIC;

-- Orders whose shipments were all delivered before this migration read delivered now (the
-- counts follow through the orders' triggers).
UPDATE orders o SET status = o.status
 WHERE o.status = 'shipped'
   AND o.status <> oms_order_status(o.id, o.on_hold, o.cancelled_at IS NOT NULL, o.pickup_warehouse_id IS NOT NULL);

-- +goose Down
ALTER TABLE orders DROP CONSTRAINT orders_status_check;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_tracking_record(numbers text[], ats timestamptz[], statuses text[], places text[])
RETURNS TABLE (recorded integer, unknown text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    -- Each new event also goes into its order's history, as the carrier said it.
    WITH ins AS (
        INSERT INTO tracking_events (package_id, tracking_number, at, status, place)
        SELECT p.id, x.t, x.at, x.st, coalesce(x.pl, '')
          FROM unnest(numbers, ats, statuses, places) AS x(t, at, st, pl) JOIN packages p ON p.tracking_number = x.t
        ON CONFLICT (tracking_number, at, status) DO NOTHING
        RETURNING package_id, tracking_number, at, status, place)
    INSERT INTO events (entity, entity_id, order_id, kind, message, data)
    SELECT 'shipment', p.shipment_id, p.order_id, 'tracking.' || ins.status,
           format('%s %s%s, %s', ins.tracking_number, replace(ins.status, '_', ' '),
                  coalesce(' at ' || nullif(ins.place, ''), ''), to_char(ins.at AT TIME ZONE 'UTC', 'DD Mon HH24:MI "UTC"')),
           jsonb_build_object('tracking', ins.tracking_number, 'at', ins.at, 'place', ins.place)
      FROM ins JOIN packages p ON p.id = ins.package_id
     ORDER BY ins.at;
    GET DIAGNOSTICS n = ROW_COUNT;
    -- Each parcel's latest event is its status.
    UPDATE packages p SET tracking_status = e.status,
           delivered_at = CASE WHEN e.status = 'delivered' THEN e.at END
      FROM (SELECT DISTINCT ON (te.package_id) te.package_id, te.status, te.at FROM tracking_events te
             WHERE te.package_id IN (SELECT pk.id FROM packages pk WHERE pk.tracking_number = ANY (numbers))
             ORDER BY te.package_id, te.at DESC, te.id DESC) e
     WHERE p.id = e.package_id AND (p.tracking_status, p.delivered_at) IS DISTINCT FROM (e.status, CASE WHEN e.status = 'delivered' THEN e.at END);
    UPDATE shipments s SET status = 'delivered',
           delivered_at = (SELECT max(p.delivered_at) FROM packages p WHERE p.shipment_id = s.id)
     WHERE s.status = 'shipped'
       AND s.id IN (SELECT pk.shipment_id FROM packages pk WHERE pk.tracking_number = ANY (numbers))
       AND NOT EXISTS (SELECT 1 FROM packages p WHERE p.shipment_id = s.id AND p.delivered_at IS NULL);
    RETURN QUERY SELECT n, coalesce((SELECT array_agg(DISTINCT x.t ORDER BY x.t) FROM unnest(numbers) AS x(t)
                                      WHERE NOT EXISTS (SELECT 1 FROM packages p WHERE p.tracking_number = x.t)), '{}');
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_status(order_id bigint, on_hold boolean, cancelled boolean, pick_up boolean)
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_derive_status(on_hold boolean, cancelled boolean, pick_up boolean, open bigint,
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
DROP FUNCTION oms_derive_status(boolean, boolean, boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint);

-- Delivered orders read shipped again.
UPDATE orders o SET status = o.status WHERE o.status = 'delivered';
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'backordered',
    'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'shipped',
    'collected', 'partially_returned', 'returned', 'on_hold', 'cancelled'));
