package db

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// KeyName names the signer of audit checkpoints; it is the first word of every signature
// line and the origin line of every checkpoint.
const KeyName = "qinqing-audit"

// Keys are the server's secrets that must not live in the database file: the Ed25519 key
// that signs audit checkpoints and, derived from it, the keys of receipt lookups, session
// tokens and the identity vault. Someone who copies the database alone can then neither
// forge a checkpoint, test receipts, mint a token nor read who filed a report.
type Keys struct {
	Signer       note.Signer
	NoteVerifier note.Verifier
	// VerifierKey is the public key in note's text form, for anyone who checks a checkpoint.
	VerifierKey string
	// Fingerprint names the key without revealing it: the first 16 hex digits of the
	// SHA-256 of the public key. The database keeps it to recognise its key file.
	Fingerprint string
	Receipt     []byte
	Token       []byte
	vault       cipher.AEAD
}

// LoadKeys reads the key file at path; a missing file is an error wrapping fs.ErrNotExist.
func LoadKeys(path string) (*Keys, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("db: read key file: %w", err)
	}
	return ParseKeys(strings.TrimSpace(string(raw)))
}

// CreateKeys writes a new key file at path, mode 0600; it never replaces an existing one.
func CreateKeys(path string) (*Keys, error) {
	skey, _, err := note.GenerateKey(rand.Reader, KeyName)
	if err != nil {
		return nil, fmt.Errorf("db: generate key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return nil, fmt.Errorf("db: create key file: %w", err)
	}
	_, werr := f.WriteString(skey + "\n")
	serr := f.Sync()
	if err := errors.Join(werr, serr, f.Close(), SyncDir(path)); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("db: write key file %s: %w", path, err)
	}
	return ParseKeys(skey)
}

// ParseKeys builds the keys from a note signer key ("PRIVATE+KEY+name+hash+key").
func ParseKeys(skey string) (*Keys, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("db: key file: %w", err)
	}
	// The base64 key, after PRIVATE+KEY+name+hash+, may itself contain '+'.
	parts := strings.SplitN(skey, "+", 5)
	seed, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(seed) != 33 {
		return nil, errors.New("db: key file: malformed key")
	}
	pub := ed25519.NewKeyFromSeed(seed[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return nil, fmt.Errorf("db: key file: %w", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("db: key file: %w", err)
	}
	fp := sha256.Sum256(pub)
	// Each use gets its own key, so that no value ever serves two purposes.
	block, err := aes.NewCipher(derive(seed[1:], "qinqing identity vault v1"))
	if err != nil {
		return nil, fmt.Errorf("db: vault key: %w", err)
	}
	vault, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("db: vault key: %w", err)
	}
	return &Keys{Signer: s, NoteVerifier: v, VerifierKey: vkey, Fingerprint: hex.EncodeToString(fp[:8]),
		Receipt: derive(seed[1:], "qinqing receipt lookup v1"), Token: derive(seed[1:], "qinqing session token v1"),
		vault: vault}, nil
}

// derive is HMAC-SHA256 of a fixed label under the seed: a 32-byte key for one purpose.
func derive(seed []byte, label string) []byte {
	m := hmac.New(sha256.New, seed)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Verifier checks signatures made by these keys.
func (k *Keys) Verifier() note.Verifier { return k.NoteVerifier }

// TokenKey is the key that signs session tokens when no secret is configured.
func (k *Keys) TokenKey() []byte { return k.Token }

// keyFileMissing reports whether err means the key file does not exist.
func keyFileMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }
