package userpool

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Attribute is one user attribute as the API carries it (AttributeType).
type Attribute struct {
	Name  string
	Value string
}

// MaxAttributeValueLength is the longest attribute value (AttributeValueType).
const MaxAttributeValueLength = 2048

func int64p(n int64) *int64 { return &n }

// standardAttributes is Cognito's standard schema, used for attributes the
// pool's stored schema does not describe.
var standardAttributes = func() map[string]SchemaAttribute {
	m := map[string]SchemaAttribute{}
	str := func(name string) {
		m[name] = SchemaAttribute{Name: name, AttributeDataType: "String", Mutable: true, MinLength: int64p(0), MaxLength: int64p(2048)}
	}
	for _, n := range []string{"address", "email", "family_name", "gender", "given_name", "locale",
		"middle_name", "name", "nickname", "phone_number", "picture", "preferred_username", "profile",
		"website", "zoneinfo", "identities"} {
		str(n)
	}
	m["birthdate"] = SchemaAttribute{Name: "birthdate", AttributeDataType: "String", Mutable: true, MinLength: int64p(10), MaxLength: int64p(10)}
	m["updated_at"] = SchemaAttribute{Name: "updated_at", AttributeDataType: "Number", Mutable: true, MinValue: int64p(0)}
	m["email_verified"] = SchemaAttribute{Name: "email_verified", AttributeDataType: "Boolean", Mutable: true}
	m["phone_number_verified"] = SchemaAttribute{Name: "phone_number_verified", AttributeDataType: "Boolean", Mutable: true}
	m["sub"] = SchemaAttribute{Name: "sub", AttributeDataType: "String", Required: true, MinLength: int64p(1), MaxLength: int64p(2048)}
	return m
}()

// attributeSchema finds the schema of an attribute name as used in user
// attributes: the pool's own schema first, then Cognito's standard schema.
func attributeSchema(p *Pool, name string) (SchemaAttribute, bool) {
	if a, ok := p.SchemaAttribute(name); ok {
		if !a.Custom {
			// A standard attribute the pool re-declared: keep Cognito's
			// data type and bounds where the pool left them out.
			if std, ok := standardAttributes[name]; ok {
				if a.AttributeDataType == "" {
					a.AttributeDataType = std.AttributeDataType
				}
				if a.MaxLength == nil && a.MinLength == nil {
					a.MinLength, a.MaxLength = std.MinLength, std.MaxLength
				}
			}
		}
		return a, true
	}
	a, ok := standardAttributes[name]
	return a, ok
}

// requiredAttributes lists the attribute names the pool requires.
func requiredAttributes(p *Pool) []string {
	var out []string
	for _, a := range p.Settings.Schema {
		if a.Required && a.AttributeName() != "sub" {
			out = append(out, a.AttributeName())
		}
	}
	return out
}

var (
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
	phoneRE = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)

// IsEmail reports whether s is an email address as Cognito accepts it.
func IsEmail(s string) bool { return len(s) <= 2048 && emailRE.MatchString(s) }

// IsPhoneNumber reports whether s is an E.164 phone number (+ and digits).
func IsPhoneNumber(s string) bool { return phoneRE.MatchString(s) }

func schemaError(name, reason string) *Error {
	return Errorf(KindInvalidParameter, "Attributes did not conform to the schema: %s: %s\n", name, reason)
}

func errUnknownAttribute(name string) *Error {
	return Errorf(KindInvalidParameter, "Attributes did not conform to the schema: Type for attribute {%s} could not be determined", name)
}

func errRequiredAttribute(name string) *Error {
	return schemaError(name, "The attribute is required")
}

// checkAttributeValue validates one non-empty value against its schema and
// returns the value as stored (booleans normalised to "true"/"false").
func checkAttributeValue(name, value string, sa SchemaAttribute) (string, error) {
	if strings.IndexByte(value, 0) >= 0 {
		// Text no store can hold as text (PostgreSQL refuses it): refused
		// on every store alike, so every stored record can be copied.
		return "", schemaError(name, "Value must not contain the NUL character")
	}
	if utf8.RuneCountInString(value) > MaxAttributeValueLength {
		return "", schemaError(name, "String must be no longer than 2048 characters")
	}
	switch name {
	case "email":
		if !IsEmail(value) {
			return "", Errorf(KindInvalidParameter, "Invalid email address format.")
		}
	case "phone_number":
		if !IsPhoneNumber(value) {
			return "", Errorf(KindInvalidParameter, "Invalid phone number format.")
		}
	}
	switch sa.AttributeDataType {
	case "Boolean":
		switch strings.ToLower(value) {
		case "true", "1":
			return "true", nil
		case "false", "0":
			return "false", nil
		}
		return "", schemaError(name, "Value must be either true or false")
	case "Number":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return "", schemaError(name, "Number must be an integer")
		}
		if sa.MinValue != nil && n < *sa.MinValue {
			return "", schemaError(name, "Number must be no less than "+strconv.FormatInt(*sa.MinValue, 10))
		}
		if sa.MaxValue != nil && n > *sa.MaxValue {
			return "", schemaError(name, "Number must be no greater than "+strconv.FormatInt(*sa.MaxValue, 10))
		}
	case "String", "":
		n := int64(utf8.RuneCountInString(value))
		if sa.MinLength != nil && n < *sa.MinLength {
			return "", schemaError(name, "String must be no shorter than "+strconv.FormatInt(*sa.MinLength, 10)+" characters")
		}
		if sa.MaxLength != nil && n > *sa.MaxLength {
			return "", schemaError(name, "String must be no longer than "+strconv.FormatInt(*sa.MaxLength, 10)+" characters")
		}
	}
	return value, nil
}

// attrChange is the effect of an attribute list on a user: values to set and
// names to remove.
type attrChange struct {
	set    map[string]string
	remove []string
}

// applyAttributes validates attrs against the pool schema and applies them to
// cur (which it modifies). creating relaxes the immutability rule: immutable
// attributes can be given when the user is created, never afterwards. A blank
// value deletes the attribute (not allowed while creating: it is skipped).
func applyAttributes(p *Pool, cur map[string]string, attrs []Attribute, creating bool) error {
	ch := attrChange{set: map[string]string{}}
	for _, a := range attrs {
		if a.Name == "sub" {
			return Errorf(KindInvalidParameter, "Cannot modify the non-mutable attribute sub")
		}
		sa, ok := attributeSchema(p, a.Name)
		if !ok {
			return errUnknownAttribute(a.Name)
		}
		if !creating && !sa.Mutable {
			return schemaError(a.Name, "Attribute cannot be updated. (changing an immutable attribute)")
		}
		if a.Value == "" {
			if sa.Required {
				return errRequiredAttribute(a.Name)
			}
			delete(ch.set, a.Name)
			ch.remove = append(ch.remove, a.Name)
			continue
		}
		v, err := checkAttributeValue(a.Name, a.Value, sa)
		if err != nil {
			return err
		}
		ch.set[a.Name] = v
	}
	for _, kind := range []string{"email", "phone_number"} {
		v, changed := ch.set[kind]
		_, verifiedGiven := ch.set[kind+"_verified"]
		if changed && cur[kind] != v && !verifiedGiven && cur[kind+"_verified"] != "" {
			// A new address is not verified until it is confirmed again.
			ch.set[kind+"_verified"] = "false"
		}
	}
	for _, n := range ch.remove {
		delete(cur, n)
		if n == "email" || n == "phone_number" {
			delete(cur, n+"_verified")
		}
	}
	for n, v := range ch.set {
		cur[n] = v
	}
	if cur["email_verified"] != "" && cur["email"] == "" {
		return Errorf(KindInvalidParameter, "Email is required to verify/un-verify an email")
	}
	if cur["phone_number_verified"] != "" && cur["phone_number"] == "" {
		return Errorf(KindInvalidParameter, "Phone Number is required to verify/un-verify a phone number")
	}
	return nil
}

// checkRequired reports the first required attribute missing from attrs.
func checkRequired(p *Pool, attrs map[string]string) error {
	for _, n := range requiredAttributes(p) {
		if attrs[n] == "" {
			return errRequiredAttribute(n)
		}
	}
	return nil
}

// attributeList is the attribute list of a user as Cognito returns it: sub
// first, then the other attributes by name. A non-nil only keeps the named
// attributes (ListUsers AttributesToGet); an empty only means all.
func attributeList(sub string, attrs map[string]string, only []string) []Attribute {
	keep := func(string) bool { return true }
	if len(only) > 0 {
		set := make(map[string]bool, len(only))
		for _, n := range only {
			set[n] = true
		}
		keep = func(n string) bool { return set[n] }
	}
	out := make([]Attribute, 0, len(attrs)+1)
	if keep("sub") {
		out = append(out, Attribute{Name: "sub", Value: sub})
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		if n != "sub" && keep(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, Attribute{Name: n, Value: attrs[n]})
	}
	return out
}
