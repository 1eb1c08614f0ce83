package password

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes (parallelism)
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams follow OWASP's argon2id recommendation (m=19 MiB, t=2, p=1)
// with a 16-byte salt and a 32-byte hash.
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// InsecureTestParams are deliberately cheap so that tests hashing many
// passwords stay fast. Never use them in production: they make offline
// guessing trivially cheap.
var InsecureTestParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits accepted when reading a stored hash. They bound the work one Verify
// call can be made to do by a corrupt or hostile stored string.
const (
	maxMemoryKiB = 4 << 20 // 4 GiB
	maxTime      = 64
	minSaltLen   = 8
	maxSaltLen   = 1024
	minKeyLen    = 16
	maxKeyLen    = 1024
	maxBcryptCst = 17
	argonVersion = argon2.Version // 0x13 = 19
)

// ErrMalformedHash is returned (wrapped) for stored hashes that cannot be
// parsed or that use parameters outside the accepted limits.
var ErrMalformedHash = errors.New("password: malformed hash")

// ErrUnsupportedHash is returned (wrapped) for hash formats this package does
// not verify.
var ErrUnsupportedHash = errors.New("password: unsupported hash format")

var b64 = base64.RawStdEncoding.Strict()

// Validate reports whether p can be used to hash passwords.
func (p Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("password: argon2 time %d out of range 1..%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("password: argon2 threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("password: argon2 memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Threads), maxMemoryKiB)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("password: salt length %d out of range %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("password: key length %d out of range %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// Hash hashes pw with argon2id and returns a PHC string. The salt is read
// from rand (normally crypto/rand.Reader).
func Hash(pw string, p Params, rand io.Reader) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	release := acquire()
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	release()
	return encodePHC(p, salt, key), nil
}

func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argonVersion, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether pw matches the stored hash phc, which is either an
// argon2id PHC string made by Hash or an imported bcrypt hash. A wrong
// password gives (false, nil); an unparsable or unsupported hash gives
// (false, err). The final comparison is constant-time.
func Verify(pw, phc string) (ok bool, err error) {
	if isBcrypt(phc) {
		return verifyBcrypt(pw, phc)
	}
	h, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	release := acquire()
	key := argon2.IDKey([]byte(pw), h.salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	release()
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// NeedsRehash reports whether phc should be replaced by a fresh Hash with
// parameters p: it is bcrypt, malformed, or argon2id with any parameter
// different from p. Call it after a successful Verify.
func NeedsRehash(phc string, p Params) bool {
	h, err := parsePHC(phc)
	if err != nil {
		return true
	}
	return h.params != p
}

type phcHash struct {
	params Params
	salt   []byte
	key    []byte
}

// parsePHC parses the exact form encodePHC writes:
// $argon2id$v=19$m=<uint>,t=<uint>,p=<uint>$<b64 salt>$<b64 hash>.
func parsePHC(s string) (phcHash, error) {
	var h phcHash
	malformed := func(why string) (phcHash, error) {
		return phcHash{}, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	if !strings.HasPrefix(s, "$") {
		return malformed("missing leading $")
	}
	parts := strings.Split(s[1:], "$")
	if len(parts) == 0 || parts[0] != "argon2id" {
		if len(parts) > 0 && (parts[0] == "argon2i" || parts[0] == "argon2d") {
			return phcHash{}, fmt.Errorf("%w: %s", ErrUnsupportedHash, parts[0])
		}
		return phcHash{}, fmt.Errorf("%w: not argon2id", ErrUnsupportedHash)
	}
	if len(parts) != 5 {
		return malformed("wrong number of fields")
	}
	if parts[1] != "v="+strconv.Itoa(argonVersion) {
		return malformed("unsupported version field")
	}
	kv := strings.Split(parts[2], ",")
	if len(kv) != 3 {
		return malformed("want m=,t=,p= parameters")
	}
	m, err := parseParam(kv[0], "m", maxMemoryKiB)
	if err != nil {
		return malformed(err.Error())
	}
	t, err := parseParam(kv[1], "t", maxTime)
	if err != nil {
		return malformed(err.Error())
	}
	p, err := parseParam(kv[2], "p", 255)
	if err != nil {
		return malformed(err.Error())
	}
	h.salt, err = b64.DecodeString(parts[3])
	if err != nil {
		return malformed("bad salt encoding")
	}
	h.key, err = b64.DecodeString(parts[4])
	if err != nil {
		return malformed("bad hash encoding")
	}
	h.params = Params{Memory: m, Time: t, Threads: uint8(p), SaltLen: uint32(len(h.salt)), KeyLen: uint32(len(h.key))}
	if err := h.params.Validate(); err != nil {
		return malformed(err.Error())
	}
	return h, nil
}

// parseParam parses "name=<decimal>" with no sign, no leading zeros and a
// value in 1..max.
func parseParam(s, name string, max uint32) (uint32, error) {
	v, ok := strings.CutPrefix(s, name+"=")
	if !ok {
		return 0, fmt.Errorf("want %s=", name)
	}
	if v == "" || len(v) > 10 || (v[0] == '0') {
		return 0, fmt.Errorf("bad %s value", name)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, fmt.Errorf("bad %s value", name)
		}
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 1 || n > uint64(max) {
		return 0, fmt.Errorf("%s out of range", name)
	}
	return uint32(n), nil
}

func isBcrypt(s string) bool {
	return strings.HasPrefix(s, "$2a$") || strings.HasPrefix(s, "$2b$") || strings.HasPrefix(s, "$2y$")
}

// verifyBcrypt checks an imported bcrypt hash. bcrypt only ever used the
// first 72 bytes of a password; x/crypto's comparison does the same, so
// imported users keep signing in exactly as they did before.
func verifyBcrypt(pw, hash string) (bool, error) {
	if len(hash) != 60 {
		return false, fmt.Errorf("%w: bcrypt hash must be 60 characters", ErrMalformedHash)
	}
	cost, err := bcrypt.Cost([]byte(hash))
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	if cost > maxBcryptCst {
		return false, fmt.Errorf("%w: bcrypt cost %d above %d", ErrMalformedHash, cost, maxBcryptCst)
	}
	release := acquire()
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw))
	release()
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
}
