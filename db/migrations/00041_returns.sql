-- The returns desk (issue 15, db/returns, the F6 screen): RMAs opened, received, graded,
-- disposed of and refunded, each its own step, through SECURITY DEFINER functions only.
--
--  * An RMA's status and refund status are derived (oms_rma_status mirrors
--    model.DeriveRMAStatus, oms_refund_status model.DeriveRefundStatus; a test compares them on
--    every combination) from its lines' requested, received, inspected and refunded units and
--    its authorisation, transit, closing and cancelling. Every function re-derives them.
--  * Units received follow the return movements (customer → the warehouse's returns location)
--    that name the RMA line; units inspected follow the inspections (rma_receipts), each with a
--    grade (A resaleable, B open box, C damaged, D defective) and a disposition, and its
--    movement out of the returns location: restock to a bin (which wakes the allocator for
--    the backorders of that product, migration 00024), quarantine, refurbish, scrap, return to
--    vendor. An expired lot, or a C or D unit, is not restocked.
--  * What nobody expected (a wrong item, an extra unit, a parcel without an RMA) goes on the
--    unexpected list, outside stock, until someone decides.
--  * A refund names the units it pays back (at most those inspected and not refunded yet), the
--    amount oms computed (model.QuoteRefund) and the amount paid; only a supervisor may pay an
--    amount other than the computed one, and at most the company's raise above it. The credit
--    note for the units comes in the same transaction (db/invoicing); the returns desk may
--    insert a credit note only with a refund of that order made in the same transaction.
--  * An exchange makes a replacement order at no charge, linked to the RMA, once the units
--    are back, or at once when the RMA says cross-ship.
--  * The returns desk no longer writes RMAs, their lines, inspections or refunds directly.

-- +goose Up

-- ───────────────────────────── policy ─────────────────────────────

ALTER TABLE channels
    ADD COLUMN return_days integer NOT NULL DEFAULT 30 CHECK (return_days BETWEEN 0 AND 3650),
    ADD COLUMN return_shipping text NOT NULL DEFAULT 'share' CHECK (return_shipping IN ('none', 'share', 'all_returned'));
ALTER TABLE reason_codes
    ADD COLUMN restocking_fee_ppm integer NOT NULL DEFAULT 0 CHECK (restocking_fee_ppm BETWEEN 0 AND 1000000);
ALTER TABLE company
    ADD COLUMN refund_raise_ppm integer NOT NULL DEFAULT 100000 CHECK (refund_raise_ppm BETWEEN 0 AND 1000000);

-- ───────────────────────────── RMAs ─────────────────────────────

ALTER TABLE rmas DROP CONSTRAINT rmas_status_check;
UPDATE rmas SET status = 'received' WHERE status = 'receiving';
ALTER TABLE rmas ADD CONSTRAINT rmas_status_check CHECK (status IN ('requested', 'authorized', 'in_transit',
    'received', 'inspected', 'closed', 'cancelled'));
ALTER TABLE rmas
    ADD COLUMN warehouse_id      bigint REFERENCES warehouses,
    ADD COLUMN authorized_at     timestamptz,
    ADD COLUMN authorized_by     text,
    ADD COLUMN in_transit_at     timestamptz,
    ADD COLUMN closed_at         timestamptz,
    ADD COLUMN cancelled_at      timestamptz,
    ADD COLUMN refund_status     text NOT NULL DEFAULT 'waiting' CHECK (refund_status IN ('none', 'waiting', 'due', 'refunded')),
    ADD COLUMN return_tracking   text UNIQUE,
    ADD COLUMN label             bytea,
    ADD COLUMN label_format      text CHECK (label_format IN ('zpl', 'pdf')),
    ADD COLUMN exchange_order_id bigint REFERENCES orders,
    ADD COLUMN cross_ship        boolean NOT NULL DEFAULT false,
    ADD COLUMN created_by        text NOT NULL DEFAULT oms_actor();
UPDATE rmas SET authorized_at = created_at WHERE status NOT IN ('requested', 'cancelled');
UPDATE rmas SET closed_at = updated_at WHERE status = 'closed';
UPDATE rmas SET cancelled_at = updated_at WHERE status = 'cancelled';
UPDATE rmas r SET warehouse_id = o.warehouse_id FROM orders o WHERE o.id = r.order_id;
CREATE INDEX rmas_by_tracking ON rmas (return_tracking) WHERE return_tracking IS NOT NULL;
CREATE INDEX rmas_changes ON rmas (change_xid);

ALTER TABLE rma_lines ADD COLUMN qty_inspected integer NOT NULL DEFAULT 0;
UPDATE rma_lines rl SET qty_inspected = coalesce((SELECT sum(x.qty) FROM rma_receipts x WHERE x.rma_line_id = rl.id), 0);
ALTER TABLE rma_lines
    ADD CONSTRAINT rma_lines_inspected_in_range CHECK (qty_inspected BETWEEN 0 AND qty_received),
    ADD CONSTRAINT rma_lines_refunded_inspected CHECK (qty_refunded <= qty_inspected);

ALTER TABLE rma_receipts DROP CONSTRAINT rma_receipts_grade_check;
-- Inspections are append-only; the grades are renamed once, here, with that guard set aside.
ALTER TABLE rma_receipts DISABLE TRIGGER rma_receipts_append_only;
UPDATE rma_receipts SET grade = CASE grade WHEN 'new' THEN 'A' WHEN 'good' THEN 'A' WHEN 'missing_parts' THEN 'B'
                                           WHEN 'damaged' THEN 'C' ELSE 'D' END;
ALTER TABLE rma_receipts ENABLE TRIGGER rma_receipts_append_only;
ALTER TABLE rma_receipts
    ADD CONSTRAINT rma_receipts_grade_check CHECK (grade IN ('A', 'B', 'C', 'D')),
    ADD COLUMN lot_id bigint REFERENCES lots,
    ADD COLUMN note   text NOT NULL DEFAULT '';
CREATE INDEX rma_receipts_by_line ON rma_receipts (rma_line_id);

ALTER TABLE refunds
    ADD COLUMN computed_minor bigint,
    ADD COLUMN shipping_minor bigint NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    ADD COLUMN fee_minor      bigint NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    ADD COLUMN credit_note_id bigint REFERENCES invoices,
    ADD COLUMN note           text NOT NULL DEFAULT '';
CREATE INDEX refunds_by_rma ON refunds (rma_id);

-- What arrived that nobody expected: outside stock until someone decides what it is.
CREATE TABLE rma_unexpected (
    id            bigserial PRIMARY KEY,
    warehouse_id  bigint NOT NULL REFERENCES warehouses,
    rma_id        bigint REFERENCES rmas,
    order_id      bigint REFERENCES orders,
    product_id    bigint REFERENCES products,
    scan          text NOT NULL CHECK (length(scan) BETWEEN 1 AND 200),
    qty           integer NOT NULL CHECK (qty > 0),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    decision      text CHECK (decision IN ('added_to_rma', 'sent_back', 'kept', 'scrapped')),
    decided_by    text,
    decided_at    timestamptz,
    movement_id   bigint REFERENCES stock_movements,
    created_at    timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL DEFAULT oms_actor(),
    change_xid    xid8,
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX rma_unexpected_open ON rma_unexpected (warehouse_id, id) WHERE decision IS NULL;
CREATE INDEX rma_unexpected_changes ON rma_unexpected (change_xid);
CREATE TRIGGER rma_unexpected_stamp BEFORE INSERT OR UPDATE ON rma_unexpected
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

-- ───────────────────────────── derived status ─────────────────────────────

-- model.DeriveRefundStatus: an exchange pays nothing back; otherwise inspected units not yet
-- refunded are due.
-- +goose StatementBegin
CREATE FUNCTION oms_refund_status(wish text, inspected bigint, refunded bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN wish NOT IN ('refund', 'store_credit') THEN 'none'
        WHEN refunded < inspected THEN 'due'
        WHEN inspected = 0 AND refunded = 0 THEN 'waiting'
        ELSE 'refunded' END
$$;
-- +goose StatementEnd

-- model.DeriveRMAStatus, rule for rule.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_status(cancelled boolean, closed boolean, authorized boolean, in_transit boolean,
                               requested bigint, received bigint, inspected bigint, refund text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN cancelled THEN 'cancelled'
        WHEN closed THEN 'closed'
        WHEN requested > 0 AND inspected >= requested AND refund IN ('none', 'refunded') THEN 'closed'
        WHEN requested > 0 AND inspected >= requested THEN 'inspected'
        WHEN received > 0 THEN 'received'
        WHEN in_transit THEN 'in_transit'
        WHEN authorized THEN 'authorized'
        ELSE 'requested' END
$$;
-- +goose StatementEnd

-- Re-derives an RMA's status and refund status from its lines; an RMA that closes by itself
-- (everything inspected and settled) is stamped closed.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_restatus(rma bigint) RETURNS rmas
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r rmas;
    t record;
    st text;
    rs text;
BEGIN
    SELECT * INTO r FROM rmas WHERE id = rma;
    SELECT coalesce(sum(qty_requested), 0) AS req, coalesce(sum(qty_received), 0) AS rec,
           coalesce(sum(qty_inspected), 0) AS ins, coalesce(sum(qty_refunded), 0) AS ref
      INTO t FROM rma_lines WHERE rma_id = r.id;
    rs := oms_refund_status(r.resolution, t.ins, t.ref);
    st := oms_rma_status(r.cancelled_at IS NOT NULL, r.closed_at IS NOT NULL, r.authorized_at IS NOT NULL,
                         r.in_transit_at IS NOT NULL, t.req, t.rec, t.ins, rs);
    IF (st, rs) IS DISTINCT FROM (r.status, r.refund_status) THEN
        UPDATE rmas SET status = st, refund_status = rs,
                        closed_at = CASE WHEN st = 'closed' THEN coalesce(closed_at, now()) END
         WHERE id = r.id RETURNING * INTO r;
    END IF;
    RETURN r;
END $$;
-- +goose StatementEnd

-- Whatever changes an RMA's lines — the functions below, the ledger's return movements, the
-- inspections — re-derives the RMA's status in the same statement.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_lines_restatus() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM oms_rma_restatus(x.rma_id) FROM (SELECT DISTINCT rma_id FROM new_rows ORDER BY 1) x;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER rma_lines_restatus_insert AFTER INSERT ON rma_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_rma_lines_restatus();
CREATE TRIGGER rma_lines_restatus_update AFTER UPDATE ON rma_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_rma_lines_restatus();

-- Units requested on a line count against what shipped while their RMA is open; a closed RMA
-- holds only what it received, a cancelled one nothing.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_bound_rma_lines() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    bad record;
BEGIN
    PERFORM 1 FROM order_lines WHERE id IN (SELECT order_line_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    SELECT o.number, ol.line_no, p.sku, ol.qty_shipped, s.requested INTO bad
      FROM (SELECT rl.order_line_id,
                   sum(CASE WHEN r.status = 'cancelled' THEN 0
                            WHEN r.closed_at IS NOT NULL THEN rl.qty_received
                            ELSE rl.qty_requested END) AS requested
              FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id
             WHERE rl.order_line_id IN (SELECT order_line_id FROM new_rows)
             GROUP BY 1) s
      JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id
      JOIN products p ON p.id = ol.product_id
     WHERE s.requested > ol.qty_shipped LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'order % line % (%) shipped % units, and its RMAs would ask % back', bad.number,
            bad.line_no, bad.sku, bad.qty_shipped, bad.requested
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_within_shipped';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Units inspected follow the inspections (they used to be what "received" followed).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_receive_rma_units() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE rma_lines rl SET qty_inspected = rl.qty_inspected + s.qty
      FROM (SELECT rma_line_id, sum(qty) AS qty FROM new_rows GROUP BY 1) s
     WHERE rl.id = s.rma_line_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Units received follow the return movements that name the RMA line. A row trigger with a
-- WHEN clause, so the ledger's other movements (picks above all) never call it.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_units_arrived() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE rma_lines SET qty_received = qty_received + NEW.qty WHERE id = NEW.rma_line_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_movements_rma_arrivals AFTER INSERT ON stock_movements
    FOR EACH ROW WHEN (NEW.kind = 'return' AND NEW.rma_line_id IS NOT NULL)
    EXECUTE FUNCTION oms_rma_units_arrived();

-- Received, inspected and refunded units follow the ledger, the inspections and the refunds.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_rma_line_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF (NEW.qty_received, NEW.qty_inspected, NEW.qty_refunded) IS DISTINCT FROM (OLD.qty_received, OLD.qty_inspected, OLD.qty_refunded)
       AND NOT oms_is_owner(TG_RELID) THEN
        RAISE EXCEPTION 'units received, inspected and refunded on an RMA line follow its return movements, inspections and refunds'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_received_follow_receipts';
    END IF;
    IF NEW.order_line_id <> OLD.order_line_id OR NEW.rma_id <> OLD.rma_id THEN
        RAISE EXCEPTION 'an RMA line cannot move to another RMA or order line'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_fixed';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- A returns clerk may write a credit note only with a refund of its order made in the same
-- transaction (db/returns: the refund, then the credit note for its units); the packer's
-- invoice only with the shipment it bills (00037).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_invoice_needs_backoffice() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF pg_has_role('oms_backoffice', 'USAGE') OR EXISTS (
            SELECT 1 FROM shipments s
             WHERE s.order_id = NEW.order_id AND s.status = 'shipped' AND s.xmin = pg_current_xact_id()::xid) THEN
        RETURN NEW;
    END IF;
    -- A statement of its own, read only for the returns desk: a query naming refunds needs the
    -- right to read them even where its condition is false, and packers have none.
    IF NEW.kind = 'credit_note' AND pg_has_role('oms_returns', 'USAGE') THEN
        IF EXISTS (SELECT 1 FROM refunds f WHERE f.order_id = NEW.order_id AND f.xmin = pg_current_xact_id()::xid) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'permission denied: invoicing is the back office''s work (a packer''s invoice comes only with the shipment it bills, a returns credit note only with its refund)'
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd

-- ───────────────────────────── the returns desk ─────────────────────────────

-- +goose StatementBegin
CREATE FUNCTION oms_rma_me() RETURNS staff
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff;
BEGIN
    SELECT * INTO me FROM staff WHERE login = oms_actor() AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not an active member of staff: only staff work returns', oms_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN me;
END $$;
-- +goose StatementEnd

-- An RMA locked after its order's lines (the ledger's lock order), or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_lock(rma bigint) RETURNS rmas
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r rmas;
BEGIN
    SELECT * INTO r FROM rmas WHERE id = rma;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no RMA %', rma USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM 1 FROM order_lines WHERE order_id = r.order_id ORDER BY id FOR NO KEY UPDATE;
    SELECT * INTO r FROM rmas WHERE id = rma FOR UPDATE;
    RETURN r;
END $$;
-- +goose StatementEnd

-- One line of an order's history, as the owner.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_event(r rmas, kind text, message text, data jsonb) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO events (entity, entity_id, order_id, kind, message, data, terminal)
    VALUES ('rma', r.id, r.order_id, kind, message, data, coalesce(current_setting('application_name', true), ''))
$$;
-- +goose StatementEnd

-- Opens an RMA for lines of an order: lines is [{"line": order line id, "qty": n, "reason":
-- code}]. Authorised at once when the order shipped within its channel's return window;
-- otherwise it waits for a supervisor. Returns the RMA's id.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_open(order_id bigint, wish text, lines jsonb, note text, cross_ship boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    o orders;
    ch channels;
    r rmas;
    shipped_on timestamptz;
    bad record;
    summary text;
    n integer;
BEGIN
    PERFORM 1 FROM order_lines ol WHERE ol.order_id = oms_rma_open.order_id ORDER BY id FOR NO KEY UPDATE;
    SELECT * INTO o FROM orders WHERE id = oms_rma_open.order_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no order %', order_id USING ERRCODE = 'no_data_found';
    END IF;
    IF wish IS NULL OR wish NOT IN ('refund', 'exchange', 'store_credit') THEN
        RAISE EXCEPTION 'the customer wishes a refund, an exchange or store credit, not "%"', wish
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_wish';
    END IF;
    IF cross_ship AND wish <> 'exchange' THEN
        RAISE EXCEPTION 'only an exchange can cross-ship' USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_cross_ship';
    END IF;
    IF jsonb_typeof(lines) IS DISTINCT FROM 'array' OR jsonb_array_length(lines) = 0 THEN
        RAISE EXCEPTION 'an RMA needs at least one line' USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_lines';
    END IF;
    SELECT x.line, x.qty, x.reason INTO bad
      FROM jsonb_to_recordset(lines) AS x(line bigint, qty integer, reason text)
     WHERE x.qty IS NULL OR x.qty < 1
        OR NOT EXISTS (SELECT 1 FROM order_lines ol WHERE ol.id = x.line AND ol.order_id = o.id)
        OR NOT EXISTS (SELECT 1 FROM reason_codes c WHERE c.code = x.reason AND c.kind = 'return' AND c.active)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%', CASE
            WHEN bad.qty IS NULL OR bad.qty < 1 THEN format('return at least one unit a line, not %s', coalesce(bad.qty::text, 'none'))
            WHEN NOT EXISTS (SELECT 1 FROM order_lines ol WHERE ol.id = bad.line AND ol.order_id = o.id) THEN format('%s has no line %s', o.number, bad.line)
            ELSE format('"%s" is not a return reason', coalesce(bad.reason, '')) END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_valid';
    END IF;
    SELECT * INTO ch FROM channels WHERE id = o.channel_id;
    SELECT max(shipped_at) INTO shipped_on FROM shipments s WHERE s.order_id = o.id AND s.status = 'shipped';
    IF shipped_on IS NULL THEN
        SELECT max(m.at) INTO shipped_on FROM stock_movements m JOIN order_lines ol ON ol.id = m.order_line_id
         WHERE ol.order_id = o.id AND m.kind = 'ship';
    END IF;

    UPDATE number_series SET next_value = next_value + 1 WHERE code = 'rma'
    RETURNING prefix || lpad(next_value - 1 || '', width, '0') INTO summary;
    INSERT INTO rmas (number, order_id, status, resolution, notes, warehouse_id, authorized_at, authorized_by,
                      cross_ship, created_by, reason_code)
    VALUES (summary, o.id, 'requested', wish, coalesce(note, ''), o.warehouse_id,
            CASE WHEN shipped_on IS NOT NULL AND shipped_on + make_interval(days => ch.return_days) >= now() THEN now() END,
            CASE WHEN shipped_on IS NOT NULL AND shipped_on + make_interval(days => ch.return_days) >= now() THEN 'return window' END,
            cross_ship, me.login, (SELECT x.reason FROM jsonb_to_recordset(lines) AS x(reason text) LIMIT 1))
    RETURNING * INTO r;
    INSERT INTO rma_lines (rma_id, order_id, order_line_id, qty_requested, reason_code)
    SELECT r.id, o.id, x.line, sum(x.qty), min(x.reason)
      FROM jsonb_to_recordset(lines) AS x(line bigint, qty integer, reason text)
     GROUP BY x.line ORDER BY x.line;
    r := oms_rma_restatus(r.id);
    SELECT string_agg(format('%s × %s (%s)', rl.qty_requested, p.sku, c.description), ', ' ORDER BY ol.line_no), sum(rl.qty_requested)
      INTO summary, n
      FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id JOIN products p ON p.id = ol.product_id
      JOIN reason_codes c ON c.code = rl.reason_code
     WHERE rl.rma_id = r.id;
    PERFORM oms_rma_event(r, CASE WHEN r.status = 'requested' THEN 'rma.requested' ELSE 'rma.authorized' END,
        format('Return %s %s: %s; the customer wishes %s', r.number,
               CASE WHEN r.status = 'requested' THEN format('requested, outside the %s-day return window: waits for a supervisor', ch.return_days)
                    ELSE 'authorised' END, summary, replace(wish, '_', ' ')),
        jsonb_build_object('rma', r.number, 'units', n, 'wish', wish));
    RETURN r.id;
END $$;
-- +goose StatementEnd

-- A supervisor authorises an RMA outside the return window.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_authorize(rma bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
BEGIN
    IF r.cancelled_at IS NOT NULL OR r.closed_at IS NOT NULL THEN
        RAISE EXCEPTION '% is %: nothing to authorise', r.number, r.status USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_open';
    END IF;
    IF r.authorized_at IS NOT NULL THEN
        RETURN;
    END IF;
    UPDATE rmas SET authorized_at = now(), authorized_by = me.login WHERE id = r.id RETURNING * INTO r;
    r := oms_rma_restatus(r.id);
    PERFORM oms_rma_event(r, 'rma.authorized', format('Return %s authorised by %s', r.number, me.name), jsonb_build_object('rma', r.number));
END $$;
-- +goose StatementEnd

-- Keeps the return label oms made for the RMA (db/returns: the carrier's number and the label).
-- +goose StatementBegin
CREATE FUNCTION oms_rma_label(rma bigint, tracking text, label bytea, format text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
BEGIN
    IF r.return_tracking IS NOT NULL THEN
        RAISE EXCEPTION '% already has its return label %', r.number, r.return_tracking
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_one_label';
    END IF;
    UPDATE rmas SET return_tracking = tracking, label = oms_rma_label.label, label_format = format WHERE id = r.id;
END $$;
-- +goose StatementEnd

-- The carrier has the return parcel (a tracking event for its number).
-- +goose StatementBegin
CREATE FUNCTION oms_rma_in_transit(tracking text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r rmas;
BEGIN
    SELECT * INTO r FROM rmas WHERE return_tracking = tracking;
    IF NOT FOUND OR r.in_transit_at IS NOT NULL THEN
        RETURN;
    END IF;
    r := oms_rma_lock(r.id);
    UPDATE rmas SET in_transit_at = now() WHERE id = r.id;
    r := oms_rma_restatus(r.id);
END $$;
-- +goose StatementEnd

-- The product a scan names: SKU, GTIN (with or without leading zeros) or one of its barcodes.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_product(scan text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT id FROM (
        SELECT p.id, 1 AS rank FROM products p WHERE p.sku = upper(btrim(scan))
        UNION ALL
        SELECT p.id, 2 FROM products p WHERE btrim(scan) ~ '^[0-9]{8,14}$' AND p.gtin IS NOT NULL
                                         AND ltrim(p.gtin, '0') = ltrim(btrim(scan), '0')
        UNION ALL
        SELECT b.product_id, 3 FROM product_barcodes b WHERE b.barcode = btrim(scan)) x
    ORDER BY rank LIMIT 1
$$;
-- +goose StatementEnd

-- The returns location of a warehouse, or a sentence.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_place(warehouse bigint, kind text) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    loc bigint;
BEGIN
    SELECT id INTO loc FROM locations l WHERE l.warehouse_id = warehouse AND l.kind = oms_rma_place.kind AND l.active ORDER BY id LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% has no % location: add one with oms locations import',
            coalesce((SELECT code FROM warehouses WHERE id = warehouse), 'the warehouse'), kind
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_places';
    END IF;
    RETURN loc;
END $$;
-- +goose StatementEnd

-- Receives units of one RMA line: the return movement from the customer into the warehouse's
-- returns location, with the lot that went out when the product is lot-tracked.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_take_in(r rmas, line rma_lines, qty integer, lot text, scan text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    ol order_lines;
    p products;
    lot_id bigint;
    lots bigint[];
BEGIN
    SELECT * INTO ol FROM order_lines WHERE id = line.order_line_id;
    SELECT * INTO p FROM products WHERE id = ol.product_id;
    IF p.lot_tracked THEN
        SELECT array_agg(DISTINCT m.lot_id) INTO lots FROM stock_movements m WHERE m.order_line_id = ol.id AND m.kind = 'ship';
        IF nullif(btrim(lot), '') IS NOT NULL THEN
            SELECT id INTO lot_id FROM lots l WHERE l.product_id = p.id AND l.lot_code = btrim(lot);
            IF lot_id IS NULL OR NOT lot_id = ANY (coalesce(lots, '{}')) THEN
                RAISE EXCEPTION 'lot % of % did not go out on %', btrim(lot), p.sku, r.number
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lot_shipped';
            END IF;
        ELSIF cardinality(lots) = 1 THEN
            lot_id := lots[1];
        ELSE
            RAISE EXCEPTION '% went out in lots %: scan or type the lot on the unit', p.sku,
                (SELECT string_agg(lot_code, ', ' ORDER BY lot_code) FROM lots WHERE id = ANY (lots))
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lot_shipped';
        END IF;
    END IF;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, reason_code,
                                 order_line_id, rma_line_id, scan, terminal, note)
    VALUES (p.id, lot_id, (SELECT id FROM locations WHERE kind = 'customer' ORDER BY id LIMIT 1),
            oms_rma_place(r.warehouse_id, 'returns'), qty, 'return', line.reason_code, ol.id, line.id,
            coalesce(scan, ''), coalesce(current_setting('application_name', true), ''),
            format('%s received', r.number));
END $$;
-- +goose StatementEnd

-- The state an RMA must be in to take units in.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_receivable(r rmas) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF r.cancelled_at IS NOT NULL OR r.closed_at IS NOT NULL THEN
        RAISE EXCEPTION '% is %: receive what came as unexpected', r.number, r.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_open';
    END IF;
    IF r.authorized_at IS NULL THEN
        RAISE EXCEPTION '% waits for a supervisor''s authorisation: put the parcel aside', r.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_authorized';
    END IF;
END $$;
-- +goose StatementEnd

-- Receives a whole parcel: every unit the RMA still expects. Nothing left to receive (another
-- clerk took the parcel in) is a sentence saying who and when.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_receive_all(rma bigint, scan text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
    line rma_lines;
    n integer := 0;
    last record;
BEGIN
    PERFORM oms_rma_receivable(r);
    FOR line IN SELECT * FROM rma_lines WHERE rma_id = r.id AND qty_received < qty_requested ORDER BY id FOR UPDATE LOOP
        PERFORM oms_rma_take_in(r, line, line.qty_requested - line.qty_received, NULL, scan);
        n := n + line.qty_requested - line.qty_received;
    END LOOP;
    IF n = 0 THEN
        SELECT s.name, m.at INTO last FROM stock_movements m JOIN rma_lines rl ON rl.id = m.rma_line_id
          LEFT JOIN staff s ON s.login = m.actor
         WHERE rl.rma_id = r.id AND m.kind = 'return' ORDER BY m.id DESC LIMIT 1;
        RAISE EXCEPTION '% was received already%: nothing more is expected', r.number,
            coalesce(format(' by %s at %s', coalesce(last.name, 'someone'), to_char(last.at AT TIME ZONE 'UTC', 'HH24:MI')), '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_received_once';
    END IF;
    r := oms_rma_restatus(r.id);
    PERFORM oms_rma_event(r, 'rma.received', format('Return %s received: %s unit%s, by %s', r.number, n,
        CASE WHEN n = 1 THEN '' ELSE 's' END, me.name), jsonb_build_object('rma', r.number, 'units', n));
    RETURN jsonb_build_object('received', n, 'unexpected', 0);
END $$;
-- +goose StatementEnd

-- Records what nobody expected, outside stock; returns its id.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_unexpected(warehouse text, scan text, qty integer, note text, rma bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    wh warehouses;
    r rmas;
    id bigint;
BEGIN
    SELECT * INTO wh FROM warehouses w WHERE w.code = upper(btrim(warehouse));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no warehouse %', warehouse USING ERRCODE = 'no_data_found';
    END IF;
    IF rma IS NOT NULL THEN
        SELECT * INTO r FROM rmas WHERE rmas.id = rma;
    END IF;
    INSERT INTO rma_unexpected (warehouse_id, rma_id, order_id, product_id, scan, qty, note)
    VALUES (wh.id, r.id, r.order_id, oms_rma_product(scan), btrim(scan), qty, coalesce(btrim(note), ''))
    RETURNING rma_unexpected.id INTO id;
    RETURN id;
END $$;
-- +goose StatementEnd

-- Receives scanned units against an RMA: the line of the scanned product takes what it still
-- expects, and the rest (a wrong item, an extra unit) goes on the unexpected list.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_receive(rma bigint, scan text, qty integer, lot text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
    product bigint := oms_rma_product(scan);
    line rma_lines;
    took integer := 0;
    extra bigint;
    sku text;
BEGIN
    PERFORM oms_rma_receivable(r);
    IF qty IS NULL OR qty < 1 OR qty > 10000 THEN
        RAISE EXCEPTION 'receive 1 to 10000 units, not %', coalesce(qty::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_qty';
    END IF;
    SELECT p.sku INTO sku FROM products p WHERE p.id = product;
    -- A misread or unknown barcode is refused rather than put aside: the unexpected list is
    -- for goods that are there.
    IF sku IS NULL THEN
        RAISE EXCEPTION '"%" is not a product oms knows: scan the item''s barcode again, or put it aside as unexpected with a note',
            left(btrim(scan), 60) USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_scan_known';
    END IF;
    SELECT rl.* INTO line FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id
     WHERE rl.rma_id = r.id AND ol.product_id = product AND rl.qty_received < rl.qty_requested
     ORDER BY rl.id LIMIT 1 FOR UPDATE OF rl;
    IF FOUND THEN
        took := least(qty, line.qty_requested - line.qty_received);
        PERFORM oms_rma_take_in(r, line, took, lot, scan);
        r := oms_rma_restatus(r.id);
        PERFORM oms_rma_event(r, 'rma.received', format('Return %s: %s × %s received by %s', r.number, took, sku, me.name),
            jsonb_build_object('rma', r.number, 'sku', sku, 'units', took));
    END IF;
    IF took < qty THEN
        extra := oms_rma_unexpected((SELECT code FROM warehouses WHERE id = r.warehouse_id), scan, qty - took,
            CASE WHEN EXISTS (SELECT 1 FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id
                               WHERE rl.rma_id = r.id AND ol.product_id = product) THEN format('more %s than %s asked back', sku, r.number)
                 ELSE format('%s is not on %s', sku, r.number) END, r.id);
    END IF;
    RETURN jsonb_build_object('received', took, 'unexpected', qty - took, 'sku', coalesce(sku, ''), 'unexpected_id', extra);
END $$;
-- +goose StatementEnd

-- Decides what an unexpected item is: sent back to the customer or scrapped (it never entered
-- stock), kept (found stock, into quarantine), or added to its RMA (the line asks one unit more
-- back and receives it).
-- +goose StatementBegin
CREATE FUNCTION oms_rma_decide(unexpected bigint, decision text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    u rma_unexpected;
    r rmas;
    line rma_lines;
    mv bigint;
BEGIN
    SELECT * INTO u FROM rma_unexpected WHERE id = unexpected;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no unexpected item %', unexpected USING ERRCODE = 'no_data_found';
    END IF;
    IF u.rma_id IS NOT NULL THEN
        r := oms_rma_lock(u.rma_id);
    END IF;
    SELECT * INTO u FROM rma_unexpected WHERE id = unexpected FOR UPDATE;
    IF u.decision IS NOT NULL THEN
        RAISE EXCEPTION 'unexpected item % was decided already (%, by %)', u.id, replace(u.decision, '_', ' '), u.decided_by
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_unexpected_decided_once';
    END IF;
    IF decision = 'added_to_rma' THEN
        IF r.id IS NULL OR u.product_id IS NULL THEN
            RAISE EXCEPTION 'only a known product that came with an RMA can be added to it'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_unexpected_decision';
        END IF;
        PERFORM oms_rma_receivable(r);
        SELECT rl.* INTO line FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id
         WHERE rl.rma_id = r.id AND ol.product_id = u.product_id ORDER BY rl.id LIMIT 1 FOR UPDATE OF rl;
        IF NOT FOUND THEN
            INSERT INTO rma_lines (rma_id, order_id, order_line_id, qty_requested, reason_code)
            SELECT r.id, r.order_id, ol.id, u.qty, r.reason_code FROM order_lines ol
             WHERE ol.order_id = r.order_id AND ol.product_id = u.product_id ORDER BY ol.id LIMIT 1
            RETURNING * INTO line;
            IF line.id IS NULL THEN
                RAISE EXCEPTION '% has no line for the item', (SELECT number FROM orders WHERE id = r.order_id)
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_unexpected_decision';
            END IF;
        ELSE
            UPDATE rma_lines SET qty_requested = qty_requested + u.qty WHERE id = line.id RETURNING * INTO line;
        END IF;
        PERFORM oms_rma_take_in(r, line, u.qty, NULL, u.scan);
        PERFORM oms_rma_restatus(r.id);
    ELSIF decision = 'kept' THEN
        IF u.product_id IS NULL THEN
            RAISE EXCEPTION 'only a known product can be kept as stock'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_unexpected_decision';
        END IF;
        INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, reason_code, note)
        VALUES (u.product_id, (SELECT id FROM locations WHERE kind = 'adjustment' ORDER BY id LIMIT 1),
                oms_rma_place(u.warehouse_id, 'quarantine'), u.qty, 'adjustment', 'ADJ_FOUND',
                format('unexpected return %s kept', u.id))
        RETURNING id INTO mv;
    ELSIF decision IS NULL OR decision NOT IN ('sent_back', 'scrapped') THEN
        RAISE EXCEPTION 'an unexpected item is added to its RMA, sent back, kept or scrapped, not "%"', decision
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_unexpected_decision';
    END IF;
    UPDATE rma_unexpected SET decision = oms_rma_decide.decision, decided_by = me.login, decided_at = now(), movement_id = mv
     WHERE id = u.id;
END $$;
-- +goose StatementEnd

-- Grades received units of a line and disposes of them: a movement out of the returns location
-- and the inspection that records it. Returns where they went.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_inspect(rma_line bigint, qty integer, grade text, disposition text, bin text, note text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    line rma_lines;
    r rmas;
    p products;
    lot lots;
    lot_ids bigint[];
    dest locations;
    move_kind text;
    mv bigint;
BEGIN
    SELECT * INTO line FROM rma_lines WHERE id = rma_line;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no RMA line %', rma_line USING ERRCODE = 'no_data_found';
    END IF;
    r := oms_rma_lock(line.rma_id);
    SELECT * INTO line FROM rma_lines WHERE id = rma_line FOR UPDATE;
    SELECT pr.* INTO p FROM order_lines ol JOIN products pr ON pr.id = ol.product_id WHERE ol.id = line.order_line_id;
    IF grade IS NULL OR grade NOT IN ('A', 'B', 'C', 'D') THEN
        RAISE EXCEPTION 'grade a unit A (resaleable), B (open box), C (damaged) or D (defective), not "%"', coalesce(grade, '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_receipts_grade_check';
    END IF;
    IF qty IS NULL OR qty < 1 OR qty > line.qty_received - line.qty_inspected THEN
        RAISE EXCEPTION '% has % × % received and not inspected, not %', r.number, line.qty_received - line.qty_inspected,
            p.sku, coalesce(qty::text, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_inspected_in_range';
    END IF;
    IF p.lot_tracked THEN
        SELECT array_agg(DISTINCT m.lot_id) INTO lot_ids FROM stock_movements m WHERE m.rma_line_id = line.id AND m.kind = 'return';
        IF cardinality(lot_ids) <> 1 THEN
            RAISE EXCEPTION '% came back in several lots: inspect them one receipt at a time', p.sku
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_receipts_one_lot';
        END IF;
        SELECT * INTO lot FROM lots WHERE id = lot_ids[1];
    END IF;
    CASE disposition
    WHEN 'restock' THEN
        IF grade NOT IN ('A', 'B') THEN
            RAISE EXCEPTION 'a grade % unit is not restocked: quarantine, refurbish, scrap or return it to the vendor', grade
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_receipts_restock_grade';
        END IF;
        IF lot.expires_on IS NOT NULL AND lot.expires_on < current_date THEN
            RAISE EXCEPTION 'lot % of % expired on %: it cannot go back to stock', lot.lot_code, p.sku, lot.expires_on
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_receipts_not_expired';
        END IF;
        IF nullif(btrim(bin), '') IS NOT NULL THEN
            SELECT * INTO dest FROM locations l WHERE l.warehouse_id = r.warehouse_id AND l.code = upper(btrim(bin)) AND l.kind = 'bin' AND l.active;
            IF NOT FOUND THEN
                RAISE EXCEPTION '% is not a bin of %', upper(btrim(bin)), (SELECT code FROM warehouses WHERE id = r.warehouse_id)
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_receipts_bin';
            END IF;
        ELSE
            -- Where the product already lives, first on the pick path; else the first bin.
            SELECT l.* INTO dest FROM locations l JOIN stock_balances b ON b.location_id = l.id AND b.product_id = p.id
             WHERE l.warehouse_id = r.warehouse_id AND l.kind = 'bin' AND l.active ORDER BY l.pick_seq, l.id LIMIT 1;
            IF NOT FOUND THEN
                RAISE EXCEPTION '% has no bin in %: scan the bin it goes to', p.sku, (SELECT code FROM warehouses WHERE id = r.warehouse_id)
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_receipts_bin';
            END IF;
        END IF;
        move_kind := 'putaway';
    WHEN 'quarantine', 'refurbish' THEN
        SELECT * INTO dest FROM locations WHERE id = oms_rma_place(r.warehouse_id, 'quarantine');
        move_kind := 'transfer';
    WHEN 'scrap' THEN
        SELECT * INTO dest FROM locations WHERE kind = 'scrap' ORDER BY id LIMIT 1;
        move_kind := 'scrap';
    WHEN 'return_to_vendor' THEN
        SELECT * INTO dest FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1;
        move_kind := 'transfer';
    ELSE
        RAISE EXCEPTION 'a returned unit is restocked, quarantined, refurbished, scrapped or returned to the vendor, not "%"', coalesce(disposition, '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_receipts_disposition_check';
    END CASE;
    INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind, reason_code, rma_line_id,
                                 terminal, note)
    VALUES (p.id, lot.id, oms_rma_place(r.warehouse_id, 'returns'), dest.id, qty, move_kind,
            CASE disposition WHEN 'restock' THEN 'DISP_RESTOCK' WHEN 'quarantine' THEN 'DISP_QUARANTINE'
                             WHEN 'refurbish' THEN 'DISP_REFURBISH' WHEN 'scrap' THEN 'DISP_SCRAP' ELSE 'DISP_RTV' END,
            line.id, coalesce(current_setting('application_name', true), ''), format('%s: %s', r.number, replace(disposition, '_', ' ')))
    RETURNING id INTO mv;
    INSERT INTO rma_receipts (rma_line_id, qty, grade, disposition, location_id, movement_id, lot_id, note)
    VALUES (line.id, qty, grade, disposition, dest.id, mv, lot.id, coalesce(btrim(note), ''));
    r := oms_rma_restatus(r.id);
    PERFORM oms_rma_event(r, 'rma.inspected', format('Return %s: %s × %s graded %s, %s%s', r.number, qty, p.sku, grade,
        replace(disposition, '_', ' '), CASE WHEN disposition = 'restock' THEN ' to ' || dest.code ELSE '' END),
        jsonb_build_object('rma', r.number, 'sku', p.sku, 'units', qty, 'grade', grade, 'disposition', disposition));
    RETURN jsonb_build_object('sku', p.sku, 'place', oms_place(dest.id), 'status', r.status);
END $$;
-- +goose StatementEnd

-- Records a refund of inspected units: lines is [{"line": rma line id, "qty": n}]. The amount is
-- what oms computed unless a supervisor changes it, at most the company's raise above it.
-- Returns the refund's id; the caller writes the credit note in the same transaction.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_refund(rma bigint, lines jsonb, amount bigint, computed bigint, shipping bigint, fee bigint,
                               method text, note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
    o orders;
    bad record;
    raise_ppm integer;
    id bigint;
    last record;
BEGIN
    SELECT * INTO o FROM orders WHERE orders.id = r.order_id;
    IF r.resolution NOT IN ('refund', 'store_credit') THEN
        RAISE EXCEPTION '% is an exchange: nothing is paid back', r.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_for_money';
    END IF;
    IF jsonb_typeof(lines) IS DISTINCT FROM 'array' OR jsonb_array_length(lines) = 0 THEN
        RAISE EXCEPTION 'a refund names the units it pays back' USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_units';
    END IF;
    SELECT x.line, x.qty, rl.id AS found, p.sku, coalesce(rl.qty_inspected - rl.qty_refunded, 0) AS open INTO bad
      FROM jsonb_to_recordset(lines) AS x(line bigint, qty integer)
      LEFT JOIN rma_lines rl ON rl.id = x.line AND rl.rma_id = r.id
      LEFT JOIN order_lines ol ON ol.id = rl.order_line_id LEFT JOIN products p ON p.id = ol.product_id
     WHERE rl.id IS NULL OR x.qty IS NULL OR x.qty < 1 OR x.qty > rl.qty_inspected - rl.qty_refunded
     LIMIT 1;
    IF FOUND THEN
        IF bad.found IS NULL THEN
            RAISE EXCEPTION '% has no line %', r.number, bad.line USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_units';
        END IF;
        SELECT f.created_at, s.name INTO last FROM refunds f LEFT JOIN staff s ON s.login = f.actor
         WHERE f.rma_id = r.id ORDER BY f.id DESC LIMIT 1;
        RAISE EXCEPTION '% has % × % inspected and not refunded, not %', r.number, bad.open, bad.sku, coalesce(bad.qty::text, 'none') ||
            coalesce(format(' (refunded by %s at %s)', coalesce(last.name, 'someone'), to_char(last.created_at AT TIME ZONE 'UTC', 'HH24:MI')), '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_units';
    END IF;
    IF amount IS NULL OR amount < 1 OR computed IS NULL OR computed < 0 THEN
        RAISE EXCEPTION 'a refund pays a positive amount, not %', coalesce(oms_money(amount, o.currency), 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_amount';
    END IF;
    IF amount <> computed THEN
        -- The caller's jobs, not the owner's this function runs as.
        IF NOT pg_has_role(me.login, 'oms_supervisor', 'USAGE') THEN
            RAISE EXCEPTION 'only a supervisor may pay % instead of the computed %', oms_money(amount, o.currency), oms_money(computed, o.currency)
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT refund_raise_ppm INTO raise_ppm FROM company LIMIT 1;
        IF amount > computed + (computed * coalesce(raise_ppm, 0) + 500000) / 1000000 THEN
            RAISE EXCEPTION 'a refund of % is more than the % a supervisor may give (the computed % + %%%)',
                oms_money(amount, o.currency), oms_money(computed + (computed * coalesce(raise_ppm, 0) + 500000) / 1000000, o.currency),
                oms_money(computed, o.currency), round(coalesce(raise_ppm, 0) / 10000.0, 2)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_within_raise';
        END IF;
    END IF;
    IF method IS NULL OR method NOT IN ('original_payment', 'store_credit', 'cash', 'bank_transfer') THEN
        RAISE EXCEPTION 'a refund goes to the original payment, store credit, cash or a bank transfer, not "%"', coalesce(method, '')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_method_check';
    END IF;
    INSERT INTO refunds (order_id, rma_id, amount_minor, currency, method, status, computed_minor, shipping_minor, fee_minor, note)
    VALUES (o.id, r.id, amount, o.currency, method, 'done', computed, coalesce(shipping, 0), coalesce(fee, 0), coalesce(btrim(note), ''))
    RETURNING refunds.id INTO id;
    UPDATE rma_lines rl SET qty_refunded = rl.qty_refunded + x.qty
      FROM (SELECT line, sum(qty) AS qty FROM jsonb_to_recordset(lines) AS y(line bigint, qty integer) GROUP BY 1) x
     WHERE rl.id = x.line;
    UPDATE order_lines ol SET qty_refunded = ol.qty_refunded + x.qty
      FROM (SELECT rl.order_line_id, sum(y.qty) AS qty FROM jsonb_to_recordset(lines) AS y(line bigint, qty integer)
              JOIN rma_lines rl ON rl.id = y.line GROUP BY 1) x
     WHERE ol.id = x.order_line_id;
    r := oms_rma_restatus(r.id);
    PERFORM oms_rma_event(r, 'rma.refunded', format('Refunded %s for %s to the %s%s', oms_money(amount, o.currency), r.number,
        replace(method, '_', ' '), CASE WHEN amount <> computed THEN format(' (computed %s, changed by %s)', oms_money(computed, o.currency), me.name) ELSE '' END),
        jsonb_build_object('rma', r.number, 'amount', amount, 'computed', computed));
    RETURN id;
END $$;
-- +goose StatementEnd

-- Links a refund to the credit note written for it in the same transaction.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_refund_credited(refund bigint, credit_note bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE refunds f SET credit_note_id = credit_note
      FROM invoices i
     WHERE f.id = refund AND f.credit_note_id IS NULL AND f.xmin = pg_current_xact_id()::xid
       AND i.id = credit_note AND i.kind = 'credit_note' AND i.order_id = f.order_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'refund % and credit note % do not belong together', refund, credit_note
            USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_credit_note';
    END IF;
END $$;
-- +goose StatementEnd

-- The replacement order of an exchange: the returned lines' products again, at no charge, to the
-- same customer and address, numbered from the order series and known to the channel by the
-- RMA's number. Before the units are back only a cross-ship RMA may have it. Returns its id.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_exchange(rma bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
    o orders;
    ch channels;
    new_id bigint;
    number text;
BEGIN
    IF r.resolution <> 'exchange' THEN
        RAISE EXCEPTION '% is not an exchange', r.number USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_exchange';
    END IF;
    IF r.exchange_order_id IS NOT NULL THEN
        RETURN r.exchange_order_id;
    END IF;
    IF r.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION '% is cancelled', r.number USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_open';
    END IF;
    IF r.authorized_at IS NULL THEN
        RAISE EXCEPTION '% waits for a supervisor''s authorisation', r.number USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_authorized';
    END IF;
    IF NOT r.cross_ship AND EXISTS (SELECT 1 FROM rma_lines WHERE rma_id = r.id AND qty_received < qty_requested) THEN
        RAISE EXCEPTION 'the replacement for % ships when the return is back; open it as cross-ship to send it now', r.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_exchange_after_receipt';
    END IF;
    SELECT * INTO o FROM orders WHERE orders.id = r.order_id;
    SELECT * INTO ch FROM channels WHERE channels.id = o.channel_id;
    SELECT n INTO number FROM oms_take_numbers(1) n;
    INSERT INTO orders (number, channel_id, external_id, external_name, customer_id, customer_name, ship_to_address_id,
                        bill_to_address_id, currency, subtotal_minor, shipping_minor, discount_minor, tax_minor, total_minor,
                        status, ordered_at, promised_at, notes, prices_include_tax, ship_service, service_id)
    VALUES (number, o.channel_id, r.number, r.number, o.customer_id, o.customer_name, o.ship_to_address_id,
            o.bill_to_address_id, o.currency, 0, 0, 0, 0, 0, 'pending', now(), now() + make_interval(hours => ch.sla_hours),
            format('Replacement for %s (return %s)', o.number, r.number), o.prices_include_tax, o.ship_service, o.service_id)
    RETURNING orders.id INTO new_id;
    INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, description, unit_price_minor, amount_minor, qty_ordered)
    SELECT new_id, row_number() OVER (ORDER BY ol.line_no), 'RMA-' || rl.id, ol.product_id, ol.description, 0, 0, rl.qty_requested
      FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id
     WHERE rl.rma_id = r.id ORDER BY ol.line_no;
    UPDATE rmas SET exchange_order_id = new_id WHERE rmas.id = r.id;
    -- The allocator that follows stock arrivals (oms allocate --follow) allocates it at once.
    INSERT INTO allocation_wakeups (product_id) SELECT DISTINCT product_id FROM order_lines WHERE order_id = new_id ORDER BY 1;
    PERFORM oms_rma_event(r, 'rma.exchanged', format('Replacement order %s for return %s%s', number, r.number,
        CASE WHEN r.cross_ship THEN ', sent before the return arrives' ELSE '' END), jsonb_build_object('rma', r.number, 'order', number));
    INSERT INTO events (entity, entity_id, order_id, kind, message, data, terminal)
    VALUES ('order', new_id, new_id, 'order.created', format('Replacement for %s (return %s), entered by %s', o.number, r.number, me.name),
            jsonb_build_object('rma', r.number, 'replaces', o.number), coalesce(current_setting('application_name', true), ''));
    RETURN new_id;
END $$;
-- +goose StatementEnd

-- Cancels an RMA nothing of which arrived.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_cancel(rma bigint, note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
BEGIN
    IF r.cancelled_at IS NOT NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM rma_lines WHERE rma_id = r.id AND qty_received > 0) THEN
        RAISE EXCEPTION '% has units back already: close it instead', r.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_cancel_before_receipt';
    END IF;
    UPDATE rmas SET cancelled_at = now(), notes = btrim(notes || E'\n' || coalesce(note, '')) WHERE id = r.id;
    r := oms_rma_restatus(r.id);
    PERFORM oms_rma_event(r, 'rma.cancelled', format('Return %s cancelled by %s%s', r.number, me.name,
        coalesce(': ' || nullif(btrim(note), ''), '')), jsonb_build_object('rma', r.number));
END $$;
-- +goose StatementEnd

-- Closes an RMA by hand: the units not back are not coming. What was inspected must be settled.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_close(rma bigint, note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_rma_me();
    r rmas := oms_rma_lock(rma);
BEGIN
    IF r.cancelled_at IS NOT NULL OR r.closed_at IS NOT NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM rma_lines WHERE rma_id = r.id AND qty_inspected < qty_received) THEN
        RAISE EXCEPTION '% has units received and not inspected: grade them first', r.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_close_inspected';
    END IF;
    IF r.refund_status = 'due' THEN
        RAISE EXCEPTION '% has inspected units not refunded: refund them first', r.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_close_settled';
    END IF;
    UPDATE rmas SET closed_at = now(), notes = btrim(notes || E'\n' || coalesce(note, '')) WHERE id = r.id;
    r := oms_rma_restatus(r.id);
    PERFORM oms_rma_event(r, 'rma.closed', format('Return %s closed by %s%s', r.number, me.name,
        coalesce(': ' || nullif(btrim(note), ''), '')), jsonb_build_object('rma', r.number));
END $$;
-- +goose StatementEnd

-- Existing RMAs take their derived status.
UPDATE rmas r SET status = x.status, refund_status = x.refund
  FROM (SELECT r2.id, oms_rma_status(r2.cancelled_at IS NOT NULL, r2.closed_at IS NOT NULL, r2.authorized_at IS NOT NULL,
                                     r2.in_transit_at IS NOT NULL, t.req, t.rec, t.ins, oms_refund_status(r2.resolution, t.ins, t.ref)) AS status,
               oms_refund_status(r2.resolution, t.ins, t.ref) AS refund
          FROM rmas r2 JOIN (SELECT rma_id, sum(qty_requested) AS req, sum(qty_received) AS rec, sum(qty_inspected) AS ins,
                                    sum(qty_refunded) AS ref FROM rma_lines GROUP BY 1) t ON t.rma_id = r2.id) x
 WHERE x.id = r.id;

-- ───────────────────────────── grants ─────────────────────────────

ALTER TABLE rma_unexpected OWNER TO oms_owner;
GRANT SELECT ON rma_unexpected TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_admin;
GRANT SELECT ON rma_unexpected TO oms_server;
-- Work goes through the functions: no direct writes on RMAs, their lines, inspections or refunds.
REVOKE INSERT, UPDATE ON rmas, rma_lines FROM oms_returns;
REVOKE INSERT ON rma_receipts, refunds FROM oms_returns;
REVOKE UPDATE (status) ON refunds FROM oms_returns;
-- The return label's number, and the credit note in the refund's transaction.
GRANT USAGE ON SEQUENCE label_tracking_serial, label_sscc_serial TO oms_returns;
GRANT SELECT ON invoice_counters TO oms_returns;
GRANT INSERT ON invoices, invoice_lines, invoice_tax_lines TO oms_returns;
GRANT SELECT (vat_number) ON customers TO oms_returns;
-- +goose StatementBegin
DO $$
DECLARE
    s regclass;
    f regprocedure;
BEGIN
    FOR s IN SELECT seq.oid::regclass FROM pg_class seq
               JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = seq.oid AND d.deptype IN ('a', 'i')
              WHERE seq.relkind = 'S' AND d.refobjid IN ('invoices'::regclass, 'invoice_lines'::regclass, 'invoice_tax_lines'::regclass) LOOP
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO oms_returns', s);
    END LOOP;
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND (p.proname LIKE 'oms_rma%' OR p.proname = 'oms_refund_status') LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO oms_owner', f);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION oms_rma_status(boolean, boolean, boolean, boolean, bigint, bigint, bigint, text),
    oms_refund_status(text, bigint, bigint) TO PUBLIC;
GRANT EXECUTE ON FUNCTION oms_rma_open(bigint, text, jsonb, text, boolean), oms_rma_label(bigint, text, bytea, text),
    oms_rma_receive(bigint, text, integer, text), oms_rma_receive_all(bigint, text),
    oms_rma_unexpected(text, text, integer, text, bigint), oms_rma_decide(bigint, text),
    oms_rma_inspect(bigint, integer, text, text, text, text),
    oms_rma_refund(bigint, jsonb, bigint, bigint, bigint, bigint, text, text), oms_rma_refund_credited(bigint, bigint),
    oms_rma_exchange(bigint), oms_rma_cancel(bigint, text), oms_rma_close(bigint, text),
    oms_rma_lock(bigint) TO oms_returns;
GRANT EXECUTE ON FUNCTION oms_rma_authorize(bigint) TO oms_supervisor;
-- The restocking fee per return reason is the back office's policy, like the channels' windows.
GRANT UPDATE (restocking_fee_ppm) ON reason_codes TO oms_backoffice;
GRANT EXECUTE ON FUNCTION oms_rma_in_transit(text) TO oms_backoffice;

-- +goose Down
REVOKE EXECUTE ON FUNCTION oms_rma_in_transit(text) FROM oms_backoffice;
REVOKE UPDATE (restocking_fee_ppm) ON reason_codes FROM oms_backoffice;
REVOKE INSERT ON invoices, invoice_lines, invoice_tax_lines FROM oms_returns;
REVOKE SELECT ON invoice_counters FROM oms_returns;
REVOKE SELECT (vat_number) ON customers FROM oms_returns;
REVOKE USAGE ON SEQUENCE label_tracking_serial, label_sscc_serial FROM oms_returns;
GRANT INSERT, UPDATE ON rmas, rma_lines TO oms_returns;
GRANT INSERT ON rma_receipts, refunds TO oms_returns;
GRANT UPDATE (status) ON refunds TO oms_returns;
DROP FUNCTION oms_rma_close(bigint, text);
DROP FUNCTION oms_rma_cancel(bigint, text);
DROP FUNCTION oms_rma_exchange(bigint);
DROP FUNCTION oms_rma_refund_credited(bigint, bigint);
DROP FUNCTION oms_rma_refund(bigint, jsonb, bigint, bigint, bigint, bigint, text, text);
DROP FUNCTION oms_rma_inspect(bigint, integer, text, text, text, text);
DROP FUNCTION oms_rma_decide(bigint, text);
DROP FUNCTION oms_rma_receive(bigint, text, integer, text);
DROP FUNCTION oms_rma_unexpected(text, text, integer, text, bigint);
DROP FUNCTION oms_rma_receive_all(bigint, text);
DROP FUNCTION oms_rma_receivable(rmas);
DROP FUNCTION oms_rma_take_in(rmas, rma_lines, integer, text, text);
DROP FUNCTION oms_rma_place(bigint, text);
DROP FUNCTION oms_rma_product(text);
DROP FUNCTION oms_rma_in_transit(text);
DROP FUNCTION oms_rma_label(bigint, text, bytea, text);
DROP FUNCTION oms_rma_authorize(bigint);
DROP FUNCTION oms_rma_open(bigint, text, jsonb, text, boolean);
DROP FUNCTION oms_rma_event(rmas, text, text, jsonb);
DROP FUNCTION oms_rma_lock(bigint);
DROP FUNCTION oms_rma_me();
DROP TRIGGER stock_movements_rma_arrivals ON stock_movements;
DROP FUNCTION oms_rma_units_arrived();
DROP TRIGGER rma_lines_restatus_update ON rma_lines;
DROP TRIGGER rma_lines_restatus_insert ON rma_lines;
DROP FUNCTION oms_rma_lines_restatus();
DROP FUNCTION oms_rma_restatus(bigint);
DROP FUNCTION oms_rma_status(boolean, boolean, boolean, boolean, bigint, bigint, bigint, text);
DROP FUNCTION oms_refund_status(text, bigint, bigint);
DROP TABLE rma_unexpected;
DROP INDEX rmas_changes, rma_receipts_by_line, refunds_by_rma;
-- The functions 00006 and 00037 made, as they were.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_bound_rma_lines() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    bad record;
BEGIN
    PERFORM 1 FROM order_lines WHERE id IN (SELECT order_line_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    SELECT o.number, ol.line_no, p.sku, ol.qty_shipped, s.requested INTO bad
      FROM (SELECT rl.order_line_id, sum(rl.qty_requested) AS requested
              FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id
             WHERE rl.order_line_id IN (SELECT order_line_id FROM new_rows) AND r.status <> 'cancelled'
             GROUP BY 1) s
      JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id
      JOIN products p ON p.id = ol.product_id
     WHERE s.requested > ol.qty_shipped LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'order % line % (%) shipped % units, and its RMAs would ask % back', bad.number,
            bad.line_no, bad.sku, bad.qty_shipped, bad.requested
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_within_shipped';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_rma_line_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NEW.qty_received IS DISTINCT FROM OLD.qty_received AND NOT oms_is_owner(TG_RELID) THEN
        RAISE EXCEPTION 'units received on an RMA line follow its inspection receipts: record a receipt instead'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_received_follow_receipts';
    END IF;
    IF NEW.order_line_id <> OLD.order_line_id OR NEW.rma_id <> OLD.rma_id THEN
        RAISE EXCEPTION 'an RMA line cannot move to another RMA or order line'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rma_lines_fixed';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_receive_rma_units() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE rma_lines rl SET qty_received = rl.qty_received + s.qty
      FROM (SELECT rma_line_id, sum(qty) AS qty FROM new_rows GROUP BY 1) s
     WHERE rl.id = s.rma_line_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_invoice_needs_backoffice() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF pg_has_role('oms_backoffice', 'USAGE') OR EXISTS (
            SELECT 1 FROM shipments s
             WHERE s.order_id = NEW.order_id AND s.status = 'shipped' AND s.xmin = pg_current_xact_id()::xid) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'permission denied: invoicing is the back office''s work (a packer''s invoice comes only with the shipment it bills)'
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd
ALTER TABLE refunds DROP COLUMN computed_minor, DROP COLUMN shipping_minor, DROP COLUMN fee_minor,
    DROP COLUMN credit_note_id, DROP COLUMN note;
ALTER TABLE rma_receipts DROP CONSTRAINT rma_receipts_grade_check, DROP COLUMN lot_id, DROP COLUMN note;
ALTER TABLE rma_receipts DISABLE TRIGGER rma_receipts_append_only;
UPDATE rma_receipts SET grade = CASE grade WHEN 'A' THEN 'good' WHEN 'B' THEN 'missing_parts' WHEN 'C' THEN 'damaged' ELSE 'defective' END;
ALTER TABLE rma_receipts ENABLE TRIGGER rma_receipts_append_only;
ALTER TABLE rma_receipts ADD CONSTRAINT rma_receipts_grade_check CHECK (grade IN ('new', 'good', 'damaged', 'defective', 'missing_parts'));
ALTER TABLE rma_lines DROP CONSTRAINT rma_lines_inspected_in_range, DROP CONSTRAINT rma_lines_refunded_inspected,
    DROP COLUMN qty_inspected;
ALTER TABLE rmas DROP CONSTRAINT rmas_status_check;
UPDATE rmas SET status = 'received' WHERE status IN ('in_transit', 'inspected');
ALTER TABLE rmas ADD CONSTRAINT rmas_status_check CHECK (status IN ('requested', 'authorized', 'receiving', 'received', 'closed', 'cancelled'));
ALTER TABLE rmas DROP COLUMN warehouse_id, DROP COLUMN authorized_at, DROP COLUMN authorized_by, DROP COLUMN in_transit_at,
    DROP COLUMN closed_at, DROP COLUMN cancelled_at, DROP COLUMN refund_status, DROP COLUMN return_tracking,
    DROP COLUMN label, DROP COLUMN label_format, DROP COLUMN exchange_order_id, DROP COLUMN cross_ship, DROP COLUMN created_by;
ALTER TABLE company DROP COLUMN refund_raise_ppm;
ALTER TABLE reason_codes DROP COLUMN restocking_fee_ppm;
ALTER TABLE channels DROP COLUMN return_days, DROP COLUMN return_shipping;
