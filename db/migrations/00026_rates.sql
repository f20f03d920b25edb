-- Exchange rates and tax rates kept by the back office (issue 12): `oms fx set|import` and
-- `oms tax import` (db/invoicing/rates.go).
--
--  * fx_rates: the back office could insert a rate (00009) but not correct one. Setting the rate
--    of a pair and date again replaces it, so it may now change a stored rate and its source,
--    never the pair or the date. An issued document keeps the rate it was issued at (fx_rate on
--    the invoice), so a correction changes no document.
--  * tax_rates: nobody could write them. They are the back office's, like the products' tax
--    categories and the exchange rates: it adds rates, and a later rate for the same country,
--    region and category closes the one in force (valid_to), the only column it may change.
--    The supervisor holds the back office's job and so the same grants.

-- +goose Up
GRANT UPDATE (rate, source) ON fx_rates TO oms_backoffice;
GRANT INSERT, UPDATE (valid_to) ON tax_rates TO oms_backoffice;
GRANT USAGE ON SEQUENCE tax_rates_id_seq TO oms_backoffice;

-- +goose Down
REVOKE USAGE ON SEQUENCE tax_rates_id_seq FROM oms_backoffice;
REVOKE INSERT, UPDATE (valid_to) ON tax_rates FROM oms_backoffice;
REVOKE UPDATE (rate, source) ON fx_rates FROM oms_backoffice;
