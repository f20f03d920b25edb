-- Orders entered by hand (phone and e-mail orders) and the hand-over of click-and-collect orders
-- at a store's counter:
--
--  * product_prices: the catalogue's price of a product in a currency, in minor units, as the
--    channels state prices (tax is not split out here). A table rather than a column, because a
--    business sells in several currencies and a channel sells in one: a manual order on a GBP
--    channel takes the GBP price. A product without a price in the channel's currency has none,
--    and the clerk types it. The back office maintains prices; everyone reads them.
--  * oms_store ("store"): a job group for store staff. They read the orders of their store (row
--    security of 00009: a store's staff are members of oms_sees_store_orders; the policy now also
--    counts the orders collected at their store, whose fulfilling warehouse may be unset or a
--    DC), their customers' names, the catalogue and the stock, and hand orders over through
--    oms_hand_over. The supervisor holds the job, as every operational one.
--  * oms_hand_over(order): every open unit of a click-and-collect order leaves the store to the
--    customer through the ledger, as oms_sell_at_store does for a till sale: units reserved in
--    the store's bins are picked to the store's COUNTER, units not yet reserved are taken from
--    the store's free stock in pick order, what is already picked is shipped from where it
--    waits; not enough stock is refused naming the SKU and the quantities. The order becomes
--    collected; the history says order.handed_over.

-- +goose Up

-- ───────────────────────────── prices ─────────────────────────────

CREATE TABLE product_prices (
    product_id   bigint NOT NULL REFERENCES products,
    currency     char(3) NOT NULL REFERENCES currencies,
    price_minor  bigint NOT NULL CHECK (price_minor >= 0),
    PRIMARY KEY (product_id, currency)
);
ALTER TABLE product_prices OWNER TO oms_owner;

-- ───────────────────────────── the store job ─────────────────────────────

-- +goose StatementBegin
DO $$
DECLARE
    bad record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oms_store') THEN
        BEGIN
            CREATE ROLE oms_store NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another database's migration made it a moment ago
        END;
    END IF;
    SELECT rolcanlogin, rolsuper, rolbypassrls, rolreplication, rolcreatedb, rolcreaterole INTO bad
      FROM pg_roles WHERE rolname = 'oms_store';
    IF bad.rolsuper OR bad.rolbypassrls OR bad.rolreplication THEN
        RAISE EXCEPTION 'role oms_store already exists with SUPERUSER, BYPASSRLS or REPLICATION: oms will not use it'
            USING HINT = 'drop or alter the role, then run oms migrate again';
    END IF;
    IF bad.rolcanlogin OR bad.rolcreatedb OR bad.rolcreaterole THEN
        ALTER ROLE oms_store NOLOGIN NOCREATEDB NOCREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                    WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = 'oms_store')
                      AND m.member = (SELECT oid FROM pg_roles WHERE rolname = 'oms_supervisor')) THEN
        BEGIN
            GRANT oms_store TO oms_supervisor;
        EXCEPTION WHEN unique_violation THEN
            NULL;
        END;
    END IF;
END $$;
-- +goose StatementEnd

ALTER TABLE staff DROP CONSTRAINT staff_job_check,
    ADD CONSTRAINT staff_job_check CHECK (job IN ('picker', 'packer', 'returns', 'stock', 'backoffice', 'store',
                                                  'supervisor', 'admin'));

-- The job groups a staff function may grant (00009), now with the store's; db/staff.Jobs lists
-- the same in the same order.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_staff_jobs() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['picker', 'packer', 'returns', 'stock', 'backoffice', 'store', 'supervisor', 'admin']
$$;
-- +goose StatementEnd

-- A store's staff see the orders their store fulfils and those collected there.
DROP POLICY orders_own_store ON orders;
CREATE POLICY orders_own_store ON orders FOR ALL TO oms_sees_store_orders
    USING ((SELECT oms_store_of(current_user)) IN (warehouse_id, pickup_warehouse_id))
    WITH CHECK ((SELECT oms_store_of(current_user)) IN (warehouse_id, pickup_warehouse_id));

-- What store staff read: as a picker (customers' names and countries, not how to reach them),
-- and the prices. They claim command keys; everything else they do is oms_hand_over.
GRANT SELECT ON goose_db_version, currencies, fx_rates, tax_categories, tax_rates, reason_codes, number_series,
    warehouses, locations, products, product_barcodes, lots, stock_balances, stock_movements, reservations,
    channels, addresses, carriers, carrier_services, carrier_rates, orders, order_lines, order_counts,
    order_count_deltas, order_counts_live, staff, pick_batches, pick_tasks, shipments, packages, package_lines,
    rmas, rma_lines, rma_receipts, stock_counts, stock_count_lines, idempotency_keys, events, boxes, company
    TO oms_store;
GRANT SELECT (id, channel_id, external_id, name, country, currency, created_at) ON customers TO oms_store;
GRANT INSERT, UPDATE (result) ON idempotency_keys TO oms_store;
GRANT SELECT ON product_prices TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_store, oms_admin;
GRANT INSERT, UPDATE, DELETE ON product_prices TO oms_backoffice;

-- ───────────────────────────── hand-over ─────────────────────────────

-- +goose StatementBegin
CREATE FUNCTION oms_hand_over(collect bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    o record;
    l record;
    r record;
    b record;
    mine bigint;
    need bigint;
    take bigint;
    counter bigint;
    customer bigint;
    units bigint := 0;
    lines integer := 0;
    message text;
BEGIN
    SELECT od.id, od.number, od.customer_name, od.pickup_warehouse_id AS wh, od.store_sale, od.on_hold,
           od.cancelled_at, od.status, w.code, w.kind INTO o
      FROM orders od LEFT JOIN warehouses w ON w.id = od.pickup_warehouse_id
     WHERE od.id = collect;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order % does not exist', collect;
    END IF;
    -- Row security does not reach inside this function: it asks the same question itself. A
    -- person at a store hands over only what is collected at their store.
    mine := oms_store_of(oms_actor()::name);
    IF o.wh IS NULL OR o.store_sale OR o.kind IS DISTINCT FROM 'store' THEN
        RAISE EXCEPTION 'order % is not collected at a store: nothing to hand over', o.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hand_over_click_and_collect';
    END IF;
    IF mine IS NOT NULL AND mine <> o.wh THEN
        RAISE EXCEPTION 'order % is collected at %, not at your store', o.number, o.code
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF o.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION 'order % is cancelled: nothing to hand over', o.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hand_over_open';
    END IF;
    IF o.on_hold THEN
        RAISE EXCEPTION 'order % is on hold: release it before handing it over', o.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hand_over_open';
    END IF;
    SELECT id INTO customer FROM locations WHERE kind = 'customer' AND warehouse_id IS NULL ORDER BY id LIMIT 1;
    IF customer IS NULL THEN
        RAISE EXCEPTION 'there is no customer location: run oms init';
    END IF;
    INSERT INTO locations (warehouse_id, code, kind) VALUES (o.wh, 'COUNTER', 'packing')
    ON CONFLICT (warehouse_id, code) DO NOTHING;
    SELECT id INTO counter FROM locations WHERE warehouse_id = o.wh AND code = 'COUNTER';

    -- Lock order: the lines first (ARCHITECTURE.md §3); balances, reservations and the order
    -- follow through the movements' triggers.
    FOR l IN SELECT ol.id, ol.line_no, ol.product_id, p.sku,
                    ol.qty_ordered - ol.qty_cancelled - ol.qty_shipped AS open,
                    ol.qty_ordered - ol.qty_cancelled - ol.qty_allocated AS unreserved
               FROM order_lines ol JOIN products p ON p.id = ol.product_id
              WHERE ol.order_id = o.id ORDER BY ol.id FOR NO KEY UPDATE OF ol LOOP
        CONTINUE WHEN l.open <= 0;
        -- Reserved elsewhere than the store: those units are not here to hand over.
        SELECT sum(rs.qty) AS qty, min(w.code || ' ' || loc.code) AS place INTO r
          FROM reservations rs JOIN locations loc ON loc.id = rs.location_id
          LEFT JOIN warehouses w ON w.id = loc.warehouse_id
         WHERE rs.order_line_id = l.id AND loc.warehouse_id IS DISTINCT FROM o.wh;
        IF r.qty > 0 THEN
            RAISE EXCEPTION 'order % line %: % × % are reserved at %, not at store %: move them to the store first',
                o.number, l.line_no, r.qty, l.sku, r.place, o.code
                USING ERRCODE = 'check_violation', CONSTRAINT = 'hand_over_in_store';
        END IF;
        -- Units not yet reserved: from the store's free stock, in pick order (earliest expiry
        -- first for lots), reserved where they are.
        need := l.unreserved;
        IF need > 0 THEN
            FOR b IN SELECT sb.location_id, sb.lot_id, sb.on_hand - sb.reserved AS free
                       FROM stock_balances sb JOIN locations loc ON loc.id = sb.location_id
                       LEFT JOIN lots lt ON lt.id = sb.lot_id
                      WHERE loc.warehouse_id = o.wh AND loc.kind = 'bin' AND sb.product_id = l.product_id
                        AND sb.on_hand - sb.reserved > 0
                      ORDER BY lt.expires_on NULLS LAST, loc.pick_seq, loc.id LOOP
                EXIT WHEN need = 0;
                take := least(need, b.free);
                UPDATE order_lines SET qty_allocated = qty_allocated + take WHERE id = l.id;
                INSERT INTO reservations AS rs (order_line_id, location_id, product_id, lot_id, qty)
                VALUES (l.id, b.location_id, l.product_id, b.lot_id, take)
                ON CONFLICT (order_line_id, location_id, lot_id) DO UPDATE SET qty = rs.qty + EXCLUDED.qty;
                need := need - take;
            END LOOP;
            IF need > 0 THEN
                RAISE EXCEPTION 'store % has only % × % free to hand over, order % needs % more',
                    o.code, l.unreserved - need, l.sku, o.number, l.unreserved
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'hand_over_in_stock';
            END IF;
        END IF;
        -- What waits on the store's shelves goes to the counter.
        FOR r IN SELECT rs.location_id, rs.lot_id, rs.qty
                   FROM reservations rs JOIN locations loc ON loc.id = rs.location_id
                  WHERE rs.order_line_id = l.id AND loc.kind = 'bin'
                  ORDER BY rs.location_id, rs.lot_id NULLS FIRST LOOP
            INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, order_line_id, note)
            VALUES (l.product_id, r.lot_id, r.location_id, counter, r.qty, 'pick', l.id, 'hand-over');
        END LOOP;
        UPDATE order_lines SET qty_packed = qty_picked WHERE id = l.id AND qty_packed <> qty_picked;
        -- Everything of the line now waits in the store outside its bins: it leaves with the customer.
        FOR r IN SELECT rs.location_id, rs.lot_id, rs.qty
                   FROM reservations rs
                  WHERE rs.order_line_id = l.id
                  ORDER BY rs.location_id, rs.lot_id NULLS FIRST LOOP
            INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, order_line_id, note)
            VALUES (l.product_id, r.lot_id, r.location_id, customer, r.qty, 'ship', l.id, 'hand-over');
        END LOOP;
        units := units + l.open;
        lines := lines + 1;
    END LOOP;
    IF lines = 0 THEN
        RAISE EXCEPTION 'order % has nothing left to hand over (it is %)', o.number, replace(o.status, '_', ' ')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hand_over_open';
    END IF;
    message := format('handed over to %s at %s: %s unit%s of %s line%s', o.customer_name, o.code,
                      units, CASE WHEN units = 1 THEN '' ELSE 's' END, lines, CASE WHEN lines = 1 THEN '' ELSE 's' END);
    PERFORM oms_order_event(o.id, 'order.handed_over', message,
                            jsonb_build_object('store', o.code, 'units', units, 'lines', lines));
    RETURN message;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_hand_over(bigint) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_hand_over(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_hand_over(bigint) TO oms_store;

-- +goose Down
DROP FUNCTION oms_hand_over(bigint);
DROP POLICY orders_own_store ON orders;
CREATE POLICY orders_own_store ON orders FOR ALL TO oms_sees_store_orders
    USING (warehouse_id = (SELECT oms_store_of(current_user))) WITH CHECK (warehouse_id = (SELECT oms_store_of(current_user)));
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_staff_jobs() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['picker', 'packer', 'returns', 'stock', 'backoffice', 'supervisor', 'admin']
$$;
-- +goose StatementEnd
ALTER TABLE staff DROP CONSTRAINT staff_job_check,
    ADD CONSTRAINT staff_job_check CHECK (job IN ('picker', 'packer', 'returns', 'stock', 'backoffice', 'supervisor', 'admin'));
REVOKE ALL ON idempotency_keys, customers FROM oms_store;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM oms_store;
DROP TABLE product_prices;
