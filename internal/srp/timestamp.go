package srp

import (
	"errors"
	"fmt"
	"time"
)

// TimestampLayout is Cognito's TIMESTAMP format (amazon-cognito-identity-js
// DateHelper.getNowString, Amplify getNowString): English weekday and month,
// day of month not zero-padded, 24-hour time, literal UTC.
const TimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// Errors from ParseTimestamp.
var (
	ErrMalformedTimestamp = errors.New("srp: malformed TIMESTAMP")
	ErrStaleTimestamp     = errors.New("srp: TIMESTAMP outside the allowed skew")
)

// FormatTimestamp formats t the way Cognito clients write TIMESTAMP.
func FormatTimestamp(t time.Time) string {
	return t.UTC().Format(TimestampLayout)
}

// ParseTimestamp checks a TIMESTAMP challenge response. s must be exactly
// the canonical rendering of some instant in TimestampLayout — so a
// zero-padded day ("Sep 05"), a wrong weekday, a single-digit hour or any
// extra space is refused, as AWS refuses them — and that instant must be
// within skew of now.
//
// github.com/alexrudd/cognito-srp formats the hour with Go's 12-hour layout
// ("03" for 15h) and no AM/PM marker, so a string whose hour is 01..12 is
// also accepted when the instant 12 hours later (or, for 12, earlier) on the
// same day is within skew. The signature is always computed over s itself,
// so this leniency only widens the freshness check.
func ParseTimestamp(s string, now time.Time, skew time.Duration) error {
	t, err := time.ParseInLocation(TimestampLayout, s, time.UTC)
	if err != nil || t.Format(TimestampLayout) != s {
		return ErrMalformedTimestamp
	}
	candidates := []time.Time{t}
	switch h := t.Hour(); {
	case h >= 1 && h <= 11:
		candidates = append(candidates, t.Add(12*time.Hour))
	case h == 12:
		candidates = append(candidates, t.Add(-12*time.Hour))
	}
	for _, c := range candidates {
		if d := now.Sub(c); d <= skew && d >= -skew {
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrStaleTimestamp, s)
}
