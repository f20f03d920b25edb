-- Advance shipping notices (issue 16, db/inbound): a supplier's despatch advice for a purchase
-- order — what is on the truck, per line with its lot and expiry, and the pallet's SSCC — so the
-- dock can receive by scanning the notice's number or the pallet label instead of every item.
--
--  * The back office records a notice (oms_asn_create), as it arrives by e-mail or EDI: its
--    lines are on the PO and no more than each line still has open (the over-receipt tolerance
--    applies at receipt, not to what the supplier announces).
--  * The stock clerk receives a notice whole (oms_asn_receive): each of its lines goes through
--    oms_po_receive, so the receipt meets every check a scanned one does (open PO, tolerance,
--    lots and expiries) and moves the units into receiving; the notice is then received, once:
--    a second receive of it is refused with who received it and when.
--  * Scanning a notice's number or SSCC where a PO number is asked names its PO (db/inbound),
--    so a clerk may also receive it item by item and find differences.
--  * Notices are written only through these functions.

-- +goose Up
CREATE TABLE asns (
    id           bigserial PRIMARY KEY,
    number       text NOT NULL UNIQUE CHECK (number ~ '^[A-Z0-9][A-Z0-9/_.-]{0,39}$'),
    po_id        bigint NOT NULL REFERENCES purchase_orders,
    sscc         text UNIQUE CHECK (sscc ~ '^[0-9]{18}$'),
    expected_on  date,
    note         text NOT NULL DEFAULT '',
    created_by   text NOT NULL DEFAULT oms_actor(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    received_by  text,
    received_at  timestamptz,
    CHECK ((received_by IS NULL) = (received_at IS NULL))
);
CREATE INDEX asns_po ON asns (po_id);

CREATE TABLE asn_lines (
    id          bigserial PRIMARY KEY,
    asn_id      bigint NOT NULL REFERENCES asns,
    po_line_id  bigint NOT NULL REFERENCES purchase_order_lines,
    qty         integer NOT NULL CHECK (qty > 0),
    lot_code    text CHECK (lot_code IS NULL OR length(btrim(lot_code)) BETWEEN 1 AND 40),
    expires_on  date,
    CHECK (expires_on IS NULL OR lot_code IS NOT NULL),
    UNIQUE NULLS NOT DISTINCT (asn_id, po_line_id, lot_code)
);
CREATE INDEX asn_lines_asn ON asn_lines (asn_id);

-- Records a supplier's notice for a PO: lines is [{"sku", "qty", "lot", "expires"}] (lot and
-- expires only for lot-tracked products). Answers the notice's id.
-- +goose StatementBegin
CREATE FUNCTION oms_asn_create(a_po text, a_number text, a_sscc text, a_expected date, a_lines jsonb, a_note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('backoffice');
    o purchase_orders;
    x record;
    p products;
    line purchase_order_lines;
    made bigint;
    n integer := 0;
BEGIN
    SELECT * INTO o FROM purchase_orders WHERE number = upper(btrim(a_po));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no purchase order %', coalesce(upper(btrim(a_po)), '(none)') USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM 1 FROM purchase_order_lines WHERE po_id = o.id ORDER BY id FOR NO KEY UPDATE;
    o := oms_po_lock(o.id);
    IF o.status NOT IN ('open', 'partially_received') THEN
        RAISE EXCEPTION '% is %: no notice is taken for it', o.number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_orders_open';
    END IF;
    IF a_number IS NULL OR upper(btrim(a_number)) !~ '^[A-Z0-9][A-Z0-9/_.-]{0,39}$' THEN
        RAISE EXCEPTION 'a notice''s number is 1 to 40 letters, digits, / _ . or -, not %', coalesce(a_number, '(none)')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'asns_number_check';
    END IF;
    INSERT INTO asns (number, po_id, sscc, expected_on, note)
    VALUES (upper(btrim(a_number)), o.id, nullif(btrim(a_sscc), ''), a_expected, coalesce(btrim(a_note), ''))
    RETURNING id INTO made;
    FOR x IN SELECT e->>'sku' AS sku, (e->>'qty')::integer AS qty, nullif(btrim(e->>'lot'), '') AS lot,
                    (e->>'expires')::date AS expires
               FROM jsonb_array_elements(coalesce(a_lines, '[]')) e LOOP
        p := oms_inbound_product(x.sku);
        SELECT * INTO line FROM purchase_order_lines WHERE po_id = o.id AND product_id = p.id;
        IF NOT FOUND THEN
            RAISE EXCEPTION '% is not on %', p.sku, o.number USING ERRCODE = 'check_violation', CONSTRAINT = 'purchase_order_lines_product';
        END IF;
        IF p.lot_tracked AND x.lot IS NULL THEN
            RAISE EXCEPTION '% is lot-tracked: the notice says which lot', p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
        ELSIF NOT p.lot_tracked AND x.lot IS NOT NULL THEN
            RAISE EXCEPTION '% is not lot-tracked: announce it without a lot', p.sku USING ERRCODE = 'check_violation', CONSTRAINT = 'inbound_lot';
        END IF;
        INSERT INTO asn_lines (asn_id, po_line_id, qty, lot_code, expires_on) VALUES (made, line.id, x.qty, x.lot, x.expires);
        n := n + 1;
    END LOOP;
    IF n = 0 THEN
        RAISE EXCEPTION 'a notice has at least one line' USING ERRCODE = 'check_violation', CONSTRAINT = 'asn_lines_some';
    END IF;
    -- What the notice announces, per PO line, beyond what the line still has open.
    SELECT pr.sku, sum(a.qty) AS qty, greatest(l.qty_ordered - l.qty_received, 0) AS open INTO x
      FROM asn_lines a JOIN purchase_order_lines l ON l.id = a.po_line_id JOIN products pr ON pr.id = l.product_id
     WHERE a.asn_id = made GROUP BY pr.sku, l.id HAVING sum(a.qty) > greatest(l.qty_ordered - l.qty_received, 0) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the notice announces % × % but % has % open', x.qty, x.sku, o.number, x.open
            USING ERRCODE = 'check_violation', CONSTRAINT = 'asn_lines_within_po';
    END IF;
    RETURN made;
END $$;
-- +goose StatementEnd

-- Receives a notice whole into receiving: each line through oms_po_receive (its checks and its
-- movement), once. Answers {"asn", "po", "units", "lines", "status"} (the PO's status).
-- +goose StatementBegin
CREATE FUNCTION oms_asn_receive(a_asn bigint) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me staff := oms_inbound_me('stock');
    a asns;
    x record;
    units bigint := 0;
    n integer := 0;
BEGIN
    SELECT * INTO a FROM asns WHERE id = a_asn FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no notice %', a_asn USING ERRCODE = 'no_data_found';
    END IF;
    IF a.received_at IS NOT NULL THEN
        RAISE EXCEPTION 'notice % was received already by % at %', a.number,
            coalesce((SELECT name FROM staff WHERE login = a.received_by), a.received_by), to_char(a.received_at, 'HH24:MI')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'asns_received_once';
    END IF;
    FOR x IN SELECT pr.sku, a2.qty, a2.lot_code, a2.expires_on
               FROM asn_lines a2 JOIN purchase_order_lines l ON l.id = a2.po_line_id JOIN products pr ON pr.id = l.product_id
              WHERE a2.asn_id = a.id ORDER BY l.line_no, a2.id LOOP
        PERFORM oms_po_receive(a.po_id, x.sku, x.qty, x.lot_code, x.expires_on, false);
        units := units + x.qty;
        n := n + 1;
    END LOOP;
    UPDATE asns SET received_by = me.login, received_at = now() WHERE id = a.id;
    RETURN jsonb_build_object('asn', a.number, 'po', (SELECT number FROM purchase_orders WHERE id = a.po_id),
        'units', units, 'lines', n, 'status', (SELECT status FROM purchase_orders WHERE id = a.po_id));
END $$;
-- +goose StatementEnd

ALTER TABLE asns OWNER TO oms_owner;
ALTER TABLE asn_lines OWNER TO oms_owner;
ALTER FUNCTION oms_asn_create(text, text, text, date, jsonb, text) OWNER TO oms_owner;
ALTER FUNCTION oms_asn_receive(bigint) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_asn_create(text, text, text, date, jsonb, text), oms_asn_receive(bigint) FROM PUBLIC;
GRANT SELECT ON asns, asn_lines TO oms_stock, oms_backoffice, oms_admin;
GRANT EXECUTE ON FUNCTION oms_asn_create(text, text, text, date, jsonb, text) TO oms_backoffice;
GRANT EXECUTE ON FUNCTION oms_asn_receive(bigint) TO oms_stock;

-- +goose Down
DROP FUNCTION oms_asn_receive(bigint);
DROP FUNCTION oms_asn_create(text, text, text, date, jsonb, text);
DROP TABLE asn_lines, asns;
