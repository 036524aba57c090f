package handlers_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
)

// Two servers on one PostgreSQL database count the same wrong passwords: guesses spread
// over both get no more tries than guesses at one.
func TestPasswordGuessesAcrossServers(t *testing.T) {
	url := dbtest.PostgresURL(t)
	key := filepath.Join(t.TempDir(), "city.key")
	var servers []*api
	for range 2 {
		d, err := db.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if _, err := d.OpenKeys(context.Background(), key); err != nil {
			t.Fatal(err)
		}
		servers = append(servers, serveAPI(t, d, nil))
	}
	if _, err := demo.Build(context.Background(), servers[0].db, demo.Password); err != nil {
		t.Fatal(err)
	}
	got := burst(40, func(i int) *resp {
		return servers[i%2].loginFrom("", "office", fmt.Sprintf("wrong-guess-%d", i))
	})
	if got[401] != 5 || got[429] != 35 {
		t.Errorf("40 guesses over two servers answered %v: want 5 evaluated (401), 35 refused (429)", got)
	}
}
