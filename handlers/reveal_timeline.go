package handlers

import (
	"context"
	"encoding/json"
	"qinqing/db/appeal"
	"qinqing/db/oversight"
	"sort"

	"qinqing/db"
)

// revealAction marks, on an auditor's timeline, a look into the identity vault. The look is
// recorded in the audit chain only (the vault's design keeps it off the appeal's own
// record, which others read); auditors see it in its place among the appeal's steps.
const revealAction appeal.Action = "identity_reveal"

// withReveals adds the appeal's identity reveals to its timeline, for an auditor; the
// timeline of anyone else is returned as it is.
func (s *Server) withReveals(ctx context.Context, a db.Actor, id int64, events []appeal.Event) ([]appeal.Event, error) {
	if !a.Is(db.RoleAuditor) {
		return events, nil
	}
	reveals, err := oversight.ListReveals(ctx, s.db, a, id, db.Page{Limit: db.MaxLimit})
	if err != nil {
		return nil, err
	}
	if len(reveals.Items) == 0 {
		return events, nil
	}
	out := append([]appeal.Event(nil), events...)
	for _, r := range reveals.Items {
		out = append(out, appeal.Event{At: r.At, ActorName: r.ActorName, ActorRole: db.RoleAuditor, Action: revealAction,
			ActionLabel: "查阅举报人身份", Note: "查阅理由：" + r.Reason, Data: json.RawMessage("{}"), Attachments: []appeal.Attachment{}})
	}
	// A reveal sorts after the steps of the same second: it can only follow them.
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
