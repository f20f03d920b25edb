-- The back office acts on an order (issue 11): hold, release, cancel an order or a line, edit
-- what nothing has been picked of. The commands are db/orders (backoffice*.go), each one
-- transaction writing its history through oms_order_event (00021); they need no new grants.
--
-- What they need from the schema is a version that every writer moves, so that an edit typed
-- against one state of an order is refused once the order has changed (optimistic concurrency,
-- as products do it). Until now orders.version stayed 1 forever. The database keeps it:
--
--  * every UPDATE of an order raises it by one, once per transaction (a transaction that writes
--    an order ten times moves it once), whatever the client wrote into it; an INSERT starts it
--    at 1. Status derivation is an UPDATE of the order, so allocation, picking and shipping
--    that move the status count as changes, and so do intake, hand-over and re-route;
--  * a change of what is ordered — a line's ordered or cancelled units or its product — or a new
--    line for an existing order raises the order's version too, once per transaction, so a
--    client that changes lines without touching the order still counts. Units allocated, picked,
--    packed, shipped or returned do not by themselves (they follow the stock, and when they move
--    the status the order is updated anyway), nor does a line's description or price: those wake
--    only the watchers of order lines (the change feed, §4), and the edit does not set them.
--
-- "Once per transaction" is told by orders.change_xid (oms_touch stamps the writing
-- transaction), so a command can guard its final UPDATE of the order with the version it read
-- plus what its own earlier statements added.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION oms_order_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.version := 1;
    ELSIF OLD.change_xid IS DISTINCT FROM pg_current_xact_id() THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER orders_version BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION oms_order_version();
ALTER FUNCTION oms_order_version() OWNER TO oms_owner;
REVOKE EXECUTE ON FUNCTION oms_order_version() FROM PUBLIC;

-- Raises the version of the orders whose lines' statement changed what is ordered: new lines, or
-- lines whose ordered or cancelled units or product changed. Orders this transaction already wrote
-- (or created) are skipped: their version has moved once already. Runs as the owner, so a
-- client that may change lines needs no right to update the order for it.
-- +goose StatementBegin
CREATE FUNCTION oms_order_lines_version() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT order_id) INTO changed FROM new_rows;
    ELSE
        SELECT array_agg(DISTINCT n.order_id) INTO changed
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.qty_ordered, n.qty_cancelled, n.product_id)
               IS DISTINCT FROM (o.qty_ordered, o.qty_cancelled, o.product_id);
    END IF;
    IF changed IS NOT NULL THEN
        PERFORM 1 FROM orders WHERE id = ANY (changed) AND change_xid IS DISTINCT FROM pg_current_xact_id()
          ORDER BY id FOR NO KEY UPDATE;
        UPDATE orders SET version = version
         WHERE id = ANY (changed) AND change_xid IS DISTINCT FROM pg_current_xact_id();
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_order_lines_version() SET plan_cache_mode = force_generic_plan;
CREATE TRIGGER order_lines_version_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_order_lines_version();
CREATE TRIGGER order_lines_version_update AFTER UPDATE ON order_lines
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION oms_order_lines_version();
ALTER FUNCTION oms_order_lines_version() OWNER TO oms_owner;
REVOKE EXECUTE ON FUNCTION oms_order_lines_version() FROM PUBLIC;

-- +goose Down
DROP TRIGGER order_lines_version_update ON order_lines;
DROP TRIGGER order_lines_version_insert ON order_lines;
DROP FUNCTION oms_order_lines_version();
DROP TRIGGER orders_version ON orders;
DROP FUNCTION oms_order_version();
