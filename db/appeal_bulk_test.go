package db

import (
	"strings"
	"testing"
)

// TestBulkAct accepts many appeals at once: one whose version moved meanwhile, one the
// office may not see and one already past intake fail alone with their reasons; the
// others change, each with its own event and audit row.
func TestBulkAct(t *testing.T) {
	w := newWorld(t)
	var ids []int64
	versions := map[int64]int64{}
	for i := 0; i < 4; i++ {
		ap := w.file(t, w.ent, nil)
		ids = append(ids, ap.ID)
		versions[ap.ID] = ap.Version
	}
	stale := w.file(t, w.ent, nil)
	versions[stale.ID] = stale.Version
	w.act(t, w.ent, stale, ActionInput{Action: ActComment, Note: "补充材料"})
	late := w.at(t, StageVerifying)
	report := w.file(t, w.auditor, func(in *AppealInput) {
		in.Source, in.ContactName, in.ContactPhone = SourceReport, "赵举报", "15804270001"
	})
	events := countOf(t, w.db, "SELECT COUNT(*) FROM appeal_events")

	res, err := w.db.BulkAct(ctx(), w.office, BulkInput{Action: ActAccept, IDs: append(ids, stale.ID, late.ID, report.ID, ids[0]),
		Versions: versions})
	if err != nil {
		t.Fatal(err)
	}
	if res.Succeeded != 4 || res.Failed != 3 || len(res.Items) != 7 {
		t.Fatalf("succeeded %d, failed %d, items %d: %+v", res.Succeeded, res.Failed, len(res.Items), res.Items)
	}
	for _, it := range res.Items {
		switch it.ID {
		case stale.ID:
			if it.OK || it.Code != ECONFLICT || !strings.Contains(it.Error, "已被他人更新") || it.Number != stale.Number {
				t.Errorf("stale: %+v", it)
			}
		case late.ID:
			if it.OK || it.Code != ECONFLICT || !strings.Contains(it.Error, "核查") {
				t.Errorf("already accepted: %+v", it)
			}
		case report.ID:
			if it.OK || it.Code != ENOTFOUND || it.Number != "" {
				t.Errorf("a report, out of the office's sight, answers %+v", it)
			}
		default:
			if !it.OK || it.Stage != StageVerifying || it.Number == "" {
				t.Errorf("accepted: %+v", it)
			}
		}
	}
	if got := countOf(t, w.db, "SELECT COUNT(*) FROM appeal_events") - events; got != 4 {
		t.Errorf("%d events written, want 4", got)
	}
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'appeal.accept' AND object_id IN (?,?,?,?)",
		ids[0], ids[1], ids[2], ids[3]); n != 4 {
		t.Errorf("%d audit rows, want 4", n)
	}
	// 交办 by number, with a department; one number names nothing.
	dept := w.dept.DepartmentID
	first, _ := w.db.FindAppeal(ctx(), w.office, ids[0])
	res, err = w.db.BulkAct(ctx(), w.office, BulkInput{Action: ActAssign, Numbers: []string{first.Number, "SQ1999-000001"},
		Fields: ActionInput{DepartmentID: &dept, Tier: TierImmediate}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Succeeded != 1 || res.Failed != 1 || res.Items[1].Code != ENOTFOUND {
		t.Errorf("assign by number: %+v", res)
	}
	if ap, _ := w.db.FindAppeal(ctx(), w.office, ids[0]); ap.Stage != StageRectifying || *ap.DepartmentID != dept || ap.Tier != TierImmediate {
		t.Errorf("assigned: %+v", ap)
	}
	// A missing field fails every appeal alone, with the reason.
	res, _ = w.db.BulkAct(ctx(), w.office, BulkInput{Action: ActAssign, IDs: ids[1:3]})
	if res.Failed != 2 || !strings.Contains(res.Items[0].Error, "责任单位") {
		t.Errorf("assign without a department: %+v", res)
	}
	for _, who := range []Actor{w.dept, w.ent, w.leader, w.admin} {
		_, err := w.db.BulkAct(ctx(), who, BulkInput{Action: ActUrge, IDs: ids})
		wantCode(t, err, EFORBIDDEN)
	}
	_, err = w.db.BulkAct(ctx(), w.office, BulkInput{Action: ActClose, IDs: ids})
	wantCode(t, err, EINVALID)
	_, err = w.db.BulkAct(ctx(), w.office, BulkInput{Action: ActUrge})
	wantCode(t, err, EINVALID)
}
