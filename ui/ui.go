// Package ui holds the web UI's templates and static assets, embedded in the binary.
package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed templates static
var files embed.FS

// Pages are the parsed page templates, each joined with the layout and partials.
type Pages struct {
	set map[string]*template.Template
}

// Load parses every page once at start-up and fails loudly if any is broken.
func Load(funcs template.FuncMap) (*Pages, error) {
	all := template.FuncMap{"static": StaticURL}
	for k, v := range funcs {
		all[k] = v
	}
	names, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &Pages{set: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		t, err := template.New(name).Funcs(all).ParseFS(files, "templates/layout.html", "templates/partials.html", file)
		if err != nil {
			return nil, fmt.Errorf("ui: parse %s: %w", name, err)
		}
		p.set[name] = t
	}
	return p, nil
}

// Render writes the named page inside the layout.
func (p *Pages) Render(w io.Writer, name string, data any) error {
	t, ok := p.set[name]
	if !ok {
		return fmt.Errorf("ui: no page %q", name)
	}
	return t.ExecuteTemplate(w, "layout", data)
}

// Has reports whether a page exists.
func (p *Pages) Has(name string) bool { _, ok := p.set[name]; return ok }

// asset is one static file with its content hash.
type asset struct {
	body        []byte
	contentType string
	hash        string
}

var assets = func() map[string]asset {
	m := map[string]asset{}
	fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		m[strings.TrimPrefix(p, "static/")] = asset{body: b, contentType: ct, hash: hex.EncodeToString(sum[:])[:12]}
		return nil
	})
	return m
}()

// StaticURL returns the content-hashed URL of a static file, so that browsers may cache
// it for ever and still see every new version.
func StaticURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("ui: no static file " + name)
	}
	return "/static/" + name + "?v=" + a.hash
}

// Static returns a static file's content and type.
func Static(name string) (body []byte, contentType string, ok bool) {
	a, ok := assets[name]
	return a.body, a.contentType, ok
}
