-- A location's barcode (issue 9, `oms catalog import locations`): the label a scanner reads at
-- the bin, distinct from its code (which people read and which orders the pick path). Optional;
-- printable ASCII, as scanners send it; one location per barcode across all warehouses, so a
-- scan names one place wherever it is made.

-- +goose Up
ALTER TABLE locations ADD COLUMN barcode text UNIQUE CHECK (barcode ~ '^[ -~]{1,64}$');

-- +goose Down
ALTER TABLE locations DROP COLUMN barcode;
