-- Two-character words, the commonest Chinese search (用电, 审批, 拖延), are too short for
-- the trigram index and were matched with LIKE over every appeal's text. This table holds
-- each appeal's overlapping character pairs as words (用电报装 → 用电 电报 报装), written by
-- the application, so that a two-character search is one index lookup.
--
-- The ascii tokenizer splits only on ASCII punctuation and spaces and folds only ASCII
-- letters, which is exactly how LIKE compares; so a pair of letters, digits or non-ASCII
-- characters is one word here and is found exactly where LIKE would find it. Only that
-- word is ever asked for, never a phrase, so no positions are kept (detail = none), and
-- the table keeps no copy of the text (content = '') yet can still delete an appeal's
-- entry by rowid (contentless_delete = 1).
CREATE VIRTUAL TABLE appeals_bigrams USING fts5 (
	pairs, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii');

-- As with the trigram index, the triggers only queue the appeal and the writer indexes
-- the queue once per transaction (see search_index.go). stale marks an appeal whose old
-- entry must go first; a new appeal has none, and deleting it would cost a lookup.
CREATE TABLE appeals_bigrams_pending (id INTEGER PRIMARY KEY, stale INTEGER NOT NULL);

CREATE TRIGGER appeals_bigrams_insert AFTER INSERT ON appeals BEGIN
	INSERT OR IGNORE INTO appeals_bigrams_pending (id, stale) VALUES (new.id, 0);
END;

-- An appeal already queued keeps its mark: a new one has nothing indexed yet.
CREATE TRIGGER appeals_bigrams_update AFTER UPDATE OF title, content ON appeals BEGIN
	INSERT OR IGNORE INTO appeals_bigrams_pending (id, stale) VALUES (new.id, 1);
END;

CREATE TRIGGER appeals_bigrams_delete AFTER DELETE ON appeals BEGIN
	DELETE FROM appeals_bigrams WHERE rowid = old.id;
	DELETE FROM appeals_bigrams_pending WHERE id = old.id;
END;

-- Existing appeals are indexed when the database is next opened.
INSERT INTO appeals_bigrams_pending (id, stale) SELECT id, 0 FROM appeals;
