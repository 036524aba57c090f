package db

// UploadCaps bound what the public may add without an account, so that a receipt code
// (or many reports) cannot be used to fill the disk. Zero fields take the defaults.
type UploadCaps struct {
	// PerReport bounds the bytes of the reporter's files on one report, over its life.
	PerReport int64
	// PerDay bounds the bytes of all files sent by the public on one calendar day.
	PerDay int64
	// MessagesPerDay bounds the reporter's follow-ups (messages, files) on one report a day.
	MessagesPerDay int
}

// DefaultUploadCaps leave room for a report's worth of evidence several times over.
var DefaultUploadCaps = UploadCaps{PerReport: 50 << 20, PerDay: 1 << 30, MessagesPerDay: 20}

func (db *DB) UploadCaps() UploadCaps {
	c := db.PublicUploads
	if c.PerReport <= 0 {
		c.PerReport = DefaultUploadCaps.PerReport
	}
	if c.PerDay <= 0 {
		c.PerDay = DefaultUploadCaps.PerDay
	}
	if c.MessagesPerDay <= 0 {
		c.MessagesPerDay = DefaultUploadCaps.MessagesPerDay
	}
	return c
}
