-- The packing boxes of each warehouse (issue 9, `oms catalog import boxes`): the cartons a packer
-- may choose from, by code within the warehouse, with their inside measures (what fits), the
-- weight they may carry and their own (tare) weight. Stock control keeps the list, as it keeps
-- the bins (migration 00009); the supervisor, who holds every operational job, too; everyone
-- who reads master data reads it. A box is never deleted, only retired with active = false, so
-- packages that name it keep their meaning.

-- +goose Up
CREATE TABLE boxes (
    id             bigserial PRIMARY KEY,
    warehouse_id   bigint NOT NULL REFERENCES warehouses,
    code           text NOT NULL CHECK (code ~ '^[A-Z0-9-]{1,16}$'),
    name           text NOT NULL CHECK (btrim(name) <> ''),
    length_mm      integer NOT NULL CHECK (length_mm > 0),
    width_mm       integer NOT NULL CHECK (width_mm > 0),
    height_mm      integer NOT NULL CHECK (height_mm > 0),
    max_weight_g   integer NOT NULL CHECK (max_weight_g > 0),
    tare_weight_g  integer NOT NULL DEFAULT 0 CHECK (tare_weight_g >= 0),
    active         boolean NOT NULL DEFAULT true,
    UNIQUE (warehouse_id, code)
);
ALTER TABLE boxes OWNER TO oms_owner;
GRANT SELECT ON boxes TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_admin;
GRANT INSERT, UPDATE ON boxes TO oms_stock;
GRANT USAGE ON SEQUENCE boxes_id_seq TO oms_stock;

-- +goose Down
DROP TABLE boxes;
