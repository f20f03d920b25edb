-- One row trigger writes what the database keeps on an orders row, and an order's status
-- derived from its lines is written once (oms bench allocate-spread). An orders UPDATE ran
-- three plpgsql row triggers — oms_derive_order_status, oms_touch_order, oms_order_version —
-- each switching search_path in and out, and the first called oms_order_status, which read the
-- order's lines again. When oms_order_lines_changed had just derived the statuses of the
-- orders whose lines a statement changed, set-based, it wrote each row with its old status for
-- that trigger to derive the same status again, one query an order. Allocation changes every
-- order it reserves for, so that was 128 lookups a batch; the orders UPDATE took 8.6 ms of a
-- 128-order batch, 6.3 ms now.
--
--  * orders_before_write replaces the three triggers, in their order: the refusals (a
--    cancelled order reopened, an id changed), the status, change_xid and updated_at with the
--    open-orders marker, the version.
--  * oms_order_lines_changed writes the status it derived. The row trigger keeps it only when
--    it comes from a trigger (pg_trigger_depth() > 1: no role but the schema owner can put a
--    trigger on these tables, so such an UPDATE is the owner's code), the status changes, hold,
--    cancellation and pick-up do not, and it is not 'shipped' (delivered needs the shipments,
--    which the set-based derivation does not read). Every other write derives it from the lines
--    as before: a status written by hand is replaced by the one the lines say, as ever.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION oms_order_before_write() RETURNS trigger
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
    -- The status: derived from the lines, unless oms_order_lines_changed derived it just now
    -- (see the migration's head).
    IF NOT (TG_OP = 'UPDATE' AND pg_trigger_depth() > 1
            AND NEW.status IS DISTINCT FROM OLD.status AND NEW.status <> 'shipped'
            AND (NEW.on_hold, NEW.cancelled_at, NEW.pickup_warehouse_id)
                IS NOT DISTINCT FROM (OLD.on_hold, OLD.cancelled_at, OLD.pickup_warehouse_id)) THEN
        NEW.status := oms_order_status(NEW.id, NEW.on_hold, NEW.cancelled_at IS NOT NULL,
                                       NEW.pickup_warehouse_id IS NOT NULL);
    END IF;
    -- What live screens follow: every write, and whether an open order's queue changed.
    NEW.change_xid := pg_current_xact_id();
    NEW.updated_at := now();
    IF TG_OP = 'INSERT'
       OR oms_order_is_open(OLD.status) OR oms_order_is_open(NEW.status)
       OR NEW.status <> OLD.status OR NEW.channel_id <> OLD.channel_id
       OR NEW.warehouse_id IS DISTINCT FROM OLD.warehouse_id THEN
        NEW.open_change_xid := NEW.change_xid;
    ELSE
        NEW.open_change_xid := OLD.open_change_xid;
    END IF;
    -- The version an editor's optimistic check compares: once a transaction.
    IF TG_OP = 'INSERT' THEN
        NEW.version := 1;
    ELSIF OLD.change_xid IS DISTINCT FROM pg_current_xact_id() THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_order_before_write() OWNER TO oms_owner;
REVOKE EXECUTE ON FUNCTION oms_order_before_write() FROM PUBLIC;
DROP TRIGGER orders_derive_status ON orders;
DROP TRIGGER orders_touch ON orders;
DROP TRIGGER orders_version ON orders;
DROP FUNCTION oms_derive_order_status();
DROP FUNCTION oms_touch_order();
DROP FUNCTION oms_order_version();
CREATE TRIGGER orders_before_write BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION oms_order_before_write();

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
    -- written as derived (orders_before_write keeps it), and the warehouse its units are reserved
    -- in when it has none.
    UPDATE orders o SET status = r.status, warehouse_id = coalesce(o.warehouse_id, r.warehouse_id)
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

-- +goose Down
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
CREATE OR REPLACE FUNCTION oms_touch_order() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    NEW.updated_at := now();
    IF TG_OP = 'INSERT'
       OR oms_order_is_open(OLD.status) OR oms_order_is_open(NEW.status)
       OR NEW.status <> OLD.status OR NEW.channel_id <> OLD.channel_id
       OR NEW.warehouse_id IS DISTINCT FROM OLD.warehouse_id THEN
        NEW.open_change_xid := NEW.change_xid;
    ELSE
        NEW.open_change_xid := OLD.open_change_xid;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_order_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.version := 1;
    ELSIF OLD.change_xid IS DISTINCT FROM pg_current_xact_id() THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_derive_order_status() OWNER TO oms_owner;
ALTER FUNCTION oms_touch_order() OWNER TO oms_owner;
ALTER FUNCTION oms_order_version() OWNER TO oms_owner;
REVOKE EXECUTE ON FUNCTION oms_derive_order_status(), oms_touch_order(), oms_order_version() FROM PUBLIC;
DROP TRIGGER orders_before_write ON orders;
DROP FUNCTION oms_order_before_write();
CREATE TRIGGER orders_derive_status BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION oms_derive_order_status();
CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION oms_touch_order();
CREATE TRIGGER orders_version BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION oms_order_version();
