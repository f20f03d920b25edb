-- The invoices screen (tui/invoices) and `oms invoice list` page through issued documents newest
-- first by keyset on (issued_at, id). Without an index in that order every page sorted all the
-- matching documents; with it a deep page costs what the first does.

-- +goose Up
CREATE INDEX invoices_issued ON invoices (issued_at, id) WHERE number IS NOT NULL;

-- +goose Down
DROP INDEX invoices_issued;
