-- The whole oms schema as first laid out: every business area (orders, stock, picking, packing
-- and shipping, returns, counts, staff) has its tables here. The rules of ARCHITECTURE.md §2
-- are constraints, not Go ifs: quantities are positive, stock
-- in a real location never goes negative, reserved never exceeds on hand, one order per
-- (channel, external id), picked never exceeds ordered, the ledger is append-only.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ───────────────────────────── helpers ─────────────────────────────

-- Refuses UPDATE, DELETE and TRUNCATE on append-only tables (ledger, events).
-- +goose StatementBegin
CREATE FUNCTION oms_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'P0001', HINT = 'post a correcting entry instead';
END $$;
-- +goose StatementEnd

-- Stamps time and actor from the database, never from the client (no backdating, no spoofing).
-- The one exception is synthetic history: a superuser session that sets oms.backdate = 'on'
-- (only `oms seed` does) keeps the time and actor it wrote.
-- +goose StatementBegin
CREATE FUNCTION oms_stamp_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF current_setting('oms.backdate', true) IS DISTINCT FROM 'on'
       OR current_setting('is_superuser') <> 'on' THEN
        NEW.at := now();
        NEW.actor := current_user;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- Marks a row with the writing transaction so live screens can ask "what changed since my last
-- snapshot" without writers paying for NOTIFY (ARCHITECTURE.md §4; see db/changes.go).
-- +goose StatementBegin
CREATE FUNCTION oms_touch() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    NEW.updated_at := now();
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- ───────────────────────────── reference data ─────────────────────────────

CREATE TABLE currencies (
    code      char(3)  PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name      text     NOT NULL,
    exponent  smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4)
);

-- Dated exchange rates: 1 unit of base = rate units of quote, valid from rate_date on.
CREATE TABLE fx_rates (
    base       char(3)        NOT NULL REFERENCES currencies,
    quote      char(3)        NOT NULL REFERENCES currencies,
    rate_date  date           NOT NULL,
    rate       numeric(24,12) NOT NULL CHECK (rate > 0),
    source     text           NOT NULL DEFAULT 'manual',
    PRIMARY KEY (base, quote, rate_date),
    CHECK (base <> quote)
);

CREATE TABLE tax_categories (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
    name  text NOT NULL
);

-- A rate in parts per million (20 % = 200000) so tax arithmetic stays in integers.
CREATE TABLE tax_rates (
    id            bigserial PRIMARY KEY,
    country       char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region        text    NOT NULL DEFAULT '',
    tax_category  text    NOT NULL REFERENCES tax_categories,
    name          text    NOT NULL,
    rate_ppm      integer NOT NULL CHECK (rate_ppm BETWEEN 0 AND 1000000),
    valid_from    date    NOT NULL,
    valid_to      date,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    UNIQUE (country, region, tax_category, valid_from)
);

-- Why something happened to stock or an order: short picks, adjustments, count variances,
-- return reasons, dispositions, holds, cancellations.
CREATE TABLE reason_codes (
    code         text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]+$'),
    kind         text NOT NULL CHECK (kind IN ('short_pick', 'adjustment', 'count_variance',
                      'return', 'disposition', 'hold', 'cancel', 'transfer')),
    description  text NOT NULL,
    active       boolean NOT NULL DEFAULT true
);

-- ───────────────────────────── places ─────────────────────────────

CREATE TABLE warehouses (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,16}$'),
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('dc', 'store')),
    country     char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    city        text NOT NULL DEFAULT '',
    time_zone   text NOT NULL,
    latitude    double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision CHECK (longitude BETWEEN -180 AND 180),
    currency    char(3) NOT NULL REFERENCES currencies,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Bins and work areas of a warehouse, plus virtual locations (no warehouse) that make the stock
-- ledger balance: goods come from a supplier, go to a customer, appear or vanish by adjustment.
CREATE TABLE locations (
    id            bigserial PRIMARY KEY,
    warehouse_id  bigint REFERENCES warehouses,
    code          text NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    kind          text NOT NULL CHECK (kind IN ('bin', 'receiving', 'packing', 'staging', 'returns',
                       'quarantine', 'supplier', 'customer', 'adjustment', 'scrap', 'transit')),
    is_virtual    boolean GENERATED ALWAYS AS
                      (kind IN ('supplier', 'customer', 'adjustment', 'scrap', 'transit')) STORED,
    zone          text NOT NULL DEFAULT '',
    aisle         text NOT NULL DEFAULT '',
    pick_seq      integer NOT NULL DEFAULT 0,
    active        boolean NOT NULL DEFAULT true,
    UNIQUE NULLS NOT DISTINCT (warehouse_id, code),
    UNIQUE (id, is_virtual),
    CHECK ((warehouse_id IS NULL) = (kind IN ('supplier', 'customer', 'adjustment', 'scrap', 'transit')))
);
CREATE INDEX locations_pick_path ON locations (warehouse_id, pick_seq, id) WHERE kind = 'bin';

-- ───────────────────────────── products and stock ─────────────────────────────

CREATE TABLE products (
    id                 bigserial PRIMARY KEY,
    sku                text NOT NULL UNIQUE CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    gtin               text UNIQUE CHECK (gtin ~ '^([0-9]{8}|[0-9]{12,14})$'),
    weight_g           integer CHECK (weight_g > 0),
    length_mm          integer CHECK (length_mm > 0),
    width_mm           integer CHECK (width_mm > 0),
    height_mm          integer CHECK (height_mm > 0),
    hs_code            text CHECK (hs_code ~ '^[0-9]{6,10}$'),
    country_of_origin  char(2) CHECK (country_of_origin ~ '^[A-Z]{2}$'),
    tax_category       text NOT NULL REFERENCES tax_categories,
    lot_tracked        boolean NOT NULL DEFAULT false,
    expiry_tracked     boolean NOT NULL DEFAULT false,
    reorder_point      integer NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    active             boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            integer NOT NULL DEFAULT 1,
    CHECK (NOT expiry_tracked OR lot_tracked)
);
CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops);

-- Extra scannable codes: case packs, supplier labels, old GTINs.
CREATE TABLE product_barcodes (
    barcode      text PRIMARY KEY CHECK (length(barcode) BETWEEN 4 AND 64),
    product_id   bigint NOT NULL REFERENCES products,
    kind         text NOT NULL CHECK (kind IN ('gtin', 'upc', 'ean', 'supplier', 'internal')),
    qty_per_scan integer NOT NULL DEFAULT 1 CHECK (qty_per_scan > 0)
);
CREATE INDEX ON product_barcodes (product_id);

CREATE TABLE lots (
    id          bigserial PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES products,
    lot_code    text NOT NULL CHECK (length(lot_code) BETWEEN 1 AND 20),
    expires_on  date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, lot_code)
);

-- How much of a product (and lot) is in a location. Kept by the ledger trigger below, in the same
-- transaction as the movement; reserved is changed by allocation with a guarded UPDATE.
CREATE TABLE stock_balances (
    location_id        bigint  NOT NULL,
    location_virtual   boolean NOT NULL,
    product_id         bigint  NOT NULL REFERENCES products,
    lot_id             bigint  REFERENCES lots,
    on_hand            bigint  NOT NULL DEFAULT 0,
    reserved           bigint  NOT NULL DEFAULT 0,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (location_id, location_virtual) REFERENCES locations (id, is_virtual),
    CONSTRAINT stock_balances_no_negative_stock CHECK (location_virtual OR on_hand >= 0),
    CONSTRAINT stock_balances_reserved_in_range CHECK (reserved >= 0 AND (reserved = 0 OR reserved <= on_hand)),
    UNIQUE NULLS NOT DISTINCT (location_id, product_id, lot_id)
);
CREATE INDEX stock_balances_by_product ON stock_balances (product_id, location_id);

-- The stock ledger: every change of stock moves a positive quantity of one product from one
-- location to another. Append-only; time and actor are set by the database.
CREATE TABLE stock_movements (
    id                bigserial PRIMARY KEY,
    at                timestamptz NOT NULL DEFAULT now(),
    actor             text NOT NULL DEFAULT current_user,
    product_id        bigint NOT NULL REFERENCES products,
    lot_id            bigint REFERENCES lots,
    from_location_id  bigint NOT NULL REFERENCES locations,
    to_location_id    bigint NOT NULL REFERENCES locations,
    qty               bigint NOT NULL CHECK (qty > 0),
    kind              text NOT NULL CHECK (kind IN ('receipt', 'putaway', 'transfer', 'pick', 'pack',
                           'ship', 'return', 'adjustment', 'count', 'scrap', 'unpick')),
    reason_code       text REFERENCES reason_codes,
    order_line_id     bigint,
    rma_line_id       bigint,
    count_line_id     bigint,
    command_key       text,
    scan              text,
    terminal          text,
    note              text NOT NULL DEFAULT '',
    CHECK (from_location_id <> to_location_id)
);
CREATE INDEX stock_movements_by_product ON stock_movements (product_id, id);
CREATE INDEX stock_movements_by_order_line ON stock_movements (order_line_id) WHERE order_line_id IS NOT NULL;

CREATE TRIGGER stock_movements_stamp BEFORE INSERT ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_actor();
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION oms_refuse_change();
CREATE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON stock_movements
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- Applies a statement's movements to the balances, netted per (location, product, lot). Three
-- steps because PostgreSQL checks an INSERT's CHECK constraints before ON CONFLICT turns it into
-- an UPDATE: make sure each balance row exists (at zero), lock the rows in one fixed (product,
-- location) order so concurrent movers cannot deadlock, then apply the deltas. A balance that
-- would go negative in a real location fails the CHECK and the whole statement rolls back.
-- +goose StatementBegin
CREATE FUNCTION oms_apply_movements() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO stock_balances (location_id, location_virtual, product_id, lot_id)
    SELECT DISTINCT d.location_id, l.is_virtual, d.product_id, d.lot_id
      FROM (SELECT from_location_id AS location_id, product_id, lot_id FROM moved
            UNION
            SELECT to_location_id, product_id, lot_id FROM moved) d
      JOIN locations l ON l.id = d.location_id
     ORDER BY d.product_id, d.location_id
    ON CONFLICT DO NOTHING;

    PERFORM 1
       FROM stock_balances b
       JOIN (SELECT from_location_id AS location_id, product_id, lot_id FROM moved
             UNION
             SELECT to_location_id, product_id, lot_id FROM moved) d
         ON b.location_id = d.location_id AND b.product_id = d.product_id
        AND b.lot_id IS NOT DISTINCT FROM d.lot_id
      ORDER BY b.product_id, b.location_id, b.lot_id
        FOR UPDATE OF b;

    UPDATE stock_balances b
       SET on_hand = b.on_hand + d.delta, updated_at = now()
      FROM (SELECT location_id, product_id, lot_id, sum(delta) AS delta
              FROM (SELECT from_location_id AS location_id, product_id, lot_id, -qty AS delta FROM moved
                    UNION ALL
                    SELECT to_location_id, product_id, lot_id, qty FROM moved) m
             GROUP BY 1, 2, 3) d
     WHERE b.location_id = d.location_id AND b.product_id = d.product_id
       AND b.lot_id IS NOT DISTINCT FROM d.lot_id AND d.delta <> 0;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
    REFERENCING NEW TABLE AS moved
    FOR EACH STATEMENT EXECUTE FUNCTION oms_apply_movements();

-- ───────────────────────────── channels, customers ─────────────────────────────

CREATE TABLE channels (
    id            bigserial PRIMARY KEY,
    code          text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]{2,32}$'),
    name          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('webshop', 'marketplace', 'store', 'manual')),
    currency      char(3) NOT NULL REFERENCES currencies,
    warehouse_id  bigint REFERENCES warehouses,
    sla_hours     integer NOT NULL DEFAULT 48 CHECK (sla_hours > 0),
    active        boolean NOT NULL DEFAULT true,
    CHECK (kind <> 'store' OR warehouse_id IS NOT NULL)
);

CREATE TABLE customers (
    id           bigserial PRIMARY KEY,
    channel_id   bigint REFERENCES channels,
    external_id  text,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email        text NOT NULL DEFAULT '',
    phone        text NOT NULL DEFAULT '',
    country      char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    currency     char(3) NOT NULL REFERENCES currencies,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel_id, external_id)
);
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops);

CREATE TABLE addresses (
    id           bigserial PRIMARY KEY,
    customer_id  bigint REFERENCES customers,
    name         text NOT NULL,
    company      text NOT NULL DEFAULT '',
    line1        text NOT NULL,
    line2        text NOT NULL DEFAULT '',
    city         text NOT NULL,
    region       text NOT NULL DEFAULT '',
    postal_code  text NOT NULL DEFAULT '',
    country      char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    phone        text NOT NULL DEFAULT ''
);
CREATE INDEX ON addresses (customer_id);

-- ───────────────────────────── carriers ─────────────────────────────

CREATE TABLE carriers (
    id                 bigserial PRIMARY KEY,
    code               text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]{2,32}$'),
    name               text NOT NULL,
    tracking_url       text NOT NULL DEFAULT '',
    active             boolean NOT NULL DEFAULT true
);

CREATE TABLE carrier_services (
    id             bigserial PRIMARY KEY,
    carrier_id     bigint NOT NULL REFERENCES carriers,
    code           text NOT NULL CHECK (code ~ '^[a-z0-9_-]{1,32}$'),
    name           text NOT NULL,
    max_weight_g   integer NOT NULL CHECK (max_weight_g > 0),
    transit_days   smallint NOT NULL CHECK (transit_days >= 0),
    active         boolean NOT NULL DEFAULT true,
    UNIQUE (carrier_id, code)
);

-- Price of a parcel up to max_weight_g from origin to destination country ('*' = anywhere).
CREATE TABLE carrier_rates (
    id               bigserial PRIMARY KEY,
    service_id       bigint NOT NULL REFERENCES carrier_services,
    origin_country   char(2) NOT NULL,
    dest_country     text NOT NULL CHECK (dest_country = '*' OR dest_country ~ '^[A-Z]{2}$'),
    max_weight_g     integer NOT NULL CHECK (max_weight_g > 0),
    price_minor      bigint NOT NULL CHECK (price_minor >= 0),
    currency         char(3) NOT NULL REFERENCES currencies,
    valid_from       date NOT NULL,
    UNIQUE (service_id, origin_country, dest_country, max_weight_g, valid_from)
);

-- ───────────────────────────── orders ─────────────────────────────

-- status is derived from the lines' quantities plus on_hold and cancelled_at (model.DeriveStatus);
-- it is stored so the queues can be indexed, and `oms check` proves it agrees with the lines.
CREATE TABLE orders (
    id                   bigserial PRIMARY KEY,
    number               text NOT NULL UNIQUE CHECK (number ~ '^[A-Z0-9-]{3,32}$'),
    channel_id           bigint NOT NULL REFERENCES channels,
    external_id          text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 64),
    customer_id          bigint NOT NULL REFERENCES customers,
    customer_name        text NOT NULL,
    ship_to_address_id   bigint NOT NULL REFERENCES addresses,
    bill_to_address_id   bigint REFERENCES addresses,
    warehouse_id         bigint REFERENCES warehouses,
    service_id           bigint REFERENCES carrier_services,
    currency             char(3) NOT NULL REFERENCES currencies,
    subtotal_minor       bigint NOT NULL CHECK (subtotal_minor >= 0),
    shipping_minor       bigint NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    discount_minor       bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    tax_minor            bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor          bigint NOT NULL,
    status               text NOT NULL CHECK (status IN ('pending', 'backordered', 'allocated',
                              'picking', 'picked', 'packed', 'partially_shipped', 'shipped',
                              'partially_returned', 'returned', 'on_hold', 'cancelled')),
    on_hold              boolean NOT NULL DEFAULT false,
    hold_reason          text REFERENCES reason_codes,
    cancelled_at         timestamptz,
    cancel_reason        text REFERENCES reason_codes,
    priority             smallint NOT NULL DEFAULT 0,
    ordered_at           timestamptz NOT NULL,
    promised_at          timestamptz NOT NULL,
    notes                text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    change_xid           xid8,
    UNIQUE (channel_id, external_id),
    CHECK (total_minor = subtotal_minor + shipping_minor + tax_minor - discount_minor),
    CHECK (promised_at >= ordered_at),
    -- Held orders show as held, unless every unit was cancelled meanwhile (model.DeriveStatus).
    CHECK (status <> 'on_hold' OR (on_hold AND cancelled_at IS NULL)),
    CHECK (NOT on_hold OR status IN ('on_hold', 'cancelled')),
    CHECK (cancelled_at IS NULL OR status = 'cancelled')
);
-- Keyset paging of the queues: by status and age, by status and promise date, and the same
-- without a status filter; channel and warehouse filters get their own status-led indexes.
CREATE INDEX orders_status_age      ON orders (status, ordered_at, id);
CREATE INDEX orders_status_promised ON orders (status, promised_at, id);
CREATE INDEX orders_age             ON orders (ordered_at, id);
CREATE INDEX orders_promised        ON orders (promised_at, id);
CREATE INDEX orders_channel_status  ON orders (channel_id, status, ordered_at, id);
CREATE INDEX orders_warehouse_status ON orders (warehouse_id, status, ordered_at, id);
-- The default queue is the open orders (model.OrderStatus.Open): partial indexes keep paging
-- them by keyset as cheap as paging one status. The list must match db.openStatusSQL.
CREATE INDEX orders_open_age        ON orders (ordered_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'partially_shipped', 'on_hold');
CREATE INDEX orders_open_promised   ON orders (promised_at, id)
    WHERE status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'partially_shipped', 'on_hold');
CREATE INDEX orders_customer        ON orders (customer_id);
CREATE INDEX orders_external_id     ON orders (external_id);
CREATE INDEX orders_customer_name_trgm ON orders USING gin (customer_name gin_trgm_ops);
CREATE INDEX orders_changes         ON orders (change_xid);
CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION oms_touch();

-- Quantities are cumulative stages: every shipped unit was packed, every packed unit picked,
-- every picked unit allocated. Open allocation (allocated - shipped) is what reservations hold.
CREATE TABLE order_lines (
    id                  bigserial PRIMARY KEY,
    order_id            bigint NOT NULL REFERENCES orders,
    line_no             integer NOT NULL CHECK (line_no > 0),
    external_line_id    text NOT NULL CHECK (length(external_line_id) BETWEEN 1 AND 64),
    product_id          bigint NOT NULL REFERENCES products,
    description         text NOT NULL DEFAULT '',
    unit_price_minor    bigint NOT NULL CHECK (unit_price_minor >= 0),
    discount_minor      bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    tax_minor           bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    tax_rate_ppm        integer NOT NULL DEFAULT 0 CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
    qty_ordered         integer NOT NULL CHECK (qty_ordered > 0),
    qty_cancelled       integer NOT NULL DEFAULT 0,
    qty_allocated       integer NOT NULL DEFAULT 0,
    qty_picked          integer NOT NULL DEFAULT 0,
    qty_packed          integer NOT NULL DEFAULT 0,
    qty_shipped         integer NOT NULL DEFAULT 0,
    qty_returned        integer NOT NULL DEFAULT 0,
    qty_refunded        integer NOT NULL DEFAULT 0,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    change_xid          xid8,
    UNIQUE (order_id, line_no),
    UNIQUE (order_id, external_line_id),
    CONSTRAINT order_lines_cancelled_in_range CHECK (qty_cancelled BETWEEN 0 AND qty_ordered),
    CONSTRAINT order_lines_allocated_in_range CHECK (qty_allocated BETWEEN 0 AND qty_ordered - qty_cancelled),
    CONSTRAINT order_lines_picked_in_range CHECK (qty_picked BETWEEN 0 AND qty_allocated),
    CONSTRAINT order_lines_packed_in_range CHECK (qty_packed BETWEEN 0 AND qty_picked),
    CONSTRAINT order_lines_shipped_in_range CHECK (qty_shipped BETWEEN 0 AND qty_packed),
    CONSTRAINT order_lines_returned_in_range CHECK (qty_returned BETWEEN 0 AND qty_shipped),
    CONSTRAINT order_lines_refunded_in_range CHECK (qty_refunded BETWEEN 0 AND qty_ordered)
);
CREATE INDEX order_lines_product ON order_lines (product_id);
CREATE INDEX order_lines_changes ON order_lines (change_xid);
CREATE TRIGGER order_lines_touch BEFORE INSERT OR UPDATE ON order_lines
    FOR EACH ROW EXECUTE FUNCTION oms_touch();

-- Stock held for an order line in one location. Σ qty per line = allocated - shipped;
-- Σ qty per (location, product, lot) = stock_balances.reserved. `oms check` proves both.
CREATE TABLE reservations (
    id             bigserial PRIMARY KEY,
    order_line_id  bigint NOT NULL REFERENCES order_lines,
    location_id    bigint NOT NULL REFERENCES locations,
    product_id     bigint NOT NULL REFERENCES products,
    lot_id         bigint REFERENCES lots,
    qty            bigint NOT NULL CHECK (qty > 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (order_line_id, location_id, lot_id)
);
CREATE INDEX reservations_by_balance ON reservations (location_id, product_id);

-- ───────────────────────────── staff ─────────────────────────────

-- One row per person or device; login is the PostgreSQL LOGIN role the person connects as.
CREATE TABLE staff (
    id            bigserial PRIMARY KEY,
    login         text NOT NULL UNIQUE CHECK (login ~ '^[a-z][a-z0-9_]{1,62}$'),
    name          text NOT NULL,
    job           text NOT NULL CHECK (job IN ('picker', 'packer', 'returns', 'stock', 'supervisor', 'admin')),
    warehouse_id  bigint REFERENCES warehouses,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_ssh_keys (
    id           bigserial PRIMARY KEY,
    staff_id     bigint NOT NULL REFERENCES staff,
    public_key   text NOT NULL,
    fingerprint  text NOT NULL UNIQUE,
    comment      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- ───────────────────────────── picking ─────────────────────────────

-- A batch is what a picker claims at once; its lease expires so a lost handheld gives it back.
CREATE TABLE pick_batches (
    id                bigserial PRIMARY KEY,
    warehouse_id      bigint NOT NULL REFERENCES warehouses,
    status            text NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'claimed', 'done', 'cancelled')),
    claimed_by        bigint REFERENCES staff,
    lease_expires_at  timestamptz,
    tote              text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    change_xid        xid8,
    CHECK ((status = 'claimed') = (claimed_by IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX pick_batches_ready ON pick_batches (warehouse_id, id) WHERE status = 'ready';
CREATE INDEX pick_batches_leases ON pick_batches (lease_expires_at) WHERE status = 'claimed';
CREATE TRIGGER pick_batches_touch BEFORE INSERT OR UPDATE ON pick_batches
    FOR EACH ROW EXECUTE FUNCTION oms_touch();

CREATE TABLE pick_tasks (
    id                bigserial PRIMARY KEY,
    batch_id          bigint REFERENCES pick_batches,
    warehouse_id      bigint NOT NULL REFERENCES warehouses,
    order_line_id     bigint NOT NULL REFERENCES order_lines,
    product_id        bigint NOT NULL REFERENCES products,
    lot_id            bigint REFERENCES lots,
    location_id       bigint NOT NULL REFERENCES locations,
    pick_seq          integer NOT NULL,
    qty               integer NOT NULL CHECK (qty > 0),
    qty_picked        integer NOT NULL DEFAULT 0,
    status            text NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'claimed', 'done', 'short', 'cancelled')),
    claimed_by        bigint REFERENCES staff,
    lease_expires_at  timestamptz,
    short_reason      text REFERENCES reason_codes,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    change_xid        xid8,
    CONSTRAINT pick_tasks_picked_in_range CHECK (qty_picked BETWEEN 0 AND qty),
    CHECK (status <> 'short' OR short_reason IS NOT NULL)
);
CREATE INDEX pick_tasks_ready ON pick_tasks (warehouse_id, pick_seq, id) WHERE status = 'ready';
CREATE INDEX pick_tasks_by_batch ON pick_tasks (batch_id, pick_seq) WHERE batch_id IS NOT NULL;
CREATE INDEX pick_tasks_by_line ON pick_tasks (order_line_id);
CREATE TRIGGER pick_tasks_touch BEFORE INSERT OR UPDATE ON pick_tasks
    FOR EACH ROW EXECUTE FUNCTION oms_touch();

-- ───────────────────────────── shipping ─────────────────────────────

CREATE TABLE shipments (
    id               bigserial PRIMARY KEY,
    order_id         bigint NOT NULL REFERENCES orders,
    warehouse_id     bigint NOT NULL REFERENCES warehouses,
    service_id       bigint REFERENCES carrier_services,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'packed', 'shipped', 'delivered', 'cancelled')),
    cost_minor       bigint CHECK (cost_minor >= 0),
    cost_currency    char(3) REFERENCES currencies,
    created_at       timestamptz NOT NULL DEFAULT now(),
    shipped_at       timestamptz,
    delivered_at     timestamptz,
    CHECK ((cost_minor IS NULL) = (cost_currency IS NULL)),
    CHECK (status NOT IN ('shipped', 'delivered') OR shipped_at IS NOT NULL)
);
CREATE INDEX ON shipments (order_id);

CREATE TABLE packages (
    id               bigserial PRIMARY KEY,
    shipment_id      bigint NOT NULL REFERENCES shipments,
    box_code         text NOT NULL DEFAULT '',
    weight_g         integer CHECK (weight_g > 0),
    length_mm        integer CHECK (length_mm > 0),
    width_mm         integer CHECK (width_mm > 0),
    height_mm        integer CHECK (height_mm > 0),
    tracking_number  text UNIQUE,
    label_format     text CHECK (label_format IN ('zpl', 'pdf')),
    label            bytea,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON packages (shipment_id);

CREATE TABLE package_lines (
    package_id     bigint NOT NULL REFERENCES packages,
    order_line_id  bigint NOT NULL REFERENCES order_lines,
    qty            integer NOT NULL CHECK (qty > 0),
    PRIMARY KEY (package_id, order_line_id)
);

-- ───────────────────────────── invoicing ─────────────────────────────

-- Gapless numbering: the number is taken by UPDATE … RETURNING in the invoice's own transaction,
-- so a rolled-back invoice gives its number back.
CREATE TABLE number_series (
    code        text PRIMARY KEY,
    prefix      text NOT NULL,
    next_value  bigint NOT NULL DEFAULT 1 CHECK (next_value > 0),
    width       smallint NOT NULL DEFAULT 6 CHECK (width BETWEEN 1 AND 12)
);

CREATE TABLE invoices (
    id              bigserial PRIMARY KEY,
    series          text NOT NULL REFERENCES number_series,
    seq             bigint NOT NULL CHECK (seq > 0),
    number          text NOT NULL UNIQUE,
    kind            text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    order_id        bigint NOT NULL REFERENCES orders,
    credited_invoice_id bigint REFERENCES invoices,
    currency        char(3) NOT NULL REFERENCES currencies,
    subtotal_minor  bigint NOT NULL,
    tax_minor       bigint NOT NULL,
    total_minor     bigint NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (series, seq),
    CHECK (total_minor = subtotal_minor + tax_minor),
    CHECK ((kind = 'credit_note') = (credited_invoice_id IS NOT NULL))
);
CREATE INDEX ON invoices (order_id);

CREATE TABLE invoice_lines (
    invoice_id        bigint NOT NULL REFERENCES invoices,
    line_no           integer NOT NULL CHECK (line_no > 0),
    order_line_id     bigint REFERENCES order_lines,
    description       text NOT NULL,
    qty               integer NOT NULL CHECK (qty > 0),
    unit_price_minor  bigint NOT NULL,
    tax_rate_ppm      integer NOT NULL CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
    discount_minor    bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    tax_minor         bigint NOT NULL,
    total_minor       bigint NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

-- ───────────────────────────── returns ─────────────────────────────

-- Receiving, inspection and refunding are separate steps: an RMA line can be received without a
-- refund and refunded without being received (a "keep it" refund).
CREATE TABLE rmas (
    id           bigserial PRIMARY KEY,
    number       text NOT NULL UNIQUE,
    order_id     bigint NOT NULL REFERENCES orders,
    status       text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'authorized',
                      'receiving', 'received', 'closed', 'cancelled')),
    resolution   text NOT NULL DEFAULT 'refund' CHECK (resolution IN ('refund', 'exchange', 'store_credit', 'none')),
    reason_code  text REFERENCES reason_codes,
    notes        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1,
    change_xid   xid8
);
CREATE INDEX rmas_open ON rmas (status, created_at, id);
CREATE INDEX ON rmas (order_id);
CREATE TRIGGER rmas_touch BEFORE INSERT OR UPDATE ON rmas
    FOR EACH ROW EXECUTE FUNCTION oms_touch();

CREATE TABLE rma_lines (
    id             bigserial PRIMARY KEY,
    rma_id         bigint NOT NULL REFERENCES rmas,
    order_line_id  bigint NOT NULL REFERENCES order_lines,
    qty_requested  integer NOT NULL CHECK (qty_requested > 0),
    qty_received   integer NOT NULL DEFAULT 0,
    qty_refunded   integer NOT NULL DEFAULT 0,
    reason_code    text REFERENCES reason_codes,
    UNIQUE (rma_id, order_line_id),
    CHECK (qty_received BETWEEN 0 AND qty_requested),
    CHECK (qty_refunded BETWEEN 0 AND qty_requested)
);

-- One inspected unit (or group of identical units) with its grade and where it went.
CREATE TABLE rma_receipts (
    id           bigserial PRIMARY KEY,
    rma_line_id  bigint NOT NULL REFERENCES rma_lines,
    qty          integer NOT NULL CHECK (qty > 0),
    grade        text NOT NULL CHECK (grade IN ('new', 'good', 'damaged', 'defective', 'missing_parts')),
    disposition  text NOT NULL CHECK (disposition IN ('restock', 'quarantine', 'refurbish', 'scrap', 'return_to_vendor')),
    location_id  bigint NOT NULL REFERENCES locations,
    movement_id  bigint REFERENCES stock_movements,
    received_at  timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL DEFAULT current_user
);

CREATE TABLE refunds (
    id            bigserial PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES orders,
    rma_id        bigint REFERENCES rmas,
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    currency      char(3) NOT NULL REFERENCES currencies,
    method        text NOT NULL CHECK (method IN ('original_payment', 'store_credit', 'cash', 'bank_transfer')),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL DEFAULT current_user
);
CREATE INDEX ON refunds (order_id);

-- ───────────────────────────── stock counts ─────────────────────────────

CREATE TABLE stock_counts (
    id            bigserial PRIMARY KEY,
    warehouse_id  bigint NOT NULL REFERENCES warehouses,
    kind          text NOT NULL DEFAULT 'cycle' CHECK (kind IN ('cycle', 'full', 'spot')),
    blind         boolean NOT NULL DEFAULT true,
    status        text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'counting',
                       'counted', 'review', 'approved', 'posted', 'cancelled')),
    created_by    text NOT NULL DEFAULT current_user,
    approved_by   text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    change_xid    xid8
);
CREATE INDEX stock_counts_open ON stock_counts (warehouse_id, status, id) WHERE status NOT IN ('posted', 'cancelled');
CREATE TRIGGER stock_counts_touch BEFORE INSERT OR UPDATE ON stock_counts
    FOR EACH ROW EXECUTE FUNCTION oms_touch();

-- expected_qty is the system quantity when the line was counted (net of in-flight picks); a blind
-- count never shows it to the counter.
CREATE TABLE stock_count_lines (
    id            bigserial PRIMARY KEY,
    count_id      bigint NOT NULL REFERENCES stock_counts,
    location_id   bigint NOT NULL REFERENCES locations,
    product_id    bigint NOT NULL REFERENCES products,
    lot_id        bigint REFERENCES lots,
    expected_qty  bigint,
    counted_qty   bigint CHECK (counted_qty >= 0),
    counted_by    text,
    counted_at    timestamptz,
    reason_code   text REFERENCES reason_codes,
    claimed_by    bigint REFERENCES staff,
    lease_expires_at timestamptz,
    UNIQUE NULLS NOT DISTINCT (count_id, location_id, product_id, lot_id)
);
CREATE INDEX stock_count_lines_todo ON stock_count_lines (count_id, location_id) WHERE counted_qty IS NULL;

-- ───────────────────────────── commands and history ─────────────────────────────

-- Every command a person or file triggers carries a key, claimed in the same transaction as its
-- effect: a retry finds the key and returns the first result instead of applying twice.
CREATE TABLE idempotency_keys (
    key           text PRIMARY KEY CHECK (length(key) BETWEEN 8 AND 128),
    command       text NOT NULL,
    request_hash  text NOT NULL,
    actor         text NOT NULL DEFAULT current_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    result        jsonb
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

-- What happened to what, by whom, from which terminal. Append-only like the ledger.
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL DEFAULT current_user,
    entity      text NOT NULL CHECK (entity IN ('order', 'shipment', 'rma', 'count', 'product',
                     'stock', 'staff', 'batch', 'import')),
    entity_id   bigint NOT NULL,
    order_id    bigint REFERENCES orders,
    kind        text NOT NULL CHECK (kind ~ '^[a-z_.]{2,48}$'),
    message     text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}',
    terminal    text NOT NULL DEFAULT '',
    command_key text
);
CREATE INDEX events_by_order ON events (order_id, id) WHERE order_id IS NOT NULL;
CREATE INDEX events_by_entity ON events (entity, entity_id, id);
CREATE TRIGGER events_stamp BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_actor();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION oms_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION oms_refuse_change();

-- The ledger's links to what caused a movement, declared here because those tables come later.
ALTER TABLE stock_movements
    ADD FOREIGN KEY (order_line_id) REFERENCES order_lines,
    ADD FOREIGN KEY (rma_line_id) REFERENCES rma_lines,
    ADD FOREIGN KEY (count_line_id) REFERENCES stock_count_lines;

-- +goose Down
-- The schema is the foundation of every installation; it is never rolled back automatically.
SELECT 1;
