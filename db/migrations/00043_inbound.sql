-- Inbound and moves (issue 16, db/inbound, the stock role's work): suppliers, purchase orders
-- received by scan, suggested putaway, transfers between warehouses, moves between bins and
-- adjustments with a supervisor's approval above a value, each through SECURITY DEFINER
-- functions (oms_po_*, oms_putaway*, oms_transfer_*, oms_move, oms_adjust*).
--
--  * A purchase order's units received and damaged follow the receipt movements that name its
--    line (stock_movements.po_line_id), by a row trigger, as an RMA line's received units do
--    (00041): a receipt posted directly by a stock client that names a PO line meets the same
--    checks (its product, the PO's warehouse, open PO, the warehouse's over-receipt tolerance)
--    and cannot leave the line behind. Its status is derived (open, partially_received,
--    received; closed short and cancelled by the back office).
--  * A transfer's units shipped, received and written off follow the movements that name its
--    line (stock_movements.transfer_line_id): bin → transit (shipped), transit → the other
--    warehouse (received), transit → adjustment (written off). What is in transit is computed
--    from the ledger, per line and lot; transit is virtual and keeps no balance. Its status is
--    derived: open, shipped, received, received_with_differences.
--  * An adjustment worth more than its warehouse's adjust_approval_minor (qty × the product's
--    unit_cost_minor, in the company's currency) waits for a supervisor other than the one who
--    asked. A stock client's own adjustment movement above that value is refused.

-- +goose Up

-- ───────────────────────────── policy and reference data ─────────────────────────────

ALTER TABLE warehouses
    ADD COLUMN receipt_tolerance_ppm integer NOT NULL DEFAULT 100000 CHECK (receipt_tolerance_ppm BETWEEN 0 AND 10000000),
    ADD COLUMN adjust_approval_minor bigint NOT NULL DEFAULT 50000 CHECK (adjust_approval_minor >= 0);
-- products.unit_cost_minor (00042) values adjustments too.
INSERT INTO number_series (code, prefix, width) VALUES ('po', 'PO-', 6), ('transfer', 'TR-', 6)
    ON CONFLICT (code) DO NOTHING;

-- ───────────────────────────── tables ─────────────────────────────

CREATE TABLE suppliers (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    country     char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    currency    char(3) NOT NULL REFERENCES currencies,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE purchase_orders (
    id            bigserial PRIMARY KEY,
    number        text NOT NULL UNIQUE,
    supplier_id   bigint NOT NULL REFERENCES suppliers,
    warehouse_id  bigint NOT NULL REFERENCES warehouses,
    currency      char(3) NOT NULL REFERENCES currencies,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'partially_received', 'received', 'closed', 'cancelled')),
    expected_on   date,
    note          text NOT NULL DEFAULT '',
    created_by    text NOT NULL DEFAULT oms_actor(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    closed_at     timestamptz,
    closed_by     text,
    close_reason  text,
    cancelled_at  timestamptz,
    CHECK (closed_at IS NULL OR cancelled_at IS NULL)
);
CREATE INDEX purchase_orders_open ON purchase_orders (warehouse_id, id) WHERE status IN ('open', 'partially_received');

CREATE TABLE purchase_order_lines (
    id               bigserial PRIMARY KEY,
    po_id            bigint NOT NULL REFERENCES purchase_orders,
    line_no          integer NOT NULL CHECK (line_no > 0),
    product_id       bigint NOT NULL REFERENCES products,
    qty_ordered      integer NOT NULL CHECK (qty_ordered > 0),
    qty_received     integer NOT NULL DEFAULT 0 CHECK (qty_received >= 0),
    qty_damaged      integer NOT NULL DEFAULT 0,
    unit_cost_minor  bigint NOT NULL DEFAULT 0 CHECK (unit_cost_minor >= 0),
    UNIQUE (po_id, line_no),
    UNIQUE (po_id, product_id),
    CONSTRAINT purchase_order_lines_damaged_received CHECK (qty_damaged BETWEEN 0 AND qty_received)
);

CREATE TABLE transfers (
    id                 bigserial PRIMARY KEY,
    number             text NOT NULL UNIQUE,
    from_warehouse_id  bigint NOT NULL REFERENCES warehouses,
    to_warehouse_id    bigint NOT NULL REFERENCES warehouses,
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'received', 'received_with_differences')),
    note               text NOT NULL DEFAULT '',
    created_by         text NOT NULL DEFAULT oms_actor(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    shipped_at         timestamptz,
    received_at        timestamptz,
    written_off_at     timestamptz,
    write_off_reason   text,
    CHECK (from_warehouse_id <> to_warehouse_id)
);

CREATE TABLE transfer_lines (
    id               bigserial PRIMARY KEY,
    transfer_id      bigint NOT NULL REFERENCES transfers,
    line_no          integer NOT NULL CHECK (line_no > 0),
    product_id       bigint NOT NULL REFERENCES products,
    lot_id           bigint,
    qty              integer NOT NULL CHECK (qty > 0),
    qty_shipped      integer NOT NULL DEFAULT 0,
    qty_received     integer NOT NULL DEFAULT 0 CHECK (qty_received >= 0),
    qty_written_off  integer NOT NULL DEFAULT 0 CHECK (qty_written_off >= 0),
    FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id),
    UNIQUE (transfer_id, line_no),
    UNIQUE NULLS NOT DISTINCT (transfer_id, product_id, lot_id),
    CONSTRAINT transfer_lines_shipped_in_range CHECK (qty_shipped BETWEEN 0 AND qty),
    CONSTRAINT transfer_lines_arrived_within_shipped CHECK (qty_received + qty_written_off <= qty_shipped)
);

CREATE TABLE stock_adjustments (
    id             bigserial PRIMARY KEY,
    warehouse_id   bigint NOT NULL REFERENCES warehouses,
    location_id    bigint NOT NULL REFERENCES locations,
    product_id     bigint NOT NULL REFERENCES products,
    lot_id         bigint,
    qty            integer NOT NULL CHECK (qty <> 0),
    reason_code    text NOT NULL REFERENCES reason_codes,
    value_minor    bigint NOT NULL CHECK (value_minor >= 0),
    currency       char(3) NOT NULL REFERENCES currencies,
    status         text NOT NULL CHECK (status IN ('pending', 'posted', 'rejected')),
    note           text NOT NULL DEFAULT '',
    requested_by   text NOT NULL DEFAULT oms_actor(),
    requested_at   timestamptz NOT NULL DEFAULT now(),
    decided_by     text,
    decided_at     timestamptz,
    decision_note  text NOT NULL DEFAULT '',
    movement_id    bigint REFERENCES stock_movements,
    FOREIGN KEY (lot_id, product_id) REFERENCES lots (id, product_id),
    CHECK ((status = 'posted') = (movement_id IS NOT NULL))
);
CREATE INDEX stock_adjustments_pending ON stock_adjustments (warehouse_id, id) WHERE status = 'pending';

ALTER TABLE stock_movements
    ADD COLUMN po_line_id bigint REFERENCES purchase_order_lines,
    ADD COLUMN transfer_line_id bigint REFERENCES transfer_lines;
CREATE INDEX stock_movements_by_po_line ON stock_movements (po_line_id) WHERE po_line_id IS NOT NULL;
CREATE INDEX stock_movements_by_transfer_line ON stock_movements (transfer_line_id, lot_id) WHERE transfer_line_id IS NOT NULL;

-- ───────────────────────────── helpers ─────────────────────────────

-- The caller's staff row, when they hold the job (the caller's jobs, not the owner's these
-- functions run as), or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_me(job text) RETURNS staff
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff;
BEGIN
    SELECT * INTO me FROM staff WHERE login = oms_actor() AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not an active member of staff: only staff receive and move stock', oms_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = me.login) THEN
        RAISE EXCEPTION '% has no login role: add them with oms staff add', me.login USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT pg_has_role(me.login, 'oms_' || job, 'USAGE') THEN
        RAISE EXCEPTION 'that is the work of the % role, which % does not hold', job, me.login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN me;
END $$;
-- +goose StatementEnd

-- The product a scan names: SKU, GTIN (with or without leading zeros) or one of its barcodes;
-- or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_product(scan text) RETURNS products
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    p products;
BEGIN
    SELECT pr.* INTO p FROM products pr JOIN (
        SELECT x.id, 1 AS rank FROM products x WHERE x.sku = upper(btrim(scan))
        UNION ALL
        SELECT x.id, 2 FROM products x WHERE btrim(scan) ~ '^[0-9]{8,14}$' AND x.gtin IS NOT NULL
                                        AND ltrim(x.gtin, '0') = ltrim(btrim(scan), '0')
        UNION ALL
        SELECT b.product_id, 3 FROM product_barcodes b WHERE b.barcode = btrim(scan)) m ON m.id = pr.id
     ORDER BY m.rank LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no product has the SKU, GTIN or barcode "%"', coalesce(btrim(scan), '')
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN p;
END $$;
-- +goose StatementEnd

-- A warehouse by its code, or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_warehouse(code text) RETURNS warehouses
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    w warehouses;
BEGIN
    SELECT * INTO w FROM warehouses x WHERE x.code = upper(btrim(oms_inbound_warehouse.code));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no warehouse %', coalesce(upper(btrim(code)), '(none)') USING ERRCODE = 'no_data_found';
    END IF;
    RETURN w;
END $$;
-- +goose StatementEnd

-- A warehouse's first active location of a kind (receiving, quarantine), or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_place(warehouse bigint, kind text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    loc bigint;
BEGIN
    SELECT id INTO loc FROM locations l WHERE l.warehouse_id = warehouse AND l.kind = oms_inbound_place.kind AND l.active
     ORDER BY id LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% has no % location: add one with oms catalog import locations',
            coalesce((SELECT code FROM warehouses WHERE id = warehouse), 'the warehouse'), kind
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_places';
    END IF;
    RETURN loc;
END $$;
-- +goose StatementEnd

-- A real location of a warehouse by its code (of the kinds given), or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_location(w warehouses, code text, kinds text[]) RETURNS locations
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    loc locations;
BEGIN
    SELECT * INTO loc FROM locations l WHERE l.warehouse_id = w.id AND l.code = upper(btrim(oms_inbound_location.code)) AND l.active;
    IF NOT FOUND OR NOT loc.kind = ANY (kinds) THEN
        RAISE EXCEPTION '% is not a % of %', coalesce(upper(btrim(code)), '(none)'),
            array_to_string(kinds, ' or '), w.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_location';
    END IF;
    RETURN loc;
END $$;
-- +goose StatementEnd

-- The lot a receipt brings in: none for a product without lots; else the lot of that code,
-- made when new, with its expiry (required when the product's expiry is tracked).
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_new_lot(p products, code text, expires date) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    l lots;
    made bigint;
BEGIN
    IF NOT p.lot_tracked THEN
        IF nullif(btrim(code), '') IS NOT NULL THEN
            RAISE EXCEPTION '% is not lot-tracked: receive it without a lot', p.sku
                USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
        END IF;
        RETURN NULL;
    END IF;
    IF nullif(btrim(code), '') IS NULL THEN
        RAISE EXCEPTION '% is lot-tracked: say which lot arrived', p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
    END IF;
    SELECT * INTO l FROM lots x WHERE x.product_id = p.id AND x.lot_code = btrim(code) FOR UPDATE;
    IF FOUND THEN
        IF expires IS NOT NULL AND l.expires_on IS NOT NULL AND l.expires_on <> expires THEN
            RAISE EXCEPTION 'lot % of % expires on %, not %', l.lot_code, p.sku, l.expires_on, expires
                USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot_expiry';
        END IF;
        IF expires IS NOT NULL AND l.expires_on IS NULL THEN
            UPDATE lots SET expires_on = expires WHERE id = l.id;
        END IF;
        RETURN l.id;
    END IF;
    IF p.expiry_tracked AND expires IS NULL THEN
        RAISE EXCEPTION '% is expiry-tracked: say when lot % expires', p.sku, btrim(code)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot_expiry';
    END IF;
    -- Two clerks receiving the same new lot at once: the second waits for the first and takes it.
    INSERT INTO lots (product_id, lot_code, expires_on) VALUES (p.id, btrim(code), expires)
    ON CONFLICT (product_id, lot_code) DO NOTHING RETURNING id INTO made;
    IF made IS NULL THEN
        RETURN oms_inbound_new_lot(p, code, expires);
    END IF;
    RETURN made;
END $$;
-- +goose StatementEnd

-- The lot of a product that leaves a location: the one named, or the only one the location
-- holds; or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_lot_at(p products, loc bigint, code text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    found_lots bigint[];
    lot_id bigint;
BEGIN
    IF NOT p.lot_tracked THEN
        IF nullif(btrim(code), '') IS NOT NULL THEN
            RAISE EXCEPTION '% is not lot-tracked: move it without a lot', p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
        END IF;
        RETURN NULL;
    END IF;
    IF nullif(btrim(code), '') IS NOT NULL THEN
        SELECT id INTO lot_id FROM lots WHERE product_id = p.id AND lot_code = btrim(code);
        IF NOT FOUND THEN
            RAISE EXCEPTION 'there is no lot % of %', btrim(code), p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
        END IF;
        RETURN lot_id;
    END IF;
    SELECT array_agg(b.lot_id ORDER BY b.lot_id) INTO found_lots FROM stock_balances b
     WHERE b.product_id = p.id AND b.location_id = loc AND b.on_hand > 0;
    IF cardinality(found_lots) = 1 THEN
        RETURN found_lots[1];
    END IF;
    RAISE EXCEPTION '% holds %: say which lot of % moves', oms_place(loc),
        coalesce('lots ' || (SELECT string_agg(lot_code, ', ' ORDER BY lot_code) FROM lots WHERE id = ANY (found_lots)), 'none of it'), p.sku
        USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
END $$;
-- +goose StatementEnd

-- The next number of a series.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_number(series text) RETURNS text
LANGUAGE sql SET search_path = pg_catalog, public, pg_temp AS $$
    UPDATE number_series SET next_value = next_value + 1 WHERE code = series
    RETURNING prefix || lpad(next_value - 1 || '', width, '0')
$$;
-- +goose StatementEnd

-- ───────────────────────────── purchase orders ─────────────────────────────

-- A PO's status from its lines, closing and cancelling.
-- +goose StatementBegin
CREATE FUNCTION oms_po_status(cancelled boolean, closed boolean, short_lines bigint, received bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN cancelled THEN 'cancelled'
        WHEN closed THEN 'closed'
        WHEN short_lines = 0 THEN 'received'
        WHEN received > 0 THEN 'partially_received'
        ELSE 'open' END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION oms_po_restatus(po bigint) RETURNS purchase_orders
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    o purchase_orders;
    st text;
BEGIN
    SELECT * INTO o FROM purchase_orders WHERE id = po;
    SELECT oms_po_status(o.cancelled_at IS NOT NULL, o.closed_at IS NOT NULL,
                         count(*) FILTER (WHERE l.qty_received < l.qty_ordered), coalesce(sum(l.qty_received), 0))
      INTO st FROM purchase_order_lines l WHERE l.po_id = o.id;
    IF st IS DISTINCT FROM o.status THEN
        UPDATE purchase_orders SET status = st WHERE id = o.id RETURNING * INTO o;
    END IF;
    RETURN o;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION oms_po_lines_restatus() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM oms_po_restatus(x.po_id) FROM (SELECT DISTINCT po_id FROM new_rows ORDER BY 1) x;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER purchase_order_lines_restatus AFTER UPDATE ON purchase_order_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_po_lines_restatus();

-- Units received (and damaged: those that went into quarantine) follow the receipts that name
-- the PO line. A row trigger with a WHEN clause, so the ledger's other movements never call it.
-- It refuses a receipt of another product, from anywhere but the supplier, into anywhere but
-- the PO's warehouse's receiving or quarantine, against a closed or cancelled PO, or beyond the
-- warehouse's over-receipt tolerance.
-- +goose StatementBegin
CREATE FUNCTION oms_po_units_arrived() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    line purchase_order_lines;
    o purchase_orders;
    w warehouses;
    src locations;
    dst locations;
    sku text;
    most bigint;
    msg text;
BEGIN
    SELECT * INTO line FROM purchase_order_lines WHERE id = NEW.po_line_id FOR NO KEY UPDATE;
    SELECT * INTO o FROM purchase_orders WHERE id = line.po_id;
    SELECT * INTO w FROM warehouses WHERE id = o.warehouse_id;
    SELECT * INTO src FROM locations WHERE id = NEW.from_location_id;
    SELECT * INTO dst FROM locations WHERE id = NEW.to_location_id;
    SELECT p.sku INTO sku FROM products p WHERE p.id = line.product_id;
    IF NEW.kind <> 'receipt' OR NEW.product_id <> line.product_id OR src.kind <> 'supplier'
       OR dst.warehouse_id IS DISTINCT FROM o.warehouse_id OR dst.kind NOT IN ('receiving', 'quarantine') THEN
        RAISE EXCEPTION 'a movement for % line % is a receipt of % from the supplier into receiving or quarantine at %',
            o.number, line.line_no, sku, w.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_po_receipt';
    END IF;
    IF o.closed_at IS NOT NULL OR o.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION '% is %: nothing more is received against it', o.number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_orders_open';
    END IF;
    most := line.qty_ordered + line.qty_ordered::bigint * w.receipt_tolerance_ppm / 1000000;
    IF line.qty_received + NEW.qty > most THEN
        msg := format('%s has %s × %s still open (%s ordered, %s received) and %s''s %s%% tolerance allows %s over: receiving %s would make %s, more than %s',
            o.number, greatest(line.qty_ordered - line.qty_received, 0), sku, line.qty_ordered, line.qty_received, w.code,
            round(w.receipt_tolerance_ppm / 10000.0, 2)::float8, most - line.qty_ordered, NEW.qty, line.qty_received + NEW.qty, most);
        RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_order_lines_within_tolerance';
    END IF;
    UPDATE purchase_order_lines
       SET qty_received = qty_received + NEW.qty,
           qty_damaged = qty_damaged + CASE WHEN dst.kind = 'quarantine' THEN NEW.qty ELSE 0 END
     WHERE id = line.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_movements_po_receipts AFTER INSERT ON stock_movements
    FOR EACH ROW WHEN (NEW.po_line_id IS NOT NULL) EXECUTE FUNCTION oms_po_units_arrived();

-- Creates a PO: lines is [{"sku": scan, "qty": n, "cost": unit cost in minor units of the
-- supplier's currency (default: the product's unit cost when that is the company's currency)}].
-- Returns its id.
-- +goose StatementBegin
CREATE FUNCTION oms_po_create(a_supplier text, a_warehouse text, a_expected date, a_lines jsonb, a_note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('backoffice');
    s suppliers;
    w warehouses := oms_inbound_warehouse(a_warehouse);
    home char(3);
    x record;
    p products;
    o purchase_orders;
    n integer := 0;
BEGIN
    SELECT * INTO s FROM suppliers WHERE code = upper(btrim(a_supplier)) AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no supplier %: add it with oms suppliers add', coalesce(upper(btrim(a_supplier)), '(none)')
            USING ERRCODE = 'no_data_found';
    END IF;
    IF jsonb_typeof(a_lines) IS DISTINCT FROM 'array' OR jsonb_array_length(a_lines) = 0 THEN
        RAISE EXCEPTION 'a purchase order needs at least one line' USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_orders_lines';
    END IF;
    SELECT currency INTO home FROM company LIMIT 1;
    INSERT INTO purchase_orders (number, supplier_id, warehouse_id, currency, expected_on, note, created_by)
    VALUES (oms_inbound_number('po'), s.id, w.id, s.currency, a_expected, coalesce(btrim(a_note), ''), me.login)
    RETURNING * INTO o;
    FOR x IN SELECT * FROM jsonb_to_recordset(a_lines) AS y(sku text, qty integer, cost bigint) LOOP
        p := oms_inbound_product(x.sku);
        IF x.qty IS NULL OR x.qty < 1 THEN
            RAISE EXCEPTION 'order at least one % on a purchase order, not %', p.sku, coalesce(x.qty::text, 'none')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_order_lines_qty_ordered_check';
        END IF;
        IF x.cost < 0 THEN
            RAISE EXCEPTION 'a unit of % costs 0 or more, not %', p.sku, oms_money(x.cost, s.currency)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_order_lines_unit_cost_minor_check';
        END IF;
        UPDATE purchase_order_lines SET qty_ordered = qty_ordered + x.qty WHERE po_id = o.id AND product_id = p.id;
        IF NOT FOUND THEN
            n := n + 1;
            INSERT INTO purchase_order_lines (po_id, line_no, product_id, qty_ordered, unit_cost_minor)
            VALUES (o.id, n, p.id, x.qty, coalesce(x.cost, CASE WHEN s.currency = home THEN p.unit_cost_minor ELSE 0 END));
        END IF;
    END LOOP;
    RETURN o.id;
END $$;
-- +goose StatementEnd

-- A PO locked, or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_po_lock(po bigint) RETURNS purchase_orders
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    o purchase_orders;
BEGIN
    SELECT * INTO o FROM purchase_orders WHERE id = po FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no purchase order %', po USING ERRCODE = 'no_data_found';
    END IF;
    RETURN o;
END $$;
-- +goose StatementEnd

-- Receives scanned units against a PO: a receipt from the supplier into the warehouse's
-- receiving location, or its quarantine when damaged, with the lot (made when new) and its
-- expiry. The PO line's received units follow the movement (oms_po_units_arrived), which also
-- refuses more than the warehouse's tolerance. The line is locked first, so two clerks
-- receiving the same line take turns and the second sees what the first took in.
-- +goose StatementBegin
CREATE FUNCTION oms_po_receive(a_po bigint, a_scan text, a_qty integer, a_lot text, a_expires date, a_damaged boolean) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    o purchase_orders;
    p products;
    line purchase_order_lines;
    lot bigint;
    dst bigint;
BEGIN
    SELECT * INTO o FROM purchase_orders WHERE id = a_po;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no purchase order %', a_po USING ERRCODE = 'no_data_found';
    END IF;
    p := oms_inbound_product(a_scan);
    SELECT * INTO line FROM purchase_order_lines WHERE po_id = o.id AND product_id = p.id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not on %', p.sku, o.number USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_order_lines_product';
    END IF;
    SELECT * INTO o FROM purchase_orders WHERE id = a_po;
    IF a_qty IS NULL OR a_qty < 1 THEN
        RAISE EXCEPTION 'receive at least one %, not %', p.sku, coalesce(a_qty::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_qty_check';
    END IF;
    IF o.closed_at IS NOT NULL OR o.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION '% is %: nothing more is received against it', o.number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_orders_open';
    END IF;
    lot := oms_inbound_new_lot(p, a_lot, a_expires);
    dst := oms_inbound_place(o.warehouse_id, CASE WHEN coalesce(a_damaged, false) THEN 'quarantine' ELSE 'receiving' END);
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, po_line_id, scan, note)
    VALUES (p.id, lot, (SELECT id FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1), dst, a_qty, 'receipt', line.id,
            coalesce(a_scan, ''), format('%s received%s', o.number, CASE WHEN a_damaged THEN ', damaged' ELSE '' END));
    SELECT * INTO line FROM purchase_order_lines WHERE id = line.id;
    o := oms_po_restatus(o.id);
    RETURN jsonb_build_object('po', o.number, 'sku', p.sku, 'line', line.line_no, 'received', a_qty,
        'line_received', line.qty_received, 'line_damaged', line.qty_damaged,
        'open', greatest(line.qty_ordered - line.qty_received, 0), 'place', oms_place(dst),
        'lot', (SELECT lot_code FROM lots WHERE id = lot), 'status', o.status);
END $$;
-- +goose StatementEnd

-- Closes a PO short: the units not received are not coming.
-- +goose StatementBegin
CREATE FUNCTION oms_po_close(a_po bigint, a_reason text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('backoffice');
    o purchase_orders;
BEGIN
    PERFORM 1 FROM purchase_order_lines WHERE po_id = a_po ORDER BY id FOR NO KEY UPDATE;
    o := oms_po_lock(a_po);
    IF o.cancelled_at IS NOT NULL OR o.closed_at IS NOT NULL THEN
        RETURN o.status;
    END IF;
    IF nullif(btrim(a_reason), '') IS NULL THEN
        RAISE EXCEPTION 'say why % closes short', o.number USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_orders_close_reason';
    END IF;
    IF o.status = 'received' THEN
        RAISE EXCEPTION '% was received in full: nothing to close', o.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_orders_close_short';
    END IF;
    UPDATE purchase_orders SET closed_at = now(), closed_by = me.login, close_reason = btrim(a_reason) WHERE id = o.id;
    RETURN (oms_po_restatus(o.id)).status;
END $$;
-- +goose StatementEnd

-- Cancels a PO nothing of which arrived.
-- +goose StatementBegin
CREATE FUNCTION oms_po_cancel(a_po bigint, a_reason text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('backoffice');
    o purchase_orders;
BEGIN
    PERFORM 1 FROM purchase_order_lines WHERE po_id = a_po ORDER BY id FOR NO KEY UPDATE;
    o := oms_po_lock(a_po);
    IF o.cancelled_at IS NOT NULL THEN
        RETURN o.status;
    END IF;
    IF EXISTS (SELECT 1 FROM purchase_order_lines WHERE po_id = o.id AND qty_received > 0) THEN
        RAISE EXCEPTION '% has units received already: close it short instead', o.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_orders_cancel_before_receipt';
    END IF;
    UPDATE purchase_orders SET cancelled_at = now(), closed_by = me.login, close_reason = coalesce(btrim(a_reason), '') WHERE id = o.id;
    RETURN (oms_po_restatus(o.id)).status;
END $$;
-- +goose StatementEnd

-- ───────────────────────────── putaway and moves ─────────────────────────────

-- Where received units of a product should go: a bin that already holds the product (first on
-- the pick path); else an empty bin (holding nothing) in a zone where the product has had a
-- bin; else any empty bin. Answers {"bin", "zone", "why"}.
-- +goose StatementBegin
CREATE FUNCTION oms_putaway_suggest(a_warehouse text, a_scan text) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    w warehouses := oms_inbound_warehouse(a_warehouse);
    p products := oms_inbound_product(a_scan);
    b locations;
BEGIN
    SELECT l.* INTO b FROM locations l
     WHERE l.warehouse_id = w.id AND l.kind = 'bin' AND l.active
       AND EXISTS (SELECT 1 FROM stock_balances s WHERE s.location_id = l.id AND s.product_id = p.id AND s.on_hand > 0)
     ORDER BY l.pick_seq, l.id LIMIT 1;
    IF FOUND THEN
        RETURN jsonb_build_object('bin', b.code, 'zone', b.zone, 'why', format('holds %s already', p.sku));
    END IF;
    SELECT l.* INTO b FROM locations l
     WHERE l.warehouse_id = w.id AND l.kind = 'bin' AND l.active
       AND NOT EXISTS (SELECT 1 FROM stock_balances s WHERE s.location_id = l.id AND s.on_hand > 0)
       AND l.zone IN (SELECT h.zone FROM stock_balances s JOIN locations h ON h.id = s.location_id
                       WHERE s.product_id = p.id AND h.warehouse_id = w.id AND h.kind = 'bin')
     ORDER BY l.pick_seq, l.id LIMIT 1;
    IF FOUND THEN
        RETURN jsonb_build_object('bin', b.code, 'zone', b.zone, 'why', format('empty, in zone %s where %s has been', b.zone, p.sku));
    END IF;
    SELECT l.* INTO b FROM locations l
     WHERE l.warehouse_id = w.id AND l.kind = 'bin' AND l.active
       AND NOT EXISTS (SELECT 1 FROM stock_balances s WHERE s.location_id = l.id AND s.on_hand > 0)
     ORDER BY l.pick_seq, l.id LIMIT 1;
    IF FOUND THEN
        RETURN jsonb_build_object('bin', b.code, 'zone', b.zone, 'why', 'empty');
    END IF;
    RAISE EXCEPTION '% has no bin holding % and no empty bin: choose one and scan it', w.code, p.sku
        USING ERRCODE = 'no_data_found';
END $$;
-- +goose StatementEnd

-- One movement of scanned units between two real locations of a warehouse, by a stock clerk.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_move(w warehouses, src locations, dst locations, a_scan text, a_qty integer, a_lot text,
                                 move_kind text) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    p products := oms_inbound_product(a_scan);
    lot bigint;
BEGIN
    IF a_qty IS NULL OR a_qty < 1 THEN
        RAISE EXCEPTION 'move at least one %, not %', p.sku, coalesce(a_qty::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_qty_check';
    END IF;
    IF src.id = dst.id THEN
        RAISE EXCEPTION '% is where % is already', dst.code, p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_check';
    END IF;
    lot := oms_inbound_lot_at(p, src.id, a_lot);
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, scan, note)
    VALUES (p.id, lot, src.id, dst.id, a_qty, move_kind, coalesce(a_scan, ''), format('%s %s → %s', move_kind, src.code, dst.code));
    RETURN jsonb_build_object('sku', p.sku, 'qty', a_qty, 'from', src.code, 'to', dst.code,
                              'lot', (SELECT lot_code FROM lots WHERE id = lot));
END $$;
-- +goose StatementEnd

-- Puts received units away: from receiving (or staging) into a bin, confirmed by scanning it.
-- +goose StatementBegin
CREATE FUNCTION oms_putaway(a_warehouse text, a_from text, a_scan text, a_qty integer, a_lot text, a_bin text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    w warehouses := oms_inbound_warehouse(a_warehouse);
BEGIN
    RETURN oms_inbound_move(w, oms_inbound_location(w, a_from, ARRAY['receiving', 'staging']),
                            oms_inbound_location(w, a_bin, ARRAY['bin']), a_scan, a_qty, a_lot, 'putaway');
END $$;
-- +goose StatementEnd

-- Moves scanned units from one bin to another of the same warehouse.
-- +goose StatementBegin
CREATE FUNCTION oms_move(a_warehouse text, a_from text, a_scan text, a_qty integer, a_lot text, a_to text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    w warehouses := oms_inbound_warehouse(a_warehouse);
BEGIN
    RETURN oms_inbound_move(w, oms_inbound_location(w, a_from, ARRAY['bin']),
                            oms_inbound_location(w, a_to, ARRAY['bin']), a_scan, a_qty, a_lot, 'transfer');
END $$;
-- +goose StatementEnd

-- ───────────────────────────── transfers ─────────────────────────────

-- A transfer's status: nothing shipped is open; shipped until the other end receives; then
-- received, or received with differences while fewer units arrived than left.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_status(received boolean, shipped bigint, arrived bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN received AND arrived < shipped THEN 'received_with_differences'
        WHEN received THEN 'received'
        WHEN shipped > 0 THEN 'shipped'
        ELSE 'open' END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION oms_transfer_restatus(tr bigint) RETURNS transfers
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    t transfers;
    st text;
BEGIN
    SELECT * INTO t FROM transfers WHERE id = tr;
    SELECT oms_transfer_status(t.received_at IS NOT NULL, coalesce(sum(qty_shipped), 0), coalesce(sum(qty_received), 0))
      INTO st FROM transfer_lines WHERE transfer_id = t.id;
    IF st IS DISTINCT FROM t.status THEN
        UPDATE transfers SET status = st WHERE id = t.id RETURNING * INTO t;
    END IF;
    RETURN t;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION oms_transfer_lines_restatus() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM oms_transfer_restatus(x.transfer_id) FROM (SELECT DISTINCT transfer_id FROM new_rows ORDER BY 1) x;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER transfer_lines_restatus AFTER UPDATE ON transfer_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_transfer_lines_restatus();

-- Units shipped, received and written off follow the movements that name the transfer line:
-- from a real location of the source into transit (a transfer), from transit into a real
-- location of the destination (a transfer), from transit to the adjustment location (an
-- adjustment, the write-off). Nothing leaves transit that did not enter it, per lot.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_units_moved() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    line transfer_lines;
    t transfers;
    src locations;
    dst locations;
    left_in_transit bigint;
BEGIN
    SELECT * INTO line FROM transfer_lines WHERE id = NEW.transfer_line_id FOR NO KEY UPDATE;
    SELECT * INTO t FROM transfers WHERE id = line.transfer_id;
    SELECT * INTO src FROM locations WHERE id = NEW.from_location_id;
    SELECT * INTO dst FROM locations WHERE id = NEW.to_location_id;
    IF NEW.product_id <> line.product_id OR (line.lot_id IS NOT NULL AND NEW.lot_id IS DISTINCT FROM line.lot_id) THEN
        RAISE EXCEPTION 'a movement for % line % moves %', t.number, line.line_no, oms_stock_item(line.product_id, line.lot_id)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_transfer_line';
    END IF;
    IF dst.kind = 'transit' AND NEW.kind = 'transfer' AND src.warehouse_id = t.from_warehouse_id THEN
        IF t.received_at IS NOT NULL THEN
            RAISE EXCEPTION '% was received already: nothing more ships on it', t.number
                USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_ship_before_receipt';
        END IF;
        IF line.qty_shipped + NEW.qty > line.qty THEN
            RAISE EXCEPTION '% has % × % left to ship, not %', t.number, line.qty - line.qty_shipped,
                oms_stock_item(line.product_id, line.lot_id), NEW.qty
                USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_shipped_in_range';
        END IF;
        UPDATE transfer_lines SET qty_shipped = qty_shipped + NEW.qty WHERE id = line.id;
        RETURN NULL;
    END IF;
    IF src.kind = 'transit' AND ((NEW.kind = 'transfer' AND dst.warehouse_id = t.to_warehouse_id)
                                 OR (NEW.kind = 'adjustment' AND dst.kind = 'adjustment')) THEN
        SELECT coalesce(sum(CASE WHEN m.to_location_id = NEW.from_location_id THEN m.qty ELSE -m.qty END), 0) INTO left_in_transit
          FROM stock_movements m
         WHERE m.transfer_line_id = line.id AND m.lot_id IS NOT DISTINCT FROM NEW.lot_id
           AND (m.to_location_id = NEW.from_location_id OR m.from_location_id = NEW.from_location_id);
        IF left_in_transit < 0 THEN
            RAISE EXCEPTION '% has % × % in transit, not %', t.number, left_in_transit + NEW.qty,
                oms_stock_item(NEW.product_id, NEW.lot_id), NEW.qty
                USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_arrived_within_shipped';
        END IF;
        IF NEW.kind = 'transfer' THEN
            UPDATE transfer_lines SET qty_received = qty_received + NEW.qty WHERE id = line.id;
        ELSE
            UPDATE transfer_lines SET qty_written_off = qty_written_off + NEW.qty WHERE id = line.id;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'a movement for % goes from a place at % into transit, from transit into a place at %, or from transit to the adjustment location (a write-off)',
        t.number, (SELECT code FROM warehouses WHERE id = t.from_warehouse_id), (SELECT code FROM warehouses WHERE id = t.to_warehouse_id)
        USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_transfer_line';
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_movements_transfer_lines AFTER INSERT ON stock_movements
    FOR EACH ROW WHEN (NEW.transfer_line_id IS NOT NULL) EXECUTE FUNCTION oms_transfer_units_moved();

-- What is in transit on a transfer's lines, per line and lot, from the ledger.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_in_transit(tr bigint)
RETURNS TABLE (line_id bigint, product_id bigint, lot_id bigint, qty bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT m.transfer_line_id, m.product_id, m.lot_id,
           sum(CASE WHEN t.kind = 'transit' THEN m.qty ELSE -m.qty END)::bigint
      FROM transfer_lines l JOIN stock_movements m ON m.transfer_line_id = l.id
      JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
     WHERE l.transfer_id = tr AND (t.kind = 'transit' OR f.kind = 'transit')
     GROUP BY 1, 2, 3
    HAVING sum(CASE WHEN t.kind = 'transit' THEN m.qty ELSE -m.qty END) <> 0
     ORDER BY 1, 3
$$;
-- +goose StatementEnd

-- Units asked for per product: [{"sku": scan, "qty": n}] summed by product, or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_inbound_units(lines jsonb) RETURNS TABLE (product_id bigint, sku text, qty bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    x record;
    p products;
BEGIN
    IF jsonb_typeof(lines) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'name the units as a list of SKUs and quantities' USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_units';
    END IF;
    FOR x IN SELECT * FROM jsonb_to_recordset(lines) AS y(sku text, qty integer) LOOP
        p := oms_inbound_product(x.sku);
        IF x.qty IS NULL OR x.qty < 0 THEN
            RAISE EXCEPTION 'a quantity of % is 0 or more, not %', p.sku, coalesce(x.qty::text, 'none')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_units';
        END IF;
        product_id := p.id;
        sku := p.sku;
        qty := x.qty;
        RETURN NEXT;
    END LOOP;
END $$;
-- +goose StatementEnd

-- Creates a transfer: lines is [{"sku": scan, "qty": n, "lot": code or null}]. Returns its id.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_create(a_from text, a_to text, a_lines jsonb, a_note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    src warehouses := oms_inbound_warehouse(a_from);
    dst warehouses := oms_inbound_warehouse(a_to);
    t transfers;
    x record;
    p products;
    lot bigint;
    n integer := 0;
BEGIN
    IF src.id = dst.id THEN
        RAISE EXCEPTION 'a transfer goes from one warehouse to another, not from % to itself: move stock inside it instead', src.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_check';
    END IF;
    IF jsonb_typeof(a_lines) IS DISTINCT FROM 'array' OR jsonb_array_length(a_lines) = 0 THEN
        RAISE EXCEPTION 'a transfer needs at least one line' USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_lines';
    END IF;
    INSERT INTO transfers (number, from_warehouse_id, to_warehouse_id, note, created_by)
    VALUES (oms_inbound_number('transfer'), src.id, dst.id, coalesce(btrim(a_note), ''), me.login)
    RETURNING * INTO t;
    FOR x IN SELECT * FROM jsonb_to_recordset(a_lines) AS y(sku text, qty integer, lot text) LOOP
        p := oms_inbound_product(x.sku);
        IF x.qty IS NULL OR x.qty < 1 THEN
            RAISE EXCEPTION 'transfer at least one %, not %', p.sku, coalesce(x.qty::text, 'none')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_qty_check';
        END IF;
        lot := NULL;
        IF nullif(btrim(x.lot), '') IS NOT NULL THEN
            SELECT id INTO lot FROM lots WHERE lots.product_id = p.id AND lot_code = btrim(x.lot);
            IF NOT FOUND THEN
                RAISE EXCEPTION 'there is no lot % of %', btrim(x.lot), p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
            END IF;
        END IF;
        UPDATE transfer_lines tl SET qty = tl.qty + x.qty
         WHERE tl.transfer_id = t.id AND tl.product_id = p.id AND tl.lot_id IS NOT DISTINCT FROM lot;
        IF NOT FOUND THEN
            n := n + 1;
            INSERT INTO transfer_lines (transfer_id, line_no, product_id, lot_id, qty) VALUES (t.id, n, p.id, lot, x.qty);
        END IF;
    END LOOP;
    RETURN t.id;
END $$;
-- +goose StatementEnd

-- A transfer locked, or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_lock(tr bigint) RETURNS transfers
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    t transfers;
BEGIN
    SELECT * INTO t FROM transfers WHERE id = tr FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no transfer %', tr USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM 1 FROM transfer_lines WHERE transfer_id = tr ORDER BY id FOR NO KEY UPDATE;
    RETURN t;
END $$;
-- +goose StatementEnd

-- Ships units of a transfer: lines is [{"sku", "qty"}], or null for everything not shipped yet.
-- The units leave the source's bins (free stock, first on the pick path) for transit, in one
-- statement. Answers {"shipped", "status"}.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_ship(a_transfer bigint, a_lines jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    t transfers := oms_transfer_lock(a_transfer);
    w warehouses;
    want record;
    line transfer_lines;
    b record;
    need bigint;
    take bigint;
    m_line bigint[] := '{}';
    m_product bigint[] := '{}';
    m_lot bigint[] := '{}';
    m_from bigint[] := '{}';
    m_qty bigint[] := '{}';
    total bigint := 0;
BEGIN
    SELECT * INTO w FROM warehouses WHERE id = t.from_warehouse_id;
    IF t.received_at IS NOT NULL THEN
        RAISE EXCEPTION '% was received already: nothing more ships on it', t.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_ship_before_receipt';
    END IF;
    -- Products asked for that the transfer does not carry, or more than it has left to ship.
    SELECT u.sku, u.qty, coalesce(sum(l.qty - l.qty_shipped), 0) AS open, count(l.id) AS lines INTO want
      FROM (SELECT x.product_id, min(x.sku) AS sku, sum(x.qty) AS qty FROM oms_inbound_units(coalesce(a_lines, '[]')) x GROUP BY 1) u
      LEFT JOIN transfer_lines l ON l.transfer_id = t.id AND l.product_id = u.product_id
     GROUP BY u.sku, u.qty HAVING count(l.id) = 0 OR u.qty > coalesce(sum(l.qty - l.qty_shipped), 0) LIMIT 1;
    IF FOUND THEN
        IF want.lines = 0 THEN
            RAISE EXCEPTION '% is not on %', want.sku, t.number USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_product';
        END IF;
        RAISE EXCEPTION '% has % × % left to ship, not %', t.number, want.open, want.sku, want.qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_shipped_in_range';
    END IF;
    FOR line IN SELECT * FROM transfer_lines WHERE transfer_id = t.id AND qty_shipped < qty ORDER BY id LOOP
        IF a_lines IS NULL THEN
            need := line.qty - line.qty_shipped;
        ELSE
            -- What is asked of this product and not yet given to an earlier line of it.
            SELECT coalesce(sum(x.qty), 0) INTO need FROM oms_inbound_units(a_lines) x WHERE x.product_id = line.product_id;
            need := need - coalesce((SELECT sum(q) FROM unnest(m_product, m_qty) AS z(pid, q) WHERE pid = line.product_id), 0);
            need := least(need, line.qty - line.qty_shipped);
        END IF;
        CONTINUE WHEN need <= 0;
        FOR b IN SELECT s.location_id, s.lot_id, s.on_hand - s.reserved AS free
                   FROM stock_balances s JOIN locations l ON l.id = s.location_id
                  WHERE l.warehouse_id = w.id AND l.kind = 'bin' AND l.active AND s.product_id = line.product_id
                    AND (line.lot_id IS NULL OR s.lot_id = line.lot_id) AND s.on_hand - s.reserved > 0
                  ORDER BY l.pick_seq, l.id, s.lot_id LOOP
            EXIT WHEN need = 0;
            take := least(need, b.free);
            m_line := m_line || line.id;
            m_product := m_product || line.product_id;
            m_lot := m_lot || b.lot_id;
            m_from := m_from || b.location_id;
            m_qty := m_qty || take;
            need := need - take;
            total := total + take;
        END LOOP;
        IF need > 0 THEN
            RAISE EXCEPTION '%''s bins have too little free % for %: % more are needed', w.code,
                oms_stock_item(line.product_id, line.lot_id), t.number, need
                USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_balances_no_negative_stock';
        END IF;
    END LOOP;
    IF total = 0 THEN
        RAISE EXCEPTION '% has nothing left to ship', t.number USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_shipped_in_range';
    END IF;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, transfer_line_id, note)
    SELECT z.pid, z.lid, z.fid, (SELECT id FROM locations WHERE kind = 'transit' ORDER BY id LIMIT 1), z.q, 'transfer', z.tl,
           format('%s shipped to %s', t.number, (SELECT code FROM warehouses WHERE id = t.to_warehouse_id))
      FROM unnest(m_line, m_product, m_lot, m_from, m_qty) AS z(tl, pid, lid, fid, q)
     ORDER BY z.pid, z.fid, z.lid;
    UPDATE transfers SET shipped_at = coalesce(shipped_at, now()) WHERE id = t.id;
    t := oms_transfer_restatus(t.id);
    RETURN jsonb_build_object('transfer', t.number, 'shipped', total, 'status', t.status);
END $$;
-- +goose StatementEnd

-- Receives a transfer at the other end into its receiving location: lines is [{"sku", "qty"}]
-- (what arrived; 0 for nothing), or null for everything in transit. The transfer is received
-- from then on; what is still in transit is a difference to write off. Answers {"received",
-- "in_transit", "status"}.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_receive(a_transfer bigint, a_lines jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    t transfers := oms_transfer_lock(a_transfer);
    bad record;
    dst bigint;
    total bigint;
    left_over bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM transfer_lines WHERE transfer_id = t.id AND qty_shipped > 0) THEN
        RAISE EXCEPTION '% has not shipped yet: nothing is on its way', t.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_receive_after_ship';
    END IF;
    dst := oms_inbound_place(t.to_warehouse_id, 'receiving');
    SELECT u.sku, u.qty, coalesce(sum(x.qty), 0) AS in_transit INTO bad
      FROM (SELECT y.product_id, min(y.sku) AS sku, sum(y.qty) AS qty FROM oms_inbound_units(coalesce(a_lines, '[]')) y GROUP BY 1) u
      LEFT JOIN oms_transfer_in_transit(t.id) x ON x.product_id = u.product_id
     GROUP BY u.sku, u.qty HAVING u.qty > coalesce(sum(x.qty), 0) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% has % × % in transit, not %', t.number, bad.in_transit, bad.sku, bad.qty
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_lines_arrived_within_shipped';
    END IF;
    -- Each product's units arrive against its lines and lots in transit, in order.
    WITH asked AS (
            SELECT y.product_id, sum(y.qty) AS qty FROM oms_inbound_units(coalesce(a_lines, '[]')) y GROUP BY 1),
         transit AS (
            SELECT x.line_id, x.product_id, x.lot_id, x.qty,
                   sum(x.qty) OVER (PARTITION BY x.product_id ORDER BY x.line_id, x.lot_id) - x.qty AS before
              FROM oms_transfer_in_transit(t.id) x),
         arriving AS (
            SELECT tr.line_id, tr.product_id, tr.lot_id,
                   CASE WHEN a_lines IS NULL THEN tr.qty ELSE least(tr.qty, greatest(coalesce(a.qty, 0) - tr.before, 0)) END AS qty
              FROM transit tr LEFT JOIN asked a ON a.product_id = tr.product_id),
         moved AS (
            INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, transfer_line_id, note)
            SELECT a.product_id, a.lot_id, (SELECT id FROM locations WHERE kind = 'transit' ORDER BY id LIMIT 1), dst, a.qty, 'transfer',
                   a.line_id, format('%s received from %s', t.number, (SELECT code FROM warehouses WHERE id = t.from_warehouse_id))
              FROM arriving a WHERE a.qty > 0 ORDER BY a.product_id, a.lot_id
            RETURNING qty)
    SELECT coalesce(sum(qty), 0) INTO total FROM moved;
    UPDATE transfers SET received_at = coalesce(received_at, now()) WHERE id = t.id;
    t := oms_transfer_restatus(t.id);
    SELECT coalesce(sum(qty), 0) INTO left_over FROM oms_transfer_in_transit(t.id);
    RETURN jsonb_build_object('transfer', t.number, 'received', total, 'in_transit', left_over, 'status', t.status);
END $$;
-- +goose StatementEnd

-- Writes off what a received transfer still has in transit (lost on the way): movements from
-- transit to the adjustment location. Answers {"written_off", "status"}.
-- +goose StatementBegin
CREATE FUNCTION oms_transfer_write_off(a_transfer bigint, a_reason text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    t transfers := oms_transfer_lock(a_transfer);
    total bigint;
BEGIN
    IF t.received_at IS NULL THEN
        RAISE EXCEPTION '% is still on its way: receive it first, then write off what did not arrive', t.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_write_off_after_receipt';
    END IF;
    IF nullif(btrim(a_reason), '') IS NULL THEN
        RAISE EXCEPTION 'say why the units of % are written off', t.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_write_off_reason';
    END IF;
    SELECT coalesce(sum(qty), 0) INTO total FROM oms_transfer_in_transit(t.id);
    IF total = 0 THEN
        RAISE EXCEPTION '% has nothing in transit to write off', t.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transfers_write_off_in_transit';
    END IF;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, reason_code, transfer_line_id, note)
    SELECT x.product_id, x.lot_id, (SELECT id FROM locations WHERE kind = 'transit' ORDER BY id LIMIT 1),
           (SELECT id FROM locations WHERE kind = 'adjustment' ORDER BY id LIMIT 1), x.qty, 'adjustment', 'ADJ_LOST', x.line_id,
           format('%s lost in transit: %s', t.number, btrim(a_reason))
      FROM oms_transfer_in_transit(t.id) x WHERE x.qty > 0 ORDER BY x.product_id, x.lot_id;
    UPDATE transfers SET written_off_at = now(), write_off_reason = btrim(a_reason) WHERE id = t.id;
    t := oms_transfer_restatus(t.id);
    RETURN jsonb_build_object('transfer', t.number, 'written_off', total, 'status', t.status);
END $$;
-- +goose StatementEnd

-- ───────────────────────────── adjustments ─────────────────────────────

-- Posts an adjustment: found units come from the adjustment location, lost ones go to it.
-- +goose StatementBegin
CREATE FUNCTION oms_adjust_post(a stock_adjustments) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    virt bigint := (SELECT id FROM locations WHERE kind = 'adjustment' ORDER BY id LIMIT 1);
    mv bigint;
BEGIN
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, reason_code, note)
    VALUES (a.product_id, a.lot_id, CASE WHEN a.qty > 0 THEN virt ELSE a.location_id END,
            CASE WHEN a.qty > 0 THEN a.location_id ELSE virt END, abs(a.qty), 'adjustment', a.reason_code,
            format('adjustment %s%s', a.id, coalesce(': ' || nullif(a.note, ''), '')))
    RETURNING id INTO mv;
    RETURN mv;
END $$;
-- +goose StatementEnd

-- Adjusts the stock of a product at a location by qty (found: positive, lost: negative) for a
-- reason of kind adjustment. Worth more than the warehouse's approval value, it waits for a
-- supervisor; otherwise it posts at once. Answers {"id", "status", "value", "currency", "sku",
-- "place"}.
-- +goose StatementBegin
CREATE FUNCTION oms_adjust(a_warehouse text, a_location text, a_scan text, a_qty integer, a_lot text, a_reason text, a_note text)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    w warehouses := oms_inbound_warehouse(a_warehouse);
    loc locations;
    p products;
    home char(3);
    lot bigint;
    a stock_adjustments;
BEGIN
    SELECT * INTO loc FROM locations l WHERE l.warehouse_id = w.id AND l.code = upper(btrim(a_location)) AND l.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a place of %', coalesce(upper(btrim(a_location)), '(none)'), w.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_location';
    END IF;
    p := oms_inbound_product(a_scan);
    IF a_qty IS NULL OR a_qty = 0 THEN
        RAISE EXCEPTION 'an adjustment adds or takes away at least one %, not %', p.sku, coalesce(a_qty::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_adjustments_qty_check';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM reason_codes WHERE code = upper(btrim(a_reason)) AND kind = 'adjustment' AND active) THEN
        RAISE EXCEPTION '"%" is not an adjustment reason: one of %', coalesce(a_reason, ''),
            (SELECT string_agg(code, ', ' ORDER BY code) FROM reason_codes WHERE kind = 'adjustment' AND active)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_adjustments_reason';
    END IF;
    IF a_qty > 0 AND p.lot_tracked THEN
        IF nullif(btrim(a_lot), '') IS NULL THEN
            RAISE EXCEPTION '% is lot-tracked: say which lot was found', p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
        END IF;
        lot := oms_inbound_new_lot(p, a_lot, NULL);
    ELSE
        lot := oms_inbound_lot_at(p, loc.id, a_lot);
    END IF;
    SELECT currency INTO home FROM company LIMIT 1;
    INSERT INTO stock_adjustments (warehouse_id, location_id, product_id, lot_id, qty, reason_code, value_minor, currency, status,
                                   note, requested_by)
    VALUES (w.id, loc.id, p.id, lot, a_qty, upper(btrim(a_reason)), abs(a_qty)::bigint * p.unit_cost_minor, coalesce(home, w.currency),
            'pending', coalesce(btrim(a_note), ''), me.login)
    RETURNING * INTO a;
    IF a.value_minor <= w.adjust_approval_minor THEN
        UPDATE stock_adjustments SET movement_id = oms_adjust_post(a), status = 'posted' WHERE id = a.id RETURNING * INTO a;
    END IF;
    RETURN jsonb_build_object('id', a.id, 'status', a.status, 'value', a.value_minor, 'currency', a.currency, 'sku', p.sku,
                              'place', oms_place(loc.id), 'limit', w.adjust_approval_minor);
END $$;
-- +goose StatementEnd

-- An adjustment waiting for a supervisor, locked; refuses the one who asked for it.
-- +goose StatementBegin
CREATE FUNCTION oms_adjust_decidable(a_id bigint, me staff) RETURNS stock_adjustments
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    a stock_adjustments;
    who text;
BEGIN
    IF NOT pg_has_role(me.login, 'oms_supervisor', 'USAGE') THEN
        RAISE EXCEPTION 'approving an adjustment is the work of the supervisor role, which % does not hold', me.login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO a FROM stock_adjustments WHERE id = a_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no adjustment %', a_id USING ERRCODE = 'no_data_found';
    END IF;
    IF a.status <> 'pending' THEN
        SELECT coalesce(s.name, a.decided_by) INTO who FROM (SELECT 1) x LEFT JOIN staff s ON s.login = a.decided_by;
        RAISE EXCEPTION 'adjustment % was % already%', a.id, a.status, coalesce(' by ' || who, '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_adjustments_pending';
    END IF;
    IF a.requested_by = me.login THEN
        RAISE EXCEPTION 'adjustment % is your own request: another supervisor approves it', a.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN a;
END $$;
-- +goose StatementEnd

-- A supervisor (not the one who asked) approves a pending adjustment, which posts it.
-- +goose StatementBegin
CREATE FUNCTION oms_adjust_approve(a_id bigint) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    a stock_adjustments := oms_adjust_decidable(a_id, me);
BEGIN
    UPDATE stock_adjustments SET movement_id = oms_adjust_post(a), status = 'posted', decided_by = me.login, decided_at = now()
     WHERE id = a.id RETURNING * INTO a;
    RETURN jsonb_build_object('id', a.id, 'status', a.status, 'value', a.value_minor, 'currency', a.currency,
                              'sku', (SELECT sku FROM products WHERE id = a.product_id), 'place', oms_place(a.location_id));
END $$;
-- +goose StatementEnd

-- A supervisor (not the one who asked) rejects a pending adjustment.
-- +goose StatementBegin
CREATE FUNCTION oms_adjust_reject(a_id bigint, a_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    a stock_adjustments := oms_adjust_decidable(a_id, me);
BEGIN
    UPDATE stock_adjustments SET status = 'rejected', decided_by = me.login, decided_at = now(), decision_note = coalesce(btrim(a_note), '')
     WHERE id = a.id;
END $$;
-- +goose StatementEnd

-- A stock client's own adjustment movement (it holds INSERT on the ledger) may not be worth more
-- than its warehouse's approval value: above it, oms adjust asks a supervisor. Runs as the
-- caller; the database's functions (the owner) pass.
-- +goose StatementBegin
CREATE FUNCTION oms_adjustment_value_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    bad record;
BEGIN
    IF oms_is_owner(TG_RELID) OR oms_backdating() THEN
        RETURN NEW;
    END IF;
    SELECT w.code, w.adjust_approval_minor AS most, NEW.qty * p.unit_cost_minor AS value, c.currency,
           p.sku || coalesce(' lot ' || (SELECT lot_code FROM lots WHERE id = NEW.lot_id), '') AS item INTO bad
      FROM locations l JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = NEW.product_id
      CROSS JOIN (SELECT currency FROM company LIMIT 1) c
     WHERE l.id IN (NEW.from_location_id, NEW.to_location_id) AND NOT l.is_virtual
       AND NEW.qty * p.unit_cost_minor > w.adjust_approval_minor
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'an adjustment of % × % is worth %, more than % adjusts without a supervisor (%): request it with oms adjust',
            NEW.qty, bad.item, oms_money(bad.value, bad.currency), bad.code, oms_money(bad.most, bad.currency)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_movements_value_guard BEFORE INSERT ON stock_movements
    FOR EACH ROW WHEN (NEW.kind = 'adjustment') EXECUTE FUNCTION oms_adjustment_value_guard();

-- ───────────────────────────── owners and grants ─────────────────────────────

ALTER TABLE suppliers OWNER TO oms_owner;
ALTER TABLE purchase_orders OWNER TO oms_owner;
ALTER TABLE purchase_order_lines OWNER TO oms_owner;
ALTER TABLE transfers OWNER TO oms_owner;
ALTER TABLE transfer_lines OWNER TO oms_owner;
ALTER TABLE stock_adjustments OWNER TO oms_owner;
GRANT SELECT ON suppliers, purchase_orders, purchase_order_lines, transfers, transfer_lines, stock_adjustments
    TO oms_stock, oms_backoffice, oms_admin;
-- Suppliers are the back office's master data; everything else goes through the functions.
GRANT INSERT, UPDATE ON suppliers TO oms_backoffice;
GRANT USAGE ON SEQUENCE suppliers_id_seq TO oms_backoffice;
-- +goose StatementBegin
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace
                AND (p.proname LIKE 'oms\_po\_%' OR p.proname LIKE 'oms\_inbound\_%' OR p.proname LIKE 'oms\_putaway%'
                     OR p.proname LIKE 'oms\_transfer\_%' OR p.proname LIKE 'oms\_adjust%' OR p.proname = 'oms_move') LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO oms_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION oms_po_status(boolean, boolean, bigint, bigint), oms_transfer_status(boolean, bigint, bigint) TO PUBLIC;
GRANT EXECUTE ON FUNCTION oms_po_create(text, text, date, jsonb, text), oms_po_close(bigint, text), oms_po_cancel(bigint, text)
    TO oms_backoffice;
GRANT EXECUTE ON FUNCTION oms_po_receive(bigint, text, integer, text, date, boolean), oms_putaway_suggest(text, text),
    oms_putaway(text, text, text, integer, text, text), oms_move(text, text, text, integer, text, text),
    oms_transfer_create(text, text, jsonb, text), oms_transfer_ship(bigint, jsonb), oms_transfer_receive(bigint, jsonb),
    oms_transfer_write_off(bigint, text),
    oms_adjust(text, text, text, integer, text, text, text) TO oms_stock;
GRANT EXECUTE ON FUNCTION oms_adjust_approve(bigint), oms_adjust_reject(bigint, text) TO oms_supervisor;

-- +goose Down
REVOKE INSERT, UPDATE ON suppliers FROM oms_backoffice;
DROP TRIGGER stock_movements_value_guard ON stock_movements;
DROP TRIGGER stock_movements_transfer_lines ON stock_movements;
DROP TRIGGER stock_movements_po_receipts ON stock_movements;
DROP FUNCTION oms_adjustment_value_guard();
DROP FUNCTION oms_adjust_reject(bigint, text);
DROP FUNCTION oms_adjust_approve(bigint);
DROP FUNCTION oms_adjust_decidable(bigint, staff);
DROP FUNCTION oms_adjust(text, text, text, integer, text, text, text);
DROP FUNCTION oms_adjust_post(stock_adjustments);
DROP FUNCTION oms_transfer_write_off(bigint, text);
DROP FUNCTION oms_transfer_receive(bigint, jsonb);
DROP FUNCTION oms_transfer_ship(bigint, jsonb);
DROP FUNCTION oms_transfer_lock(bigint);
DROP FUNCTION oms_transfer_create(text, text, jsonb, text);
DROP FUNCTION oms_inbound_units(jsonb);
DROP FUNCTION oms_transfer_in_transit(bigint);
DROP FUNCTION oms_transfer_units_moved();
DROP TRIGGER transfer_lines_restatus ON transfer_lines;
DROP FUNCTION oms_transfer_lines_restatus();
DROP FUNCTION oms_transfer_restatus(bigint);
DROP FUNCTION oms_transfer_status(boolean, bigint, bigint);
DROP FUNCTION oms_move(text, text, text, integer, text, text);
DROP FUNCTION oms_putaway(text, text, text, integer, text, text);
DROP FUNCTION oms_inbound_move(warehouses, locations, locations, text, integer, text, text);
DROP FUNCTION oms_putaway_suggest(text, text);
DROP FUNCTION oms_po_cancel(bigint, text);
DROP FUNCTION oms_po_close(bigint, text);
DROP FUNCTION oms_po_receive(bigint, text, integer, text, date, boolean);
DROP FUNCTION oms_po_lock(bigint);
DROP FUNCTION oms_po_create(text, text, date, jsonb, text);
DROP FUNCTION oms_po_units_arrived();
DROP TRIGGER purchase_order_lines_restatus ON purchase_order_lines;
DROP FUNCTION oms_po_lines_restatus();
DROP FUNCTION oms_po_restatus(bigint);
DROP FUNCTION oms_po_status(boolean, boolean, bigint, bigint);
DROP FUNCTION oms_inbound_number(text);
DROP FUNCTION oms_inbound_lot_at(products, bigint, text);
DROP FUNCTION oms_inbound_new_lot(products, text, date);
DROP FUNCTION oms_inbound_location(warehouses, text, text[]);
DROP FUNCTION oms_inbound_place(bigint, text);
DROP FUNCTION oms_inbound_warehouse(text);
DROP FUNCTION oms_inbound_product(text);
DROP FUNCTION oms_inbound_me(text);
ALTER TABLE stock_movements DROP COLUMN transfer_line_id, DROP COLUMN po_line_id;
DROP TABLE stock_adjustments, transfer_lines, transfers, purchase_order_lines, purchase_orders, suppliers;
DELETE FROM number_series WHERE code IN ('po', 'transfer');
ALTER TABLE warehouses DROP COLUMN receipt_tolerance_ppm, DROP COLUMN adjust_approval_minor;
