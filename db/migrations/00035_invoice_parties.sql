-- An invoice states its parties as they were when it was issued (issue 12): the seller's name,
-- address, VAT number, phone and e-mail, and the buyer's name, country and VAT number. Until now
-- a document was printed with the company and the customer as they are when it is printed, so
-- a move or a new VAT number rewrote every old invoice. The database takes the snapshot as the
-- row is inserted, whoever inserts it; documents issued before this migration have none and
-- are printed as before.

-- +goose Up
ALTER TABLE invoices ADD COLUMN seller jsonb, ADD COLUMN buyer jsonb;

-- +goose StatementBegin
CREATE FUNCTION oms_invoice_parties() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    SELECT jsonb_build_object('name', co.name, 'country', co.country, 'vat_number', co.vat_number,
                              'line1', co.line1, 'line2', co.line2, 'postal_code', co.postal_code,
                              'city', co.city, 'region', co.region, 'phone', co.phone, 'email', co.email)
      INTO NEW.seller FROM company co;
    SELECT jsonb_build_object('name', cu.name, 'country', cu.country, 'vat_number', cu.vat_number)
      INTO NEW.buyer FROM orders o JOIN customers cu ON cu.id = o.customer_id WHERE o.id = NEW.order_id;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_invoice_parties() OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_invoice_parties() FROM PUBLIC;
CREATE TRIGGER invoices_parties BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION oms_invoice_parties();

-- +goose Down
DROP TRIGGER invoices_parties ON invoices;
DROP FUNCTION oms_invoice_parties();
ALTER TABLE invoices DROP COLUMN seller, DROP COLUMN buyer;
