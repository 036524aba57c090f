package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"qinqing/db/register"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// crashServer is the real command in a child process, so that it can be killed with
// SIGKILL mid-write, or sent the signals of an orderly stop.
type crashServer struct {
	cmd  *exec.Cmd
	base string
}

// startCrashServer serves path from a child process, with any further serve flags.
func startCrashServer(t *testing.T, path string, flags ...string) *crashServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--db", path}, flags...)...)
	cmd.Env = append(os.Environ(), "QINQING_TEST_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, rest, ok := strings.Cut(sc.Text(), "listening on http://"); ok {
			addr, _, _ := strings.Cut(rest, " ")
			go io.Copy(io.Discard, out)
			return &crashServer{cmd: cmd, base: "http://" + addr}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatal("the server never said where it listens")
	return nil
}

func (s *crashServer) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
}

func (s *crashServer) call(method, path, token string, body any) (int, map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out, nil
}

func (s *crashServer) login(t *testing.T, user string) string {
	t.Helper()
	status, out, err := s.call("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": "crash-test-password-1"})
	tok, _ := out["token"].(string)
	if err != nil || status != 200 || tok == "" {
		t.Fatalf("login %s: %d %v %v", user, status, out, err)
	}
	return tok
}

// TestCrashLosesNoAcknowledgedWrite kills the server with SIGKILL while 16 writers file
// appeals, a few rounds over: every appeal the server acknowledged (201) is there after
// the restart, and the audit chain verifies.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("crash rounds start and kill the server several times")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	if _, err := runCmd(t, "migrate", "--db", path); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"admin", "office"} {
		if out, err := runCmd(t, "user", "add", "--db", path, "--username", u, "--password", "crash-test-password-1", "--role", u); err != nil {
			t.Fatalf("user add %s: %v %s", u, err, out)
		}
	}
	srv := startCrashServer(t, path)
	status, ent, err := srv.call("POST", "/api/v1/enterprises", srv.login(t, "admin"),
		map[string]string{"name": "崩溃测试有限公司", "credit_code": register.MakeCreditCode("211103", 4242), "district": "兴隆台区", "industry": "制造业"})
	if err != nil || status != 201 {
		srv.kill()
		t.Fatalf("enterprise: %d %v %v", status, ent, err)
	}
	enterprise := ent["id"]

	const rounds, writers, killAfter = 3, 16, 120
	var acked []float64
	for round := 0; round < rounds; round++ {
		token := srv.login(t, "office")
		var (
			mu   sync.Mutex
			n    atomic.Int64
			wg   sync.WaitGroup
			kill = sync.OnceFunc(srv.kill)
		)
		// Each writer files until the server is gone: a refused connection ends it.
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					status, out, err := srv.call("POST", "/api/v1/appeals", token, map[string]any{
						"title": fmt.Sprintf("第%d轮 %d-%d 用电报装", round, w, i), "content": "新厂房用电报装迟迟未办理，影响投产。",
						"category": "审批服务", "enterprise_id": enterprise, "source": "hotline"})
					if err != nil {
						return // unanswered: it may or may not have committed, and proves nothing
					}
					if status >= 400 && status < 500 {
						t.Errorf("create refused: %d %v", status, out)
						return
					}
					if status != 201 {
						continue // 503 while busy: try again
					}
					mu.Lock()
					acked = append(acked, out["id"].(float64))
					mu.Unlock()
					if n.Add(1) == killAfter {
						kill() // SIGKILL while the other writers are mid-request
					}
				}
			}(w)
		}
		wg.Wait()
		kill() // already done, unless every writer gave up first
		srv = startCrashServer(t, path)
	}
	defer srv.kill()
	token := srv.login(t, "office")
	for _, id := range acked {
		if status, out, err := srv.call("GET", fmt.Sprintf("/api/v1/appeals/%d", int64(id)), token, nil); err != nil || status != 200 {
			t.Errorf("acknowledged appeal %d lost after a crash: %d %v %v", int64(id), status, out, err)
		}
	}
	admin := srv.login(t, "admin")
	status, v, err := srv.call("GET", "/api/v1/audit/verify", admin, nil)
	if err != nil || status != 200 || v["ok"] != true {
		t.Errorf("audit chain after %d crashes: %d %v %v", rounds, status, v, err)
	}
	t.Logf("%d crashes under %d writers: %d acknowledged creates, all found; chain of %v events verified", rounds, writers, len(acked), v["events"])
}
