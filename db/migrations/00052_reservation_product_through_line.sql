-- A reservation's product is checked once, through its line. reservations_line_of_product
-- already makes (order_line_id, product_id) an order line's own pair, and that line's product
-- exists (order_lines_product_id_fkey), so reservations_product_id_fkey checked nothing more —
-- but it ran a lookup for every reservation written and share-locked the product's row for the
-- rest of the transaction: with 16 allocators on one hot SKU (oms bench allocate-hot) every
-- reservation added its transaction to that row's lockers, a new multixact each time.

-- +goose Up
ALTER TABLE reservations DROP CONSTRAINT reservations_product_id_fkey;

-- +goose Down
ALTER TABLE reservations ADD CONSTRAINT reservations_product_id_fkey FOREIGN KEY (product_id) REFERENCES products;
