package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
)

// fingerprintSetting keeps the fingerprint of the key file a database belongs to.
const fingerprintSetting = "key_fingerprint"

// OpenKeys loads the database's key file at path and puts it to use: the identity vault
// is sealed with it from now on, and any vault row from before is sealed now.
//
// The first key file a database sees is recorded by its fingerprint, and a missing or
// different file is refused from then on: a new key would silently lose every sealed
// identity, every receipt and every checkpoint ever signed. Only a database that holds
// nothing of the kind has a key file made for it.
func (db *DB) OpenKeys(ctx context.Context, path string) (*Keys, error) {
	want, err := db.Setting(ctx, fingerprintSetting)
	if err != nil {
		return nil, err
	}
	k, err := LoadKeys(path)
	if keyFileMissing(err) {
		if want != "" {
			return nil, errKeyMissing(path, want)
		}
		var used bool
		if used, err = db.needsOldKey(ctx); err != nil {
			return nil, err
		}
		if used {
			return nil, errKeyMissing(path, "")
		}
		if k, err = CreateKeys(path); errors.Is(err, fs.ErrExist) {
			// Another process made it first: use theirs.
			k, err = LoadKeys(path)
		}
	}
	if err != nil {
		return nil, err
	}
	var sealed int
	err = db.Update(ctx, func(tx *Tx) error {
		// Read again under the writer: another process may have recorded one meanwhile.
		got, err := Setting(tx, fingerprintSetting)
		if err != nil {
			return err
		}
		if got == "" {
			if err := tx.SetSetting(fingerprintSetting, k.Fingerprint); err != nil {
				return err
			}
		} else if got != k.Fingerprint {
			return errKeyMismatch(path, got, k.Fingerprint)
		}
		tx.Keys = k
		sealed, err = tx.sealPlainIdentities()
		return err
	})
	if err != nil {
		return nil, err
	}
	if sealed > 0 && db.Engine() == SQLite {
		// Flush the sealed rows into the database file and empty the WAL, which still
		// holds pages with the plaintext; the database's free space is zeroed already.
		if _, err := db.Write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return nil, fmt.Errorf("db: checkpoint after sealing the vault: %w", err)
		}
	}
	db.Keys.Store(k)
	return k, nil
}

// needsOldKey reports whether a database without a recorded fingerprint already holds
// what only its old key opens: receipts or sealed identities.
func (db *DB) needsOldKey(ctx context.Context) (bool, error) {
	var n int
	err := db.R(ctx).QueryRow(`SELECT (SELECT COUNT(*) FROM report_receipts)
		+ (SELECT COUNT(*) FROM appeal_identities WHERE sealed IS NOT NULL)`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: key check: %w", err)
	}
	return n > 0, nil
}

func errKeyMissing(path, fingerprint string) error {
	what := "而数据库已有举报回执或加密的身份信息"
	if fingerprint != "" {
		what = "而数据库属于指纹为 " + fingerprint + " 的密钥"
	}
	return errors.New("密钥文件 " + path + " 不存在，" + what + "。请从备份恢复这个密钥文件到该位置（或用 --key / QINQING_KEY 指向它）后再启动。" +
		"切勿生成新密钥：新密钥打不开已加密的举报人身份，也核对不了回执和已签发的审计检查点。")
}

func errKeyMismatch(path, want, got string) error {
	return fmt.Errorf("密钥文件 %s 不是这个数据库的密钥（数据库记录的指纹 %s，该文件的指纹 %s）。"+
		"请从备份恢复该数据库原来的密钥文件（或用 --key / QINQING_KEY 指向它）后再启动；切勿用别的密钥覆盖。", path, want, got)
}
