package db

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addEvents appends n audit events, one transaction each.
func addEvents(tb testing.TB, d *DB, n int, what string) {
	tb.Helper()
	for i := 0; i < n; i++ {
		err := d.Update(ctx(), func(tx *Tx) error {
			return tx.Audit(adminActor, "test."+what, "test", int64(i+1), map[string]any{"i": i, "what": what})
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func TestCheckpointUntouched(t *testing.T) {
	d, k := mustOpen(t), mustKeys(t)
	addEvents(t, d, 37, "a")
	cp, err := d.SignCheckpoint(ctx(), k)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 37 || !strings.HasPrefix(cp.Note, KeyName+"\n37\n") || !strings.Contains(cp.Note, "\n— "+KeyName+" ") {
		t.Fatalf("checkpoint %+v", cp)
	}
	for _, more := range []int{0, 1, 26, 100} {
		addEvents(t, d, more, "b")
		res, err := d.VerifyCheckpoint(ctx(), k, []byte(cp.Note))
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
	later, err := d.SignCheckpoint(ctx(), k)
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := d.VerifyCheckpoint(ctx(), k, []byte(later.Note)); !res.OK || res.Root != later.Root {
		t.Fatalf("latest checkpoint: %+v vs %+v", res, later)
	}
}

func TestCheckpointDetectsTampering(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(t *testing.T, d *DB)
		firstID int64 // 0: not named
	}{
		{"payload of a past event altered", func(t *testing.T, d *DB) {
			tamper(t, d, `UPDATE audit_events SET payload = '{"i":9,"what":"x"}' WHERE id = 10`)
		}, 10},
		{"past event altered and the chain and tree rewritten to match", func(t *testing.T, d *DB) {
			rewrite(t, d, 12, func(e *AuditEvent) { e.ActorName = "别人" })
		}, 0},
		{"event inserted in the middle", func(t *testing.T, d *DB) {
			rewrite(t, d, 5, nil)
		}, 0},
		{"last events deleted", func(t *testing.T, d *DB) {
			tamper(t, d, "DELETE FROM audit_events WHERE id > 35")
		}, 36},
		{"last events deleted and new ones written in their place", func(t *testing.T, d *DB) {
			tamper(t, d, "DELETE FROM audit_events WHERE id > 30", "DELETE FROM audit_tree")
			addEvents(t, d, 20, "c")
		}, 0},
		{"log replaced by another", func(t *testing.T, d *DB) {
			other := mustOpen(t)
			addEvents(t, other, 60, "forged")
			tamper(t, d, "DELETE FROM audit_events", "DELETE FROM audit_tree",
				"ATTACH DATABASE '"+other.Path+"' AS other",
				"INSERT INTO audit_events SELECT * FROM other.audit_events",
				"INSERT INTO audit_tree SELECT * FROM other.audit_tree", "DETACH DATABASE other")
		}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, k := mustOpen(t), mustKeys(t)
			addEvents(t, d, 40, "a")
			cp, err := d.SignCheckpoint(ctx(), k)
			if err != nil {
				t.Fatal(err)
			}
			c.mutate(t, d)
			res, err := d.VerifyCheckpoint(ctx(), k, []byte(cp.Note))
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
func rewrite(t *testing.T, d *DB, id int64, change func(*AuditEvent)) {
	t.Helper()
	rows, err := d.read.Query("SELECT " + auditColumns + " FROM audit_events ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var events []*AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
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
		events = append(events[:id-1], append([]*AuditEvent{&forged}, events[id-1:]...)...)
	}
	tamper(t, d, "DELETE FROM audit_events", "DELETE FROM audit_tree")
	prev := GenesisHash
	err = d.Update(ctx(), func(tx *Tx) error {
		for i, e := range events {
			e.ID, e.PrevHash = int64(i+1), prev
			e.Hash = hashOf(e)
			prev = e.Hash
			if _, err := tx.Exec("INSERT INTO audit_events ("+auditColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
				e.ID, e.At.Unix(), e.ActorID, e.ActorName, string(e.ActorRole), e.Action, e.ObjectType, e.ObjectID,
				string(e.Payload), e.PrevHash, e.Hash); err != nil {
				return err
			}
		}
		return tx.catchUpTree(int64(len(events)))
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := d.VerifyAudit(ctx()); !v.OK {
		t.Fatalf("the forger's chain should verify on its own: %+v", v)
	}
}

func TestCheckpointOtherKeyRefused(t *testing.T) {
	d, k, other := mustOpen(t), mustKeys(t), mustKeys(t)
	addEvents(t, d, 5, "a")
	cp, err := d.SignCheckpoint(ctx(), other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.VerifyCheckpoint(ctx(), k, []byte(cp.Note)); ErrorCode(err) != EINVALID {
		t.Fatalf("checkpoint of another key: %v", err)
	}
	own, _ := d.SignCheckpoint(ctx(), k)
	for name, text := range map[string]string{
		"size changed":  strings.Replace(own.Note, "\n5\n", "\n4\n", 1),
		"not a note":    "hello",
		"empty":         "",
		"signature cut": own.Note[:strings.Index(own.Note, "\n\n")+2],
	} {
		if _, err := d.VerifyCheckpoint(ctx(), k, []byte(text)); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKeysPersistAndArePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.key")
	k1, err := CreateKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreateKeys(path); err == nil {
		t.Fatal("a second key file replaced the first")
	}
	k2, err := LoadKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if k1.VerifierKey != k2.VerifierKey || string(k1.receipt) != string(k2.receipt) || string(k1.token) != string(k2.token) {
		t.Fatal("a second load made new keys")
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Fatalf("key file mode %v, %v", st.Mode(), err)
	}
}

// TestTreeCatchUp builds the tree of a log written before the tree existed.
func TestTreeCatchUp(t *testing.T) {
	d, k := mustOpen(t), mustKeys(t)
	addEvents(t, d, 21, "a")
	tamper(t, d, "DELETE FROM audit_tree")
	addEvents(t, d, 1, "b")
	cp, err := d.SignCheckpoint(ctx(), k)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.VerifyCheckpoint(ctx(), k, []byte(cp.Note))
	if err != nil || !res.OK || !res.TreeOK || res.Size != 22 {
		t.Fatalf("%+v %v", res, err)
	}
}
