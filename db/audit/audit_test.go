package audit_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/register"
	"strings"
	"testing"
	"time"
)

// auditDB opens a database holding n audit events, one per new department.
func auditDB(t *testing.T, n int) *db.DB {
	t.Helper()
	d := dbtest.MustOpen(t)
	advance := dbtest.FixedClock(d, time.Date(2026, 3, 1, 9, 0, 0, 0, db.Zone))
	for i := range n {
		if _, err := register.CreateDepartment(dbtest.Ctx(), d, dbtest.AdminActor, register.DepartmentInput{Name: fmt.Sprintf("审计测试局%02d", i)}); err != nil {
			t.Fatal(err)
		}
		advance(time.Minute)
	}
	return d
}

func TestAuditVerifyOK(t *testing.T) {
	d := dbtest.MustOpen(t)
	res, err := audit.Verify(dbtest.Ctx(), d)
	if err != nil || !res.OK || res.Events != 0 || res.Head != db.GenesisHash || res.FirstBadID != nil {
		t.Errorf("empty chain: %+v %v", res, err)
	}
	d = auditDB(t, 12)
	res, err = audit.Verify(dbtest.Ctx(), d)
	if err != nil || !res.OK || res.Events != 12 || res.FirstBadID != nil {
		t.Fatalf("verify: %+v %v", res, err)
	}
	list, err := audit.ListEvents(dbtest.Ctx(), d, dbtest.AdminActor, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 12 || list.Items[0].Hash != res.Head || list.Items[len(list.Items)-1].PrevHash != db.GenesisHash {
		t.Errorf("head %s, newest %+v", res.Head, list.Items[0])
	}
	for i := 1; i < len(list.Items); i++ {
		if list.Items[i-1].PrevHash != list.Items[i].Hash || list.Items[i-1].ID != list.Items[i].ID+1 {
			t.Errorf("event %d does not follow %d", list.Items[i-1].ID, list.Items[i].ID)
		}
	}
	if _, err := audit.ListEvents(dbtest.Ctx(), d, db.Actor{UserID: 5, Role: db.RoleOffice}, audit.Filter{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("office reads the audit log: %v", err)
	}
}

func TestAuditTamper(t *testing.T) {
	const bad = 5
	tests := []struct {
		column, set string
	}{
		{"at", "at + 1"},
		{"actor_name", "'某人'"},
		{"actor_id", "42"},
		{"actor_role", "'auditor'"},
		{"action", "'department.delete'"},
		{"object_type", "'leader'"},
		{"object_id", "object_id + 1"},
		{"payload", `'{"name":"改过的名字"}'`},
		{"payload", `payload || ' '`},
		{"prev_hash", "'" + strings.Repeat("a", 64) + "'"},
		{"hash", "'" + strings.Repeat("b", 64) + "'"},
	}
	for _, tt := range tests {
		t.Run(tt.column+" = "+tt.set, func(t *testing.T) {
			d := auditDB(t, 8)
			if n := tamperRows(t, d, fmt.Sprintf("UPDATE audit_events SET %s = %s WHERE id = ?", tt.column, tt.set), bad); n != 1 {
				t.Fatalf("tamper: %d rows", n)
			}
			v, err := audit.Verify(dbtest.Ctx(), d)
			if err != nil {
				t.Fatal(err)
			}
			if v.OK || v.FirstBadID == nil || *v.FirstBadID != bad || v.Events != 8 {
				t.Errorf("verify after changing %s of event %d: %+v", tt.column, bad, v)
			}
		})
	}

	t.Run("delete a row", func(t *testing.T) {
		d := auditDB(t, 8)
		tamperRows(t, d, "DELETE FROM audit_events WHERE id = ?", bad)
		v, _ := audit.Verify(dbtest.Ctx(), d)
		if v.OK || v.FirstBadID == nil || *v.FirstBadID != bad+1 {
			t.Errorf("verify after deleting event %d: %+v", bad, v)
		}
	})

	t.Run("rewrite the rest of the chain", func(t *testing.T) {
		// Rehashing a changed row is not enough: its successor still names the old hash.
		d := auditDB(t, 8)
		e, err := db.ScanAudit(outside(t, d).QueryRow("SELECT "+db.AuditColumns+" FROM audit_events WHERE id = ?", bad))
		if err != nil {
			t.Fatal(err)
		}
		e.ActorName = "某人"
		tamperRows(t, d, "UPDATE audit_events SET actor_name = ?, hash = ? WHERE id = ?", e.ActorName, db.HashOf(e), bad)
		v, _ := audit.Verify(dbtest.Ctx(), d)
		if v.OK || v.FirstBadID == nil || *v.FirstBadID != bad+1 {
			t.Errorf("verify after rehashing event %d: %+v", bad, v)
		}
	})
}

func TestAuditAppendOnly(t *testing.T) {
	d := auditDB(t, 3)
	raw := outside(t, d)
	for _, q := range []string{
		"UPDATE audit_events SET actor_name = 'x' WHERE id = 2",
		"UPDATE audit_events SET hash = hash",
		"DELETE FROM audit_events WHERE id = 3",
		"DELETE FROM audit_events",
	} {
		if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the trigger to refuse", q, err)
		}
		err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			_, err := tx.Exec(q)
			return err
		})
		if err == nil {
			t.Errorf("%s inside the application: no error", q)
		}
	}
	if v, err := audit.Verify(dbtest.Ctx(), d); err != nil || !v.OK || v.Events != 3 {
		t.Errorf("chain after refused changes: %+v %v", v, err)
	}
}

// TestAuditInSameTransaction checks that a change and its audit row commit together.
func TestAuditInSameTransaction(t *testing.T) {
	d2 := dbtest.MustOpen(t)
	err := d2.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		if err := tx.Audit(dbtest.AdminActor, "test.write", "department", 1, nil); err != nil {
			return err
		}
		return db.Errorf(db.ECONFLICT, "改主意了。")
	})
	if db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("update: %v", err)
	}
	if v, _ := audit.Verify(dbtest.Ctx(), d2); v.Events != 0 {
		t.Errorf("the audit row of a rolled-back change stayed: %+v", v)
	}
	d, err := register.CreateDepartment(dbtest.Ctx(), d2, dbtest.AdminActor, register.DepartmentInput{Name: "市审计局"})
	if err != nil {
		t.Fatal(err)
	}
	list, _ := audit.ListEvents(dbtest.Ctx(), d2, dbtest.AdminActor, audit.Filter{ObjectType: "department", ObjectID: d.ID})
	if list.Total != 1 || list.Items[0].Action != "department.create" || list.Items[0].ActorName != dbtest.AdminActor.Name {
		t.Errorf("audit of the new department: %+v", list)
	}
}
