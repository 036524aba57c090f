package db

import "strings"

// Engine is the database engine behind a DB. SQLite is the embedded default (one file,
// no setup); PostgreSQL is for a city that outgrows one machine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// EngineOf tells the engine from what --db names: a postgres:// (or postgresql://) URL
// is PostgreSQL, anything else a SQLite file path.
func EngineOf(dsn string) Engine {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}
