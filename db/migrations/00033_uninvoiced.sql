-- What is left to invoice, without a scan (issue 12, `oms invoice issue --shipped`):
--
--  * order_lines.qty_invoiced: the units of the line billed on invoices, kept by the database
--    from invoice_lines (insert-only, 00006) as they are written. Credit notes do not lower it:
--    a credited unit was shipped, billed and then given back, and billing it again would charge
--    the customer for something they returned. So "shipped and not invoiced" is exactly
--    qty_shipped > qty_invoiced, which is what an issue bills (db/invoicing: shipped − invoiced).
--  * order_lines_uninvoiced: a partial index of the lines with shipped units not invoiced yet.
--    It holds only the work waiting for the next run (plus lines of channels that invoice on
--    demand until someone invoices them), so finding it costs what the work costs, not what the
--    order history costs.
--  * Only the database writes qty_invoiced: a guard refuses it to anyone but the owner (whose
--    trigger functions run as the owner), on insert and update, as 00004 does for the ledger's
--    stages; the back office's UPDATE on order_lines does not reach it. oms check compares it
--    with the invoice lines (rule invoiced_units).

-- +goose Up
ALTER TABLE order_lines ADD COLUMN qty_invoiced integer NOT NULL DEFAULT 0
    CONSTRAINT order_lines_invoiced_not_negative CHECK (qty_invoiced >= 0);

-- +goose StatementBegin
CREATE FUNCTION oms_order_line_invoiced_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT oms_is_owner(TG_RELID) THEN
        RAISE EXCEPTION 'order % line %: invoiced units follow the invoices; issue an invoice instead',
            (SELECT o.number FROM orders o WHERE o.id = NEW.order_id), NEW.line_no
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_lines_invoiced_follows_invoices';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
-- It runs as the caller (oms_is_owner asks who is writing); a trigger fires without an EXECUTE
-- check, so nobody needs to be able to call it directly.
ALTER FUNCTION oms_order_line_invoiced_guard() OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_order_line_invoiced_guard() FROM PUBLIC;
-- WHEN keeps the common writes (imports, allocation, picking) from calling the function at all.
CREATE TRIGGER order_lines_invoiced_guard_insert BEFORE INSERT ON order_lines
    FOR EACH ROW WHEN (NEW.qty_invoiced <> 0) EXECUTE FUNCTION oms_order_line_invoiced_guard();
CREATE TRIGGER order_lines_invoiced_guard_update BEFORE UPDATE OF qty_invoiced ON order_lines
    FOR EACH ROW WHEN (NEW.qty_invoiced IS DISTINCT FROM OLD.qty_invoiced) EXECUTE FUNCTION oms_order_line_invoiced_guard();

-- qty_invoiced is the invoicing search's bookkeeping, shown on no screen and in no export: the
-- line keeps its updated_at and change_xid, so issuing invoices wakes no order screen (the
-- change feed reports the invoices, ARCHITECTURE.md §4) and re-exports no line. Only the
-- database's own statement below names qty_invoiced (the guard refuses everyone else), and it
-- changes nothing else. Triggers fire in name order: this one comes after order_lines_touch.
-- +goose StatementBegin
CREATE FUNCTION oms_order_line_keep_stamps() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    NEW.change_xid := OLD.change_xid;
    NEW.updated_at := OLD.updated_at;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_order_line_keep_stamps() OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_order_line_keep_stamps() FROM PUBLIC;
CREATE TRIGGER order_lines_untouched_by_invoicing BEFORE UPDATE OF qty_invoiced ON order_lines
    FOR EACH ROW WHEN (NEW.qty_invoiced IS DISTINCT FROM OLD.qty_invoiced) EXECUTE FUNCTION oms_order_line_keep_stamps();

-- Adds each statement's invoice lines to their order lines, one UPDATE per statement. Issuing
-- locks the order's lines first (db/invoicing lockLines), so this takes no new lock out of order.
-- +goose StatementBegin
CREATE FUNCTION oms_invoice_lines_invoiced() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE order_lines ol SET qty_invoiced = ol.qty_invoiced + s.qty
      FROM (SELECT n.order_line_id, sum(n.qty) AS qty
              FROM new_rows n JOIN invoices i ON i.id = n.invoice_id AND i.kind = 'invoice'
             WHERE n.order_line_id IS NOT NULL
             GROUP BY 1) s
     WHERE ol.id = s.order_line_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_invoice_lines_invoiced() OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_invoice_lines_invoiced() FROM PUBLIC;
CREATE TRIGGER invoice_lines_invoiced AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_invoice_lines_invoiced();

-- What was invoiced before this migration.
UPDATE order_lines ol SET qty_invoiced = s.qty
  FROM (SELECT il.order_line_id, sum(il.qty) AS qty
          FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id AND i.kind = 'invoice'
         WHERE il.order_line_id IS NOT NULL
         GROUP BY 1) s
 WHERE ol.id = s.order_line_id AND ol.qty_invoiced <> s.qty;

CREATE INDEX order_lines_uninvoiced ON order_lines (order_id) WHERE qty_shipped > qty_invoiced;

-- +goose Down
DROP INDEX order_lines_uninvoiced;
DROP TRIGGER invoice_lines_invoiced ON invoice_lines;
DROP TRIGGER order_lines_untouched_by_invoicing ON order_lines;
DROP FUNCTION oms_order_line_keep_stamps();
DROP FUNCTION oms_invoice_lines_invoiced();
DROP TRIGGER order_lines_invoiced_guard_update ON order_lines;
DROP TRIGGER order_lines_invoiced_guard_insert ON order_lines;
DROP FUNCTION oms_order_line_invoiced_guard();
ALTER TABLE order_lines DROP COLUMN qty_invoiced;
