package handlers_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// page sends a request as a browser would: the session cookie when token is set, the
// CSRF cookie, and for a form the CSRF field.
func (a *api) page(method, path, token string, form url.Values) *resp {
	var body *strings.Reader
	if form != nil {
		form.Set("_csrf", testCSRF)
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		a.t.Fatalf("new request: %v", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	a.cookies(req, token)
	return a.send(req)
}

// postForm posts a multipart form with files, as a browser's form with a file input does.
func (a *api) postForm(path, token string, fields map[string]string, files map[string][]byte) *resp {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fields["_csrf"] = testCSRF
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for name, data := range files {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			a.t.Fatal(err)
		}
		fw.Write(data)
	}
	w.Close()
	req, err := http.NewRequest("POST", a.base+path, &buf)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	a.cookies(req, token)
	return a.send(req)
}

func (a *api) cookies(req *http.Request, token string) {
	req.AddCookie(&http.Cookie{Name: "qq_csrf", Value: testCSRF})
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "qq_token", Value: token})
	}
}

// pngData is the smallest file the upload rules accept as an image.
var pngData = []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 32))

// str reads a string field of a JSON object.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// mustStatus fails the test unless r has the status.
func mustStatus(a *api, r *resp, want int, what string) {
	a.t.Helper()
	if r.Status != want {
		a.t.Fatalf("%s: %s, want %d", what, r, want)
	}
}

// act takes an action on an appeal at its current version through the API.
func (a *api) act(token string, id int64, body map[string]any) *resp {
	a.t.Helper()
	cur := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", id), token, nil)
	mustStatus(a, cur, 200, "get appeal")
	body["version"] = cur.id("version")
	r := a.do("POST", fmt.Sprintf("/api/v1/appeals/%d/actions", id), token, body)
	mustStatus(a, r, 200, fmt.Sprintf("%v", body["action"]))
	return r
}
