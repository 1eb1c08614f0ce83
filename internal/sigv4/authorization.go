package sigv4

import (
	"strings"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "AWS4-HMAC-SHA256"

// Terminator ends every SigV4 credential scope.
const Terminator = "aws4_request"

// Authorization is a parsed SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=<hex>
//
// ParseAuthorization checks structure only; the scope values (date, region,
// service, terminator) are checked against the request by Verifier.Verify.
type Authorization struct {
	AccessKeyID string
	// Date is the credential scope date as sent (normally yyyymmdd).
	Date       string
	Region     string
	Service    string
	Terminator string
	// SignedHeaders in the client's order (lower-case, as sent).
	SignedHeaders []string
	Signature     string
}

// CredentialScope is date/region/service/terminator.
func (a Authorization) CredentialScope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

// String formats the header the way the AWS SDKs do.
func (a Authorization) String() string {
	return Algorithm + " Credential=" + a.AccessKeyID + "/" + a.CredentialScope() +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") +
		", Signature=" + a.Signature
}

// ParseAuthorization parses a SigV4 Authorization header value. It accepts the
// parameters in any order, separated by commas with optional spaces or tabs
// around each parameter, key and value (as AWS does). It rejects anything
// else: unknown or duplicate parameters, a component without '=', an
// algorithm other than AWS4-HMAC-SHA256, a credential that is not five
// slash-separated elements, and SignedHeaders that are not a list of distinct
// lower-case header names. Errors are *Error with code
// IncompleteSignatureException.
func ParseAuthorization(h string) (Authorization, error) {
	a, problems, err := parseAuthorization(h)
	if err != nil {
		return Authorization{}, err
	}
	if len(problems) > 0 {
		return Authorization{}, incomplete(problems, h)
	}
	return a, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// parseAuthorization returns either a fatal error, or the list of missing
// parameters in AWS's order (the caller may add the date-header problem before
// reporting), or a complete Authorization.
func parseAuthorization(h string) (Authorization, []string, *Error) {
	s := trimSpace(h)
	alg, rest := s, ""
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		alg, rest = s[:i], trimSpace(s[i:])
	}

	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	if rest != "" {
		for comp := range strings.SplitSeq(rest, ",") {
			comp = trimSpace(comp)
			eq := strings.IndexByte(comp, '=')
			if eq < 0 {
				return Authorization{}, nil, newError(CodeIncompleteSignature,
					"'"+comp+"' not a valid key=value pair (missing equal-sign) in Authorization header: '"+h+"'.")
			}
			key, val := trimSpace(comp[:eq]), trimSpace(comp[eq+1:])
			var dst *string
			var seen *bool
			switch key {
			case "Credential":
				dst, seen = &cred, &haveCred
			case "SignedHeaders":
				dst, seen = &signed, &haveSigned
			case "Signature":
				dst, seen = &sig, &haveSig
			default:
				return Authorization{}, nil, newError(CodeIncompleteSignature,
					"Authorization header contains an unsupported parameter '"+key+"'. Authorization="+h)
			}
			if *seen {
				return Authorization{}, nil, newError(CodeIncompleteSignature,
					"Authorization header contains parameter '"+key+"' more than once. Authorization="+h)
			}
			*seen = true
			*dst = val
		}
	}

	var problems []string
	if cred == "" {
		problems = append(problems, "Authorization header requires 'Credential' parameter.")
	}
	if sig == "" {
		problems = append(problems, "Authorization header requires 'Signature' parameter.")
	}
	if signed == "" {
		problems = append(problems, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if len(problems) > 0 {
		return Authorization{}, problems, nil
	}
	if alg != Algorithm {
		return Authorization{}, nil, newError(CodeIncompleteSignature,
			"Unsupported AWS 'algorithm': '"+alg+"'. Authorization header must start with '"+Algorithm+"'.")
	}

	var a Authorization
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[0] == "" {
		return Authorization{}, nil, newError(CodeIncompleteSignature,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"+cred+"'")
	}
	a.AccessKeyID, a.Date, a.Region, a.Service, a.Terminator = parts[0], parts[1], parts[2], parts[3], parts[4]

	a.SignedHeaders = strings.Split(signed, ";")
	seen := make(map[string]struct{}, len(a.SignedHeaders))
	for _, name := range a.SignedHeaders {
		if !validSignedHeaderName(name) {
			return Authorization{}, nil, newError(CodeIncompleteSignature,
				"SignedHeaders must be a ';'-separated list of lower-case header names, got '"+signed+"'.")
		}
		if _, dup := seen[name]; dup {
			return Authorization{}, nil, newError(CodeIncompleteSignature,
				"SignedHeaders names '"+name+"' more than once: '"+signed+"'.")
		}
		seen[name] = struct{}{}
	}
	a.Signature = sig
	return a, nil, nil
}

// validSignedHeaderName: a non-empty RFC 9110 token without upper-case letters.
func validSignedHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
