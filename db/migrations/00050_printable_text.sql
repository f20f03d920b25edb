-- Text that terminals show carries no control characters (the database as the last line).
-- An ESC in a customer's name starts an escape sequence on every terminal that shows it: it
-- can clear the screen, retitle the window or (OSC 52) write the clipboard. Intake and the
-- catalogue files strip control characters before they store text, and the screens filter
-- what they draw; these CHECKs refuse them from any other writer (psql, a script, a future
-- command) in the text that comes from outside or is typed as a note: names, addresses,
-- descriptions, reasons and notes. Tab, line feed and carriage return stay allowed (notes have
-- lines); every other C0 control, DEL and the C1 controls (U+0080–U+009F) are refused.
-- A CHECK holds for every row an UPDATE writes, whatever column it changes, so text stored
-- before is cleaned first, as intake cleans it: else an old order with an ESC in its name could
-- never be allocated or picked again. The append-only tables (the ledger, invoices, return
-- receipts) are never updated, so their rows stay as written; that is why the constraints are
-- NOT VALID, and the screens still filter what those rows show.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
    controls constant text := '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]';
    c record;
BEGIN
    FOR c IN SELECT x.*, x.tbl IN ('stock_movements', 'invoices', 'invoice_lines', 'rma_receipts') AS append_only
               FROM (VALUES
        ('customers', 'name'), ('customers', 'email'), ('customers', 'phone'),
        ('addresses', 'name'), ('addresses', 'company'), ('addresses', 'line1'), ('addresses', 'line2'),
        ('addresses', 'city'), ('addresses', 'region'), ('addresses', 'postal_code'), ('addresses', 'phone'),
        ('orders', 'customer_name'), ('orders', 'external_name'), ('orders', 'notes'), ('orders', 'ship_service'),
        ('orders', 'hold_reason'), ('orders', 'cancel_reason'),
        ('order_lines', 'description'), ('invoice_lines', 'description'),
        ('products', 'name'), ('suppliers', 'name'), ('staff', 'name'), ('warehouses', 'name'), ('channels', 'name'),
        ('channel_holds', 'note'), ('stock_movements', 'note'), ('stock_adjustments', 'note'),
        ('stock_adjustments', 'decision_note'), ('rmas', 'notes'), ('rma_receipts', 'note'), ('refunds', 'note'),
        ('transfers', 'note'), ('purchase_orders', 'note'), ('asns', 'note'), ('invoices', 'notes')
    ) AS x(tbl, col) LOOP
        IF NOT c.append_only THEN
            EXECUTE format('UPDATE %I SET %I = regexp_replace(%I, %L, %L, %L) WHERE %I ~ %L',
                           c.tbl, c.col, c.col, controls, '', 'g', c.col, controls);
        END IF;
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I !~ %L) NOT VALID',
                       c.tbl, c.tbl || '_' || c.col || '_printable', c.col, controls);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint
              WHERE conname LIKE '%\_printable' AND connamespace = 'public'::regnamespace LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', c.tbl, c.conname);
    END LOOP;
END $$;
-- +goose StatementEnd
