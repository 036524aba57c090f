package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// leaderHome is 我的包保企业: the leader's pairs, most urgent first, with the visits
// they are due and the enterprises' messages waiting for them.
func (s *Server) leaderHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	l, err := s.db.LeaderLedger(ctx, a, a.LeaderID)
	if err != nil {
		return err
	}
	yes := true
	inbox, err := s.db.ListMessages(ctx, a, db.MessageFilter{Pending: &yes, Page: db.Page{Limit: 20}})
	if err != nil {
		return err
	}
	cats, err := s.db.Categories(ctx)
	if err != nil {
		return err
	}
	data["Leader"], data["Ledger"], data["Inbox"], data["Categories"] = l.Leader, l, inbox, cats
	return nil
}

// enterpriseHome shows the enterprise its liaison leader and its direct line to them.
func (s *Server) enterpriseHome(ctx context.Context, a db.Actor, data fiber.Map) error {
	e, err := s.db.FindEnterprise(ctx, a, a.EnterpriseID)
	if err != nil {
		return err
	}
	data["Enterprise"] = e
	if e.LeaderID != nil {
		l, err := s.db.FindLeader(ctx, *e.LeaderID)
		if err != nil {
			return err
		}
		data["Liaison"] = l
	}
	sent, err := s.db.ListMessages(ctx, a, db.MessageFilter{Page: db.Page{Limit: 10}})
	if err != nil {
		return err
	}
	data["Sent"] = sent
	return nil
}
