-- The full-text index is written once per write transaction, not once per appeal.
-- FTS5 flushes its pending terms to a new segment at every savepoint, and each filing runs
-- in its own savepoint (and each trigger statement in another), so indexing from the
-- insert trigger wrote and merged a tiny segment per appeal: about a millisecond of the
-- writer's time each, five times the rest of the insert. The triggers now queue the
-- appeal; the writer indexes the queue in one statement just before it commits, so an
-- appeal is searchable exactly when it is saved, as before.
CREATE TABLE appeals_fts_pending (id INTEGER PRIMARY KEY);

DROP TRIGGER appeals_fts_insert;
CREATE TRIGGER appeals_fts_insert AFTER INSERT ON appeals BEGIN
	INSERT OR IGNORE INTO appeals_fts_pending (id) VALUES (new.id);
END;

-- A queued appeal is not in the index yet, so there is nothing to delete for it.
DROP TRIGGER appeals_fts_update;
CREATE TRIGGER appeals_fts_update AFTER UPDATE OF title, content ON appeals BEGIN
	INSERT INTO appeals_fts (appeals_fts, rowid, title, content)
		SELECT 'delete', old.id, old.title, old.content
		WHERE NOT EXISTS (SELECT 1 FROM appeals_fts_pending WHERE id = old.id);
	INSERT OR IGNORE INTO appeals_fts_pending (id) VALUES (new.id);
END;

DROP TRIGGER appeals_fts_delete;
CREATE TRIGGER appeals_fts_delete AFTER DELETE ON appeals BEGIN
	INSERT INTO appeals_fts (appeals_fts, rowid, title, content)
		SELECT 'delete', old.id, old.title, old.content
		WHERE NOT EXISTS (SELECT 1 FROM appeals_fts_pending WHERE id = old.id);
	DELETE FROM appeals_fts_pending WHERE id = old.id;
END;
