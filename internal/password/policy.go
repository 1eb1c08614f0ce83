package password

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLength is the longest password Cognito accepts (PasswordType max 256).
const MaxLength = 256

// Symbols is Cognito's set of special characters for RequireSymbols,
// including the space character.
const Symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// Errors for passwords that break the API-level constraints Cognito checks
// before the pool policy. Cognito reports these as InvalidParameterException
// with a validation message naming the request member (password,
// proposedPassword, ...), so the caller formats the message.
var (
	ErrEmpty            = errors.New("password: empty")
	ErrTooLong          = errors.New("password: longer than 256 characters")
	ErrSurroundingSpace = errors.New("password: leading or trailing whitespace")
	ErrInvalidUTF8      = errors.New("password: not valid UTF-8")
	errPolicyLength     = &PolicyError{Reason: "Password not long enough"}
	errPolicyUppercase  = &PolicyError{Reason: "Password must have uppercase characters"}
	errPolicyLowercase  = &PolicyError{Reason: "Password must have lowercase characters"}
	errPolicyNumbers    = &PolicyError{Reason: "Password must have numeric characters"}
	errPolicySymbols    = &PolicyError{Reason: "Password must have symbol characters"}
)

// PolicyError is a pool password policy violation. Its Error text is the
// message Cognito returns with InvalidPasswordException.
type PolicyError struct {
	Reason string // e.g. "Password not long enough"
}

func (e *PolicyError) Error() string {
	return "Password did not conform with policy: " + e.Reason
}

// Policy is a user pool's password policy (PasswordPolicyType).
type Policy struct {
	MinimumLength    int
	RequireUppercase bool
	RequireLowercase bool
	RequireNumbers   bool
	RequireSymbols   bool
}

// DefaultPolicy is what CreateUserPool uses when no policy is given.
var DefaultPolicy = Policy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}

// Check validates pw. It first applies the API-level constraints (ErrEmpty,
// ErrTooLong, ErrSurroundingSpace, ErrInvalidUTF8: InvalidParameterException
// in Cognito), then the policy rules in Cognito's order — length, uppercase,
// lowercase, numbers, symbols — returning a *PolicyError for the first that
// fails (InvalidPasswordException). Lengths count Unicode code points;
// character classes are ASCII (A-Z, a-z, 0-9, Symbols).
func (p Policy) Check(pw string) error {
	if err := checkFormat(pw); err != nil {
		return err
	}
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case r < utf8.RuneSelf && strings.ContainsRune(Symbols, r):
			symbol = true
		}
	}
	switch {
	case utf8.RuneCountInString(pw) < p.MinimumLength:
		return errPolicyLength
	case p.RequireUppercase && !upper:
		return errPolicyUppercase
	case p.RequireLowercase && !lower:
		return errPolicyLowercase
	case p.RequireNumbers && !digit:
		return errPolicyNumbers
	case p.RequireSymbols && !symbol:
		return errPolicySymbols
	}
	return nil
}

func checkFormat(pw string) error {
	if pw == "" {
		return ErrEmpty
	}
	if !utf8.ValidString(pw) {
		return ErrInvalidUTF8
	}
	if utf8.RuneCountInString(pw) > MaxLength {
		return ErrTooLong
	}
	first, _ := utf8.DecodeRuneInString(pw)
	last, _ := utf8.DecodeLastRuneInString(pw)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return ErrSurroundingSpace
	}
	return nil
}
