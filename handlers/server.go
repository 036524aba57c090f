// Package handlers serves qinqing's JSON API and web UI over Fiber.
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"qinqing/db"
	"qinqing/ui"
)

// Options configures a Server.
type Options struct {
	DB      *db.DB
	Secret  []byte
	Logger  *slog.Logger
	Version string
	// TokenTTL is how long a token lasts; 12 hours when zero, and never more.
	TokenTTL time.Duration
	// Now is the clock for tokens and throttling; time.Now when nil.
	Now func() time.Time
	// Keys sign audit checkpoints and key receipt lookups and the identity vault; when
	// nil they are opened (DB.OpenKeys) from KeyPath, or are those the database has open,
	// or (SQLite only) are opened from the database's path plus ".key".
	Keys    *db.Keys
	KeyPath string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// MetricsToken opens /metrics to callers beyond this machine who send it as a Bearer token.
	MetricsToken string
}

// Server is the HTTP face of qinqing.
type Server struct {
	db         *db.DB
	secret     []byte
	log        *slog.Logger
	version    string
	ttl        time.Duration
	now        func() time.Time
	app        *fiber.App
	pages      *ui.Pages
	throttle   *throttle
	metrics    *metrics
	routes     []route
	pageRoutes []PageRoute
	keys       *db.Keys
	proxies    []netip.Prefix
	mtoken     string
}

// New builds the server and its route table.
func New(o Options) (*Server, error) {
	if len(o.Secret) < 16 {
		return nil, errors.New("handlers: secret must be at least 16 bytes")
	}
	s := &Server{db: o.DB, secret: o.Secret, log: o.Logger, version: o.Version, ttl: o.TokenTTL, now: o.Now,
		proxies: o.TrustedProxies, mtoken: o.MetricsToken}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.ttl <= 0 || s.ttl > maxTokenTTL {
		s.ttl = maxTokenTTL
	}
	if s.now == nil {
		s.now = time.Now
	}
	pages, err := ui.Load(withOversightFuncs(withFigureFuncs(withLedgerFuncs(templateFuncs()))))
	if err != nil {
		return nil, err
	}
	s.pages = pages
	if s.keys = o.Keys; s.keys == nil && o.KeyPath == "" {
		// Keys the database already opened are the ones its vault is sealed with.
		s.keys = o.DB.Keys.Load()
	}
	if s.keys == nil {
		path := o.KeyPath
		if path == "" {
			if o.DB.Engine() != db.SQLite {
				return nil, errors.New("handlers: a PostgreSQL database has no file to keep its key file beside: give Keys or KeyPath")
			}
			path = o.DB.Path + ".key"
		}
		if s.keys, err = o.DB.OpenKeys(context.Background(), path); err != nil {
			return nil, err
		}
	}
	s.throttle = newThrottle(s.now)
	if o.DB.Engine() == db.Postgres {
		s.throttle.shared, s.throttle.salt = o.DB, o.Secret
	}
	s.metrics = newMetrics()
	s.app = fiber.New(fiber.Config{
		Immutable: true,
		BodyLimit: maxUploadBody,
		// Room for long headers, so that an absurd token is refused by the auth layer
		// with a 401 problem rather than by fasthttp before any middleware runs.
		ReadBufferSize:        16 << 10,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          120 * time.Second,
		IdleTimeout:           120 * time.Second,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		AppName:               "qinqing",

		// Forms are parsed by the handler that reads them: fasthttp's eager parse forgets the
		// request on a malformed form, so the error could no longer tell an API call's path.
		DisablePreParseMultipartForm: true,
	})
	s.app.Use(s.requestID, recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}),
		s.securityHeaders, s.accessLog, s.refuseNUL)
	s.mount()
	return s, nil
}

// maxUploadBody bounds any request body; JSON bodies have a smaller limit of their own.
const maxUploadBody = 12 << 20

// App exposes the Fiber app, for tests that call it without a socket.
func (s *Server) App() *fiber.App { return s.app }

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }
