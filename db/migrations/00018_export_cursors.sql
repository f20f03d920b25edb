-- Cursors for `oms export` (ARCHITECTURE.md §4, db/export): an export's cursor is the snapshot
-- it read in, and the next export asks for the rows written by transactions that snapshot could
-- not see. Orders, order lines and the ledger carry that stamp already (change_xid); invoices,
-- their lines, shipments, packages and package lines get it here, with the small BEFORE trigger
-- of 00007 and a partial index that finds the few rows newer than a cursor. Rows already there
-- keep NULL, which every snapshot has seen: a first export without a cursor reads them all.
--
--  * Invoices are append-only: oms_invoice_guard (invoices_append_only) refuses every UPDATE
--    except the database numbering a document in the transaction that issues it, and compares
--    the whole row apart from seq and number. The stamp trigger is named so that it fires after
--    the guard (BEFORE triggers fire in name order): a refused UPDATE never reaches it, and the
--    numbering UPDATE runs in the issuing transaction, so the stamp it writes is the one the
--    INSERT wrote and the guard's comparison still holds. created_xid (00006) is the same value
--    for documents issued from now on; change_xid keeps one name for every table an export
--    follows.
--  * Invoice lines are written with their document and never change; the stamp costs one
--    assignment per line.
--  * Shipments change in place (packed → shipped → delivered); packages gain a tracking number
--    after a label is bought; a package's lines can be changed while packing. A shipment is
--    exported again when any of the three is stamped. A package or package line deleted leaves
--    no stamp (as for every table of the feed); packing deletes only before a shipment ships,
--    and shipping stamps the shipment.

-- +goose Up
ALTER TABLE invoices ADD COLUMN change_xid xid8;
CREATE INDEX invoices_changes ON invoices (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER invoices_stamp_change BEFORE INSERT OR UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

ALTER TABLE invoice_lines ADD COLUMN change_xid xid8;
CREATE INDEX invoice_lines_changes ON invoice_lines (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER invoice_lines_stamp_change BEFORE INSERT OR UPDATE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

ALTER TABLE shipments ADD COLUMN change_xid xid8;
CREATE INDEX shipments_changes ON shipments (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER shipments_stamp_change BEFORE INSERT OR UPDATE ON shipments
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

ALTER TABLE packages ADD COLUMN change_xid xid8;
CREATE INDEX packages_changes ON packages (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER packages_stamp_change BEFORE INSERT OR UPDATE ON packages
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

ALTER TABLE package_lines ADD COLUMN change_xid xid8;
CREATE INDEX package_lines_changes ON package_lines (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER package_lines_stamp_change BEFORE INSERT OR UPDATE ON package_lines
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

-- +goose Down
DROP TRIGGER package_lines_stamp_change ON package_lines;
ALTER TABLE package_lines DROP COLUMN change_xid;
DROP TRIGGER packages_stamp_change ON packages;
ALTER TABLE packages DROP COLUMN change_xid;
DROP TRIGGER shipments_stamp_change ON shipments;
ALTER TABLE shipments DROP COLUMN change_xid;
DROP TRIGGER invoice_lines_stamp_change ON invoice_lines;
ALTER TABLE invoice_lines DROP COLUMN change_xid;
DROP TRIGGER invoices_stamp_change ON invoices;
ALTER TABLE invoices DROP COLUMN change_xid;
