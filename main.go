// Command qinqing serves the 亲清 business-environment platform: the liaison ledger,
// enterprise appeals and their oversight.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"sync"
	"syscall"
	"time"

	"qinqing/db"
	"qinqing/handlers"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// SIGHUP too: a closed terminal or a supervisor's reload must not kill the process
	// mid-write, but stop it the same orderly way.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "qinqing:", err)
		os.Exit(1)
	}
}

func env(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

const usage = `qinqing — 亲清 营商环境服务与监督平台

usage:
  qinqing [serve] [--addr ADDR] [--db FILE] [--key FILE] [--demo] [--demo-password P]
                  [--trusted-proxy CIDR[,CIDR]] [--metrics-token T]
  qinqing migrate [--db FILE|URL]
  qinqing backup [--db FILE|URL] FILE
  qinqing copy --from FILE --to postgres://… [--files DIR]
  qinqing audit verify [--db FILE] [--checkpoint FILE] [--key FILE]
  qinqing audit checkpoint [--db FILE] [--key FILE] > FILE
  qinqing import [--db FILE] enterprises|liaisons FILE.xlsx|FILE.csv
  qinqing user add [--db FILE] --username U --password P --role ROLE [--name N]
                   [--department-id N | --leader-id N | --enterprise-id N]
  qinqing demo [--db FILE] [--demo-password P] [--appeals N]
  qinqing version

environment: QINQING_ADDR, QINQING_DB, QINQING_KEY, QINQING_TRUSTED_PROXIES and
QINQING_METRICS_TOKEN mirror the flags; QINQING_SECRET, if set, is the key of session
tokens (else it is derived from the key file).
The key file (default: the database path plus ".key", mode 0600) signs audit checkpoints,
keys report receipts and session tokens and seals the identity vault. It is made with a
new database; after that the database refuses to start without it, so keep a copy of it,
apart from backups of the database (backup writes FILE and FILE.files, never the key).
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, stdout, stderr)
	case "migrate":
		return cmdMigrate(args, stdout)
	case "copy":
		return cmdCopy(ctx, args, stdout)
	case "backup":
		return cmdBackup(ctx, args, stdout)
	case "audit":
		return cmdAudit(ctx, args, stdout)
	case "user":
		return cmdUser(ctx, args, stdout)
	case "import":
		return cmdImport(ctx, args, stdout)
	case "demo":
		return cmdDemo(ctx, args, stdout)
	case "version":
		fmt.Fprintln(stdout, "qinqing", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

func newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	path := fs.String("db", env("QINQING_DB", "qinqing.db"), "SQLite database file, or a postgres:// URL")
	return fs, path
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, path := newFlags("serve")
	m := &Main{Stdout: stdout, Logger: slog.New(slog.NewJSONHandler(stderr, nil))}
	fs.StringVar(&m.Addr, "addr", env("QINQING_ADDR", "127.0.0.1:8080"), "address to listen on")
	fs.StringVar(&m.KeyPath, "key", os.Getenv("QINQING_KEY"), "key file (default: the database path plus .key; qinqing.key with PostgreSQL)")
	fs.StringVar(&m.FilesDir, "files", os.Getenv("QINQING_FILES"), "attachments directory (default: the database path plus .files; qinqing.files with PostgreSQL); servers sharing one PostgreSQL database share it")
	fs.BoolVar(&m.Demo, "demo", false, "build the demo city in an empty database")
	fs.StringVar(&m.DemoPassword, "demo-password", demo.Password, "password of the demo accounts")
	fs.DurationVar(&m.Drain, "drain", defaultDrain, "how long shutdown waits for requests in flight")
	fs.StringVar(&m.TrustedProxies, "trusted-proxy", os.Getenv("QINQING_TRUSTED_PROXIES"), "reverse proxies (CIDR[,CIDR]) whose X-Forwarded-For is believed")
	fs.IntVar(&m.MemoryMB, "memory", envInt("QINQING_MEMORY_MB", defaultMemoryMB), "memory budget in MB: SQLite's caches and the Go heap share it (0: unbounded)")
	fs.StringVar(&m.MetricsToken, "metrics-token", os.Getenv("QINQING_METRICS_TOKEN"), "Bearer token that opens /metrics beyond this machine")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m.DBPath = *path
	m.Secret = os.Getenv("QINQING_SECRET")
	if err := m.Run(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	m.Logger.Info("shutting down")
	return m.Close()
}

// Main is a running server; end-to-end tests start one on a temp dir and port 0.
type Main struct {
	Addr, DBPath, Secret string
	// KeyPath is the key file; DBPath + ".key" when empty.
	KeyPath string
	// FilesDir is where attachments are kept; beside the database file when empty.
	FilesDir     string
	Demo         bool
	DemoPassword string
	// Drain bounds how long Close waits for requests in flight; defaultDrain when zero.
	Drain  time.Duration
	Stdout io.Writer
	Logger *slog.Logger
	// TrustedProxies ("CIDR[,CIDR]") and MetricsToken: see the serve flags.
	TrustedProxies, MetricsToken string
	// MemoryMB is the process's memory budget; see applyMemoryBudget.
	MemoryMB int

	DB       *db.DB
	Keys     *db.Keys
	Server   *handlers.Server
	Listener net.Listener
	served   chan error
	stop     chan struct{}
	jobs     sync.WaitGroup
	// checkpointErr is the last failure of the daily checkpoint, logged once.
	checkpointErr string
}

// Run opens the database, builds the demo city if asked, and starts serving.
func (m *Main) Run(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	d, err := db.Open(m.DBPath)
	if err != nil {
		return err
	}
	m.DB = d
	if m.FilesDir != "" {
		d.SetFilesDir(m.FilesDir)
	}
	if err := applyMemoryBudget(ctx, d, m.MemoryMB); err != nil {
		d.Close()
		return err
	}
	if m.Keys, err = openKeys(ctx, d, keyPath(m.KeyPath, m.DBPath), m.Logger); err != nil {
		d.Close()
		return err
	}
	if m.Demo {
		if err := m.buildDemo(ctx); err != nil {
			d.Close()
			return err
		}
	}
	// A secret given explicitly is the token key itself, so that another service that is
	// given it can check tokens; otherwise the key comes from the key file, never from the
	// database, which a backup would hand over.
	secret := []byte(m.Secret)
	if len(secret) == 0 {
		secret = m.Keys.TokenKey()
	}
	proxies, err := handlers.ParseTrustedProxies(m.TrustedProxies)
	if err != nil {
		d.Close()
		return err
	}
	m.Server, err = handlers.New(handlers.Options{DB: d, Secret: secret, Logger: m.Logger, Version: version, Keys: m.Keys,
		TrustedProxies: proxies, MetricsToken: m.MetricsToken})
	if err != nil {
		d.Close()
		return err
	}
	m.Listener, err = net.Listen("tcp", m.Addr)
	if err != nil {
		d.Close()
		return fmt.Errorf("listen %s: %w", m.Addr, err)
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.Server.Serve(m.Listener) }()
	m.stop = make(chan struct{})
	m.jobs.Add(1)
	go m.escalate()
	fmt.Fprintf(m.Stdout, "qinqing %s listening on http://%s (database %s)\n", version, m.Listener.Addr(), d.Path)
	m.Logger.Info("listening", slog.String("addr", m.Listener.Addr().String()), slog.String("db", d.Path))
	return nil
}

func (m *Main) buildDemo(ctx context.Context) error {
	start := time.Now()
	accounts, err := demo.Build(ctx, m.DB, m.DemoPassword)
	switch {
	case db.ErrorCode(err) == db.ECONFLICT:
		fmt.Fprintln(m.Stdout, "数据库已有数据，沿用现有数据（未重新生成演示城市）。")
	case err != nil:
		return err
	default:
		n, err := demo.BuildAppeals(ctx, m.DB, demo.Appeals)
		if err != nil {
			return err
		}
		visits, err := demo.BuildVisits(ctx, m.DB)
		if err != nil {
			return err
		}
		receipts, err := demo.BuildOversight(ctx, m.DB, m.Keys)
		if err != nil {
			return err
		}
		if _, err := demo.BuildHotline(ctx, m.DB); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "已生成演示城市：%d 个账号、680 家企业、%d 件诉求、%d 次走访（%.1f 秒）。\n", len(accounts), n, visits, time.Since(start).Seconds())
		printDemoReceipts(m.Stdout, receipts)
	}
	fmt.Fprintf(m.Stdout, "演示账号（密码 %s）：\n", m.DemoPassword)
	for _, r := range db.Roles {
		fmt.Fprintf(m.Stdout, "  %-10s %s\n", r, r.Label())
	}
	return nil
}

// keyPath is the key file: as given, or beside the database.
func keyPath(flagValue, dbPath string) string {
	switch {
	case flagValue != "":
		return flagValue
	case db.EngineOf(dbPath) == db.Postgres:
		// A database URL is no place for a file: the key sits in the working directory.
		return "qinqing.key"
	}
	return dbPath + ".key"
}

// openKeys opens the database's key file and warns when others than its owner may read it.
func openKeys(ctx context.Context, d *db.DB, path string, log *slog.Logger) (*db.Keys, error) {
	k, err := d.OpenKeys(ctx, path)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		log.Warn("the key file is readable by others than its owner; make it private with chmod 600",
			slog.String("key", path), slog.String("mode", st.Mode().Perm().String()))
	}
	return k, nil
}

// escalateEvery is how often overdue appeals are looked for.
const escalateEvery = time.Minute

// escalate takes the automatic escalation steps now and then every minute; the steps
// taken are kept on the appeals, so a restart neither repeats nor skips one.
func (m *Main) escalate() {
	defer m.jobs.Done()
	t := time.NewTicker(escalateEvery)
	defer t.Stop()
	for {
		if m.DB.HoldJobs(context.Background()) {
			m.clockJobs()
		}
		select {
		case <-t.C:
		case <-m.stop:
			return
		}
	}
}

// clockJobs are the minute's work: escalation, the due-soon notices, the daily
// checkpoint, the rating timers.
func (m *Main) clockJobs() {
	n, err := appeal.EscalateOverdue(context.Background(), m.DB)
	if err != nil {
		m.Logger.Error("escalation", slog.Int("steps", n), slog.String("error", err.Error()))
	} else if n > 0 {
		m.Logger.Info("escalation", slog.Int("steps", n))
	}
	if n, err := appeal.NoticeDueSoon(context.Background(), m.DB); err != nil {
		m.Logger.Error("due-soon notices", slog.Int("sent", n), slog.String("error", err.Error()))
	} else if n > 0 {
		m.Logger.Info("due-soon notices", slog.Int("sent", n))
	}
	m.dailyCheckpoint()
	m.ratingTimers()
}

// defaultDrain is shorter than the 10 s a container runtime waits before it kills.
const defaultDrain = 5 * time.Second

// Close stops serving, waits up to Drain for requests in flight, then closes whatever
// connections remain and the database. A client that stalls past the drain is cut off:
// that is the bound doing its job, not a failure of the shutdown.
func (m *Main) Close() error {
	var errs []error
	if m.stop != nil {
		close(m.stop)
		m.jobs.Wait()
		m.stop = nil
	}
	if m.Server != nil {
		drain := m.Drain
		if drain <= 0 {
			drain = defaultDrain
		}
		ctx, cancel := context.WithTimeout(context.Background(), drain)
		if err := m.Server.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
			m.Logger.Warn("shutdown: requests still open after the drain; closing them", slog.Duration("drain", drain))
		} else if err != nil {
			errs = append(errs, err)
		}
		cancel()
		// A Shutdown that comes before Serve has taken the listener closes nothing and
		// Serve would then run for ever: closing the listener ends it either way.
		m.Listener.Close()
		if m.served != nil {
			if err := <-m.served; err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		// A second Close finds nothing left to stop instead of waiting for ever.
		m.Server, m.served = nil, nil
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}
