-- An order's history from the back office and the allocator (issue 11): no client writes
-- events directly (migration 00009), so each command that changes an order by hand — hold,
-- release, cancel, edit, re-route, split, hand-over, allocation — writes its sentence through
-- oms_order_event, in the command's own transaction. The function names only order events of
-- the kinds below, checks the order exists, and the stamp trigger says who, when and from where.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION oms_order_event(order_id bigint, kind text, message text, data jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF kind NOT IN ('order.created', 'order.edited', 'order.held', 'order.released', 'order.cancelled',
                    'order.line_cancelled', 'order.rerouted', 'order.split', 'order.handed_over',
                    'order.allocated', 'order.backordered', 'order.deallocated') THEN
        RAISE EXCEPTION '% is not an order event the back office or the allocator writes', kind
            USING ERRCODE = 'check_violation';
    END IF;
    IF message IS NULL OR btrim(message) = '' THEN
        RAISE EXCEPTION 'an order event says what happened: the message is empty'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = oms_order_event.order_id) THEN
        RAISE EXCEPTION 'order % does not exist', oms_order_event.order_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    INSERT INTO events (entity, entity_id, order_id, kind, message, data)
    VALUES ('order', oms_order_event.order_id, oms_order_event.order_id, kind, message, coalesce(data, '{}'));
END $$;
-- +goose StatementEnd
ALTER FUNCTION oms_order_event(bigint, text, text, jsonb) OWNER TO oms_owner;
REVOKE ALL ON FUNCTION oms_order_event(bigint, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oms_order_event(bigint, text, text, jsonb) TO oms_backoffice;

-- +goose Down
DROP FUNCTION oms_order_event(bigint, text, text, jsonb);
