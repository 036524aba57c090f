package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "q.db")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "企业名称,统一社会信用代码\n盘锦示例石化有限公司,914403001922038216\n")
	bad := write("bad.csv", "企业名称,统一社会信用代码\n盘锦示例物流有限公司,91110000100006485X\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "--db", dbPath, "enterprises", bad}, &out, &out); err == nil ||
		!strings.Contains(out.String(), "第 2 行") {
		t.Fatalf("bad file: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"import", "--db", dbPath, "enterprises", good}, &out, &out); err != nil ||
		!strings.Contains(out.String(), "新增 1") {
		t.Fatalf("good file: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), []string{"import", "--db", dbPath, "visits", good}, &out, &out); err == nil {
		t.Errorf("unknown kind imported")
	}
}
