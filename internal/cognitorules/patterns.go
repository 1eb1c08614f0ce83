package cognitorules

import (
	"regexp"
	"regexp/syntax"
)

// A Pattern is a member pattern of the model. It matches the whole value
// (AWS's service-side check behaves as a full match) and is shown in
// messages as the model spells it.
type Pattern struct {
	display string
	re      *regexp.Regexp
	// ascii, for a pattern that is one character class repeated ("[...]+"),
	// says which ASCII bytes the class holds: an ASCII value is then checked
	// byte by byte, without the regexp engine (a JWT was 11 % of GetUser's
	// CPU in the regexp). Values with other bytes still go to re.
	ascii *[128]bool
}

// newPattern compiles the model pattern expr, shown as display in messages
// (display is expr except where a face shows a pattern other than the one
// it matches with; see Password).
func newPattern(display, expr string) *Pattern {
	p := &Pattern{display: display, re: regexp.MustCompile(`^(?:` + expr + `)$`)}
	if t, err := syntax.Parse(expr, syntax.Perl); err == nil {
		if t = t.Simplify(); t.Op == syntax.OpPlus && t.Sub[0].Op == syntax.OpCharClass {
			// A one-byte string matches "[class]+" exactly when the byte
			// is in the class.
			p.ascii = new([128]bool)
			for c := range p.ascii {
				p.ascii[c] = p.re.MatchString(string(rune(c)))
			}
		}
	}
	return p
}

func model(expr string) *Pattern { return newPattern(expr, expr) }

// Match reports whether the whole of s matches the pattern.
func (p *Pattern) Match(s string) bool {
	if p.ascii == nil || s == "" {
		return p.re.MatchString(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return p.re.MatchString(s)
		}
		if !p.ascii[c] {
			return false
		}
	}
	return true
}

// String is the pattern as messages show it.
func (p *Pattern) String() string { return p.display }

// Constraint is the pattern's constraint text: "Member must satisfy regular
// expression pattern: <pattern>".
func (p *Pattern) Constraint() string {
	return "Member must satisfy regular expression pattern: " + p.display
}

// The model's patterns that several packages apply.
var (
	// PoolID is UserPoolIdType (1..55, see ModelPoolID).
	PoolID = model(`[\w-]+_[0-9a-zA-Z]+`)
	// ClientID is ClientIdType (1..128, see ValidClientID); ClientSecretType
	// has the same pattern.
	ClientID = model(`[\w+]+`)
	// Name is UsernameType and GroupNameType.
	Name = model(`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
	// AttributeName is AttributeNameType.
	AttributeName = model(`[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+`)
	// NonSpace is the model's "[\S]+" (pagination tokens, codes, ...).
	NonSpace = model(`[\S]+`)
	// DeviceKey is DeviceKeyType.
	DeviceKey = model(`[\w-]+_[0-9a-f-]+`)
	// ARN is ArnType.
	ARN = model(`arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`)
	// PoolName is UserPoolNameType (1..128).
	PoolName = model(`[\w\s+=,.@-]+`)
	// ClientName is ClientNameType (1..128).
	ClientName = model(`[\w\s+=,.@-]+`)
	// Password is PasswordType as the model prints it ("[\S]+"), matched as
	// Cognito behaves: interior spaces allowed (the docs count a space as a
	// symbol), leading and trailing whitespace refused.
	Password = newPattern(`[\S]+`, passwordExpr)
	// PasswordLoose matches as Password does but shows the expression it
	// matches with; it is what the Cognito face's messages have always
	// shown (the Admin Queries face and the domain show Password's "[\S]+").
	PasswordLoose = model(passwordExpr)
)

const passwordExpr = `[\S]+(?:.*[\S]+)?`

// patterns are the model's patterns by the name wire shapes use for them
// (cognitoidp's `cg:"re=NAME"` tags): one literal table.
var patterns = map[string]*Pattern{
	// Ids, names and tokens.
	"poolId":         PoolID,
	"username":       Name,
	"groupName":      Name,
	"clientId":       ClientID,
	"clientSecret":   ClientID,
	"secretHash":     model(`[\w+=/]+`),
	"token":          model(`[A-Za-z0-9-_=.]+`),
	"deviceKey":      DeviceKey,
	"attrName":       AttributeName,
	"customAttrName": Name,
	"poolName":       PoolName,
	"clientName":     ClientName,
	"nonSpace":       NonSpace,
	"arn":            ARN,
	"email":          model(`[\p{L}\p{M}\p{S}\p{N}\p{P}]+@[\p{L}\p{M}\p{S}\p{N}\p{P}]+`),
	"redirectUrl":    Name,
	"scope":          model(`[\x21\x23-\x5B\x5D-\x7E]+`),
	"hexString":      model(`^[0-9a-fA-F]+$`),
	"digits":         model(`[0-9]+`),
	"passwordLoose":  PasswordLoose,

	// Pool and app-client shapes.
	"smsMessage":          model(`.*\{####\}.*`),
	"emailMessage":        model(`[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`),
	"emailMessageByLink":  model(`[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{##[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*##\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`),
	"emailSubject":        model(`[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`),
	"emailInvite":         model(`[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`),
	"smsInvite":           model(`(?s).*`),
	"sesConfigurationSet": model(`^[a-zA-Z0-9_-]+$`),
	"providerName":        model(`[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+`),

	// Pool resources (domains, resource servers, identity providers,
	// branding, terms).
	"scopeName":       model(`[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+`),
	"providerNameV2":  model(`[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+`),
	"idpIdentifier":   model(`[\w\s+=.@-]+`),
	"uuidV4":          model(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[4][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`),
	"termsName":       model(`^(terms-of-use|privacy-policy)$`),
	"assetResourceId": model(`^[\w\- ]+$`),
	// DomainType as the model shows it; matched loosely enough for the
	// custom domains (host names with dots) Cognito takes in the same member.
	"domainName": newPattern(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`, `[a-z0-9](?:[a-z0-9.\-]*[a-z0-9])?`),
}

// Lookup returns the pattern named name in the table above.
func Lookup(name string) (*Pattern, bool) {
	p, ok := patterns[name]
	return p, ok
}

// PatternNames lists the table's names (tests walk every pattern).
func PatternNames() []string {
	names := make([]string, 0, len(patterns))
	for n := range patterns {
		names = append(names, n)
	}
	return names
}
