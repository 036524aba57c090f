package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"qinqing/db/audit"
	"qinqing/db/demo"
	"qinqing/db/oversight"
	"qinqing/db/register"
	"qinqing/db/sheet"
	"strings"
	"time"

	"qinqing/db"
)

func cmdMigrate(args []string, stdout io.Writer) error {
	fs, path := newFlags("migrate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := db.Open(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.SchemaVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: schema version %d\n", d.Path, v)
	return nil
}

// openExisting opens a database that must already exist, for the commands that only
// serve, migrate and demo may not: a mistyped path is refused instead of becoming a new,
// empty database, and the schema is never migrated behind a running server's back. The
// refusal is told in the operator's words, not as an internal error.
func openExisting(path string, o db.Options) (*db.DB, error) {
	d, err := db.OpenWith(path, o)
	if e, ok := db.AsError(err); ok {
		return nil, errors.New(e.Message)
	}
	return d, err
}

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs, path := newFlags("backup")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: qinqing backup [--db FILE] DEST")
	}
	if db.EngineOf(*path) == db.Postgres {
		return pgDump(ctx, *path, fs.Arg(0), stdout)
	}
	d, err := openExisting(*path, db.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s and its attachments to %s.files (keep the key file apart)\n", *path, fs.Arg(0), fs.Arg(0))
	return nil
}

func cmdAudit(ctx context.Context, args []string, stdout io.Writer) error {
	const usage = "usage: qinqing audit verify [--db FILE] [--checkpoint FILE] [--key FILE]\n       qinqing audit checkpoint [--db FILE] [--key FILE]"
	if len(args) == 0 || args[0] != "verify" && args[0] != "checkpoint" {
		return errors.New(usage)
	}
	fs, path := newFlags("audit " + args[0])
	key := fs.String("key", os.Getenv("QINQING_KEY"), "key file (default: the database path plus .key)")
	checkpoint := fs.String("checkpoint", "", "a checkpoint saved earlier, to prove the log still extends it")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	// Verifying only reads, so it works on a copy on read-only media and never changes
	// the file it vouches for; a checkpoint records its signing and needs to write.
	d, err := openExisting(*path, db.Options{MustExist: true, ReadOnly: args[0] == "verify"})
	if err != nil {
		return err
	}
	defer d.Close()
	if args[0] == "checkpoint" || *checkpoint != "" {
		// The key is never made here: a missing key file means the wrong path.
		kp := keyPath(*key, *path)
		if _, err := os.Stat(kp); err != nil {
			return fmt.Errorf("key file: %w", err)
		}
		if args[0] == "checkpoint" {
			// Only the database's own key may sign for it.
			keys, err := d.OpenKeys(ctx, kp)
			if err != nil {
				return err
			}
			cp, err := audit.SignCheckpoint(ctx, d, keys)
			if err != nil {
				return err
			}
			_, err = io.WriteString(stdout, cp.Note)
			return err
		}
		// Any key may try to verify: a checkpoint signed by another is refused below.
		keys, err := db.LoadKeys(kp)
		if err != nil {
			return err
		}
		return verifyCheckpoint(ctx, d, keys, *checkpoint, stdout)
	}
	res, err := audit.Verify(ctx, d)
	if err != nil {
		return err
	}
	if !res.OK {
		fmt.Fprintf(stdout, "FAILED: %d events, first bad event %d\n", res.Events, *res.FirstBadID)
		return fmt.Errorf("audit chain broken at event %d", *res.FirstBadID)
	}
	fmt.Fprintf(stdout, "ok: %d events, head %s\n", res.Events, res.Head)
	return nil
}

// verifyCheckpoint proves that the log still extends the checkpoint in file.
func verifyCheckpoint(ctx context.Context, d *db.DB, keys *db.Keys, file string, stdout io.Writer) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	res, err := audit.VerifyCheckpoint(ctx, d, keys, []byte(strings.ReplaceAll(string(raw), "\r\n", "\n")))
	if err != nil {
		fmt.Fprintf(stdout, "REFUSED: %s\n", db.ErrorMessage(err))
		return errors.New("checkpoint refused")
	}
	if !res.OK {
		bad := ""
		if res.FirstBadID != nil {
			bad = fmt.Sprintf(" (first bad event %d)", *res.FirstBadID)
		}
		fmt.Fprintf(stdout, "FAILED: %s%s\n  checkpoint: %d events, root %s\n  log now:    %d events, root %s\n",
			res.Problem, bad, res.CheckpointSize, res.CheckpointRoot, res.Size, res.Root)
		return errors.New("the audit log does not extend the checkpoint")
	}
	fmt.Fprintf(stdout, "ok: the log of %d events extends the checkpoint of %d events (%s)\n  root now %s\n  consistency proof: %d hashes\n",
		res.Size, res.CheckpointSize, res.CheckpointTime.Format("2006-01-02 15:04:05"), res.Root, len(res.Proof))
	return nil
}

func cmdUser(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: qinqing user add [--db FILE] --username U --password P --role ROLE")
	}
	fs, path := newFlags("user add")
	var in register.UserInput
	var role string
	var dept, leader, ent int64
	fs.StringVar(&in.Username, "username", "", "user name")
	fs.StringVar(&in.Password, "password", "", "password")
	fs.StringVar(&in.DisplayName, "name", "", "display name")
	fs.StringVar(&role, "role", "", "admin, office, department, leader, enterprise or auditor")
	fs.Int64Var(&dept, "department-id", 0, "department of a department account")
	fs.Int64Var(&leader, "leader-id", 0, "leader of a leader account")
	fs.Int64Var(&ent, "enterprise-id", 0, "enterprise of an enterprise account")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	in.Role = db.Role(role)
	for _, x := range []struct {
		v   int64
		dst **int64
	}{{dept, &in.DepartmentID}, {leader, &in.LeaderID}, {ent, &in.EnterpriseID}} {
		if x.v != 0 {
			v := x.v
			*x.dst = &v
		}
	}
	d, err := openExisting(*path, db.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := register.CreateUser(ctx, d, db.SystemActor, in)
	if err != nil {
		if e, ok := db.AsError(err); ok && len(e.Fields) > 0 {
			return fmt.Errorf("%s (%s: %s)", e.Message, e.Fields[0].Field, e.Fields[0].Message)
		}
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %d, role %s)\n", u.Username, u.ID, u.Role)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs, path := newFlags("demo")
	password := fs.String("demo-password", demo.Password, "password of the demo accounts")
	key := fs.String("key", os.Getenv("QINQING_KEY"), "key file (default: the database path plus .key)")
	appeals := fs.Int("appeals", demo.Appeals, "how many appeals the city gets; beyond the played ones, copies of them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *appeals < 1 {
		return fmt.Errorf("demo: --appeals must be at least 1")
	}
	start := time.Now()
	d, err := db.Open(*path)
	if err != nil {
		return err
	}
	defer d.Close()
	// The demo's reports are sealed and given receipts with the database's key file.
	keys, err := d.OpenKeys(ctx, keyPath(*key, *path))
	if err != nil {
		return err
	}
	accounts, err := demo.Build(ctx, d, *password)
	if err != nil {
		return err
	}
	n, err := demo.BuildAppeals(ctx, d, min(*appeals, demo.Appeals))
	if err != nil {
		return err
	}
	visits, err := demo.BuildVisits(ctx, d)
	if err != nil {
		return err
	}
	receipts, err := demo.BuildOversight(ctx, d, keys)
	if err != nil {
		return err
	}
	if _, err := demo.BuildHotline(ctx, d); err != nil {
		return err
	}
	copied := 0
	if *appeals > demo.Appeals {
		if copied, err = demo.ScaleAppeals(ctx, d, *appeals); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "demo city built in %s in %.0f s: %d appeals played, %d copied, %d visits; accounts (password %s):\n",
		d.Path, time.Since(start).Seconds(), n, copied, visits, *password)
	for _, a := range accounts {
		fmt.Fprintf(stdout, "  %-10s %s\n", a.Username, a.Name)
	}
	printDemoReceipts(stdout, receipts)
	return nil
}

// printDemoReceipts shows the demo reports' receipt codes, for trying /track.
func printDemoReceipts(w io.Writer, receipts []demo.Receipt) {
	fmt.Fprintln(w, "演示举报回执码（在 /track 查询，公众无需登录）：")
	for _, r := range receipts {
		fmt.Fprintf(w, "  %s  %s  %s\n", r.Number, oversight.FormatReceipt(r.Receipt), r.Stage.Label())
	}
}

// importActor is who the audit chain names for an import from the command line.
var importActor = db.Actor{Name: "命令行导入", Role: db.RoleSystem}

// cmdImport imports a ledger file: the whole file or nothing, with every bad row listed.
func cmdImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs, path := newFlags("import")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: qinqing import [--db FILE] enterprises|liaisons FILE.xlsx|FILE.csv")
	}
	kind, file := fs.Arg(0), fs.Arg(1)
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	if info.Size() > sheet.MaxSheetFile {
		return fmt.Errorf("%s: 文件超过 %d MB", file, sheet.MaxSheetFile>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	d, err := openExisting(*path, db.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer d.Close()
	sh, err := sheet.Read(file, data)
	if err == nil {
		var res *sheet.ImportResult
		if res, err = sheet.Import(ctx, d, importActor, kind, sh); err == nil {
			fmt.Fprintf(stdout, "已导入 %s：%d 行，新增 %d，更新 %d，未变 %d", file, res.Rows, res.Created, res.Updated, res.Unchanged)
			if res.LeadersCreated > 0 {
				fmt.Fprintf(stdout, "，新建包保领导 %d 位", res.LeadersCreated)
			}
			fmt.Fprintln(stdout, "。")
			return nil
		}
	}
	if e, ok := db.AsError(err); ok {
		fmt.Fprintln(stdout, e.Message)
		for _, f := range e.Fields {
			if f.Message != e.Message {
				fmt.Fprintln(stdout, "  "+f.Message)
			}
		}
		return fmt.Errorf("%s: 未导入", file)
	}
	return err
}
