package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this binary as the real command: with QINQING_TEST_MAIN set,
// the test process is qinqing itself.
func TestMain(m *testing.M) {
	if os.Getenv("QINQING_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestShutdownWithStalledClient: a client that sent half a request holds its connection,
// yet SIGTERM (and SIGHUP) end the process with exit code 0 once the drain is over, the
// database closed cleanly (no WAL left behind).
func TestShutdownWithStalledClient(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "q.db")
			srv := startCrashServer(t, path, "--drain", "1s")
			cmd := srv.cmd
			defer cmd.Process.Kill()
			addr := strings.TrimPrefix(srv.base, "http://")
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")) // and then nothing
			time.Sleep(100 * time.Millisecond)                                 // let the server take the connection
			start := time.Now()
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				var exit *exec.ExitError
				if errors.As(err, &exit) || err != nil {
					t.Fatalf("exit after %s: %v", sig, err)
				}
			case <-time.After(25 * time.Second): // the read timeout is 30 s: the drain must end it first
				t.Fatalf("still running %v after %s", time.Since(start), sig)
			}
			if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
				t.Errorf("the database was not closed cleanly: %v", err)
			}
		})
	}
}
