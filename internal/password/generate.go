package password

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// Character classes for generated passwords. The symbol class is Symbols
// without the space, so a generated password never has surrounding
// whitespace and survives copy and paste from an invitation message.
const (
	upperChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerChars  = "abcdefghijklmnopqrstuvwxyz"
	digitChars  = "0123456789"
	minGenerate = 12
)

var symbolChars = strings.ReplaceAll(Symbols, " ", "")

// Generate returns a random temporary password that satisfies p, of length
// max(p.MinimumLength, 12) (at most MaxLength). It contains at least one
// uppercase letter, lowercase letter, digit and symbol whatever p requires,
// the other characters are drawn uniformly from the union of those classes,
// and the positions are shuffled uniformly. rand should be crypto/rand.Reader.
func Generate(p Policy, rand io.Reader) (string, error) {
	n := max(p.MinimumLength, minGenerate)
	if n > MaxLength {
		return "", fmt.Errorf("password: minimum length %d above %d", p.MinimumLength, MaxLength)
	}
	r := &uniform{r: rand}
	all := upperChars + lowerChars + digitChars + symbolChars
	out := make([]byte, 0, n)
	for _, class := range []string{upperChars, lowerChars, digitChars, symbolChars} {
		out = append(out, class[r.intn(len(class))])
	}
	for len(out) < n {
		out = append(out, all[r.intn(len(all))])
	}
	// Fisher-Yates, so the mandatory characters are not always first.
	for i := len(out) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	if r.err != nil {
		return "", fmt.Errorf("password: reading randomness: %w", r.err)
	}
	pw := string(out)
	if err := p.Check(pw); err != nil { // cannot happen; keep the promise checked
		return "", fmt.Errorf("password: generated password fails policy: %w", err)
	}
	return pw, nil
}

// uniform draws unbiased small integers from a byte source by rejection
// sampling. After a read error it returns 0 and remembers the error.
type uniform struct {
	r   io.Reader
	buf [4]byte
	err error
}

func (u *uniform) intn(n int) int {
	if n <= 1 || u.err != nil {
		return 0
	}
	// Accept v < limit, the largest multiple of n that fits in 32 bits.
	limit := (1 << 32) / uint64(n) * uint64(n)
	for {
		if _, err := io.ReadFull(u.r, u.buf[:]); err != nil {
			u.err = err
			return 0
		}
		v := uint64(binary.BigEndian.Uint32(u.buf[:]))
		if v < limit {
			return int(v % uint64(n))
		}
	}
}
