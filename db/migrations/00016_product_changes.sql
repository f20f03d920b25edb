-- Products in the change feed (ARCHITECTURE.md §4): the products screen and a product's page
-- wake when a product or its barcodes change in another terminal or by an import, not only when
-- its stock moves. Products and barcodes change in place, so the small BEFORE trigger of 00007
-- stamps them; rows already there keep NULL, which no snapshot reports as changed.

-- +goose Up
ALTER TABLE products ADD COLUMN change_xid xid8;
CREATE INDEX products_changes ON products (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER products_stamp BEFORE INSERT OR UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

ALTER TABLE product_barcodes ADD COLUMN change_xid xid8;
CREATE INDEX product_barcodes_changes ON product_barcodes (change_xid) WHERE change_xid IS NOT NULL;
CREATE TRIGGER product_barcodes_stamp BEFORE INSERT OR UPDATE ON product_barcodes
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_change();

-- +goose Down
DROP TRIGGER product_barcodes_stamp ON product_barcodes;
ALTER TABLE product_barcodes DROP COLUMN change_xid;
DROP TRIGGER products_stamp ON products;
ALTER TABLE products DROP COLUMN change_xid;
