package db

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// vaultEntry is what the vault keeps about whoever filed a confidential appeal or a report.
type VaultEntry struct {
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	UserID *int64 `json:"user_id,omitempty"`
}

// sealVersion leads every sealed value, so that another scheme can follow.
const sealVersion = 1

// errNoVaultKey means the database was opened without its key file.
var errNoVaultKey = errors.New("db: identity vault: the key file is not loaded")

// sealIdentity encrypts an entry for one appeal; the appeal id is bound in as associated
// data, so that a sealed value moved to another appeal no longer opens.
func (k *Keys) sealIdentity(appealID int64, e VaultEntry) ([]byte, error) {
	if k == nil {
		return nil, errNoVaultKey
	}
	plain, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, k.vault.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte{sealVersion}, nonce...)
	return k.vault.Seal(out, nonce, plain, vaultAD(appealID)), nil
}

// openIdentity decrypts what sealIdentity made.
func (k *Keys) openIdentity(appealID int64, sealed []byte) (VaultEntry, error) {
	var e VaultEntry
	if k == nil {
		return e, errNoVaultKey
	}
	n := k.vault.NonceSize()
	if len(sealed) < 1+n || sealed[0] != sealVersion {
		return e, fmt.Errorf("db: identity vault %d: unknown format", appealID)
	}
	plain, err := k.vault.Open(nil, sealed[1:1+n], sealed[1+n:], vaultAD(appealID))
	if err != nil {
		return e, fmt.Errorf("db: identity vault %d: does not open with this key file: %w", appealID, err)
	}
	return e, json.Unmarshal(plain, &e)
}

func vaultAD(appealID int64) []byte {
	return []byte("appeal_identities " + strconv.FormatInt(appealID, 10))
}

// putIdentity seals an entry into the vault.
func (t *Tx) PutIdentity(appealID int64, e VaultEntry) error {
	sealed, err := t.Keys.sealIdentity(appealID, e)
	if err != nil {
		return err
	}
	if _, err := t.Exec("INSERT INTO appeal_identities (appeal_id, sealed) VALUES (?, ?)", appealID, sealed); err != nil {
		return fmt.Errorf("db: identity vault: %w", err)
	}
	return nil
}

// getIdentity reads one appeal's entry; sql.ErrNoRows when the appeal has none.
func (t *Tx) GetIdentity(appealID int64) (VaultEntry, error) {
	var e VaultEntry
	var sealed []byte
	err := t.QueryRow("SELECT name, phone, user_id, sealed FROM appeal_identities WHERE appeal_id = ?", appealID).
		Scan(&e.Name, &e.Phone, &e.UserID, &sealed)
	if err != nil || sealed == nil {
		// A row not sealed yet is one written before the vault was encrypted.
		return e, err
	}
	return t.Keys.openIdentity(appealID, sealed)
}

// sealPlainIdentities seals the rows written before the vault was encrypted and empties
// their plaintext columns; it returns how many it sealed.
func (t *Tx) sealPlainIdentities() (int, error) {
	rows, err := t.Query("SELECT appeal_id, name, phone, user_id FROM appeal_identities WHERE sealed IS NULL")
	if err != nil {
		return 0, fmt.Errorf("db: identity vault: %w", err)
	}
	type row struct {
		id int64
		e  VaultEntry
	}
	var plain []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.e.Name, &r.e.Phone, &r.e.UserID); err != nil {
			rows.Close()
			return 0, fmt.Errorf("db: identity vault: %w", err)
		}
		plain = append(plain, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("db: identity vault: %w", err)
	}
	for _, r := range plain {
		sealed, err := t.Keys.sealIdentity(r.id, r.e)
		if err != nil {
			return 0, err
		}
		if _, err := t.Exec("UPDATE appeal_identities SET name = '', phone = '', user_id = NULL, sealed = ? WHERE appeal_id = ?",
			sealed, r.id); err != nil {
			return 0, fmt.Errorf("db: identity vault: %w", err)
		}
	}
	return len(plain), nil
}
