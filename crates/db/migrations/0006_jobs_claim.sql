-- Claiming jobs reads the ready ones in the order they are taken (due
-- time, then id): with this index a claim walks the first few entries of
-- the ready range instead of sorting every queued job, which took SQLite's
-- one writer 1.5 to 2.5 ms per claim behind a backlog of 8,000 notices.
-- Jobs due later (offer expiries, retries) lie past the range and are not
-- read. The `priority` column is no longer used by claims.
CREATE INDEX jobs_claim ON jobs (state, queue, run_at, id);
DROP INDEX jobs_ready;
