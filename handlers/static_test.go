package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"

	"qinqing/ui"
)

// staticURL finds the versioned URL that the layout gives a static file.
func staticURL(t *testing.T, a *api, name string) string {
	t.Helper()
	page := a.page("GET", "/login", "", nil)
	m := regexp.MustCompile(`/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]+`).Find(page.Body)
	if m == nil {
		t.Fatalf("login page does not link %s", name)
	}
	return string(m)
}

func TestStaticCaching(t *testing.T) {
	a := startAPI(t)
	plain, _ := ui.Static("vendor/echarts.min.js")
	hashed := "/static/vendor/echarts.min.js?v=" + plain.Hash
	if got := staticURL(t, a, "app.css"); !strings.HasPrefix(got, "/static/app.css?v=") {
		t.Fatalf("layout links %s", got)
	}
	cases := []struct {
		name, path, encoding string
		cache                string
		gzipped              bool
	}{
		{"hashed, gzip asked", hashed, "gzip, deflate, br", "public, max-age=31536000, immutable", true},
		{"hashed, nothing asked", hashed, "identity", "public, max-age=31536000, immutable", false},
		{"hashed, gzip refused", hashed, "gzip;q=0, *", "public, max-age=31536000, immutable", false},
		{"unhashed", "/static/vendor/echarts.min.js", "gzip", "public, max-age=300", true},
		// A hash that is not the file's must not pin today's content under that URL.
		{"wrong hash", "/static/vendor/echarts.min.js?v=0123456789ab", "gzip", "no-cache", true},
	}
	for _, tc := range cases {
		req := a.request("GET", tc.path, "", nil)
		req.Header.Set("Accept-Encoding", tc.encoding)
		r := a.send(req)
		if r.Status != 200 {
			t.Fatalf("%s: status %d", tc.name, r.Status)
		}
		if got := r.Header.Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.name, got, tc.cache)
		}
		if !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q", tc.name, r.Header.Get("Vary"))
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", tc.name, csp)
		}
		body := r.Body
		if enc := r.Header.Get("Content-Encoding"); (enc == "gzip") != tc.gzipped {
			t.Fatalf("%s: Content-Encoding %q", tc.name, enc)
		}
		if tc.gzipped {
			if len(body) > len(plain.Body)/2 {
				t.Errorf("%s: %d bytes compressed from %d", tc.name, len(body), len(plain.Body))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		if !bytes.Equal(body, plain.Body) {
			t.Errorf("%s: content differs from the file (%d bytes, want %d)", tc.name, len(body), len(plain.Body))
		}
	}

	// A revalidation with the ETag of what the client holds costs no body.
	req := a.request("GET", hashed, "", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	first := a.send(req)
	req = a.request("GET", hashed, "", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", first.Header.Get("ETag"))
	if r := a.send(req); r.Status != 304 || len(r.Body) != 0 {
		t.Errorf("revalidation: status %d, %d bytes", r.Status, len(r.Body))
	}
	// The plain ETag must not validate the gzip body, nor the other way round.
	req = a.request("GET", hashed, "", nil)
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("If-None-Match", first.Header.Get("ETag"))
	if r := a.send(req); r.Status != 200 {
		t.Errorf("plain request with the gzip ETag: status %d", r.Status)
	}

	for _, path := range []string{"/static/nope.js?v=abc", "/static/../main.go", "/static/vendor/"} {
		if r := a.do("GET", path, "", nil); r.Status != 404 {
			t.Errorf("%s: status %d", path, r.Status)
		}
	}
	// Images are sent as they are: compressing them again gains nothing.
	req = a.request("GET", staticURL(t, a, "favicon.svg"), "", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	if r := a.send(req); r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("favicon: Cache-Control %q", r.Header.Get("Cache-Control"))
	}
}
