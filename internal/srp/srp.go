package srp

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// nHex is the 3072-bit MODP prime of RFC 3526 §4 (also RFC 5054 appendix A).
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

const (
	// SaltLen is the length of salts made by NewSalt (Cognito sends 16 bytes).
	SaltLen = 16
	// VerifierLen is the length of the verifiers Verifier returns: v as a
	// fixed-width big-endian number as wide as N.
	VerifierLen = 384
	// MaxAHexLen bounds SRP_A: a client's A is below N, so at most 768 hex
	// digits; anything over 1024 is refused before any arithmetic.
	MaxAHexLen = 1024
	// secretLen is the number of random bytes in the server's exponent b.
	secretLen = 32
	infoText  = "Caldera Derived Key"
	keyLen    = 16
)

var (
	bigN = mustHex(nHex)
	bigG = big.NewInt(2)
	bigK = new(big.Int).SetBytes(hashPadded(bigN, bigG))
)

// Errors returned by VerifyClaim and the parsing functions. Callers answer
// all of them with NotAuthorizedException; they are distinct for logs and
// tests.
var (
	ErrInvalidA        = errors.New("srp: invalid SRP_A")
	ErrInvalidVerifier = errors.New("srp: invalid verifier")
	ErrInvalidState    = errors.New("srp: invalid server state")
	ErrBadSignature    = errors.New("srp: password claim signature mismatch")
)

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad constant " + s)
	}
	return n
}

// pad is Cognito's padHex on bytes: the minimal big-endian encoding of the
// non-negative n, with a 0x00 prepended when the top bit of the first byte
// is set (Java BigInteger.toByteArray). pad(0) is a single 0x00 byte.
func pad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// hashPadded is H(PAD(a) || PAD(b) || ...).
func hashPadded(ns ...*big.Int) []byte {
	h := sha256.New()
	for _, n := range ns {
		h.Write(pad(n))
	}
	return h.Sum(nil)
}

// NewSalt returns SaltLen random bytes from rand for a new verifier.
func NewSalt(rand io.Reader) ([]byte, error) {
	salt := make([]byte, SaltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return nil, fmt.Errorf("srp: reading salt: %w", err)
	}
	return salt, nil
}

// x computes the private key exactly as the client does: the salt is the big
// integer the client parses from SALT, re-encoded with PAD, so leading 0x00
// bytes disappear and a 0x00 is added before a first byte ≥ 0x80.
func x(poolName, userID, password string, salt []byte) *big.Int {
	inner := sha256.Sum256([]byte(poolName + userID + ":" + password))
	h := sha256.New()
	h.Write(pad(new(big.Int).SetBytes(salt)))
	h.Write(inner[:])
	return new(big.Int).SetBytes(h.Sum(nil))
}

// Verifier returns v = g^x mod N as VerifierLen big-endian bytes, for the
// given pool name (the part of the pool id after the first "_"), the
// identifier the server will send as USER_ID_FOR_SRP, the password and the
// salt. For device verifiers pass the device group key, the device key and
// the device password.
func Verifier(poolName, userID, password string, salt []byte) []byte {
	v := new(big.Int).Exp(bigG, x(poolName, userID, password, salt), bigN)
	return v.FillBytes(make([]byte, VerifierLen))
}

// PoolName returns the part of a pool id after the first "_"
// ("us-east-1_TestPool" → "TestPool"), the poolName in every SRP formula.
func PoolName(poolID string) string {
	_, name, _ := strings.Cut(poolID, "_")
	return name
}

// HexInt encodes a big-endian unsigned integer the way Cognito writes SALT
// and SRP_B on the wire: lowercase hex, no leading zeros, "0" for zero.
func HexInt(b []byte) string {
	return new(big.Int).SetBytes(b).Text(16)
}

// SaltHex is the SALT challenge parameter for salt.
func SaltHex(salt []byte) string { return HexInt(salt) }

// ParseHexInt parses a Cognito hex big integer (SRP_A, SALT, SRP_B): only
// hex digits, either case, at least one and at most maxDigits.
func ParseHexInt(s string, maxDigits int) (*big.Int, error) {
	if s == "" || len(s) > maxDigits {
		return nil, fmt.Errorf("srp: hex integer of %d digits, want 1..%d", len(s), maxDigits)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return nil, errors.New("srp: not a hex integer")
		}
	}
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		return nil, errors.New("srp: not a hex integer")
	}
	return n, nil
}

// Server is the server's half of one handshake: the secret exponent b and
// the public value B = (k·v + g^b) mod N, both big-endian. Keep it between
// InitiateAuth and RespondToAuthChallenge (the fields are exported, and
// MarshalBinary gives a compact form), confidential and tamper-proof —
// e.g. AEAD-sealed inside SECRET_BLOCK or in a server-side table — and use
// it for one VerifyClaim only.
type Server struct {
	Secret []byte // b
	Public []byte // B
}

// NewServer starts a handshake for verifier v, drawing b from rand
// (normally crypto/rand.Reader).
func NewServer(verifier []byte, rand io.Reader) (*Server, error) {
	v, err := parseVerifier(verifier)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, secretLen)
	for range 8 {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return nil, fmt.Errorf("srp: reading randomness: %w", err)
		}
		if s := newServerWithB(v, new(big.Int).SetBytes(buf)); s != nil {
			return s, nil
		}
	}
	return nil, errors.New("srp: randomness source keeps yielding unusable values")
}

// newServerWithB computes B for a chosen b; nil if b or B is 0. Tests use it
// to inject the fixed b of the reference vector.
func newServerWithB(v, b *big.Int) *Server {
	if b.Sign() == 0 {
		return nil
	}
	B := new(big.Int).Mul(bigK, v)
	B.Add(B, new(big.Int).Exp(bigG, b, bigN))
	B.Mod(B, bigN)
	if B.Sign() == 0 {
		return nil
	}
	return &Server{Secret: b.Bytes(), Public: B.Bytes()}
}

// BHex is the SRP_B challenge parameter.
func (s *Server) BHex() string { return HexInt(s.Public) }

const stateVersion = 1

// MarshalBinary encodes s as version byte 1, then b and B each with a
// two-byte big-endian length.
func (s *Server) MarshalBinary() ([]byte, error) {
	if _, _, err := s.values(); err != nil {
		return nil, err
	}
	out := make([]byte, 0, 5+len(s.Secret)+len(s.Public))
	out = append(out, stateVersion)
	out = binary.BigEndian.AppendUint16(out, uint16(len(s.Secret)))
	out = append(out, s.Secret...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(s.Public)))
	out = append(out, s.Public...)
	return out, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote and validates it.
func (s *Server) UnmarshalBinary(data []byte) error {
	if len(data) < 1 || data[0] != stateVersion {
		return fmt.Errorf("%w: unknown encoding", ErrInvalidState)
	}
	rest := data[1:]
	next := func() ([]byte, bool) {
		if len(rest) < 2 {
			return nil, false
		}
		n := int(binary.BigEndian.Uint16(rest))
		if len(rest) < 2+n {
			return nil, false
		}
		v := rest[2 : 2+n]
		rest = rest[2+n:]
		return v, true
	}
	b, ok1 := next()
	B, ok2 := next()
	if !ok1 || !ok2 || len(rest) != 0 {
		return fmt.Errorf("%w: truncated or trailing data", ErrInvalidState)
	}
	t := Server{Secret: append([]byte(nil), b...), Public: append([]byte(nil), B...)}
	if _, _, err := t.values(); err != nil {
		return err
	}
	*s = t
	return nil
}

// values returns b and B after checking 0 < b, 0 < B < N.
func (s *Server) values() (b, B *big.Int, err error) {
	if s == nil || len(s.Secret) == 0 || len(s.Secret) > 512 || len(s.Public) == 0 || len(s.Public) > VerifierLen {
		return nil, nil, ErrInvalidState
	}
	b = new(big.Int).SetBytes(s.Secret)
	B = new(big.Int).SetBytes(s.Public)
	if b.Sign() == 0 || B.Sign() == 0 || B.Cmp(bigN) >= 0 {
		return nil, nil, ErrInvalidState
	}
	return b, B, nil
}

func parseVerifier(verifier []byte) (*big.Int, error) {
	if len(verifier) == 0 || len(verifier) > VerifierLen {
		return nil, ErrInvalidVerifier
	}
	v := new(big.Int).SetBytes(verifier)
	if v.Sign() == 0 || v.Cmp(bigN) >= 0 {
		return nil, ErrInvalidVerifier
	}
	return v, nil
}

// sessionKey is the server's side of the key agreement: S = (A·v^u)^b mod N,
// K = HKDF-SHA256(PAD(S), salt = PAD(u), "Caldera Derived Key")[:16].
func sessionKey(A, B, b, v *big.Int) ([]byte, error) {
	u := new(big.Int).SetBytes(hashPadded(A, B))
	if u.Sign() == 0 {
		return nil, fmt.Errorf("%w: u = 0", ErrInvalidA)
	}
	S := new(big.Int).Exp(v, u, bigN)
	S.Mul(S, A)
	S.Mod(S, bigN)
	S.Exp(S, b, bigN)
	return hkdf.Key(sha256.New, pad(S), pad(u), infoText, keyLen)
}

// claimMAC is HMAC-SHA256(key, poolName || userID || secretBlock || timestamp).
func claimMAC(key []byte, poolName, userID string, secretBlock []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName))
	m.Write([]byte(userID))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}

// VerifyClaim checks a PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER)
// answer against the handshake state and the user's verifier: aHex is SRP_A
// from InitiateAuth, secretBlock the base64-decoded
// PASSWORD_CLAIM_SECRET_BLOCK, timestamp the TIMESTAMP exactly as received
// (check it separately with ParseTimestamp) and signatureB64 the
// PASSWORD_CLAIM_SIGNATURE. It returns nil only if the signature proves
// knowledge of the password; the comparison is constant-time.
func VerifyClaim(state *Server, verifier []byte, aHex, poolName, userID string, secretBlock []byte, timestamp, signatureB64 string) error {
	b, B, err := state.values()
	if err != nil {
		return err
	}
	v, err := parseVerifier(verifier)
	if err != nil {
		return err
	}
	A, err := ParseHexInt(aHex, MaxAHexLen)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidA, err)
	}
	if A.Cmp(bigN) >= 0 || A.Sign() == 0 {
		// A client's A = g^a mod N is in [1, N); A ≡ 0 would force S = 0.
		return fmt.Errorf("%w: out of range", ErrInvalidA)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(signatureB64)
	if err != nil || len(sig) != sha256.Size {
		return fmt.Errorf("%w: malformed signature", ErrBadSignature)
	}
	key, err := sessionKey(A, B, b, v)
	if err != nil {
		return err
	}
	if !hmac.Equal(sig, claimMAC(key, poolName, userID, secretBlock, timestamp)) {
		return ErrBadSignature
	}
	return nil
}
