package handlers

import (
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
)

// QuietLogger keeps a test server quiet; QINQING_TEST_LOG=1 lets its errors through to
// the test's log, to see what lies behind a 500 (on a new engine, say).
func QuietLogger(t testing.TB) *slog.Logger {
	if os.Getenv("QINQING_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
