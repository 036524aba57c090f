package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"qinqing/db/ledger"
	"qinqing/db/register"
	"regexp"
	"strings"
	"sync"
	"testing"

	"qinqing/db"
)

// jpegData is the smallest file the photo rules take for a JPEG.
var jpegData = []byte("\xFF\xD8\xFF\xE0" + strings.Repeat("\x01", 60))

type photoFile struct {
	name string
	data []byte
}

// uploadPhotos posts files as the multipart field file with a Bearer token.
func (a *api) uploadPhotos(path, token string, files ...photoFile) *resp {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range files {
		fw, _ := w.CreateFormFile("file", f.name)
		fw.Write(f.data)
	}
	w.Close()
	req, _ := http.NewRequest("POST", a.base+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return a.send(req)
}

// storedFiles lists the files kept beside the database.
func storedFiles(t *testing.T, a *api) []string {
	t.Helper()
	entries, err := os.ReadDir(a.db.FilesDir())
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// otherLeaderToken signs in an account for a leader who does not hold the enterprise.
func otherLeaderToken(t *testing.T, a *api, leaderID int64) string {
	t.Helper()
	if _, err := register.CreateUser(context.Background(), a.db, db.SystemActor, register.UserInput{Username: "leader2",
		Password: demo.Password, DisplayName: "另一位领导", Role: db.RoleLeader, LeaderID: &leaderID}); err != nil {
		t.Fatal(err)
	}
	return a.freshLogin("leader2", demo.Password)
}

func TestVisitPhotosAPI(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	leader := a.login("leader")
	r := a.do("POST", "/api/v1/visits", leader, visitBody(x.own, 0))
	if r.Status != 201 {
		t.Fatalf("log visit: %s", r)
	}
	vid := num(r.JSON["visit"].(map[string]any)["id"])
	photos := fmt.Sprintf("/api/v1/visits/%d/photos", vid)

	up := a.uploadPhotos(photos, leader, photoFile{"门头.jpg", jpegData}, photoFile{"../../车间.png", pngData})
	items := up.items()
	if up.Status != 201 || len(items) != 2 || str(items[0], "content_type") != "image/jpeg" || str(items[1], "name") != "车间.png" {
		t.Fatalf("upload: %s", up)
	}
	// Stored under names of the server's making, inside the files folder.
	for _, name := range storedFiles(t, a) {
		if !regexp.MustCompile(`^[0-9a-f]{32}\.(jpg|png)$`).MatchString(name) {
			t.Errorf("stored file %q", name)
		}
	}
	url := str(items[1], "url")
	if url != fmt.Sprintf("%s/%d", photos, num(items[1]["id"])) {
		t.Errorf("photo url %q", url)
	}
	if v := a.do("GET", fmt.Sprintf("/api/v1/visits/%d", vid), a.login("office"), nil); len(v.JSON["photos"].([]any)) != 2 {
		t.Errorf("visit without its photos: %s", v)
	}

	// Refused: what is not a photo, whatever its name says; a PDF, fine on an appeal;
	// one over the attachment limit; more than a visit may carry; nothing at all.
	before := len(storedFiles(t, a))
	for _, c := range []struct {
		what  string
		files []photoFile
		want  int
	}{
		{"HTML named .jpg", []photoFile{{"x.jpg", []byte("<html><script>alert(1)</script>")}}, 422},
		{"PDF", []photoFile{{"x.pdf", []byte("%PDF-1.7 ...")}}, 422},
		{"one good, one bad", []photoFile{{"a.jpg", jpegData}, {"b.png", []byte("GIF89a....")}}, 422},
		{"over 10 MB", []photoFile{{"big.jpg", append(append([]byte{}, jpegData...), make([]byte, appeal.MaxAttachmentSize)...)}}, 413},
		{"beyond the cap", []photoFile{{"1.jpg", jpegData}, {"2.jpg", jpegData}, {"3.jpg", jpegData}, {"4.jpg", jpegData},
			{"5.jpg", jpegData}, {"6.jpg", jpegData}, {"7.jpg", jpegData}, {"8.jpg", jpegData}}, 422},
		{"no file", nil, 422},
	} {
		if r := a.uploadPhotos(photos, leader, c.files...); r.Status != c.want {
			t.Errorf("%s: %d, want %d (%s)", c.what, r.Status, c.want, r.Body)
		}
	}
	if after := len(storedFiles(t, a)); after != before {
		t.Errorf("refused uploads left %d files behind", after-before)
	}

	// Only the leader who logged the visit adds to it.
	other := otherLeaderToken(t, a, x.otherLeader)
	for _, c := range []struct {
		who, tok string
		want     int
	}{{"another leader", other, 404}, {"office", a.login("office"), 403}, {"enterprise", a.login("enterprise"), 403}} {
		if r := a.uploadPhotos(photos, c.tok, photoFile{"x.jpg", jpegData}); r.Status != c.want {
			t.Errorf("upload as %s: %d, want %d", c.who, r.Status, c.want)
		}
	}

	// Reading follows the visit: those who see it see its photos, others get 404.
	ent := num(a.me(a.login("enterprise"))["enterprise_id"])
	entWant := 404
	if ent == x.own {
		entWant = 200
	}
	for _, c := range []struct {
		who, tok string
		want     int
	}{{"leader", leader, 200}, {"office", a.login("office"), 200}, {"auditor", a.login("auditor"), 200},
		{"admin", a.login("admin"), 200}, {"department", a.login("department"), 404}, {"another leader", other, 404},
		{"enterprise", a.login("enterprise"), entWant}, {"nobody", "", 401}} {
		r := a.do("GET", url, c.tok, nil)
		if r.Status != c.want {
			t.Errorf("photo as %s: %d, want %d", c.who, r.Status, c.want)
			continue
		}
		if c.want != 200 {
			continue
		}
		h := r.Header
		if !bytes.Equal(r.Body, pngData) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Cache-Control"), "no-store") {
			t.Errorf("photo as %s: %d bytes, headers %v", c.who, len(r.Body), h)
		}
	}
	// A photo's id under another visit's path is not found, even to someone who sees both.
	r2 := a.do("POST", "/api/v1/visits", leader, visitBody(x.own, 0))
	vid2 := num(r2.JSON["visit"].(map[string]any)["id"])
	if r := a.do("GET", fmt.Sprintf("/api/v1/visits/%d/photos/%d", vid2, num(items[1]["id"])), leader, nil); r.Status != 404 {
		t.Errorf("photo under another visit: %d", r.Status)
	}
}

// Concurrent uploads to one visit never take it past its cap.
func TestVisitPhotoCapUnderConcurrency(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	leader := a.login("leader")
	r := a.do("POST", "/api/v1/visits", leader, visitBody(x.own, 0))
	vid := num(r.JSON["visit"].(map[string]any)["id"])
	path := fmt.Sprintf("/api/v1/visits/%d/photos", vid)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a.uploadPhotos(path, leader, photoFile{"a.jpg", jpegData}, photoFile{"b.png", pngData}).Status
			mu.Lock()
			codes[s]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[201] != ledger.MaxVisitPhotos/2 || codes[422] != 6-ledger.MaxVisitPhotos/2 {
		t.Errorf("outcomes %v", codes)
	}
	v := a.do("GET", fmt.Sprintf("/api/v1/visits/%d", vid), leader, nil)
	if n := len(v.JSON["photos"].([]any)); n != 2*(ledger.MaxVisitPhotos/2) {
		t.Errorf("%d photos stored", n)
	}
	if n := len(storedFiles(t, a)); n != 2*(ledger.MaxVisitPhotos/2) {
		t.Errorf("%d files on disk", n)
	}
}

// The visit form takes photos with the visit; the draft script's submit learns of the
// new record from a 204, and the photos show on the visit, the ledger and the dossier.
func TestVisitFormWithPhotos(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"_csrf": testCSRF, "enterprise_id": fmt.Sprint(x.own), "mode": "onsite",
		"summary": "现场查看新建车间。", "problem_title": "", "problem_content": ""} {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "车间.jpg")
	fw.Write(jpegData)
	fw, _ = w.CreateFormFile("file", "")
	w.Close()
	req, _ := http.NewRequest("POST", a.base+"/visits", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-Draft-Submit", "1")
	a.signIn(req, "leader")
	r := a.send(req)
	loc := r.Header.Get("X-Location")
	if r.Status != 204 || !regexp.MustCompile(`^/visits/\d+$`).MatchString(loc) {
		t.Fatalf("draft submit: %d, X-Location %q, %s", r.Status, loc, r.Body)
	}
	page := a.browse("GET", loc, "leader", nil)
	img := regexp.MustCompile(`<img src="(/api/v1/visits/\d+/photos/\d+)"`).FindSubmatch(page.Body)
	if page.Status != 200 || img == nil {
		t.Fatalf("visit page without the photo: %d", page.Status)
	}
	for _, p := range []string{fmt.Sprintf("/leaders/%d", x.leader), fmt.Sprintf("/enterprises/%d", x.own)} {
		if got := a.browse("GET", p, "leader", nil); !bytes.Contains(got.Body, img[1]) {
			t.Errorf("%s shows no thumbnail", p)
		}
	}
	// The browser's own request for the thumbnail carries only the session cookie.
	req, _ = http.NewRequest("GET", a.base+string(img[1]), nil)
	a.signIn(req, "leader")
	if got := a.send(req); got.Status != 200 || !bytes.Equal(got.Body, jpegData) {
		t.Errorf("thumbnail by cookie: %d", got.Status)
	}

	// A file that is no photo sends the form back with the message, and nothing is kept.
	bad := a.postForm("/visits", a.login("leader"), map[string]string{"enterprise_id": fmt.Sprint(x.own),
		"mode": "onsite", "summary": "第二次走访。"}, map[string][]byte{"x.jpg": []byte("<svg onload=alert(1)>")})
	if bad.Status != 422 || !bytes.Contains(bad.Body, []byte("只能上传 JPG 或 PNG")) || !bytes.Contains(bad.Body, []byte("第二次走访。")) {
		t.Errorf("bad photo on the form: %d", bad.Status)
	}
	if n := a.do("GET", fmt.Sprintf("/api/v1/visits?enterprise_id=%d", x.own), a.login("office"), nil).total(); n != 1 {
		t.Errorf("%d visits after a refused one", n)
	}
}
