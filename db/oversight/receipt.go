package oversight

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"qinqing/db"
	"qinqing/db/register"
	"strings"
)

// ReceiptDigits is the length of a receipt code: 20 random decimal digits, about 66 bits.
const ReceiptDigits = 20

// How a receipt is kept. The code itself is never stored. A slow hash alone (argon2id with
// a per-row salt) cannot be looked up: the server would have to try every row. A keyed
// hash alone is fast to look up but, should the key leak with the database, fast to test
// guesses against. So each row keeps both:
//   - bucket: the first 32 bits of HMAC-SHA256(receipt key, code). The key lives in the
//     key file outside the database, so with the database alone nobody can compute a
//     bucket, let alone enumerate codes. Lookup is one indexed read: O(1).
//   - verifier: argon2id(code, per-row salt), checked against the few rows of the bucket
//     (usually one). With 32 bits most wrong guesses that somehow reach a bucket still
//     need an argon2id each, so even someone holding the database and the key pays
//     ~20 ms of one core per candidate over a 10^20 space.
// A wrong code costs the same argon2id as a right one (a dummy hash on a miss), and its
// answer is the same as for a code that never existed.

// newReceipt draws a code of ReceiptDigits uniform random digits.
func NewReceipt() (string, error) {
	var b strings.Builder
	buf := make([]byte, 32)
	for b.Len() < ReceiptDigits {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("db: receipt: %w", err)
		}
		for _, x := range buf {
			// 250 = 25 × 10: rejecting 250..255 keeps every digit equally likely.
			if x < 250 && b.Len() < ReceiptDigits {
				b.WriteByte('0' + x%10)
			}
		}
	}
	return b.String(), nil
}

// NormalizeReceipt drops the spaces and dashes people type inside a code; ok is false
// unless exactly ReceiptDigits digits remain.
func NormalizeReceipt(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\u3000':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == ReceiptDigits
}

// FormatReceipt groups a code by four digits for reading aloud and copying.
func FormatReceipt(code string) string {
	var parts []string
	for i := 0; i < len(code); i += 4 {
		parts = append(parts, code[i:min(i+4, len(code))])
	}
	return strings.Join(parts, " ")
}

func ReceiptBucket(k *db.Keys, code string) int64 {
	m := hmac.New(sha256.New, k.Receipt)
	m.Write([]byte(code))
	return int64(binary.BigEndian.Uint32(m.Sum(nil)[:4]))
}

// receiptAppeal returns the report a code opens, or ENOTFOUND, alike for a malformed,
// a wrong and an unknown code.
func ReceiptAppeal(q db.Queryer, k *db.Keys, code string) (int64, error) {
	code, ok := NormalizeReceipt(code)
	if !ok {
		if _, err := register.CheckPassword(register.DummyHash, code); err != nil {
			return 0, err
		}
		return 0, errUnknownReceipt()
	}
	rows, err := q.Query("SELECT appeal_id, verifier FROM report_receipts WHERE bucket = ?", ReceiptBucket(k, code))
	if err != nil {
		return 0, fmt.Errorf("db: receipt lookup: %w", err)
	}
	type candidate struct {
		id           int64
		NoteVerifier string
	}
	var list []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.NoteVerifier); err != nil {
			rows.Close()
			return 0, fmt.Errorf("db: receipt lookup: %w", err)
		}
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("db: receipt lookup: %w", err)
	}
	if len(list) == 0 {
		if _, err := register.CheckPassword(register.DummyHash, code); err != nil {
			return 0, err
		}
	}
	for _, c := range list {
		if ok, err := register.CheckPassword(c.NoteVerifier, code); err != nil {
			return 0, err
		} else if ok {
			return c.id, nil
		}
	}
	return 0, errUnknownReceipt()
}

func errUnknownReceipt() error {
	return db.Errorf(db.ENOTFOUND, "回执码不正确，或没有对应的举报。请核对后重试。")
}
