-- Who may do what (issue 8, ARCHITECTURE.md §7): every
-- client talks straight to PostgreSQL, so PostgreSQL decides.
--
--  * oms_owner (NOLOGIN) owns every table, view, sequence, type and function; no client role
--    owns anything. The trigger functions that write what the database keeps (balances, counts,
--    invoice numbers, received units) run as it: SECURITY DEFINER, PUBLIC execute revoked.
--  * One NOLOGIN group per job: oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice,
--    oms_supervisor (member of the five operational jobs, plus creating pick work and approving
--    counts) and oms_admin (staff, roles, keys; reads everything for `oms check`). A person or
--    device is a LOGIN role that is a member of one or more groups. The grants below are the
--    design; db/roles_test.go holds the same table and compares every job, table and verb.
--  * Values a grant cannot express are checked by the database as the caller: a movement's kind
--    is the work of a job (a picker posts picks, stock control posts receipts and adjustments),
--    a count is approved by a supervisor. Customers' e-mail and phone are not readable by
--    pickers and packers (column privileges).
--  * Row security on orders: a person whose staff row names a store sees and writes only that
--    store's orders. Who sees what is decided by two NOLOGIN roles that only oms_staff_add hands
--    out, one per login, never to a job group: oms_sees_all_orders and oms_sees_store_orders.
--    A login that SET ROLEs to one of its job groups then sees no orders at all, so a store's
--    clerk cannot escape the policy that way. Why not one policy for everyone that looks the
--    person up: a row-security condition makes PostgreSQL refuse to use an index for any
--    condition of the query that is not leakproof (LIKE is not), so every search of orders by
--    name would read the whole table. The policy for everyone else is "true", which the planner
--    removes, so they pay nothing.
--  * The audit trail names the person and the terminal. oms_actor() is the session's login, or,
--    when the session is the SSH server's pool (a member of oms_server), the person the server
--    names in oms.person for each transaction; a direct client cannot set who it is. Movements
--    and events are stamped with it and with the terminal (application_name), inspections,
--    refunds and counts with it; a movement or event that says another time or actor is refused
--    rather than rewritten.
--  * Staff are managed through SECURITY DEFINER functions owned by oms_staff_admin (NOLOGIN,
--    CREATEROLE, no members), callable only by oms_admin. On PostgreSQL 15 a role with CREATEROLE
--    could grant anything to anyone, so the functions check each login and job against the
--    allowlist before any role statement runs.
--  * Every function with a search_path now ends it with pg_temp: unless it is named, the
--    session's temporary schema is searched first, and a client could shadow stock_balances
--    with a temporary table of its own inside the owner's trigger functions.
--
-- Roles belong to the whole server, so they are created only when missing; a second database on
-- the same server (the tests clone dozens) shares them. This migration runs as a superuser: it
-- takes every object over from whoever made it. Later ones may run as a role with CREATEROLE that
-- is a member of oms_owner (they should SET LOCAL ROLE oms_owner, or end by handing what they
-- create to it; db/roles_test.go finds anything owned by another role).

-- +goose Up

-- Role statements of concurrent migrations of other databases on the same server wait for each
-- other (pg_authid is shared, so is its lock). Only a superuser may lock it; others take turns by
-- luck and the duplicate handlers below.
-- +goose StatementBegin
DO $$
BEGIN
    IF current_setting('is_superuser') = 'on' THEN
        LOCK TABLE pg_catalog.pg_authid IN SHARE ROW EXCLUSIVE MODE;
    END IF;
END $$;
-- +goose StatementEnd

-- ───────────────────────────── roles ─────────────────────────────

-- +goose StatementBegin
DO $$
DECLARE
    r text;
    bad record;
BEGIN
    FOREACH r IN ARRAY ARRAY['oms_owner', 'oms_picker', 'oms_packer', 'oms_returns', 'oms_stock',
                             'oms_backoffice', 'oms_supervisor', 'oms_admin', 'oms_server',
                             'oms_sees_all_orders', 'oms_sees_store_orders', 'oms_staff_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database's migration made it a moment ago
            END;
        END IF;
        SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolreplication, rolcreatedb,
               rolcreaterole INTO bad FROM pg_roles WHERE rolname = r;
        IF bad.rolsuper OR bad.rolbypassrls OR bad.rolreplication THEN
            RAISE EXCEPTION 'role % already exists with SUPERUSER, BYPASSRLS or REPLICATION: oms will not use it', r
                USING HINT = 'drop or alter the role, then run oms migrate again';
        END IF;
        IF bad.rolcanlogin OR bad.rolcreatedb THEN
            EXECUTE format('ALTER ROLE %I NOLOGIN NOCREATEDB', r);
        END IF;
        IF bad.rolcreaterole <> (r = 'oms_staff_admin') THEN
            EXECUTE format('ALTER ROLE %I %s', r, CASE WHEN r = 'oms_staff_admin' THEN 'CREATEROLE' ELSE 'NOCREATEROLE' END);
        END IF;
    END LOOP;
END $$;
-- +goose StatementEnd

-- Grants one role to another unless it is granted already (a repeated GRANT of a role is
-- harmless, but two databases migrating at once could both insert the same membership).
-- +goose StatementBegin
CREATE FUNCTION oms_grant_role(granted text, grantee text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                    WHERE m.roleid = (SELECT r.oid FROM pg_roles r WHERE r.rolname = granted)
                      AND m.member = (SELECT r.oid FROM pg_roles r WHERE r.rolname = grantee)) THEN
        EXECUTE format('GRANT %I TO %I', granted, grantee);
    END IF;
EXCEPTION WHEN unique_violation THEN
    NULL;
END $$;
-- +goose StatementEnd

-- The supervisor does every operational job; the SSH server's pool sees every order (each of its
-- sessions runs as its person, whose own scope applies); the staff functions end sessions.
SELECT oms_grant_role(j, 'oms_supervisor')
  FROM unnest(ARRAY['oms_picker', 'oms_packer', 'oms_returns', 'oms_stock', 'oms_backoffice']) j;
SELECT oms_grant_role('oms_sees_all_orders', 'oms_server');
SELECT oms_grant_role('pg_signal_backend', 'oms_staff_admin');
DROP FUNCTION oms_grant_role(text, text);

-- The owner creates what later migrations add when they run as a member of it.
GRANT CREATE, USAGE ON SCHEMA public TO oms_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- ───────────────────────────── staff and their keys ─────────────────────────────

ALTER TABLE staff DROP CONSTRAINT staff_job_check,
    ADD CONSTRAINT staff_job_check CHECK (job IN ('picker', 'packer', 'returns', 'stock', 'backoffice', 'supervisor', 'admin'));

-- staff_ssh_keys was never used; keys are kept by login, as the SSH server looks them up.
DROP TABLE staff_ssh_keys;

-- The public keys a person may log in to the SSH server with, one row per key. fingerprint is
-- OpenSSH's SHA256 fingerprint of the key's blob; public_key is the authorized_keys line
-- (algorithm, blob, comment; no options).
CREATE TABLE staff_keys (
    id           bigserial PRIMARY KEY,
    login        text NOT NULL REFERENCES staff (login),
    algorithm    text NOT NULL CHECK (algorithm ~ '^[a-z0-9@.-]{3,64}$'),
    fingerprint  text NOT NULL UNIQUE CHECK (fingerprint ~ '^SHA256:[A-Za-z0-9+/]{43}$'),
    public_key   text NOT NULL,
    comment      text NOT NULL DEFAULT '',
    added_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_keys_by_login ON staff_keys (login);

-- ───────────────────────────── who is acting ─────────────────────────────

-- The person behind the session: its login, or for the SSH server's pool (a member of
-- oms_server) the person it names in oms.person for each transaction. A superuser counts as a
-- member of every role, so a superuser session may name a person too; without one it is itself.
-- No SET search_path here or in oms_backdating: they name no table (functions are never looked
-- up in pg_temp, and no client may create any in public), and a function with SET options cannot
-- be inlined into the stamp triggers, which run for every movement.
-- +goose StatementBegin
CREATE FUNCTION oms_actor() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN pg_has_role(session_user, 'oms_server', 'MEMBER')
                THEN coalesce(nullif(current_setting('oms.person', true), ''), session_user::text)
                ELSE session_user::text END
$$;
-- +goose StatementEnd

-- True while `oms seed` writes synthetic history (a superuser session with oms.backdate on):
-- then the time and actor it wrote are kept.
-- +goose StatementBegin
CREATE FUNCTION oms_backdating() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT current_setting('oms.backdate', true) IS NOT DISTINCT FROM 'on'
       AND current_setting('is_superuser') = 'on'
$$;
-- +goose StatementEnd

-- Movements and events: the database says when, who and from which terminal. A row that names
-- another time or another person is refused, so a client learns it cannot backdate or impersonate.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_stamp_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who text;
BEGIN
    IF oms_backdating() THEN
        RETURN NEW;
    END IF;
    who := oms_actor();
    IF NEW.at IS DISTINCT FROM now() THEN
        RAISE EXCEPTION '% are stamped with the time they are written: one cannot be dated %', TG_TABLE_NAME, NEW.at
            USING ERRCODE = 'insufficient_privilege', HINT = 'leave "at" out; post a correcting entry for the past';
    END IF;
    IF NEW.actor IS DISTINCT FROM who THEN
        RAISE EXCEPTION '% are stamped with who writes them: % cannot write one as %', TG_TABLE_NAME, who, NEW.actor
            USING ERRCODE = 'insufficient_privilege', HINT = 'leave "actor" out';
    END IF;
    NEW.terminal := coalesce(current_setting('application_name', true), '');
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER TABLE stock_movements ALTER COLUMN actor SET DEFAULT oms_actor();
ALTER TABLE events ALTER COLUMN actor SET DEFAULT oms_actor();

-- Which job's work a movement of each kind is. The supervisor holds every operational job.
-- +goose StatementBegin
CREATE FUNCTION oms_movement_job(kind text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE kind
        WHEN 'pick' THEN ARRAY['picker'] WHEN 'unpick' THEN ARRAY['picker']
        WHEN 'pack' THEN ARRAY['packer'] WHEN 'ship' THEN ARRAY['packer']
        WHEN 'return' THEN ARRAY['returns']
        WHEN 'transfer' THEN ARRAY['stock', 'returns'] WHEN 'scrap' THEN ARRAY['stock', 'returns']
        ELSE ARRAY['stock'] END -- receipt, putaway, adjustment, count
$$;
-- +goose StatementEnd

-- The ledger's stamp: as oms_stamp_actor, and the kind must be the work of one of the writer's
-- jobs. A superuser and the owner (the database's own functions) may post any kind.
-- +goose StatementBegin
CREATE FUNCTION oms_stamp_movement() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    jobs text[];
    who text;
BEGIN
    IF oms_backdating() THEN
        RETURN NEW;
    END IF;
    who := oms_actor();
    jobs := oms_movement_job(NEW.kind);
    IF NOT (pg_has_role('oms_' || jobs[1], 'USAGE')
            OR (cardinality(jobs) > 1 AND pg_has_role('oms_' || jobs[2], 'USAGE'))
            OR oms_is_owner(TG_RELID)) THEN
        RAISE EXCEPTION 'a % movement is the work of the % role, which % does not hold',
            NEW.kind, array_to_string(jobs, ' or '), who
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.at IS DISTINCT FROM now() THEN
        RAISE EXCEPTION 'stock movements are stamped with the time they are posted: one cannot be dated %', NEW.at
            USING ERRCODE = 'insufficient_privilege', HINT = 'leave "at" out; post a correcting movement for the past';
    END IF;
    IF NEW.actor IS DISTINCT FROM who THEN
        RAISE EXCEPTION 'stock movements are stamped with who posts them: % cannot post one as %', who, NEW.actor
            USING ERRCODE = 'insufficient_privilege', HINT = 'leave "actor" out';
    END IF;
    NEW.terminal := nullif(current_setting('application_name', true), '');
    RETURN NEW;
END $$;
-- +goose StatementEnd
DROP TRIGGER stock_movements_stamp ON stock_movements;
CREATE TRIGGER stock_movements_stamp BEFORE INSERT ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_movement();

-- Inspections, refunds and counts name the person too, whatever the client wrote.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION oms_stamp_receipt() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT oms_backdating() THEN
        NEW.received_at := now();
        NEW.actor := oms_actor();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER TABLE rma_receipts ALTER COLUMN actor SET DEFAULT oms_actor();

-- +goose StatementBegin
CREATE FUNCTION oms_stamp_refund() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT oms_backdating() THEN
        NEW.created_at := now();
        NEW.actor := oms_actor();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER TABLE refunds ALTER COLUMN actor SET DEFAULT oms_actor();
CREATE TRIGGER refunds_stamp BEFORE INSERT ON refunds
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_refund();

-- A count names who asked for it and who approved it; approving is a supervisor's job.
-- +goose StatementBegin
CREATE FUNCTION oms_stamp_count() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF oms_backdating() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.created_by := oms_actor();
        NEW.approved_by := NULL;
    ELSE
        NEW.created_by := OLD.created_by;
        NEW.approved_by := OLD.approved_by;
    END IF;
    IF NEW.status = 'approved' AND (TG_OP = 'INSERT' OR OLD.status <> 'approved') THEN
        IF NOT pg_has_role('oms_supervisor', 'USAGE') THEN
            RAISE EXCEPTION 'approving a count is the work of the supervisor role, which % does not hold', oms_actor()
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.approved_by := oms_actor();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
ALTER TABLE stock_counts ALTER COLUMN created_by SET DEFAULT oms_actor();
CREATE TRIGGER stock_counts_stamp BEFORE INSERT OR UPDATE ON stock_counts
    FOR EACH ROW EXECUTE FUNCTION oms_stamp_count();

-- +goose StatementBegin
CREATE FUNCTION oms_stamp_counted() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT oms_backdating() THEN
        NEW.counted_by := oms_actor();
        NEW.counted_at := now();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_count_lines_counted BEFORE INSERT OR UPDATE OF counted_qty ON stock_count_lines
    FOR EACH ROW WHEN (NEW.counted_qty IS NOT NULL) EXECUTE FUNCTION oms_stamp_counted();

ALTER TABLE idempotency_keys ALTER COLUMN actor SET DEFAULT oms_actor();

-- ───────────────────────────── row security: a store sees its own orders ─────────────────────────────

-- The warehouse of a person's store, or NULL. The policy passes current_user, not oms_actor():
-- a login that SET ROLEs to a group sees no orders at all (see the top of this file), and the
-- SSH server sets the person's role before each transaction. (Inside this function current_user
-- would be its owner.)
-- +goose StatementBegin
CREATE FUNCTION oms_store_of(who name) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT s.warehouse_id FROM staff s JOIN warehouses w ON w.id = s.warehouse_id
     WHERE s.login = who AND s.active AND w.kind = 'store'
$$;
-- +goose StatementEnd

ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
-- oms_owner and its members (an installation's migrating admin) own the table, so row security
-- does not apply to them: their `oms check` audits every order.
CREATE POLICY orders_every_warehouse ON orders FOR ALL TO oms_sees_all_orders
    USING (true) WITH CHECK (true);
CREATE POLICY orders_own_store ON orders FOR ALL TO oms_sees_store_orders
    USING (warehouse_id = (SELECT oms_store_of(current_user))) WITH CHECK (warehouse_id = (SELECT oms_store_of(current_user)));

-- ───────────────────────────── staff administration ─────────────────────────────

-- The job groups a staff function may grant, in the order `oms staff` lists them.
-- +goose StatementBegin
CREATE FUNCTION oms_staff_jobs() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['picker', 'packer', 'returns', 'stock', 'backoffice', 'supervisor', 'admin']
$$;
-- +goose StatementEnd

-- Refuses jobs outside the allowlist (and an empty list when one is needed).
-- +goose StatementBegin
CREATE FUNCTION oms_staff_check_jobs(jobs text[], need_one boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    bad text;
BEGIN
    IF need_one AND coalesce(cardinality(jobs), 0) = 0 THEN
        RAISE EXCEPTION 'a staff member needs at least one job role: one of %', array_to_string(oms_staff_jobs(), ', ')
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT j INTO bad FROM unnest(jobs) j WHERE j IS NULL OR NOT j = ANY (oms_staff_jobs()) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is not a job role: the roles are %', coalesce(quote_literal(bad), 'an empty name'),
            array_to_string(oms_staff_jobs(), ', ') USING ERRCODE = 'check_violation';
    END IF;
END $$;
-- +goose StatementEnd

-- The staff row of a login that has a login role, locked; refuses anything else, so the
-- functions below never touch a role that is not a staff member's.
-- +goose StatementBegin
CREATE FUNCTION oms_staff_member(who text) RETURNS staff
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s staff;
BEGIN
    SELECT * INTO s FROM staff WHERE login = who FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no staff member has the login %', coalesce(who, '(none)') USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who AND NOT rolsuper) THEN
        RAISE EXCEPTION '% has no login role of their own: add them with oms staff add', who USING ERRCODE = 'no_data_found';
    END IF;
    RETURN s;
END $$;
-- +goose StatementEnd

-- The job groups a login is a member of directly, in allowlist order.
-- +goose StatementBegin
CREATE FUNCTION oms_staff_jobs_of(who text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT coalesce(array_agg(j ORDER BY array_position(oms_staff_jobs(), j)), '{}')
      FROM unnest(oms_staff_jobs()) j
     WHERE EXISTS (SELECT 1 FROM pg_auth_members m
                    JOIN pg_roles g ON g.oid = m.roleid AND g.rolname = 'oms_' || j
                    JOIN pg_roles l ON l.oid = m.member AND l.rolname = who)
$$;
-- +goose StatementEnd

-- Adds a person: a LOGIN role named login (with the password, which may be a SCRAM verifier,
-- or none), member of the jobs' groups and of the orders they may see, granted to oms_server
-- so the SSH server can act as them, and their staff row. A staff row without a login role (as
-- the demo data has) is taken over; an existing role is refused.
-- +goose StatementBegin
CREATE FUNCTION oms_staff_add(login text, name text, jobs text[], warehouse text, password text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    wh warehouses;
    j text;
    id bigint;
BEGIN
    IF login IS NULL OR login !~ '^[a-z][a-z0-9_]{1,30}$' THEN
        RAISE EXCEPTION 'a login is a lower-case letter and 1 to 30 more lower-case letters, digits or _, not %',
            coalesce(quote_literal(login), 'nothing') USING ERRCODE = 'check_violation';
    END IF;
    IF login ~ '^(pg|oms)_' OR login IN ('public', 'postgres', 'none') THEN
        RAISE EXCEPTION 'the login % is reserved for the database and oms: choose another', login
            USING ERRCODE = 'check_violation';
    END IF;
    IF coalesce(btrim(name), '') = '' THEN
        RAISE EXCEPTION 'a staff member needs a name' USING ERRCODE = 'check_violation';
    END IF;
    PERFORM oms_staff_check_jobs(jobs, true);
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = login) THEN
        RAISE EXCEPTION 'the login % already exists', login USING ERRCODE = 'unique_violation';
    END IF;
    IF coalesce(warehouse, '') <> '' THEN
        SELECT * INTO wh FROM warehouses w WHERE w.code = warehouse;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'there is no warehouse %', warehouse USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;

    IF coalesce(password, '') = '' THEN
        EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', login);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
                       login, password);
    END IF;
    FOREACH j IN ARRAY jobs LOOP
        EXECUTE format('GRANT %I TO %I', 'oms_' || j, login);
    END LOOP;
    EXECUTE format('GRANT %I TO %I', CASE WHEN wh.kind = 'store' THEN 'oms_sees_store_orders' ELSE 'oms_sees_all_orders' END, login);
    EXECUTE format('GRANT %I TO oms_server', login);

    INSERT INTO staff AS s (login, name, job, warehouse_id) VALUES (login, btrim(name), jobs[1], wh.id)
    ON CONFLICT ON CONSTRAINT staff_login_key
    DO UPDATE SET name = EXCLUDED.name, job = EXCLUDED.job, warehouse_id = EXCLUDED.warehouse_id, active = true
    RETURNING s.id INTO id;
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('staff', id, 'staff.added',
            format('Added %s (%s) as %s%s', login, btrim(name), array_to_string(jobs, ', '), coalesce(' at ' || wh.code, '')),
            jsonb_build_object('login', login, 'jobs', to_jsonb(jobs), 'warehouse', wh.code));
END $$;
-- +goose StatementEnd

-- Grants and revokes job groups of a staff member; the first job they hold stays their job.
-- +goose StatementBegin
CREATE FUNCTION oms_staff_set_jobs(login text, jobs_add text[], jobs_remove text[]) RETURNS text[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s staff;
    j text;
    now_jobs text[];
BEGIN
    PERFORM oms_staff_check_jobs(coalesce(jobs_add, '{}'), false);
    PERFORM oms_staff_check_jobs(coalesce(jobs_remove, '{}'), false);
    IF jobs_add && jobs_remove THEN
        RAISE EXCEPTION 'a job role cannot be both added and removed: %', array_to_string(
            ARRAY(SELECT unnest(jobs_add) INTERSECT SELECT unnest(jobs_remove)), ', ') USING ERRCODE = 'check_violation';
    END IF;
    s := oms_staff_member(login);
    FOREACH j IN ARRAY coalesce(jobs_add, '{}') LOOP
        IF NOT j = ANY (oms_staff_jobs_of(login)) THEN
            EXECUTE format('GRANT %I TO %I', 'oms_' || j, login);
        END IF;
    END LOOP;
    FOREACH j IN ARRAY coalesce(jobs_remove, '{}') LOOP
        IF j = ANY (oms_staff_jobs_of(login)) THEN
            EXECUTE format('REVOKE %I FROM %I', 'oms_' || j, login);
        END IF;
    END LOOP;
    now_jobs := oms_staff_jobs_of(login);
    IF cardinality(now_jobs) = 0 THEN
        RAISE EXCEPTION '% would hold no job role: add another before removing %', login, array_to_string(jobs_remove, ', ')
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT s.job = ANY (now_jobs) THEN
        UPDATE staff SET job = now_jobs[1] WHERE id = s.id;
    END IF;
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('staff', s.id, 'staff.jobs', format('%s now holds %s', login, array_to_string(now_jobs, ', ')),
            jsonb_build_object('login', login, 'added', to_jsonb(coalesce(jobs_add, '{}'::text[])),
                               'removed', to_jsonb(coalesce(jobs_remove, '{}'::text[])), 'jobs', to_jsonb(now_jobs)));
    RETURN now_jobs;
END $$;
-- +goose StatementEnd

-- No new logins, the staff row inactive, the person's sessions ended (not the caller's own).
-- +goose StatementBegin
CREATE FUNCTION oms_staff_disable(login text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s staff;
    ended integer;
BEGIN
    s := oms_staff_member(login);
    EXECUTE format('ALTER ROLE %I NOLOGIN', login);
    UPDATE staff SET active = false WHERE id = s.id;
    SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid)) INTO ended
      FROM pg_stat_activity a WHERE a.usename = login AND a.pid <> pg_backend_pid();
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('staff', s.id, 'staff.disabled', format('Disabled %s; %s session(s) ended', login, ended),
            jsonb_build_object('login', login, 'sessions_ended', ended));
    RETURN ended;
END $$;
-- +goose StatementEnd

-- Registers a public key (an authorized_keys line: algorithm, base64 blob, comment) for a staff
-- member and returns its fingerprint, computed here from the blob. The same key again is
-- accepted; a key registered to someone else is refused.
-- +goose StatementBegin
CREATE FUNCTION oms_staff_add_key(login text, line text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s staff;
    parts text[];
    blob bytea;
    fp text;
    holder text;
BEGIN
    s := oms_staff_member(login);
    parts := regexp_match(btrim(coalesce(line, '')), '^([a-z0-9@.-]{3,64})[ \t]+([A-Za-z0-9+/]+={0,2})(?:[ \t]+(.*))?$');
    IF parts IS NULL THEN
        RAISE EXCEPTION 'that is not a public key line (algorithm, key, comment)' USING ERRCODE = 'check_violation';
    END IF;
    BEGIN
        blob := decode(parts[2], 'base64');
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'the % key is not valid base64', parts[1] USING ERRCODE = 'check_violation';
    END;
    -- The blob starts with its own algorithm name: a line cannot claim another.
    IF length(blob) < 4 + length(parts[1]) OR substring(blob FROM 5 FOR length(parts[1])) <> convert_to(parts[1], 'UTF8') THEN
        RAISE EXCEPTION 'the key does not hold a % key', parts[1] USING ERRCODE = 'check_violation';
    END IF;
    fp := 'SHA256:' || rtrim(replace(encode(sha256(blob), 'base64'), E'\n', ''), '=');
    SELECT k.login INTO holder FROM staff_keys k WHERE k.fingerprint = fp;
    IF holder = login THEN
        RETURN fp;
    ELSIF holder IS NOT NULL THEN
        RAISE EXCEPTION 'the key % is already registered to %: a key belongs to one person', fp, holder
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO staff_keys (login, algorithm, fingerprint, public_key, comment)
    VALUES (login, parts[1], fp, parts[1] || ' ' || parts[2] || coalesce(' ' || nullif(btrim(parts[3]), ''), ''),
            coalesce(btrim(parts[3]), ''));
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('staff', s.id, 'staff.key_added', format('Added the %s key %s for %s', parts[1], fp, login),
            jsonb_build_object('login', login, 'fingerprint', fp));
    RETURN fp;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION oms_staff_remove_key(login text, fingerprint text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s staff;
BEGIN
    s := oms_staff_member(login);
    DELETE FROM staff_keys k WHERE k.login = s.login AND k.fingerprint = oms_staff_remove_key.fingerprint;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% has no key %', login, fingerprint USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO events (entity, entity_id, kind, message, data)
    VALUES ('staff', s.id, 'staff.key_removed', format('Removed the key %s of %s', fingerprint, login),
            jsonb_build_object('login', login, 'fingerprint', fingerprint));
END $$;
-- +goose StatementEnd

-- ───────────────────────────── owners ─────────────────────────────

-- Everything belongs to oms_owner, except the staff functions, which run as oms_staff_admin
-- (it has CREATEROLE; oms_owner does not). Objects of extensions stay with the extension.
-- ALTER TABLE takes a table's sequences and row type along.
-- +goose StatementBegin
DO $$
DECLARE
    o record;
BEGIN
    FOR o IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                   AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i')) LOOP
        EXECUTE format('ALTER %s %s OWNER TO oms_owner',
                       CASE o.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, o.rel);
    END LOOP;
    FOR o IN SELECT t.oid::regtype AS typ FROM pg_type t
              WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('c', 'e', 'd')
                AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                                   AND d.objid = t.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO oms_owner', o.typ);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS fn, p.proname FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                   AND d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', o.fn,
                       CASE WHEN o.proname IN ('oms_staff_add', 'oms_staff_set_jobs', 'oms_staff_disable',
                                               'oms_staff_add_key', 'oms_staff_remove_key')
                            THEN 'oms_staff_admin' ELSE 'oms_owner' END);
    END LOOP;
END $$;
-- +goose StatementEnd

-- What the staff functions write, as their owner.
GRANT SELECT ON warehouses TO oms_staff_admin;
GRANT SELECT, INSERT, UPDATE ON staff TO oms_staff_admin;
GRANT SELECT, INSERT, DELETE ON staff_keys TO oms_staff_admin;
GRANT INSERT ON events TO oms_staff_admin;
GRANT USAGE ON SEQUENCE staff_id_seq, staff_keys_id_seq, events_id_seq TO oms_staff_admin;

-- ───────────────────────────── search paths and who may call what ─────────────────────────────

-- pg_temp last, everywhere a search_path is pinned (see the top of this file).
-- +goose StatementBegin
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::regprocedure AS fn,
                    (SELECT substr(c, 13) FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%') AS path
               FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms\_%'
                AND EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%') LOOP
        IF f.path !~ 'pg_temp$' THEN
            EXECUTE format('ALTER FUNCTION %s SET search_path = %s, pg_temp', f.fn, f.path);
        END IF;
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'oms\_%' LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
-- +goose StatementEnd
-- Used by every client's queries, guards that run as the caller and column defaults.
GRANT EXECUTE ON FUNCTION oms_is_owner(regclass), oms_actor(), oms_backdating(), oms_movement_job(text),
    oms_derive_status(boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint), oms_money(numeric, char),
    oms_order_is_open(text), oms_search_fold(text), oms_phone_key(text), oms_postcode_key(text) TO PUBLIC;
GRANT EXECUTE ON FUNCTION oms_store_of(name) TO oms_sees_store_orders;
GRANT EXECUTE ON FUNCTION oms_staff_add(text, text, text[], text, text), oms_staff_set_jobs(text, text[], text[]),
    oms_staff_disable(text), oms_staff_add_key(text, text), oms_staff_remove_key(text, text) TO oms_admin;
-- The staff functions call these as their owner.
GRANT EXECUTE ON FUNCTION oms_staff_jobs(), oms_staff_check_jobs(text[], boolean), oms_staff_jobs_of(text),
    oms_staff_member(text) TO oms_staff_admin;

-- ───────────────────────────── grants per job ─────────────────────────────

-- Everyone reads the reference data, the places, the catalogue, the stock, the order queue and
-- its counts, who works here, the history and the schema version (every command checks it).
GRANT SELECT ON goose_db_version, currencies, fx_rates, tax_categories, tax_rates, reason_codes, number_series,
    warehouses, locations, products, product_barcodes, lots, stock_balances, stock_movements, reservations,
    channels, addresses, carriers, carrier_services, carrier_rates, orders, order_lines, order_counts,
    order_count_deltas, order_counts_live, staff, pick_batches, pick_tasks, shipments, packages, package_lines,
    rmas, rma_lines, rma_receipts, stock_counts, stock_count_lines, idempotency_keys, events
    TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice, oms_admin;
-- Customers: pickers and packers see names and countries, not how to reach them.
GRANT SELECT ON customers TO oms_returns, oms_stock, oms_backoffice, oms_admin;
GRANT SELECT (id, channel_id, external_id, name, country, currency, created_at) ON customers TO oms_picker, oms_packer;
-- Money documents are the back office's and the returns desk's.
GRANT SELECT ON invoices, invoice_lines, invoice_tax_lines, refunds TO oms_returns, oms_backoffice, oms_admin;
GRANT SELECT ON invoice_counters, staff_keys TO oms_admin;
GRANT SELECT ON invoice_counters TO oms_backoffice;
-- The SSH server looks up who a key belongs to.
GRANT SELECT ON staff, staff_keys, warehouses TO oms_server;

-- Every command claims its idempotency key and may record its result.
GRANT INSERT, UPDATE (result) ON idempotency_keys TO oms_picker, oms_packer, oms_returns, oms_stock, oms_backoffice;
-- The ledger: each job posts the kinds that are its work (oms_stamp_movement checks).
GRANT INSERT ON stock_movements TO oms_picker, oms_packer, oms_returns, oms_stock;

-- Picker: claims and works pick batches and tasks.
GRANT UPDATE ON pick_batches, pick_tasks TO oms_picker;
-- Packer: packed units, shipments, packages.
GRANT UPDATE (qty_packed) ON order_lines TO oms_packer;
GRANT INSERT, UPDATE ON shipments TO oms_packer;
GRANT INSERT, UPDATE, DELETE ON packages, package_lines TO oms_packer;
-- Returns desk: RMAs, inspections, refunds (whose status moves on once).
GRANT INSERT, UPDATE ON rmas, rma_lines TO oms_returns;
GRANT INSERT ON rma_receipts, refunds TO oms_returns;
GRANT UPDATE (status) ON refunds TO oms_returns;
-- Stock control: places, lots, counts, item measures and reorder points.
GRANT INSERT, UPDATE ON locations, lots, stock_counts, stock_count_lines TO oms_stock;
GRANT UPDATE (reorder_point, weight_g, length_mm, width_mm, height_mm) ON products TO oms_stock;
GRANT INSERT ON product_barcodes TO oms_stock;
-- Back office: orders, customers, the catalogue, allocation, invoices, exchange rates.
GRANT INSERT, UPDATE ON orders, order_lines, customers, addresses, channels, products TO oms_backoffice;
GRANT INSERT, UPDATE, DELETE ON reservations, product_barcodes TO oms_backoffice;
GRANT INSERT ON invoices, invoice_lines, invoice_tax_lines, fx_rates TO oms_backoffice;
-- Supervisor (besides every operational job): makes and reassigns pick work.
GRANT INSERT, UPDATE ON pick_batches, pick_tasks TO oms_supervisor;

-- A job that inserts into a table may take ids from its sequences.
-- +goose StatementBegin
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT seq.oid::regclass AS seq, j AS job
               FROM pg_class seq
               JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = seq.oid AND d.deptype IN ('a', 'i')
               CROSS JOIN unnest(ARRAY['oms_picker', 'oms_packer', 'oms_returns', 'oms_stock', 'oms_backoffice',
                                       'oms_supervisor']) j
              WHERE seq.relkind = 'S' AND seq.relnamespace = 'public'::regnamespace
                AND has_table_privilege(j, d.refobjid, 'INSERT') LOOP
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', s.seq, s.job);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
SELECT 1;
