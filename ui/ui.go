// Package ui holds the web UI's templates and static assets, embedded in the binary.
package ui

import (
	"bytes"
	"compress/gzip"
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

// Asset is one static file: its content, its gzip form when that is worth sending, and
// the content hash that versions its URL.
type Asset struct {
	Body        []byte
	Gzip        []byte
	ContentType string
	Hash        string
}

// compressible are the types worth gzipping; images and fonts are compressed already.
var compressible = []string{"text/", "application/javascript", "application/json", "image/svg+xml"}

// assets are read and compressed once, when the program starts, so that no request pays
// for compressing the megabyte of ECharts.
var assets = func() map[string]Asset {
	m := map[string]Asset{}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
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
		a := Asset{Body: b, ContentType: ct, Hash: hex.EncodeToString(sum[:])[:12]}
		for _, prefix := range compressible {
			if strings.HasPrefix(ct, prefix) {
				a.Gzip = gzipped(b)
				break
			}
		}
		m[strings.TrimPrefix(p, "static/")] = a
		return nil
	})
	if err != nil {
		panic("ui: static files: " + err.Error())
	}
	return m
}()

// gzipped compresses b at the best level, or returns nil when that saves nothing.
func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// StaticURL returns the content-hashed URL of a static file, so that browsers may cache
// it for ever and still see every new version.
func StaticURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("ui: no static file " + name)
	}
	return "/static/" + name + "?v=" + a.Hash
}

// Static returns a static file by its name under static/.
func Static(name string) (Asset, bool) {
	a, ok := assets[name]
	return a, ok
}
