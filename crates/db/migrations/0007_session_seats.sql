-- Each session keeps how many of its registrations are confirmed, offered,
-- waitlisted and pending, so that reading a session (the registrar's groups
-- under their locks, the catalogue) no longer counts its registrations:
-- counting took PostgreSQL about half of a registration group's time.
-- Triggers keep the counts, so that every write to `registrations`, by
-- whatever path, moves them in the same transaction.

-- @all
ALTER TABLE training_sessions ADD COLUMN seats_confirmed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE training_sessions ADD COLUMN seats_offered BIGINT NOT NULL DEFAULT 0;
ALTER TABLE training_sessions ADD COLUMN seats_waitlisted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE training_sessions ADD COLUMN seats_pending BIGINT NOT NULL DEFAULT 0;
UPDATE training_sessions SET
    seats_confirmed = (SELECT COUNT(*) FROM registrations r WHERE r.session_id = training_sessions.id AND r.status = 'confirmed'),
    seats_offered = (SELECT COUNT(*) FROM registrations r WHERE r.session_id = training_sessions.id AND r.status = 'offered'),
    seats_waitlisted = (SELECT COUNT(*) FROM registrations r WHERE r.session_id = training_sessions.id AND r.status = 'waitlisted'),
    seats_pending = (SELECT COUNT(*) FROM registrations r WHERE r.session_id = training_sessions.id AND r.status = 'pending');

-- @sqlite
-- One row at a time (SQLite has no statement triggers).
CREATE TRIGGER registrations_seats_insert AFTER INSERT ON registrations
BEGIN
    UPDATE training_sessions SET
        seats_confirmed = seats_confirmed + (NEW.status = 'confirmed'),
        seats_offered = seats_offered + (NEW.status = 'offered'),
        seats_waitlisted = seats_waitlisted + (NEW.status = 'waitlisted'),
        seats_pending = seats_pending + (NEW.status = 'pending')
    WHERE id = NEW.session_id;
END;

CREATE TRIGGER registrations_seats_update AFTER UPDATE OF status, session_id ON registrations
WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id
BEGIN
    UPDATE training_sessions SET
        seats_confirmed = seats_confirmed - (OLD.status = 'confirmed'),
        seats_offered = seats_offered - (OLD.status = 'offered'),
        seats_waitlisted = seats_waitlisted - (OLD.status = 'waitlisted'),
        seats_pending = seats_pending - (OLD.status = 'pending')
    WHERE id = OLD.session_id;
    UPDATE training_sessions SET
        seats_confirmed = seats_confirmed + (NEW.status = 'confirmed'),
        seats_offered = seats_offered + (NEW.status = 'offered'),
        seats_waitlisted = seats_waitlisted + (NEW.status = 'waitlisted'),
        seats_pending = seats_pending + (NEW.status = 'pending')
    WHERE id = NEW.session_id;
END;

CREATE TRIGGER registrations_seats_delete AFTER DELETE ON registrations
BEGIN
    UPDATE training_sessions SET
        seats_confirmed = seats_confirmed - (OLD.status = 'confirmed'),
        seats_offered = seats_offered - (OLD.status = 'offered'),
        seats_waitlisted = seats_waitlisted - (OLD.status = 'waitlisted'),
        seats_pending = seats_pending - (OLD.status = 'pending')
    WHERE id = OLD.session_id;
END;

-- @postgres
-- Once per statement, from its transition tables: a group's multi-row
-- INSERT moves each of its sessions once. The registration rows a
-- statement adds count +1 under their status, the rows it removes -1.
CREATE FUNCTION registrations_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE training_sessions s SET
            seats_confirmed = s.seats_confirmed + d.confirmed,
            seats_offered = s.seats_offered + d.offered,
            seats_waitlisted = s.seats_waitlisted + d.waitlisted,
            seats_pending = s.seats_pending + d.pending
        FROM (SELECT session_id,
                     COUNT(*) FILTER (WHERE status = 'confirmed') AS confirmed,
                     COUNT(*) FILTER (WHERE status = 'offered') AS offered,
                     COUNT(*) FILTER (WHERE status = 'waitlisted') AS waitlisted,
                     COUNT(*) FILTER (WHERE status = 'pending') AS pending
              FROM new_rows GROUP BY session_id) d
        WHERE s.id = d.session_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE training_sessions s SET
            seats_confirmed = s.seats_confirmed - d.confirmed,
            seats_offered = s.seats_offered - d.offered,
            seats_waitlisted = s.seats_waitlisted - d.waitlisted,
            seats_pending = s.seats_pending - d.pending
        FROM (SELECT session_id,
                     COUNT(*) FILTER (WHERE status = 'confirmed') AS confirmed,
                     COUNT(*) FILTER (WHERE status = 'offered') AS offered,
                     COUNT(*) FILTER (WHERE status = 'waitlisted') AS waitlisted,
                     COUNT(*) FILTER (WHERE status = 'pending') AS pending
              FROM old_rows GROUP BY session_id) d
        WHERE s.id = d.session_id;
    ELSE
        -- Only the sessions whose counts move are written (an update of a
        -- comment or an expiry moves none).
        UPDATE training_sessions s SET
            seats_confirmed = s.seats_confirmed + d.confirmed,
            seats_offered = s.seats_offered + d.offered,
            seats_waitlisted = s.seats_waitlisted + d.waitlisted,
            seats_pending = s.seats_pending + d.pending
        FROM (SELECT session_id,
                     SUM(confirmed) AS confirmed, SUM(offered) AS offered,
                     SUM(waitlisted) AS waitlisted, SUM(pending) AS pending
              FROM (SELECT session_id,
                           (status = 'confirmed')::int AS confirmed,
                           (status = 'offered')::int AS offered,
                           (status = 'waitlisted')::int AS waitlisted,
                           (status = 'pending')::int AS pending
                    FROM new_rows
                    UNION ALL
                    SELECT session_id,
                           -(status = 'confirmed')::int,
                           -(status = 'offered')::int,
                           -(status = 'waitlisted')::int,
                           -(status = 'pending')::int
                    FROM old_rows) x
              GROUP BY session_id) d
        WHERE s.id = d.session_id
          AND (d.confirmed <> 0 OR d.offered <> 0 OR d.waitlisted <> 0 OR d.pending <> 0);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER registrations_seats_insert AFTER INSERT ON registrations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION registrations_seats();
CREATE TRIGGER registrations_seats_update AFTER UPDATE ON registrations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION registrations_seats();
CREATE TRIGGER registrations_seats_delete AFTER DELETE ON registrations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION registrations_seats();
