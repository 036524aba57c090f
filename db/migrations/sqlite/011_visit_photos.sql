-- Photos a leader takes on a visit. The files sit beside the appeal attachments under
-- random names; the row keeps the name the phone gave and the type read from the content.
CREATE TABLE visit_photos (
	id           INTEGER PRIMARY KEY,
	visit_id     INTEGER NOT NULL REFERENCES visits (id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
	size         INTEGER NOT NULL,
	sha256       TEXT NOT NULL,
	stored_name  TEXT NOT NULL UNIQUE,
	uploaded_by  INTEGER REFERENCES users (id),
	created_at   INTEGER NOT NULL
);
CREATE INDEX visit_photos_visit ON visit_photos (visit_id);
