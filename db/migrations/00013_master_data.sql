-- A channel's remaining settings (issue 9, `oms catalog import channels`):
--
--  * prices_include_tax: the channel's prices are gross (tax included), as a consumer webshop
--    shows them; otherwise net, tax added on the invoice.
--  * split_allowed: an order of the channel may ship in more than one shipment when not all of
--    it is in stock; otherwise it waits until it can ship whole.
--  * safety_buffer: units per SKU held back from what the channel may sell, so that a
--    marketplace's lag does not oversell the last units.
-- Defaults keep existing channels as they behaved: net prices, splits allowed, no buffer.

-- +goose Up
ALTER TABLE channels
    ADD COLUMN prices_include_tax boolean NOT NULL DEFAULT false,
    ADD COLUMN split_allowed boolean NOT NULL DEFAULT true,
    ADD COLUMN safety_buffer integer NOT NULL DEFAULT 0 CHECK (safety_buffer >= 0);

-- +goose Down
ALTER TABLE channels DROP COLUMN safety_buffer, DROP COLUMN split_allowed, DROP COLUMN prices_include_tax;
