-- Money documents and the documents of returns and packing, each bounded by what it refers to.
--
--  * Invoices and credit notes are append-only. The database stamps issued_at and takes the
--    number from a series per (series, year) when the transaction commits: a deferred trigger
--    checks the document first (totals equal their lines, tax lines equal the lines per rate,
--    amounts in the base currency are the document's at the stated rate of the stated date, a
--    credit note never takes its invoice's credits past its total) and takes the number last,
--    so the series row is locked only while the commit itself runs. A second invoicer waiting for
--    it retries in short lock waits rather than failing on the session's lock_timeout.
--    Credit notes carry positive amounts; their kind says which way the money goes.
--  * A refund is in its order's currency, for the order's own RMA, and refunds on an order never
--    add up to more than its total.
--  * An RMA line is for a line of the RMA's order, and the units requested on a line by all its
--    RMAs that are not cancelled never exceed the units shipped. Units received follow the
--    inspection receipts.
--  * A package line is for a line of the package's order, and a line's units in packages never
--    exceed its packed units.

-- +goose Up

-- An amount for a sentence: "12.50 EUR", "1250 JPY", "3.125 KWD".
-- +goose StatementBegin
CREATE FUNCTION oms_money(minor numeric, currency char(3)) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT round(minor::numeric / (10::numeric ^ c.exponent), c.exponent)::text || ' ' || c.code
      FROM currencies c WHERE c.code = currency
$$;
-- +goose StatementEnd

-- ───────────────────────────── invoices and credit notes ─────────────────────────────

-- The last number taken per series and year; written only when an invoice commits.
CREATE TABLE invoice_counters (
    series    text     NOT NULL REFERENCES number_series,
    year      smallint NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    last_seq  bigint   NOT NULL CHECK (last_seq > 0),
    PRIMARY KEY (series, year)
);
CREATE TRIGGER invoice_counters_kept BEFORE INSERT OR UPDATE OR DELETE ON invoice_counters
    FOR EACH ROW EXECUTE FUNCTION oms_kept_by_database('by invoicing: numbers are taken when an invoice commits');
CREATE TRIGGER invoice_counters_no_truncate BEFORE TRUNCATE ON invoice_counters
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- fx_rate is units of the document's currency per unit of the base currency, as fx_rates stores
-- it (base → quote); base amounts are document amounts divided by it, rounded half away from zero.
ALTER TABLE invoices
    ALTER COLUMN seq DROP NOT NULL,
    ALTER COLUMN number DROP NOT NULL,
    ADD COLUMN year                 smallint,
    ADD COLUMN base_currency        char(3) REFERENCES currencies,
    ADD COLUMN fx_rate              numeric(24,12),
    ADD COLUMN fx_date              date,
    ADD COLUMN subtotal_base_minor  bigint,
    ADD COLUMN tax_base_minor       bigint,
    ADD COLUMN total_base_minor     bigint,
    ADD COLUMN created_xid          xid8;
UPDATE invoices SET year = extract(year FROM issued_at AT TIME ZONE 'UTC'), base_currency = currency,
       fx_rate = 1, fx_date = (issued_at AT TIME ZONE 'UTC')::date,
       subtotal_base_minor = subtotal_minor, tax_base_minor = tax_minor, total_base_minor = total_minor;
ALTER TABLE invoices
    ALTER COLUMN year SET NOT NULL, ALTER COLUMN base_currency SET NOT NULL,
    ALTER COLUMN fx_rate SET NOT NULL, ALTER COLUMN fx_date SET NOT NULL,
    ALTER COLUMN subtotal_base_minor SET NOT NULL, ALTER COLUMN tax_base_minor SET NOT NULL,
    ALTER COLUMN total_base_minor SET NOT NULL,
    DROP CONSTRAINT invoices_series_seq_key,
    ADD CONSTRAINT invoices_series_year_seq_key UNIQUE (series, year, seq),
    ADD CONSTRAINT invoices_numbered CHECK ((seq IS NULL) = (number IS NULL)),
    ADD CONSTRAINT invoices_base_total CHECK (total_base_minor = subtotal_base_minor + tax_base_minor),
    ADD CONSTRAINT invoices_fx CHECK (fx_rate > 0 AND (currency <> base_currency OR fx_rate = 1)),
    -- Documents issued before this migration may hold negative credit notes; `oms check` shows them.
    ADD CONSTRAINT invoices_amounts_positive CHECK (subtotal_minor >= 0 AND tax_minor >= 0) NOT VALID;
ALTER TABLE invoice_lines
    ADD CONSTRAINT invoice_lines_total CHECK (total_minor = qty::bigint * unit_price_minor - discount_minor + tax_minor) NOT VALID,
    ADD CONSTRAINT invoice_lines_amounts_positive CHECK (unit_price_minor >= 0 AND tax_minor >= 0) NOT VALID;

-- The tax of a document per rate, in its currency and in the base currency.
CREATE TABLE invoice_tax_lines (
    invoice_id          bigint  NOT NULL REFERENCES invoices,
    tax_rate_ppm        integer NOT NULL CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
    taxable_minor       bigint  NOT NULL CHECK (taxable_minor >= 0),
    tax_minor           bigint  NOT NULL CHECK (tax_minor >= 0),
    taxable_base_minor  bigint  NOT NULL CHECK (taxable_base_minor >= 0),
    tax_base_minor      bigint  NOT NULL CHECK (tax_base_minor >= 0),
    PRIMARY KEY (invoice_id, tax_rate_ppm)
);
INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
SELECT invoice_id, tax_rate_ppm, abs(sum(qty::bigint * unit_price_minor - discount_minor)), abs(sum(tax_minor)),
       abs(sum(qty::bigint * unit_price_minor - discount_minor)), abs(sum(tax_minor))
  FROM invoice_lines GROUP BY 1, 2;

INSERT INTO invoice_counters (series, year, last_seq)
SELECT series, year, max(seq) FROM invoices GROUP BY 1, 2;

-- The database, not the client, says when a document was issued and which transaction made it;
-- the number comes at commit.
-- +goose StatementBegin
CREATE FUNCTION oms_stamp_invoice() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    NEW.issued_at := now();
    NEW.year := extract(year FROM NEW.issued_at AT TIME ZONE 'UTC');
    NEW.created_xid := pg_current_xact_id();
    NEW.seq := NULL;
    NEW.number := NULL;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER invoices_stamp BEFORE INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_invoice();

-- An issued document never changes. The one update allowed is the database numbering it.
-- +goose StatementBegin
CREATE FUNCTION oms_invoice_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.number IS NULL AND NEW.number IS NOT NULL AND oms_is_owner(TG_RELID)
       AND to_jsonb(NEW) - 'seq' - 'number' = to_jsonb(OLD) - 'seq' - 'number' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% % is issued and cannot be changed or deleted: issue a credit note instead',
        replace(OLD.kind, '_', ' '), coalesce(OLD.number, '(being issued)')
        USING ERRCODE = 'raise_exception', HINT = 'invoices and credit notes are append-only';
END $$;
-- +goose StatementEnd
CREATE TRIGGER invoices_append_only BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION oms_invoice_guard();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- Lines and tax lines are written with their document, in the transaction that creates it.
-- +goose StatementBegin
CREATE FUNCTION oms_invoice_part_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    inv record;
BEGIN
    SELECT kind, number, created_xid INTO inv FROM invoices WHERE id = NEW.invoice_id;
    IF FOUND AND (inv.number IS NOT NULL OR inv.created_xid IS DISTINCT FROM pg_current_xact_id()) THEN
        RAISE EXCEPTION '% % is issued: its lines are written with it and never change',
            replace(inv.kind, '_', ' '), coalesce(inv.number, '(issued earlier)')
            USING ERRCODE = 'raise_exception', HINT = 'issue a credit note instead';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER invoice_lines_with_document BEFORE INSERT ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION oms_invoice_part_guard();
CREATE TRIGGER invoice_lines_append_only BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION oms_refuse_change();
CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();
CREATE TRIGGER invoice_tax_lines_with_document BEFORE INSERT ON invoice_tax_lines
    FOR EACH ROW EXECUTE FUNCTION oms_invoice_part_guard();
CREATE TRIGGER invoice_tax_lines_append_only BEFORE UPDATE OR DELETE ON invoice_tax_lines
    FOR EACH ROW EXECUTE FUNCTION oms_refuse_change();
CREATE TRIGGER invoice_tax_lines_no_truncate BEFORE TRUNCATE ON invoice_tax_lines
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- Checks a document as a whole; raises on the first thing wrong.
-- +goose StatementBegin
CREATE FUNCTION oms_check_invoice(inv invoices) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    what text := replace(inv.kind, '_', ' ') || ' for order ' || (SELECT number FROM orders WHERE id = inv.order_id);
    lines record;
    bad record;
    shift int;
    credited invoices;
    credits bigint;
BEGIN
    SELECT count(*) AS n, coalesce(sum(qty::bigint * unit_price_minor - discount_minor), 0) AS net,
           coalesce(sum(tax_minor), 0) AS tax
      INTO lines FROM invoice_lines WHERE invoice_id = inv.id;
    IF lines.n = 0 THEN
        RAISE EXCEPTION 'the % has no lines', what USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_add_up';
    END IF;
    IF (inv.subtotal_minor, inv.tax_minor) <> (lines.net, lines.tax) THEN
        RAISE EXCEPTION 'the % says % net and % tax, but its lines add up to % and %', what,
            oms_money(inv.subtotal_minor, inv.currency), oms_money(inv.tax_minor, inv.currency),
            oms_money(lines.net, inv.currency), oms_money(lines.tax, inv.currency)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_add_up';
    END IF;

    SELECT coalesce(l.rate, t.tax_rate_ppm) AS rate, l.net, l.tax, t.taxable_minor, t.tax_minor INTO bad
      FROM (SELECT tax_rate_ppm AS rate, sum(qty::bigint * unit_price_minor - discount_minor) AS net, sum(tax_minor) AS tax
              FROM invoice_lines WHERE invoice_id = inv.id GROUP BY 1) l
      FULL JOIN (SELECT * FROM invoice_tax_lines WHERE invoice_id = inv.id) t ON t.tax_rate_ppm = l.rate
     WHERE (l.net, l.tax) IS DISTINCT FROM (t.taxable_minor, t.tax_minor) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the % has lines at % %% tax of % net and % tax, but its tax line says % and %', what,
            trim_scale(bad.rate / 10000.0), coalesce(bad.net, 0), coalesce(bad.tax, 0),
            coalesce(bad.taxable_minor, 0), coalesce(bad.tax_minor, 0)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_tax_lines_add_up';
    END IF;

    IF inv.currency <> inv.base_currency AND NOT EXISTS (
            SELECT 1 FROM fx_rates WHERE base = inv.base_currency AND quote = inv.currency
                                     AND rate_date = inv.fx_date AND rate = inv.fx_rate) THEN
        RAISE EXCEPTION 'the % converts at % % per %, which is not the stored rate of %', what,
            trim_scale(inv.fx_rate), inv.currency, inv.base_currency, inv.fx_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_fx_rate';
    END IF;
    IF inv.fx_date > (inv.issued_at AT TIME ZONE 'UTC')::date THEN
        RAISE EXCEPTION 'the % uses the rate of %, after it was issued', what, inv.fx_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_fx_rate';
    END IF;
    shift := (SELECT exponent FROM currencies WHERE code = inv.base_currency)
           - (SELECT exponent FROM currencies WHERE code = inv.currency);
    SELECT t.tax_rate_ppm, t.taxable_base_minor, t.tax_base_minor,
           round(t.taxable_minor * 10.0 ^ shift / inv.fx_rate) AS want_taxable,
           round(t.tax_minor * 10.0 ^ shift / inv.fx_rate) AS want_tax INTO bad
      FROM invoice_tax_lines t
     WHERE t.invoice_id = inv.id
       AND (t.taxable_base_minor, t.tax_base_minor) IS DISTINCT FROM
           (round(t.taxable_minor * 10.0 ^ shift / inv.fx_rate)::bigint, round(t.tax_minor * 10.0 ^ shift / inv.fx_rate)::bigint)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the % converts its % %% tax line to % and %, but the rate gives % and %', what,
            trim_scale(bad.tax_rate_ppm / 10000.0), oms_money(bad.taxable_base_minor, inv.base_currency),
            oms_money(bad.tax_base_minor, inv.base_currency), oms_money(bad.want_taxable::bigint, inv.base_currency),
            oms_money(bad.want_tax::bigint, inv.base_currency)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_base_amounts';
    END IF;
    SELECT sum(taxable_base_minor) AS taxable, sum(tax_base_minor) AS tax INTO bad
      FROM invoice_tax_lines WHERE invoice_id = inv.id;
    IF (inv.subtotal_base_minor, inv.tax_base_minor) IS DISTINCT FROM (bad.taxable, bad.tax) THEN
        RAISE EXCEPTION 'the % says % net and % tax in %, but its tax lines add up to something else', what,
            oms_money(inv.subtotal_base_minor, inv.base_currency), oms_money(inv.tax_base_minor, inv.base_currency),
            inv.base_currency
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_base_amounts';
    END IF;

    IF inv.kind = 'credit_note' THEN
        -- Locked so that two credit notes for one invoice are checked one after the other. NO KEY
        -- UPDATE, because each credit note's foreign key holds a KEY SHARE lock on the invoice,
        -- which FOR UPDATE would wait for: two credit notes would deadlock.
        SELECT * INTO credited FROM invoices WHERE id = inv.credited_invoice_id FOR NO KEY UPDATE;
        IF credited.kind <> 'invoice' OR credited.order_id <> inv.order_id OR credited.currency <> inv.currency THEN
            RAISE EXCEPTION 'the % must credit an invoice of the same order in the same currency', what
                USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_credit_bound';
        END IF;
        SELECT coalesce(sum(total_minor), 0) INTO credits FROM invoices
         WHERE credited_invoice_id = credited.id AND kind = 'credit_note';
        IF credits > credited.total_minor THEN
            RAISE EXCEPTION 'the % would bring the credits on % to %, more than its total of %', what,
                coalesce(credited.number, 'its invoice'), oms_money(credits, inv.currency),
                oms_money(credited.total_minor, inv.currency)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_credit_bound';
        END IF;
    END IF;
END $$;
-- +goose StatementEnd

-- Runs when the transaction commits (or at SET CONSTRAINTS … IMMEDIATE): checks the document,
-- then takes the next number of its series and year and writes it. The number is taken last so
-- that the series row stays locked only for the commit itself.
-- +goose StatementBegin
CREATE FUNCTION oms_issue_invoice() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    inv invoices;
    s number_series;
    n bigint;
    saved text := current_setting('lock_timeout');
    attempt int := 0;
BEGIN
    SELECT * INTO inv FROM invoices WHERE id = NEW.id;
    IF NOT FOUND OR inv.number IS NOT NULL THEN
        RETURN NULL;
    END IF;
    PERFORM oms_check_invoice(inv);
    SELECT * INTO s FROM number_series WHERE code = inv.series;
    -- Whoever holds the series row is committing; wait for it in short steps, not one long one
    -- that the session's lock_timeout would cut.
    PERFORM set_config('lock_timeout', '250ms', true);
    LOOP
        BEGIN
            INSERT INTO invoice_counters AS c (series, year, last_seq) VALUES (inv.series, inv.year, 1)
            ON CONFLICT (series, year) DO UPDATE SET last_seq = c.last_seq + 1
            RETURNING last_seq INTO n;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            attempt := attempt + 1;
            IF attempt >= 40 THEN
                PERFORM set_config('lock_timeout', saved, true);
                RAISE EXCEPTION 'the % series of % has been busy for 10 s: try again', inv.series, inv.year
                    USING ERRCODE = 'lock_not_available';
            END IF;
        END;
    END LOOP;
    PERFORM set_config('lock_timeout', saved, true);
    UPDATE invoices SET seq = n, number = s.prefix || inv.year || '-' || lpad(n::text, greatest(s.width, length(n::text)), '0')
     WHERE id = inv.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- A credit note's check sums the credits on its invoice while holding that invoice's lock.
CREATE INDEX invoices_credited ON invoices (credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;

CREATE CONSTRAINT TRIGGER invoices_issue AFTER INSERT ON invoices
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION oms_issue_invoice();

-- ───────────────────────────── refunds ─────────────────────────────

ALTER TABLE orders ADD CONSTRAINT orders_id_currency_key UNIQUE (id, currency);
ALTER TABLE rmas ADD CONSTRAINT rmas_id_order_key UNIQUE (id, order_id);
ALTER TABLE refunds
    DROP CONSTRAINT refunds_order_id_fkey,
    DROP CONSTRAINT refunds_rma_id_fkey,
    ADD CONSTRAINT refunds_in_order_currency FOREIGN KEY (order_id, currency) REFERENCES orders (id, currency),
    ADD CONSTRAINT refunds_rma_of_order FOREIGN KEY (rma_id, order_id) REFERENCES rmas (id, order_id);

-- Refunds on an order (all but failed ones) never add up to more than its total. The orders are
-- locked first, in id order, so two refunds of one order are checked one after the other.
-- +goose StatementBegin
CREATE FUNCTION oms_bound_refunds() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    bad record;
BEGIN
    PERFORM 1 FROM orders WHERE id IN (SELECT order_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    SELECT o.number, o.total_minor, o.currency, s.refunded INTO bad
      FROM (SELECT order_id, sum(amount_minor) AS refunded FROM refunds
             WHERE order_id IN (SELECT order_id FROM new_rows) AND status <> 'failed' GROUP BY 1) s
      JOIN orders o ON o.id = s.order_id
     WHERE s.refunded > o.total_minor LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'refunds on order % would come to %, more than its total of %', bad.number,
            oms_money(bad.refunded, bad.currency), oms_money(bad.total_minor, bad.currency)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_within_order_total';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER refunds_bound_insert AFTER INSERT ON refunds
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_bound_refunds();
CREATE TRIGGER refunds_bound_update AFTER UPDATE ON refunds
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_bound_refunds();

-- A refund is a record of money paid: only its status moves on, from pending, once.
-- +goose StatementBegin
CREATE FUNCTION oms_refund_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'refunds are kept: mark a refund failed instead of deleting it'
            USING ERRCODE = 'raise_exception';
    END IF;
    IF (NEW.id, NEW.order_id, NEW.rma_id, NEW.amount_minor, NEW.currency, NEW.method, NEW.created_at, NEW.actor)
       IS DISTINCT FROM (OLD.id, OLD.order_id, OLD.rma_id, OLD.amount_minor, OLD.currency, OLD.method, OLD.created_at, OLD.actor) THEN
        RAISE EXCEPTION 'a refund cannot change once recorded, only its status'
            USING ERRCODE = 'raise_exception';
    END IF;
    IF OLD.status <> 'pending' AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'the refund is already %: its status cannot change again', OLD.status
            USING ERRCODE = 'raise_exception';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER refunds_guard BEFORE UPDATE OR DELETE ON refunds
    FOR EACH ROW EXECUTE FUNCTION oms_refund_guard();
CREATE TRIGGER refunds_no_truncate BEFORE TRUNCATE ON refunds
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- ───────────────────────────── returns ─────────────────────────────

ALTER TABLE order_lines ADD CONSTRAINT order_lines_id_order_key UNIQUE (id, order_id);
ALTER TABLE rma_lines ADD COLUMN order_id bigint;
UPDATE rma_lines rl SET order_id = r.order_id FROM rmas r WHERE r.id = rl.rma_id;
ALTER TABLE rma_lines
    ALTER COLUMN order_id SET NOT NULL,
    DROP CONSTRAINT rma_lines_rma_id_fkey,
    DROP CONSTRAINT rma_lines_order_line_id_fkey,
    ADD CONSTRAINT rma_lines_of_rma_order FOREIGN KEY (rma_id, order_id) REFERENCES rmas (id, order_id),
    ADD CONSTRAINT rma_lines_line_of_order FOREIGN KEY (order_line_id, order_id) REFERENCES order_lines (id, order_id),
    ADD CONSTRAINT rma_lines_id_order_line_key UNIQUE (id, order_line_id);
CREATE INDEX rma_lines_by_order_line ON rma_lines (order_line_id);
-- A return movement that names both an RMA line and an order line names a matching pair.
ALTER TABLE stock_movements
    ADD CONSTRAINT stock_movements_rma_line_of_line FOREIGN KEY (rma_line_id, order_line_id) REFERENCES rma_lines (id, order_line_id);

-- Fills in the order of a new RMA line from its RMA, so a client need not repeat it.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_line_order() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.order_id IS NULL THEN
        NEW.order_id := (SELECT order_id FROM rmas WHERE id = NEW.rma_id);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER rma_lines_order BEFORE INSERT ON rma_lines
    FOR EACH ROW EXECUTE FUNCTION oms_rma_line_order();

-- Units asked back on a line, over all its RMAs that are not cancelled, never exceed the units
-- shipped. The order lines are locked first so two RMAs for one line are checked in turn.
-- +goose StatementBegin
CREATE FUNCTION oms_bound_rma_lines() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
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
CREATE TRIGGER rma_lines_bound_insert AFTER INSERT ON rma_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_bound_rma_lines();
CREATE TRIGGER rma_lines_bound_update AFTER UPDATE ON rma_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_bound_rma_lines();

-- Received units follow the inspection receipts; a cancelled RMA stays cancelled.
-- +goose StatementBegin
CREATE FUNCTION oms_rma_line_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
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
CREATE TRIGGER rma_lines_guard BEFORE UPDATE ON rma_lines
    FOR EACH ROW EXECUTE FUNCTION oms_rma_line_guard();

-- +goose StatementBegin
CREATE FUNCTION oms_rma_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF OLD.status = 'cancelled' AND NEW.status <> 'cancelled' THEN
        RAISE EXCEPTION 'RMA % is cancelled: open a new one instead', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_cancel_is_final';
    END IF;
    IF NEW.order_id <> OLD.order_id THEN
        RAISE EXCEPTION 'RMA % cannot move to another order', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rmas_fixed_order';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER rmas_guard BEFORE UPDATE ON rmas
    FOR EACH ROW EXECUTE FUNCTION oms_rma_guard();

-- +goose StatementBegin
CREATE FUNCTION oms_receive_rma_units() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE rma_lines rl SET qty_received = rl.qty_received + s.qty
      FROM (SELECT rma_line_id, sum(qty) AS qty FROM new_rows GROUP BY 1) s
     WHERE rl.id = s.rma_line_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- An inspection is recorded when and by whom the database says.
-- +goose StatementBegin
CREATE FUNCTION oms_stamp_receipt() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    NEW.received_at := now();
    NEW.actor := current_user;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER rma_receipts_receive AFTER INSERT ON rma_receipts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_receive_rma_units();
CREATE TRIGGER rma_receipts_stamp BEFORE INSERT ON rma_receipts
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_receipt();
CREATE TRIGGER rma_receipts_append_only BEFORE UPDATE OR DELETE ON rma_receipts
    FOR EACH ROW EXECUTE FUNCTION oms_refuse_change();
CREATE TRIGGER rma_receipts_no_truncate BEFORE TRUNCATE ON rma_receipts
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- ───────────────────────────── packages ─────────────────────────────

ALTER TABLE shipments ADD CONSTRAINT shipments_id_order_key UNIQUE (id, order_id);
ALTER TABLE packages ADD COLUMN order_id bigint;
UPDATE packages p SET order_id = s.order_id FROM shipments s WHERE s.id = p.shipment_id;
ALTER TABLE packages
    ALTER COLUMN order_id SET NOT NULL,
    DROP CONSTRAINT packages_shipment_id_fkey,
    ADD CONSTRAINT packages_of_shipment_order FOREIGN KEY (shipment_id, order_id) REFERENCES shipments (id, order_id),
    ADD CONSTRAINT packages_id_order_key UNIQUE (id, order_id);
ALTER TABLE package_lines ADD COLUMN order_id bigint;
UPDATE package_lines pl SET order_id = p.order_id FROM packages p WHERE p.id = pl.package_id;
ALTER TABLE package_lines
    ALTER COLUMN order_id SET NOT NULL,
    DROP CONSTRAINT package_lines_package_id_fkey,
    DROP CONSTRAINT package_lines_order_line_id_fkey,
    ADD CONSTRAINT package_lines_of_package_order FOREIGN KEY (package_id, order_id) REFERENCES packages (id, order_id),
    ADD CONSTRAINT package_lines_line_of_order FOREIGN KEY (order_line_id, order_id) REFERENCES order_lines (id, order_id);

-- Fills in the order of a new package or package line from what it belongs to.
-- +goose StatementBegin
CREATE FUNCTION oms_package_order() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.order_id IS NULL AND TG_TABLE_NAME = 'packages' THEN
        NEW.order_id := (SELECT order_id FROM shipments WHERE id = NEW.shipment_id);
    ELSIF NEW.order_id IS NULL THEN
        NEW.order_id := (SELECT order_id FROM packages WHERE id = NEW.package_id);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER packages_order BEFORE INSERT ON packages
    FOR EACH ROW EXECUTE FUNCTION oms_package_order();
CREATE TRIGGER package_lines_order BEFORE INSERT ON package_lines
    FOR EACH ROW EXECUTE FUNCTION oms_package_order();

-- A line's units in packages never exceed its packed units.
-- +goose StatementBegin
CREATE FUNCTION oms_bound_package_lines() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    bad record;
BEGIN
    PERFORM 1 FROM order_lines WHERE id IN (SELECT order_line_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    SELECT o.number, ol.line_no, p.sku, ol.qty_packed, s.boxed INTO bad
      FROM (SELECT order_line_id, sum(qty) AS boxed FROM package_lines
             WHERE order_line_id IN (SELECT order_line_id FROM new_rows) GROUP BY 1) s
      JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id
      JOIN products p ON p.id = ol.product_id
     WHERE s.boxed > ol.qty_packed LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'order % line % (%) has % units packed, and its packages would hold %', bad.number,
            bad.line_no, bad.sku, bad.qty_packed, bad.boxed
            USING ERRCODE = 'check_violation', CONSTRAINT = 'package_lines_within_packed';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER package_lines_bound_insert AFTER INSERT ON package_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_bound_package_lines();
CREATE TRIGGER package_lines_bound_update AFTER UPDATE ON package_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_bound_package_lines();

-- +goose StatementBegin
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms\_%'
                AND p.proname NOT IN ('oms_is_owner', 'oms_derive_status', 'oms_money') LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
-- Reports and audits may print amounts the way the refusals do.
GRANT EXECUTE ON FUNCTION oms_money(numeric, char) TO PUBLIC;

-- +goose Down
SELECT 1;
