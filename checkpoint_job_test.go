package main

import (
	"context"
	"path/filepath"
	"qinqing/db/audit"
	"testing"

	"qinqing/db"
)

// TestServerSignsDailyCheckpoint starts the server twice on one database the same day:
// the clock job signs the day's checkpoint on its first tick, and the restart adds none.
func TestServerSignsDailyCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	for i := range 2 {
		m := start(t, &Main{Addr: "127.0.0.1:0", DBPath: path})
		// Close waits for the job's first tick, which signs before it waits.
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		d, err := db.OpenWith(path, db.Options{MustExist: true})
		if err != nil {
			t.Fatal(err)
		}
		list, err := audit.ListAutoCheckpoints(context.Background(), d, db.Actor{Role: db.RoleAuditor}, 0)
		d.Close()
		if err != nil || len(list) != 1 || list[0].Day != db.Today(d.Now()) {
			t.Fatalf("run %d: checkpoints %+v %v", i+1, list, err)
		}
	}
}
