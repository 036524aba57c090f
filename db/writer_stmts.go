package db

import (
	"context"
	"database/sql"
)

// maxStmts bounds the statements the writer keeps prepared between transactions. The
// application has far fewer fixed statement texts; filters built per request add more,
// and those are the ones let go.
const maxStmts = 256

// stmtCache keeps statements prepared on the writer's own connection across
// transactions: preparing anew in every batch cost about a sixth of the writer's CPU.
// Only the writer goroutine touches it.
type stmtCache struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) get(query string) (*sql.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	st, err := c.conn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

// trim lets statements go once the cache holds more than its bound. It runs between
// transactions only: closing a statement whose rows a request is still reading would
// pull them from under it.
func (c *stmtCache) trim() {
	for q, st := range c.stmts {
		if len(c.stmts) <= maxStmts {
			return
		}
		st.Close()
		delete(c.stmts, q)
	}
}

func (c *stmtCache) close() {
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}
