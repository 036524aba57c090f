-- On SQLite this migration turns the search triggers into a queue that the writer
-- indexes once per transaction. The trigram indexes of migration 002 are kept up to date
-- by PostgreSQL itself, so there is nothing to queue and no trigger is created.
--
-- The queue table exists all the same, and stays empty: the writer looks at it before
-- every commit on either engine, finds nothing and moves on, so that code needs no
-- engine test. Nothing may ever put a row in it here (a copy from SQLite must skip it):
-- the writer would then try to fill a search table this engine does not have.
CREATE TABLE appeals_fts_pending (id bigint PRIMARY KEY);
