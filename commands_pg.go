package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"

	"qinqing/db"
	"qinqing/db/audit"
)

// cmdCopy moves a city from its SQLite file to an empty PostgreSQL database: every row,
// the attachments, and the audit chain, verified on the target before it says done.
func cmdCopy(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	from := fs.String("from", "", "SQLite database file to copy")
	to := fs.String("to", "", "PostgreSQL database URL (postgres://…), empty")
	files := fs.String("files", "qinqing.files", "attachments directory for the PostgreSQL city (must not exist yet)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || db.EngineOf(*to) != db.Postgres {
		return errors.New("usage: qinqing copy --from FILE --to postgres://… [--files DIR]")
	}
	src, err := openExisting(*from, db.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := db.Open(*to)
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := db.CopyCity(ctx, src, dst)
	if e, ok := db.AsError(err); ok {
		return errors.New(e.Message)
	}
	if err != nil {
		return err
	}
	var rows int64
	for _, c := range counts {
		if c.Source != c.Target {
			return fmt.Errorf("copy: %s has %d rows on the target, %d copied", c.Table, c.Target, c.Source)
		}
		rows += c.Target
	}
	res, err := audit.Verify(ctx, dst)
	if err != nil {
		return err
	}
	if !res.OK {
		return fmt.Errorf("copy: the audit chain does not verify on the target (first bad event %v)", res.FirstBadID)
	}
	if err := db.CopyFiles(ctx, src.FilesDir(), *files); err != nil {
		return fmt.Errorf("copy: attachments to %s: %w", *files, err)
	}
	fmt.Fprintf(stdout, "copied %d rows of %d tables from %s to %s; audit chain verified (%d events); attachments in %s\n",
		rows, len(counts), *from, dst.Path, res.Events, *files)
	fmt.Fprintf(stdout, "serve it with: qinqing serve --db '%s' --key %s --files %s\n", dst.Path, keyPath("", *from), *files)
	return nil
}

// pgDump backs a PostgreSQL database up with pg_dump, when the machine has it. The
// password goes to pg_dump in its environment, never on its command line.
func pgDump(ctx context.Context, dsn, dest string, stdout io.Writer) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	pass, _ := u.User.Password()
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("pg_dump is not installed here; on a machine that has it, run:\n  PGPASSWORD=… pg_dump --format=custom --file=%s '%s'", dest, u.String())
	}
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--file="+dest, u.String())
	cmd.Env = append(os.Environ(), "PGPASSWORD="+pass)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_dump: %w\n%s", err, out)
	}
	fmt.Fprintf(stdout, "backed up %s to %s with pg_dump (custom format; restore with pg_restore); keep the key file and the attachments directory apart\n", u.Redacted(), dest)
	return nil
}
