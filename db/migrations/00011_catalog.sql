-- Master data from files (issue 9, `oms catalog import`): who may write what, and one rule.
--
--  * Warehouses were written by no job (only the seeder, as a superuser). Adding a building and
--    its currency and time zone is setting up the installation, as adding staff is: the admin's
--    work. Products, barcodes and channels stay the back office's, locations stock control's
--    (migration 00009), so no other grant changes.
--  * A location that holds stock cannot be deactivated: the refusal names the place and the
--    quantity ("bin A-01-01 at RTM1 holds 12 units of 3 products"). Nothing is deleted by an
--    import; retiring is active = false. The guard runs as the caller (everyone reads the
--    balances) and is a trigger, so a client that bypasses oms meets the same refusal.

-- +goose Up
GRANT INSERT, UPDATE ON warehouses TO oms_admin;
GRANT USAGE ON SEQUENCE warehouses_id_seq TO oms_admin;

-- +goose StatementBegin
CREATE FUNCTION oms_location_deactivation_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    units bigint;
    items bigint;
    wh text;
BEGIN
    SELECT coalesce(sum(b.on_hand), 0), count(DISTINCT b.product_id) INTO units, items
      FROM stock_balances b WHERE b.location_id = NEW.id AND b.on_hand > 0;
    IF units > 0 THEN
        SELECT w.code INTO wh FROM warehouses w WHERE w.id = NEW.warehouse_id;
        RAISE EXCEPTION '% % at % holds % unit% of % product%: move the stock out before deactivating it',
            NEW.kind, NEW.code, wh, units, CASE WHEN units = 1 THEN '' ELSE 's' END,
            items, CASE WHEN items = 1 THEN '' ELSE 's' END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'locations_empty_when_inactive';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_location_deactivation_guard() OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_location_deactivation_guard() FROM PUBLIC;
CREATE TRIGGER locations_empty_when_inactive BEFORE UPDATE OF active ON locations
    FOR EACH ROW WHEN (OLD.active AND NOT NEW.active)
    EXECUTE FUNCTION oms_location_deactivation_guard();

-- +goose Down
DROP TRIGGER locations_empty_when_inactive ON locations;
DROP FUNCTION oms_location_deactivation_guard();
REVOKE USAGE ON SEQUENCE warehouses_id_seq FROM oms_admin;
REVOKE INSERT, UPDATE ON warehouses FROM oms_admin;
