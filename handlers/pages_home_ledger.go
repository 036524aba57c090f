package handlers

import (
	"context"
	"qinqing/db/appeal"
	"qinqing/db/ledger"
	"qinqing/db/register"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// leaderLedgerHome is 我的包保企业: the leader's pairs, most urgent first, with the
// visits they are due and the enterprises' messages waiting for them.
func (s *Server) leaderLedgerHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	l, err := ledger.LeaderLedgerOf(ctx, s.db, a, a.LeaderID)
	if err != nil {
		return err
	}
	yes := true
	inbox, err := ledger.ListMessages(ctx, s.db, a, ledger.MessageFilter{Pending: &yes, Page: db.Page{Limit: 20}})
	if err != nil {
		return err
	}
	cats, err := appeal.Categories(ctx, s.db)
	if err != nil {
		return err
	}
	data["Leader"], data["Ledger"], data["Inbox"], data["Categories"] = l.Leader, l, inbox, cats
	return nil
}

// directLineHome shows the enterprise its liaison leader and its direct line to them.
func (s *Server) directLineHome(ctx context.Context, a db.Actor, e *register.Enterprise, data fiber.Map) error {
	if e.LeaderID != nil {
		l, err := register.FindLeader(ctx, s.db, *e.LeaderID)
		if err != nil {
			return err
		}
		data["Liaison"] = l
	}
	sent, err := ledger.ListMessages(ctx, s.db, a, ledger.MessageFilter{Page: db.Page{Limit: 10}})
	if err != nil {
		return err
	}
	data["Sent"] = sent
	return nil
}
