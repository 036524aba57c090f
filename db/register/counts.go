package register

import (
	"context"
	"fmt"
	"qinqing/db"
)

// CityCounts are the sizes of the city's registers, for the admin's home.
type CityCounts struct {
	Users, Departments, Leaders, Enterprises, Liaisons, AuditEvents int
}

// CityCounts counts the registers in one query.
func CountCity(ctx context.Context, d *db.DB) (CityCounts, error) {
	var n CityCounts
	err := d.Read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM departments),
		(SELECT COUNT(*) FROM leaders), (SELECT COUNT(*) FROM enterprises),
		(SELECT COUNT(*) FROM liaisons WHERE until IS NULL), (SELECT COUNT(*) FROM audit_events)`).
		Scan(&n.Users, &n.Departments, &n.Leaders, &n.Enterprises, &n.Liaisons, &n.AuditEvents)
	if err != nil {
		return n, fmt.Errorf("db: city counts: %w", err)
	}
	return n, nil
}
