package db

import (
	"context"
	"database/sql"
)

// maxStmts bounds the statements the writer keeps prepared between transactions. The
// application has far fewer fixed statement texts; filters built per request add more,
// and those are the ones let go.
const MaxStmts = 256

// stmtCache keeps statements prepared on the writer's own connection across
// transactions: preparing anew in every batch cost about a sixth of the writer's CPU.
// Only the writer goroutine touches it.
type stmtCache struct {
	conn  *sql.Conn
	Stmts map[string]*sql.Stmt
}

func (c *stmtCache) get(query string) (*sql.Stmt, error) {
	if st, ok := c.Stmts[query]; ok {
		return st, nil
	}
	st, err := c.conn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil, err
	}
	c.Stmts[query] = st
	return st, nil
}

// trim lets statements go once the cache holds more than its bound. It runs between
// transactions only: closing a statement whose rows a request is still reading would
// pull them from under it.
func (c *stmtCache) trim() {
	for q, st := range c.Stmts {
		if len(c.Stmts) <= MaxStmts {
			return
		}
		st.Close()
		delete(c.Stmts, q)
	}
}

func (c *stmtCache) close() {
	for q, st := range c.Stmts {
		st.Close()
		delete(c.Stmts, q)
	}
}
