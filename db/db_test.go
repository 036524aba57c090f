package db_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/register"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestGroupCommit(t *testing.T) {
	dbtest.SQLiteOnly(t)
	d := dbtest.MustOpen(t)
	const n = 200
	b0, w0 := d.WriteStats()
	release, waitQueued := dbtest.HoldWriter(t, d)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = register.CreateDepartment(dbtest.Ctx(), d, dbtest.AdminActor, register.DepartmentInput{Name: fmt.Sprintf("测试局%03d", i)})
		}()
	}
	waitQueued(n)
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	b1, w1 := d.WriteStats()
	if w1-w0 != n+1 || b1-b0 >= w1-w0 {
		t.Errorf("%d requests in %d transactions; want them grouped", w1-w0, b1-b0)
	}
	t.Logf("%d requests committed in %d transactions", w1-w0, b1-b0)
	if got := dbtest.Count(t, d, "SELECT COUNT(*) FROM departments"); got != n {
		t.Errorf("%d departments, want %d", got, n)
	}
	if res, err := audit.Verify(dbtest.Ctx(), d); err != nil || !res.OK || res.Events != n {
		t.Errorf("audit after group commit: %+v %v", res, err)
	}
}

func TestSavepointIsolation(t *testing.T) {
	dbtest.SQLiteOnly(t)
	d := dbtest.MustOpen(t)
	if _, err := register.CreateDepartment(dbtest.Ctx(), d, dbtest.AdminActor, register.DepartmentInput{Name: "市已有局"}); err != nil {
		t.Fatal(err)
	}
	b0, _ := d.WriteStats()
	errApp := db.Errorf(db.EINVALID, "不行。")
	insert := func(name string, then func() error) func(*db.Tx) error {
		return func(tx *db.Tx) error {
			if _, err := tx.Exec("INSERT INTO departments (name, created_at) VALUES (?, 0)", name); err != nil {
				return err
			}
			if err := tx.Audit(dbtest.AdminActor, "department.create", "department", 0, map[string]string{"name": name}); err != nil {
				return err
			}
			return then()
		}
	}
	ok := func() error { return nil }
	tests := []struct {
		name    string
		fn      func(*db.Tx) error
		wantErr bool
	}{
		{"甲", insert("市甲局", ok), false},
		{"fails after writing", insert("市乙局", func() error { return errApp }), true},
		{"丙", insert("市丙局", ok), false},
		{"constraint error", insert("市已有局", ok), true},
		{"panics after writing", insert("市丁局", func() error { panic("boom") }), true},
		{"戊", insert("市戊局", ok), false},
	}
	release, waitQueued := dbtest.HoldWriter(t, d)
	errs := make([]error, len(tests))
	var wg sync.WaitGroup
	for i, tt := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.Update(dbtest.Ctx(), tt.fn)
		}()
	}
	waitQueued(len(tests))
	release()
	wg.Wait()
	for i, tt := range tests {
		if (errs[i] != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.name, errs[i], tt.wantErr)
		}
	}
	if !errors.Is(errs[1], errApp) {
		t.Errorf("the failing request got %v, want its own error", errs[1])
	}
	if errs[4] == nil || !strings.Contains(errs[4].Error(), "panic") {
		t.Errorf("the panicking request got %v", errs[4])
	}
	if b1, _ := d.WriteStats(); b1-b0 != 2 {
		t.Errorf("%d transactions, want the gate and one shared batch", b1-b0)
	}
	for name, want := range map[string]int{"市甲局": 1, "市乙局": 0, "市丙局": 1, "市已有局": 1, "市丁局": 0, "市戊局": 1} {
		if got := dbtest.Count(t, d, "SELECT COUNT(*) FROM departments WHERE name = ?", name); got != want {
			t.Errorf("%s: %d rows, want %d", name, got, want)
		}
	}
	// Rolled-back audit rows leave no gap and no broken link.
	if res, err := audit.Verify(dbtest.Ctx(), d); err != nil || !res.OK || res.Events != 4 {
		t.Errorf("audit: %+v %v", res, err)
	}
	// The writer survived the panic.
	if _, err := register.CreateDepartment(dbtest.Ctx(), d, dbtest.AdminActor, register.DepartmentInput{Name: "市己局"}); err != nil {
		t.Errorf("write after panic: %v", err)
	}
}

// TestUpdateAfterClose checks that a closed database refuses writes at once. A request
// queued after Close would wait for a writer that has stopped, for ever; the test sees
// that state in the queue itself, so it needs no timeout.
func TestUpdateAfterClose(t *testing.T) {
	d := dbtest.MustOpen(t)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		res := make(chan error, 1)
		go func() { res <- d.Update(dbtest.Ctx(), func(*db.Tx) error { return nil }) }()
		var err error
	wait:
		for {
			select {
			case err = <-res:
				break wait
			default:
			}
			if len(d.Reqs) > 0 {
				r := <-d.Reqs
				r.Res <- db.ErrClosed // let the stuck caller go
				<-res
				t.Fatal("Update after Close queued a request for the stopped writer and would block for ever " +
					"(db.go: Update should check db.quit before queueing)")
			}
			runtime.Gosched()
		}
		if !errors.Is(err, db.ErrClosed) {
			t.Fatalf("Update after Close: %v, want ErrClosed", err)
		}
	}
}

func TestPasswords(t *testing.T) {
	const pw = "我们一起建设亲清政商关系"
	h1, err := register.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := register.HashPassword(pw)
	if h1 == h2 || !strings.HasPrefix(h1, "$argon2id$v=19$") {
		t.Errorf("hashes %q and %q: want argon2id with fresh salts", h1, h2)
	}
	for _, tt := range []struct {
		hash, password string
		want           bool
	}{
		{h1, pw, true},
		{h2, pw, true},
		{h1, pw + " ", false},
		{h1, "", false},
		{"", pw, false},
		{"$argon2id$", pw, false},
		{strings.Replace(h1, "argon2id", "argon2i", 1), pw, false},
		{strings.Replace(h1, "m=19456", "m=0", 1), pw, false},
		{h1[:len(h1)-4], pw, false},
	} {
		if got, _ := register.CheckPassword(tt.hash, tt.password); got != tt.want {
			t.Errorf("CheckPassword(%.30q…, %q) = %v, want %v", tt.hash, tt.password, got, tt.want)
		}
	}

	policy := []struct {
		password, username string
		ok                 bool
	}{
		{"我们一起建设亲清政商关系", "", true},
		{"correct horse battery", "", true},
		{"我们一起建设亲清", "", true},
		{"我们一起建设亲", "", false},
		{"abcdefg", "", false},
		{"", "", false},
		{"12345678", "", false},
		{"PASSWORD", "", false},
		{"Qinqing123", "", false},
		{"        ", "", false},
		{"zhangsan8", "ZhangSan8", false},
		{strings.Repeat("a", 256), "", true},
		{strings.Repeat("a", 257), "", false},
		{"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "", false},
	}
	for _, tt := range policy {
		msg := register.CheckPasswordPolicy(tt.password, tt.username)
		if (msg == "") != tt.ok {
			t.Errorf("CheckPasswordPolicy(%.20q) = %q, want ok %v", tt.password, msg, tt.ok)
		}
	}
}

// liaisonCity makes two leaders and one enterprise.
func liaisonCity(t *testing.T, d *db.DB) (l1, l2, e int64) {
	t.Helper()
	var ids []int64
	for _, name := range []string{"王建国", "李为民"} {
		l, err := register.CreateLeader(dbtest.Ctx(), d, dbtest.AdminActor, register.LeaderInput{Name: name, Title: "副市长"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	ent, err := register.CreateEnterprise(dbtest.Ctx(), d, dbtest.AdminActor, register.EnterpriseInput{Name: "盘锦测试有限公司", CreditCode: "914403001922038216"})
	if err != nil {
		t.Fatal(err)
	}
	return ids[0], ids[1], ent.ID
}

func TestLiaisonHandOver(t *testing.T) {
	d := dbtest.MustOpen(t)
	l1, l2, e := liaisonCity(t, d)
	first, err := register.CreateLiaison(dbtest.Ctx(), d, dbtest.AdminActor, register.LiaisonInput{LeaderID: l1, EnterpriseID: e, Since: "2025-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := register.CreateLiaison(dbtest.Ctx(), d, dbtest.AdminActor, register.LiaisonInput{LeaderID: l2, EnterpriseID: e, Since: "2025-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := register.FindLiaison(dbtest.Ctx(), d, dbtest.AdminActor, first.ID)
	if err != nil || old.Until == nil || *old.Until != "2025-06-01" || old.Active {
		t.Fatalf("old pair after hand-over: %+v %v", old, err)
	}
	if !second.Active || second.Since != "2025-06-01" {
		t.Errorf("new pair %+v", second)
	}

	tests := []struct {
		name string
		in   register.LiaisonInput
		code string
	}{
		{"earlier than the current pair", register.LiaisonInput{LeaderID: l1, EnterpriseID: e, Since: "2025-05-31"}, db.EINVALID},
		{"same leader", register.LiaisonInput{LeaderID: l2, EnterpriseID: e, Since: "2025-07-01"}, db.ECONFLICT},
		{"bad date", register.LiaisonInput{LeaderID: l1, EnterpriseID: e, Since: "2025-13-01"}, db.EINVALID},
		{"unknown leader", register.LiaisonInput{LeaderID: 999, EnterpriseID: e, Since: "2025-07-01"}, db.EINVALID},
		{"unknown enterprise", register.LiaisonInput{LeaderID: l1, EnterpriseID: 999, Since: "2025-07-01"}, db.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := register.CreateLiaison(dbtest.Ctx(), d, dbtest.AdminActor, tt.in); db.ErrorCode(err) != tt.code {
				t.Errorf("err = %v, want %s", err, tt.code)
			}
		})
	}
	if _, err := register.CreateLiaison(dbtest.Ctx(), d, db.Actor{UserID: 9, Role: db.RoleOffice}, register.LiaisonInput{LeaderID: l1, EnterpriseID: e}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("office creates a pair: %v", err)
	}
	hist, err := register.ListLiaisons(dbtest.Ctx(), d, dbtest.AdminActor, register.LiaisonFilter{EnterpriseID: e})
	if err != nil || hist.Total != 2 || hist.Items[0].ID != second.ID || hist.Items[1].ID != first.ID {
		t.Errorf("history: %+v %v", hist, err)
	}
	if got := dbtest.Count(t, d, "SELECT COUNT(*) FROM liaisons WHERE enterprise_id = ? AND until IS NULL", e); got != 1 {
		t.Errorf("%d active pairs", got)
	}

	// Once the last pair has ended, a new one may not reach back into the history.
	until := "2025-09-01"
	if _, err := register.UpdateLiaison(dbtest.Ctx(), d, dbtest.AdminActor, second.ID, register.LiaisonUpdate{Until: &until}); err != nil {
		t.Fatal(err)
	}
	if _, err := register.CreateLiaison(dbtest.Ctx(), d, dbtest.AdminActor, register.LiaisonInput{LeaderID: l1, EnterpriseID: e, Since: "2025-03-01"}); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("new pair overlapping the ended ones: %v, want invalid", err)
	}
	if _, err := register.CreateLiaison(dbtest.Ctx(), d, dbtest.AdminActor, register.LiaisonInput{LeaderID: l1, EnterpriseID: e, Since: until}); err != nil {
		t.Errorf("new pair from the day the last ended: %v", err)
	}
}

func TestBackupDuringWrites(t *testing.T) {
	dbtest.SQLiteOnly(t)
	d := dbtest.MustOpen(t)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := register.CreateDepartment(dbtest.Ctx(), d, dbtest.AdminActor, register.DepartmentInput{Name: fmt.Sprintf("备份期间%04d", i)}); err != nil {
				t.Errorf("write during backup: %v", err)
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup.db")
	err := d.Backup(dbtest.Ctx(), path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	copied, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if got := dbtest.Count(t, copied, "SELECT COUNT(*) FROM enterprises"); got != 680 {
		t.Errorf("backup has %d enterprises, want 680", got)
	}
	if res, err := audit.Verify(dbtest.Ctx(), copied); err != nil || !res.OK {
		t.Errorf("backup's audit chain: %+v %v", res, err)
	}
}
