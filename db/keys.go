package db

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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
// that signs audit checkpoints and, derived from it, the key of receipt lookups. Someone
// who copies the database alone can then neither forge a checkpoint nor test receipts.
type Keys struct {
	signer   note.Signer
	verifier note.Verifier
	// VerifierKey is the public key in note's text form, for anyone who checks a checkpoint.
	VerifierKey string
	receipt     []byte
}

// LoadKeys reads the key file at path, generating it (mode 0600) on first use.
func LoadKeys(path string) (*Keys, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		skey, _, gerr := note.GenerateKey(rand.Reader, KeyName)
		if gerr != nil {
			return nil, fmt.Errorf("db: generate key: %w", gerr)
		}
		f, cerr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(cerr, fs.ErrExist) {
			// Another process made it first: use theirs.
			return LoadKeys(path)
		}
		if cerr != nil {
			return nil, fmt.Errorf("db: create key file: %w", cerr)
		}
		_, werr := f.WriteString(skey + "\n")
		serr := f.Sync()
		if err := errors.Join(werr, serr, f.Close()); err != nil {
			os.Remove(path)
			return nil, fmt.Errorf("db: write key file %s: %w", path, err)
		}
		raw = []byte(skey + "\n")
	} else if err != nil {
		return nil, fmt.Errorf("db: read key file: %w", err)
	}
	return ParseKeys(strings.TrimSpace(string(raw)))
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
	vkey, err := note.NewEd25519VerifierKey(s.Name(), ed25519.NewKeyFromSeed(seed[1:]).Public().(ed25519.PublicKey))
	if err != nil {
		return nil, fmt.Errorf("db: key file: %w", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("db: key file: %w", err)
	}
	// A separate key for receipts, so that a receipt hash never doubles as a signature input.
	m := hmac.New(sha256.New, seed[1:])
	m.Write([]byte("qinqing receipt lookup v1"))
	return &Keys{signer: s, verifier: v, VerifierKey: vkey, receipt: m.Sum(nil)}, nil
}

// Verifier checks signatures made by these keys.
func (k *Keys) Verifier() note.Verifier { return k.verifier }
