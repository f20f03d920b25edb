-- Automatic release (issue 13): a warehouse may release its allocated orders to the floor on a
-- timer, every pick_release_every (NULL: only when someone runs `oms waves release`).
-- `oms waves release --follow` releases each warehouse that is due: the last batch it made is
-- older than the interval. Supervisors set it (`oms waves auto`), as admins set the rest of a
-- warehouse.

-- +goose Up
ALTER TABLE warehouses ADD COLUMN pick_release_every interval
    CONSTRAINT warehouses_pick_release_every_range
    CHECK (pick_release_every IS NULL OR pick_release_every BETWEEN interval '1 minute' AND interval '1 day');
GRANT UPDATE (pick_release_every) ON warehouses TO oms_supervisor;

-- +goose Down
REVOKE UPDATE (pick_release_every) ON warehouses FROM oms_supervisor;
ALTER TABLE warehouses DROP COLUMN pick_release_every;
