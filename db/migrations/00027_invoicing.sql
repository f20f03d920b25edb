-- Issuing invoices and credit notes from orders (issue 12, db/invoicing/order.go, `oms invoice`):
--
--  * company: the seller's tax settings, which the admin sets (the rest of the row stays as
--    `oms init` wrote it): its VAT number (checked by oms with model.ValidVATNumber; '' when it
--    has none), where it rounds tax ('line': each line's tax, 'invoice': once per rate and
--    document), whether it declares EU distance sales through the One Stop Shop and whether it is
--    over the EUR 10,000 distance-sale threshold (model.DecideTaxTreatment).
--  * channels.invoice_on: 'shipment' invoices what shipped in the back office's run of
--    `oms invoice issue --shipped`; 'demand' only when someone invoices the order by name.
--  * customers.vat_number: a business customer's VAT number ('' for consumers), which decides
--    reverse charge on orders entered by hand. The back office keeps customers already.
--  * invoices.notes: the mention the law requires on a document without VAT (reverse charge,
--    export), as model.TaxTreatment.Note says it.
--  * invoices.fx_inverse: a document converts at the rate in force on its fx_date, which may be
--    stored only the other way round (the currency → the base). Its inverse has no exact decimal
--    (1/1.0842), so such a document states the stored rate as it is stored (fx_rate, units of
--    the base per unit of its currency) with fx_inverse = true, and its base amounts are its
--    amounts times that rate, rounded half away from zero. fx_date is the date of the stored row
--    the rate comes from (the latest on or before the day of issue), so the issue-time check
--    still finds exactly that row. oms_check_invoice is 00006's with this one change.

-- +goose Up
ALTER TABLE company
    ADD COLUMN vat_number text NOT NULL DEFAULT '' CHECK (vat_number ~ '^([A-Z]{2}[0-9A-Z+*]{2,12})?$'),
    ADD COLUMN tax_rounding text NOT NULL DEFAULT 'line' CHECK (tax_rounding IN ('line', 'invoice')),
    ADD COLUMN oss_registered boolean NOT NULL DEFAULT false,
    ADD COLUMN over_distance_threshold boolean NOT NULL DEFAULT false;
GRANT UPDATE (vat_number, tax_rounding, oss_registered, over_distance_threshold) ON company TO oms_admin;

ALTER TABLE channels
    ADD COLUMN invoice_on text NOT NULL DEFAULT 'shipment' CHECK (invoice_on IN ('shipment', 'demand'));

ALTER TABLE customers
    ADD COLUMN vat_number text NOT NULL DEFAULT '' CHECK (vat_number ~ '^([A-Z]{2}[0-9A-Z+*]{2,12})?$');

ALTER TABLE invoices
    ADD COLUMN notes text NOT NULL DEFAULT '',
    ADD COLUMN fx_inverse boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT invoices_fx_inverse CHECK (NOT fx_inverse OR currency <> base_currency);

-- What is invoiced of an order line: invoice_lines by order line, for the sums an issue reads.
CREATE INDEX invoice_lines_by_order_line ON invoice_lines (order_line_id) WHERE order_line_id IS NOT NULL;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_check_invoice(inv invoices) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
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
            SELECT 1 FROM fx_rates
             WHERE rate_date = inv.fx_date AND rate = inv.fx_rate
               AND ((NOT inv.fx_inverse AND base = inv.base_currency AND quote = inv.currency)
                 OR (inv.fx_inverse AND base = inv.currency AND quote = inv.base_currency))) THEN
        RAISE EXCEPTION 'the % converts at % % per %, which is not the stored rate of %', what,
            trim_scale(inv.fx_rate), CASE WHEN inv.fx_inverse THEN inv.base_currency ELSE inv.currency END,
            CASE WHEN inv.fx_inverse THEN inv.currency ELSE inv.base_currency END, inv.fx_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_fx_rate';
    END IF;
    IF inv.fx_date > (inv.issued_at AT TIME ZONE 'UTC')::date THEN
        RAISE EXCEPTION 'the % uses the rate of %, after it was issued', what, inv.fx_date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_fx_rate';
    END IF;
    shift := (SELECT exponent FROM currencies WHERE code = inv.base_currency)
           - (SELECT exponent FROM currencies WHERE code = inv.currency);
    SELECT t.tax_rate_ppm, t.taxable_base_minor, t.tax_base_minor,
           round(CASE WHEN inv.fx_inverse THEN t.taxable_minor * 10.0 ^ shift * inv.fx_rate ELSE t.taxable_minor * 10.0 ^ shift / inv.fx_rate END) AS want_taxable,
           round(CASE WHEN inv.fx_inverse THEN t.tax_minor * 10.0 ^ shift * inv.fx_rate ELSE t.tax_minor * 10.0 ^ shift / inv.fx_rate END) AS want_tax INTO bad
      FROM invoice_tax_lines t
     WHERE t.invoice_id = inv.id
       AND (t.taxable_base_minor, t.tax_base_minor) IS DISTINCT FROM
           (round(CASE WHEN inv.fx_inverse THEN t.taxable_minor * 10.0 ^ shift * inv.fx_rate ELSE t.taxable_minor * 10.0 ^ shift / inv.fx_rate END)::bigint, round(CASE WHEN inv.fx_inverse THEN t.tax_minor * 10.0 ^ shift * inv.fx_rate ELSE t.tax_minor * 10.0 ^ shift / inv.fx_rate END)::bigint)
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

-- +goose Down
-- Issued documents keep their notes and fx_inverse (they never change), and so does the check.
DROP INDEX invoice_lines_by_order_line;
REVOKE UPDATE (vat_number, tax_rounding, oss_registered, over_distance_threshold) ON company FROM oms_admin;
ALTER TABLE company DROP COLUMN vat_number, DROP COLUMN tax_rounding, DROP COLUMN oss_registered,
    DROP COLUMN over_distance_threshold;
ALTER TABLE channels DROP COLUMN invoice_on;
ALTER TABLE customers DROP COLUMN vat_number;
