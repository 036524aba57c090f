package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/register"
	"strings"
	"sync"
	"testing"
)

// intakeEnterprise is a firm not in the demo register, with a valid credit code.
func intakeEnterprise(code string) register.EnterpriseInput {
	return register.EnterpriseInput{Name: "盘山县新来机械有限公司", CreditCode: code, District: "盘山县", Industry: "装备制造"}
}

const newFirmCode = "91211122MA0T2Q8X5G"

func intakeAppeal() appeal.Input {
	return appeal.Input{Title: "热线反映用电报装慢", Content: "企业来电反映新厂房用电报装已申请一个月仍未接电，影响投产。",
		Category: "要素保障-用电", Source: appeal.SourceHotline}
}

func TestCreateAppealWithEnterprise(t *testing.T) {
	w := dbtest.NewWorld(t)
	if !register.ValidCreditCode(newFirmCode) {
		t.Fatalf("the test's credit code %s is not valid", newFirmCode)
	}
	audits := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events")
	ap, err := appeal.CreateWithEnterprise(dbtest.Ctx(), w.DB, w.Office, intakeAppeal(), intakeEnterprise(" "+strings.ToLower(newFirmCode)+" "))
	if err != nil {
		t.Fatal(err)
	}
	id := int64(dbtest.CountOf(t, w.DB, "SELECT id FROM enterprises WHERE credit_code = ?", newFirmCode))
	if id == 0 || ap.EnterpriseID == nil || *ap.EnterpriseID != id || ap.EnterpriseName != "盘山县新来机械有限公司" {
		t.Fatalf("appeal %+v, enterprise %d", ap, id)
	}
	if ok, _ := appeal.EnterpriseNeedsReview(dbtest.Ctx(), w.DB, id); !ok {
		t.Error("an enterprise registered at intake is not flagged for review")
	}
	// The enterprise, its flag and the appeal are in the audit chain, in one transaction.
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events WHERE action IN ('enterprise.create', 'enterprise.intake') AND object_id = ?", id); got != 2 {
		t.Errorf("enterprise audit rows: %d, want 2", got)
	}
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events") - audits; got != 3 {
		t.Errorf("audit rows written: %d, want 3 (enterprise, flag, appeal)", got)
	}
	list, err := appeal.EnterprisesToReview(dbtest.Ctx(), w.DB, w.Admin)
	if err != nil || len(list) != 1 || list[0].ID != id {
		t.Fatalf("to review: %v %v", list, err)
	}
	if _, err := appeal.ConfirmEnterprise(dbtest.Ctx(), w.DB, w.Office, id); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("office confirms: %v", err)
	}
	if _, err := appeal.ConfirmEnterprise(dbtest.Ctx(), w.DB, w.Admin, id); err != nil {
		t.Fatal(err)
	}
	if ok, _ := appeal.EnterpriseNeedsReview(dbtest.Ctx(), w.DB, id); ok {
		t.Error("confirmed enterprise still flagged")
	}
	dbtest.WantCode(t, func() error { _, err := appeal.ConfirmEnterprise(dbtest.Ctx(), w.DB, w.Admin, id); return err }(), db.ECONFLICT)
	if list, _ := appeal.EnterprisesToReview(dbtest.Ctx(), w.DB, w.Admin); len(list) != 0 {
		t.Errorf("to review after confirming: %v", list)
	}
}

// TestIntakeRefusals: a bad or duplicate code, or a bad appeal, writes nothing at all.
func TestIntakeRefusals(t *testing.T) {
	w := dbtest.NewWorld(t)
	var taken string
	if err := w.DB.Read.QueryRow("SELECT credit_code FROM enterprises ORDER BY id LIMIT 1").Scan(&taken); err != nil {
		t.Fatal(err)
	}
	badCheck := newFirmCode[:17] + "C"
	for _, c := range []struct {
		name  string
		who   db.Actor
		in    appeal.Input
		ent   register.EnterpriseInput
		code  string
		field string
	}{
		{"bad check digit", w.Office, intakeAppeal(), intakeEnterprise(badCheck), db.EINVALID, "enterprise.credit_code"},
		{"short code", w.Office, intakeAppeal(), intakeEnterprise("91211122"), db.EINVALID, "enterprise.credit_code"},
		{"duplicate code", w.Office, intakeAppeal(), intakeEnterprise(taken), db.ECONFLICT, "enterprise.credit_code"},
		{"no district", w.Office, intakeAppeal(), register.EnterpriseInput{Name: "某某公司", CreditCode: newFirmCode, Industry: "x"}, db.EINVALID, "enterprise.district"},
		{"bad appeal", w.Office, appeal.Input{Title: "短", Category: "审批服务"}, intakeEnterprise(newFirmCode), db.EINVALID, "title"},
		{"enterprise may not", w.Ent, intakeAppeal(), intakeEnterprise(newFirmCode), db.EFORBIDDEN, ""},
		{"leader may not", w.Leader, intakeAppeal(), intakeEnterprise(newFirmCode), db.EFORBIDDEN, ""},
		{"both an id and a new one", w.Office, func() appeal.Input { in := intakeAppeal(); in.EnterpriseID = &w.Ent.EnterpriseID; return in }(),
			intakeEnterprise(newFirmCode), db.EINVALID, "enterprise_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := []int{dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM enterprises"), dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeals"),
				dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events")}
			_, err := appeal.CreateWithEnterprise(dbtest.Ctx(), w.DB, c.who, c.in, c.ent)
			e := dbtest.WantCode(t, err, c.code)
			if c.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != c.field) {
				t.Errorf("fields %v, want %s first", e.Fields, c.field)
			}
			if c.code == db.ECONFLICT && e.Message == "" {
				t.Error("duplicate without a message")
			}
			after := []int{dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM enterprises"), dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeals"),
				dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events")}
			if before[0] != after[0] || before[1] != after[1] || before[2] != after[2] {
				t.Errorf("refused intake wrote: enterprises/appeals/audit %v → %v", before, after)
			}
		})
	}
}

// TestIntakeConcurrentSameCode: calls registering the same new firm at once make one
// enterprise and one appeal; the others are refused as duplicates.
func TestIntakeConcurrentSameCode(t *testing.T) {
	w := dbtest.NewWorld(t)
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := appeal.CreateWithEnterprise(dbtest.Ctx(), w.DB, w.Office, intakeAppeal(), intakeEnterprise(newFirmCode))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok, dup := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case db.ErrorCode(err) == db.ECONFLICT:
			dup++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || dup != n-1 {
		t.Errorf("%d filed, %d refused as duplicates; want 1 and %d", ok, dup, n-1)
	}
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM enterprises WHERE credit_code = ?", newFirmCode); got != 1 {
		t.Errorf("%d enterprises with the code", got)
	}
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id WHERE e.credit_code = ?", newFirmCode); got != 1 {
		t.Errorf("%d appeals about the new firm", got)
	}
}
