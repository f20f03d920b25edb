-- Data every installation needs before it can do anything: currencies with their ISO 4217
-- exponents, tax categories, the virtual locations that make the stock ledger balance, reason
-- codes and the number series. Business data (warehouses, products, channels) is not here.

-- +goose Up
INSERT INTO currencies (code, name, exponent) VALUES
    ('AUD', 'Australian dollar', 2), ('BHD', 'Bahraini dinar', 3), ('BRL', 'Brazilian real', 2),
    ('CAD', 'Canadian dollar', 2), ('CHF', 'Swiss franc', 2), ('CLP', 'Chilean peso', 0),
    ('CNY', 'Chinese yuan', 2), ('CZK', 'Czech koruna', 2), ('DKK', 'Danish krone', 2),
    ('EUR', 'Euro', 2), ('GBP', 'Pound sterling', 2), ('HKD', 'Hong Kong dollar', 2),
    ('HUF', 'Hungarian forint', 2), ('INR', 'Indian rupee', 2), ('ISK', 'Icelandic króna', 0),
    ('JOD', 'Jordanian dinar', 3), ('JPY', 'Japanese yen', 0), ('KRW', 'South Korean won', 0),
    ('KWD', 'Kuwaiti dinar', 3), ('MXN', 'Mexican peso', 2), ('NOK', 'Norwegian krone', 2),
    ('NZD', 'New Zealand dollar', 2), ('OMR', 'Omani rial', 3), ('PLN', 'Polish złoty', 2),
    ('SEK', 'Swedish krona', 2), ('SGD', 'Singapore dollar', 2), ('TND', 'Tunisian dinar', 3),
    ('TRY', 'Turkish lira', 2), ('USD', 'US dollar', 2), ('ZAR', 'South African rand', 2);

INSERT INTO tax_categories (code, name) VALUES
    ('standard', 'Standard rate'), ('reduced', 'Reduced rate'),
    ('zero', 'Zero rate'), ('exempt', 'Exempt');

INSERT INTO locations (warehouse_id, code, kind) VALUES
    (NULL, 'SUPPLIER', 'supplier'), (NULL, 'CUSTOMER', 'customer'),
    (NULL, 'ADJUSTMENT', 'adjustment'), (NULL, 'SCRAP', 'scrap'), (NULL, 'TRANSIT', 'transit');

INSERT INTO reason_codes (code, kind, description) VALUES
    ('SHORT_EMPTY',      'short_pick',     'Bin empty'),
    ('SHORT_DAMAGED',    'short_pick',     'Item damaged in bin'),
    ('SHORT_NOT_FOUND',  'short_pick',     'Item not found in bin'),
    ('SHORT_WRONG_ITEM', 'short_pick',     'Different item in bin'),
    ('ADJ_FOUND',        'adjustment',     'Inventory found'),
    ('ADJ_LOST',         'adjustment',     'Inventory lost'),
    ('ADJ_DAMAGED',      'adjustment',     'Damaged in warehouse'),
    ('ADJ_EXPIRED',      'adjustment',     'Expired'),
    ('ADJ_RECEIVING',    'adjustment',     'Receiving correction'),
    ('CNT_MISCOUNT',     'count_variance', 'Miscounted earlier'),
    ('CNT_MISSING_TX',   'count_variance', 'Missing transaction'),
    ('CNT_FOUND',        'count_variance', 'Inventory found'),
    ('CNT_LOST',         'count_variance', 'Inventory lost'),
    ('RET_DAMAGED',      'return',         'Arrived damaged'),
    ('RET_DEFECTIVE',    'return',         'Defective'),
    ('RET_WRONG_ITEM',   'return',         'Wrong item sent'),
    ('RET_NOT_AS_DESCRIBED', 'return',     'Not as described'),
    ('RET_NO_LONGER_WANTED', 'return',     'No longer wanted'),
    ('RET_SIZE',         'return',         'Wrong size or fit'),
    ('DISP_RESTOCK',     'disposition',    'Back to stock'),
    ('DISP_QUARANTINE',  'disposition',    'Quarantine for inspection'),
    ('DISP_REFURBISH',   'disposition',    'Refurbish'),
    ('DISP_SCRAP',       'disposition',    'Scrap'),
    ('DISP_RTV',         'disposition',    'Return to vendor'),
    ('HOLD_PAYMENT',     'hold',           'Payment not confirmed'),
    ('HOLD_FRAUD',       'hold',           'Fraud review'),
    ('HOLD_ADDRESS',     'hold',           'Address needs checking'),
    ('HOLD_CUSTOMER',    'hold',           'Customer asked to wait'),
    ('CANCEL_CUSTOMER',  'cancel',         'Customer cancelled'),
    ('CANCEL_FRAUD',     'cancel',         'Fraud'),
    ('CANCEL_NO_STOCK',  'cancel',         'Out of stock'),
    ('CANCEL_DUPLICATE', 'cancel',         'Duplicate order'),
    ('XFER_REPLENISH',   'transfer',       'Replenishment'),
    ('XFER_REBALANCE',   'transfer',       'Rebalance between warehouses');

INSERT INTO number_series (code, prefix, width) VALUES
    ('invoice', 'INV-', 7), ('credit_note', 'CN-', 7), ('rma', 'RMA-', 6), ('order', 'SO-', 7);

-- +goose Down
SELECT 1;
