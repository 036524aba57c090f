package audit_test

import (
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"strings"
	"testing"
)

// addEvents appends n audit events, one transaction each.
func addEvents(tb testing.TB, d *db.DB, n int, what string) {
	tb.Helper()
	for i := 0; i < n; i++ {
		err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			return tx.Audit(dbtest.AdminActor, "test."+what, "test", int64(i+1), map[string]any{"i": i, "what": what})
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func TestCheckpointUntouched(t *testing.T) {
	d, k := dbtest.MustOpen(t), dbtest.MustKeys(t)
	addEvents(t, d, 37, "a")
	cp, err := audit.SignCheckpoint(dbtest.Ctx(), d, k)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 37 || !strings.HasPrefix(cp.Note, db.KeyName+"\n37\n") || !strings.Contains(cp.Note, "\n— "+db.KeyName+" ") {
		t.Fatalf("checkpoint %+v", cp)
	}
	for _, more := range []int{0, 1, 26, 100} {
		addEvents(t, d, more, "b")
		res, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(cp.Note))
		if err != nil {
			t.Fatal(err)
		}
		if !res.OK || !res.TreeOK || res.FirstBadID != nil || res.CheckpointSize != 37 || res.Problem != "" {
			t.Fatalf("after %d more: %+v", more, res)
		}
		if res.Size > 37 && len(res.Proof) == 0 {
			t.Errorf("no consistency proof from 37 to %d", res.Size)
		}
	}
	// Every checkpoint of a growing log verifies, and its root is the stored tree's.
	later, err := audit.SignCheckpoint(dbtest.Ctx(), d, k)
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(later.Note)); !res.OK || res.Root != later.Root {
		t.Fatalf("latest checkpoint: %+v vs %+v", res, later)
	}
}

func TestCheckpointDetectsTampering(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(t *testing.T, d *db.DB)
		firstID int64 // 0: not named
	}{
		{"payload of a past event altered", func(t *testing.T, d *db.DB) {
			tamper(t, d, `UPDATE audit_events SET payload = '{"i":9,"what":"x"}' WHERE id = 10`)
		}, 10},
		{"past event altered and the chain and tree rewritten to match", func(t *testing.T, d *db.DB) {
			rewrite(t, d, 12, func(e *db.AuditEvent) { e.ActorName = "别人" })
		}, 0},
		{"event inserted in the middle", func(t *testing.T, d *db.DB) {
			rewrite(t, d, 5, nil)
		}, 0},
		{"last events deleted", func(t *testing.T, d *db.DB) {
			tamper(t, d, "DELETE FROM audit_events WHERE id > 35")
		}, 36},
		{"last events deleted and new ones written in their place", func(t *testing.T, d *db.DB) {
			tamper(t, d, "DELETE FROM audit_events WHERE id > 30", "DELETE FROM audit_tree")
			addEvents(t, d, 20, "c")
		}, 0},
		{"log replaced by another", func(t *testing.T, d *db.DB) {
			other := dbtest.MustOpen(t)
			addEvents(t, other, 60, "forged")
			replaceLog(t, d, other)
		}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, k := dbtest.MustOpen(t), dbtest.MustKeys(t)
			addEvents(t, d, 40, "a")
			cp, err := audit.SignCheckpoint(dbtest.Ctx(), d, k)
			if err != nil {
				t.Fatal(err)
			}
			c.mutate(t, d)
			res, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(cp.Note))
			if err != nil {
				t.Fatal(err)
			}
			if res.OK || res.Problem == "" {
				t.Fatalf("tampering not detected: %+v", res)
			}
			if c.firstID != 0 && (res.FirstBadID == nil || *res.FirstBadID != c.firstID) {
				t.Errorf("first bad id %v, want %d", res.FirstBadID, c.firstID)
			}
		})
	}
}

// rewrite changes event id (or, with change nil, inserts a forged event before it) and
// recomputes every later chain hash and the whole stored tree, as a careful forger would.
func rewrite(t *testing.T, d *db.DB, id int64, change func(*db.AuditEvent)) {
	t.Helper()
	rows, err := d.Read.Query("SELECT " + db.AuditColumns + " FROM audit_events ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var events []*db.AuditEvent
	for rows.Next() {
		e, err := db.ScanAudit(rows)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	rows.Close()
	if change != nil {
		change(events[id-1])
	} else {
		forged := *events[id-1]
		forged.Action, forged.Payload = "test.forged", []byte(`{}`)
		events = append(events[:id-1], append([]*db.AuditEvent{&forged}, events[id-1:]...)...)
	}
	tamper(t, d, "DELETE FROM audit_events", "DELETE FROM audit_tree")
	prev := db.GenesisHash
	err = d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		for i, e := range events {
			e.ID, e.PrevHash = int64(i+1), prev
			e.Hash = db.HashOf(e)
			prev = e.Hash
			if _, err := tx.Exec("INSERT INTO audit_events ("+db.AuditColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
				e.ID, e.At.Unix(), e.ActorID, e.ActorName, string(e.ActorRole), e.Action, e.ObjectType, e.ObjectID,
				string(e.Payload), e.PrevHash, e.Hash); err != nil {
				return err
			}
		}
		return tx.CatchUpTree(int64(len(events)))
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := audit.Verify(dbtest.Ctx(), d); !v.OK {
		t.Fatalf("the forger's chain should verify on its own: %+v", v)
	}
}

func TestCheckpointOtherKeyRefused(t *testing.T) {
	d, k, other := dbtest.MustOpen(t), dbtest.MustKeys(t), dbtest.MustKeys(t)
	addEvents(t, d, 5, "a")
	cp, err := audit.SignCheckpoint(dbtest.Ctx(), d, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(cp.Note)); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("checkpoint of another key: %v", err)
	}
	own, _ := audit.SignCheckpoint(dbtest.Ctx(), d, k)
	for name, text := range map[string]string{
		"size changed":  strings.Replace(own.Note, "\n5\n", "\n4\n", 1),
		"not a note":    "hello",
		"empty":         "",
		"signature cut": own.Note[:strings.Index(own.Note, "\n\n")+2],
	} {
		if _, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(text)); db.ErrorCode(err) != db.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKeysPersistAndArePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.key")
	k1, err := db.CreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateKeys(path); err == nil {
		t.Fatal("a second key file replaced the first")
	}
	k2, err := db.LoadKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if k1.VerifierKey != k2.VerifierKey || string(k1.Receipt) != string(k2.Receipt) || string(k1.Token) != string(k2.Token) {
		t.Fatal("a second load made new keys")
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Fatalf("key file mode %v, %v", st.Mode(), err)
	}
}

// TestTreeCatchUp builds the tree of a log written before the tree existed.
func TestTreeCatchUp(t *testing.T) {
	d, k := dbtest.MustOpen(t), dbtest.MustKeys(t)
	addEvents(t, d, 21, "a")
	tamper(t, d, "DELETE FROM audit_tree")
	addEvents(t, d, 1, "b")
	cp, err := audit.SignCheckpoint(dbtest.Ctx(), d, k)
	if err != nil {
		t.Fatal(err)
	}
	res, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(cp.Note))
	if err != nil || !res.OK || !res.TreeOK || res.Size != 22 {
		t.Fatalf("%+v %v", res, err)
	}
}
