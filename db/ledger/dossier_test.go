package ledger_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/ledger"
	"qinqing/db/register"
	"testing"
)

func TestDossierCarriesHistoryVisitsAndAppeals(t *testing.T) {
	d2, leader, own, _ := dbtest.DemoLedger(t)
	admin := dbtest.DemoActor(t, d2, "admin")
	logged, err := ledger.CreateVisit(dbtest.Ctx(), d2, leader, ledger.VisitInput{EnterpriseID: own, Summary: "实地查看新厂房建设进度。", Problems: problems(2)})
	if err != nil {
		t.Fatal(err)
	}
	// Reassign the pair: the old one ends and stays in the history.
	var newLeader int64
	if err := d2.Read.QueryRow("SELECT id FROM leaders WHERE id != ? ORDER BY id LIMIT 1", leader.LeaderID).Scan(&newLeader); err != nil {
		t.Fatal(err)
	}
	if _, err := register.CreateLiaison(dbtest.Ctx(), d2, admin, register.LiaisonInput{LeaderID: newLeader, EnterpriseID: own}); err != nil {
		t.Fatal(err)
	}
	d, err := ledger.EnterpriseDossier(dbtest.Ctx(), d2, admin, own)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != own || d.LeaderID == nil || *d.LeaderID != newLeader {
		t.Errorf("profile: id %d leader %v", d.ID, d.LeaderID)
	}
	if len(d.Liaisons) != 2 || !d.Liaisons[0].Active || d.Liaisons[1].Active || d.Liaisons[1].LeaderID != leader.LeaderID ||
		d.Liaisons[1].Until == nil {
		t.Errorf("liaison history: %+v", d.Liaisons)
	}
	if len(d.Visits) != 1 || d.Visits[0].ID != logged.Visit.ID || d.Figures.Visits != 1 || d.Figures.LastVisit == nil {
		t.Errorf("visits: %+v, figures %+v", d.Visits, d.Figures)
	}
	if len(d.Appeals) != 2 || d.Figures.Appeals != 2 || d.Figures.Open != 2 || d.Figures.SatisfactionRate != nil {
		t.Errorf("appeals: %d, figures %+v", len(d.Appeals), d.Figures)
	}
	if d.VisitStatus == nil || d.VisitStatus.LeaderID != newLeader || d.VisitStatus.VisitOverdue {
		t.Errorf("visit status: %+v", d.VisitStatus)
	}
	// The old leader no longer holds the enterprise: its dossier is out of their scope.
	if _, err := ledger.EnterpriseDossier(dbtest.Ctx(), d2, leader, own); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("former leader reads the dossier: %v", err)
	}
	// A department sees only the appeals it handles: none of these yet.
	dept := dbtest.DemoActor(t, d2, "department")
	if d, err := ledger.EnterpriseDossier(dbtest.Ctx(), d2, dept, own); err == nil && len(d.Appeals) != 0 {
		t.Errorf("department sees %d unassigned appeals", len(d.Appeals))
	}
}

func TestDirectMessages(t *testing.T) {
	d, _, _, _ := dbtest.DemoLedger(t)
	company, leader, office := dbtest.DemoActor(t, d, "enterprise"), dbtest.DemoActor(t, d, "leader"), dbtest.DemoActor(t, d, "office")
	m, err := ledger.SendMessage(dbtest.Ctx(), d, company, ledger.MessageInput{Title: "厂区道路积水", Body: "厂区门口道路每逢下雨积水严重，影响货车通行。"})
	if err != nil {
		t.Fatal(err)
	}
	if m.LeaderID != leader.LeaderID || m.EnterpriseID != company.EnterpriseID {
		t.Fatalf("message went to leader %d, want %d", m.LeaderID, leader.LeaderID)
	}
	if _, err := ledger.SendMessage(dbtest.Ctx(), d, leader, ledger.MessageInput{Title: "标题标题", Body: "内容内容内容内容内容"}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("leader sends: %v", err)
	}
	yes := true
	inbox, err := ledger.ListMessages(dbtest.Ctx(), d, leader, ledger.MessageFilter{Pending: &yes})
	if err != nil || inbox.Total != 1 {
		t.Fatalf("leader inbox: %v %+v", err, inbox)
	}
	if l, _ := ledger.ListMessages(dbtest.Ctx(), d, office, ledger.MessageFilter{}); l == nil || l.Total != 0 {
		t.Errorf("office sees messages: %+v", l)
	}
	if _, err := ledger.MessageToAppeal(dbtest.Ctx(), d, leader, m.ID, ledger.MessageAppealInput{Category: "不存在"}); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("bad category: %v", err)
	}
	ap, err := ledger.MessageToAppeal(dbtest.Ctx(), d, leader, m.ID, ledger.MessageAppealInput{Category: "物流"})
	if err != nil {
		t.Fatal(err)
	}
	if ap.Source != appeal.SourcePortal || ap.Title != m.Title || *ap.LeaderID != leader.LeaderID || *ap.EnterpriseID != company.EnterpriseID {
		t.Errorf("appeal %+v", ap)
	}
	if _, err := ledger.MessageToAppeal(dbtest.Ctx(), d, leader, m.ID, ledger.MessageAppealInput{Category: "物流"}); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("second conversion: %v", err)
	}
	if _, err := ledger.MessageToAppeal(dbtest.Ctx(), d, dbtest.DemoActor(t, d, "admin"), m.ID, ledger.MessageAppealInput{Category: "物流"}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("admin converts: %v", err)
	}
	got, err := ledger.FindMessage(dbtest.Ctx(), d, company, m.ID)
	if err != nil || got.AppealNumber != ap.Number || got.ReadAt == nil {
		t.Errorf("enterprise sees %+v %v", got, err)
	}
}
