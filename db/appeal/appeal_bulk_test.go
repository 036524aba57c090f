package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"strings"
	"testing"
)

// TestBulkAct accepts many appeals at once: one whose version moved meanwhile, one the
// office may not see and one already past intake fail alone with their reasons; the
// others change, each with its own event and audit row.
func TestBulkAct(t *testing.T) {
	w := dbtest.NewWorld(t)
	var ids []int64
	versions := map[int64]int64{}
	for i := 0; i < 4; i++ {
		ap := w.File(t, w.Ent, nil)
		ids = append(ids, ap.ID)
		versions[ap.ID] = ap.Version
	}
	stale := w.File(t, w.Ent, nil)
	versions[stale.ID] = stale.Version
	w.Act(t, w.Ent, stale, appeal.ActionInput{Action: appeal.ActComment, Note: "补充材料"})
	late := w.At(t, appeal.StageVerifying)
	report := w.File(t, w.Auditor, func(in *appeal.Input) {
		in.Source, in.ContactName, in.ContactPhone = appeal.SourceReport, "赵举报", "15804270001"
	})
	events := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events")

	res, err := appeal.BulkAct(dbtest.Ctx(), w.DB, w.Office, appeal.BulkInput{Action: appeal.ActAccept, IDs: append(ids, stale.ID, late.ID, report.ID, ids[0]),
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
			if it.OK || it.Code != db.ECONFLICT || !strings.Contains(it.Error, "已被他人更新") || it.Number != stale.Number {
				t.Errorf("stale: %+v", it)
			}
		case late.ID:
			if it.OK || it.Code != db.ECONFLICT || !strings.Contains(it.Error, "核查") {
				t.Errorf("already accepted: %+v", it)
			}
		case report.ID:
			if it.OK || it.Code != db.ENOTFOUND || it.Number != "" {
				t.Errorf("a report, out of the office's sight, answers %+v", it)
			}
		default:
			if !it.OK || it.Stage != appeal.StageVerifying || it.Number == "" {
				t.Errorf("accepted: %+v", it)
			}
		}
	}
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events") - events; got != 4 {
		t.Errorf("%d events written, want 4", got)
	}
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events WHERE action = 'appeal.accept' AND object_id IN (?,?,?,?)",
		ids[0], ids[1], ids[2], ids[3]); n != 4 {
		t.Errorf("%d audit rows, want 4", n)
	}
	// 交办 by number, with a department; one number names nothing.
	dept := w.Dept.DepartmentID
	first, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Office, ids[0])
	res, err = appeal.BulkAct(dbtest.Ctx(), w.DB, w.Office, appeal.BulkInput{Action: appeal.ActAssign, Numbers: []string{first.Number, "SQ1999-000001"},
		Fields: appeal.ActionInput{DepartmentID: &dept, Tier: appeal.TierImmediate}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Succeeded != 1 || res.Failed != 1 || res.Items[1].Code != db.ENOTFOUND {
		t.Errorf("assign by number: %+v", res)
	}
	if ap, _ := appeal.Find(dbtest.Ctx(), w.DB, w.Office, ids[0]); ap.Stage != appeal.StageRectifying || *ap.DepartmentID != dept || ap.Tier != appeal.TierImmediate {
		t.Errorf("assigned: %+v", ap)
	}
	// A missing field fails every appeal alone, with the reason.
	res, _ = appeal.BulkAct(dbtest.Ctx(), w.DB, w.Office, appeal.BulkInput{Action: appeal.ActAssign, IDs: ids[1:3]})
	if res.Failed != 2 || !strings.Contains(res.Items[0].Error, "责任单位") {
		t.Errorf("assign without a department: %+v", res)
	}
	for _, who := range []db.Actor{w.Dept, w.Ent, w.Leader, w.Admin} {
		_, err := appeal.BulkAct(dbtest.Ctx(), w.DB, who, appeal.BulkInput{Action: appeal.ActUrge, IDs: ids})
		dbtest.WantCode(t, err, db.EFORBIDDEN)
	}
	_, err = appeal.BulkAct(dbtest.Ctx(), w.DB, w.Office, appeal.BulkInput{Action: appeal.ActClose, IDs: ids})
	dbtest.WantCode(t, err, db.EINVALID)
	_, err = appeal.BulkAct(dbtest.Ctx(), w.DB, w.Office, appeal.BulkInput{Action: appeal.ActUrge})
	dbtest.WantCode(t, err, db.EINVALID)
}
