package userpool

import (
	"context"
	"errors"

	"userpool/internal/store"
)

// AddCustomAttributes: the schema of a pool grows by custom attributes; it
// never shrinks and an attribute never changes once added. Users keep every
// value they hold (their attributes are not touched).
//
// Cognito's rules, as for custom attributes given at CreateUserPool: a name
// of 1..20 characters (given without the "custom:" prefix), a data type, no
// Required, constraints within range; a name already in the schema is
// InvalidParameterException "custom:<name>: Existing attribute already has
// name custom:<name>." (dev:custom:<name> when the existing one is
// developer-only); a pool holds at most 50 custom attributes
// (InvalidParameterException; the text is userpool's).

// MaxCustomAttributes is how many custom attributes a pool may hold.
const MaxCustomAttributes = 50

// AddCustomAttributes adds custom attributes to a pool's schema.
func (s *Service) AddCustomAttributes(ctx context.Context, poolID string, attrs []SchemaAttributeInput) error {
	if len(attrs) == 0 {
		return invalidParam("CustomAttributes must not be empty.")
	}
	now := s.nowUTC()
	defer s.pools.invalidate(poolID)
	_, err := s.store.UpdatePool(ctx, poolID, func(sp *store.Pool) error {
		p, err := decodePool(*sp)
		if err != nil {
			return err
		}
		schema, err := growSchema(p.Settings.Schema, attrs)
		if err != nil {
			return err
		}
		p.Settings.Schema = schema
		raw, err := encodeSettings(p.Settings)
		if err != nil {
			return err
		}
		sp.Settings = raw
		sp.UpdatedAt = now
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID)
	}
	if err != nil {
		return AsError(err)
	}
	return nil
}

// growSchema returns schema with attrs appended as custom attributes.
func growSchema(schema []SchemaAttribute, attrs []SchemaAttributeInput) ([]SchemaAttribute, error) {
	existing := map[string]SchemaAttribute{} // custom attributes by bare name
	for _, a := range schema {
		if a.Custom {
			existing[a.Name] = a
		}
	}
	out := append([]SchemaAttribute(nil), schema...)
	for _, in := range attrs {
		attr, err := customAttribute(in)
		if err != nil {
			return nil, err
		}
		// A bare name is taken whether the attribute holding it is
		// developer-only or not; Cognito names the one that holds it.
		if old, ok := existing[attr.Name]; ok {
			return nil, invalidParam("custom:%s: Existing attribute already has name %s.", attr.Name, old.AttributeName())
		}
		existing[attr.Name] = attr
		out = append(out, attr)
	}
	if len(existing) > MaxCustomAttributes {
		return nil, invalidParam("The user pool has reached the limit of %d custom attributes.", MaxCustomAttributes)
	}
	return out, nil
}
