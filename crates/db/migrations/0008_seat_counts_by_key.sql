-- The seat counts' trigger of migration 7, on PostgreSQL, moved the counts
-- with one UPDATE joined to the statement's transition table. PL/pgSQL plans
-- that UPDATE once per connection, for the number of rows of the statement
-- that first fires it; for a few dozen rows or more the plan kept read every
-- session (a hash join over a sequential scan of training_sessions): in an
-- S1 run, 579 of the 818 count moves ran that plan, at 0.54 ms against
-- 0.07 ms at the median, on the registrar's serial chain. The sessions to
-- move are now found by their primary key (`= ANY` of the statement's
-- sessions), whatever the plan's estimate of the rows.

-- @postgres
CREATE OR REPLACE FUNCTION registrations_seats() RETURNS trigger LANGUAGE plpgsql AS $$
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
        WHERE s.id = ANY (ARRAY(SELECT session_id FROM new_rows)) AND s.id = d.session_id;
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
        WHERE s.id = ANY (ARRAY(SELECT session_id FROM old_rows)) AND s.id = d.session_id;
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
        WHERE s.id = ANY (ARRAY(SELECT session_id FROM new_rows UNION SELECT session_id FROM old_rows))
          AND s.id = d.session_id
          AND (d.confirmed <> 0 OR d.offered <> 0 OR d.waitlisted <> 0 OR d.pending <> 0);
    END IF;
    RETURN NULL;
END
$$;
