-- The company that sells (issue 9, `oms init`): its name, its country and its base currency, the
-- one that invoices convert to and reports are kept in. One row: a database is one business.
-- The admin sets it up once; nobody changes it afterwards (a business that moves country or
-- currency is a new set of books, not an edit). Invoicing (issue 12) adds the seller's tax
-- numbers and rounding here.

-- +goose Up
CREATE TABLE company (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    country     char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    currency    char(3) NOT NULL REFERENCES currencies,
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE company OWNER TO oms_owner;
GRANT SELECT ON company TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_admin;
GRANT INSERT ON company TO oms_admin;

-- +goose Down
DROP TABLE company;
