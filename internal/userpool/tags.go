package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"strings"
	"unicode/utf8"

	"userpool/internal/reqctx"
	"userpool/internal/store"
)

// Regions, ARNs and tags: TagResource, UntagResource and
// ListTagsForResource on pool ARNs, and the region a pool is created in.
//
// A pool lives in the region that prefixes its id. CreateUserPool mints the
// id in the region the call was signed for (reqctx.Region), else in the
// Service's default region; every ARN of the pool names the region of its
// id, whatever region a later call is signed for.
//
// A pool's tags are its UserPoolTags, one map shared with CreateUserPool,
// UpdateUserPool and DescribeUserPool. Cognito's limits: at most 50 tags, a
// key of 1..128 and a value of 0..256 characters of letters, spaces,
// digits and _.:/=+-@.

// Tag limits.
const (
	MaxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// tagChars are the characters a tag key or value may hold.
var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// regionShape is what a region in a pool id looks like (us-east-1,
// eu-central-2, us-gov-west-1, ...).
var regionShape = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// RegionOf is the region of a pool id (its prefix before "_"), "" when the
// id has none.
func RegionOf(poolID string) string {
	region, _, ok := strings.Cut(poolID, "_")
	if !ok || !regionShape.MatchString(region) {
		return ""
	}
	return region
}

// requestRegion is the region a new pool is created in: the region the
// call was signed for, else the Service's default region.
func (s *Service) requestRegion(ctx context.Context) string {
	if r := reqctx.Region(ctx); r != "" && regionShape.MatchString(r) {
		return r
	}
	return s.region
}

// PoolIDFromARN returns the pool id a pool ARN names and whether arn is
// shaped like one (arn:aws:cognito-idp:<region>:<account>:userpool/<id>).
// It does not check that the pool exists.
func PoolIDFromARN(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "cognito-idp" {
		return "", false
	}
	id, ok := strings.CutPrefix(parts[5], "userpool/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

// poolFromARN resolves a pool ARN: InvalidParameterException when arn is
// not a user-pool ARN, ResourceNotFoundException when it names no pool of
// this account (another partition, account or region, or an unknown id).
func (s *Service) poolFromARN(arn string) (string, error) {
	id, ok := PoolIDFromARN(arn)
	if !ok {
		return "", invalidParam("Invalid ARN: %s", arn)
	}
	parts := strings.SplitN(arn, ":", 6)
	if parts[1] != "aws" || parts[3] != RegionOf(id) || parts[4] != s.acct {
		return "", Errorf(KindResourceNotFound, "User pool %s does not exist.", id)
	}
	return id, nil
}

// checkTags applies Cognito's tag limits to a whole tag set.
func checkTags(tags map[string]string) error {
	if len(tags) > MaxTags {
		return invalidParam("The number of tags exceeds the limit of %d.", MaxTags)
	}
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > maxTagKeyLen || !tagChars.MatchString(k) {
			return invalidParam("Tag key %q must be 1 to %d letters, spaces, digits or _.:/=+-@.", k, maxTagKeyLen)
		}
		if utf8.RuneCountInString(v) > maxTagValueLen || !tagChars.MatchString(v) {
			return invalidParam("Tag value for key %q must be at most %d letters, spaces, digits or _.:/=+-@.", k, maxTagValueLen)
		}
	}
	return nil
}

// checkExtraTags checks the UserPoolTags member of a CreateUserPool or
// UpdateUserPool request, when present.
func checkExtraTags(extra map[string]json.RawMessage) error {
	raw, ok := extra["UserPoolTags"]
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var tags map[string]string
	if err := json.Unmarshal(raw, &tags); err != nil {
		return invalidParam("Invalid UserPoolTags.")
	}
	return checkTags(tags)
}

// poolTags reads the pool's tags.
func poolTags(st PoolSettings) (map[string]string, error) {
	tags := map[string]string{}
	raw, ok := st.Extra["UserPoolTags"]
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return tags, nil
	}
	if err := json.Unmarshal(raw, &tags); err != nil {
		return nil, Internal(err)
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return tags, nil
}

// ListTags returns the tags of the pool arn names (ListTagsForResource).
func (s *Service) ListTags(ctx context.Context, arn string) (map[string]string, error) {
	id, err := s.poolFromARN(arn)
	if err != nil {
		return nil, err
	}
	p, err := s.GetPool(ctx, id)
	if err != nil {
		return nil, err
	}
	return poolTags(p.Settings)
}

// TagResource adds or overwrites tags on the pool arn names.
func (s *Service) TagResource(ctx context.Context, arn string, tags map[string]string) error {
	return s.updateTags(ctx, arn, func(cur map[string]string) {
		maps.Copy(cur, tags)
	})
}

// UntagResource removes the tags with the given keys (absent keys are
// ignored) from the pool arn names.
func (s *Service) UntagResource(ctx context.Context, arn string, keys []string) error {
	return s.updateTags(ctx, arn, func(cur map[string]string) {
		for _, k := range keys {
			delete(cur, k)
		}
	})
}

// updateTags changes the pool's tags in one store transaction.
func (s *Service) updateTags(ctx context.Context, arn string, change func(map[string]string)) error {
	id, err := s.poolFromARN(arn)
	if err != nil {
		return err
	}
	defer s.pools.invalidate(id)
	_, err = s.store.UpdatePool(ctx, id, func(sp *store.Pool) error {
		p, err := decodePool(*sp)
		if err != nil {
			return err
		}
		tags, err := poolTags(p.Settings)
		if err != nil {
			return err
		}
		change(tags)
		if err := checkTags(tags); err != nil {
			return err
		}
		raw, err := json.Marshal(tags)
		if err != nil {
			return Internal(err)
		}
		if p.Settings.Extra == nil {
			p.Settings.Extra = map[string]json.RawMessage{}
		}
		p.Settings.Extra["UserPoolTags"] = raw
		b, err := encodeSettings(p.Settings)
		if err != nil {
			return err
		}
		sp.Settings = b
		sp.UpdatedAt = s.nowUTC()
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(KindResourceNotFound, "User pool %s does not exist.", id)
	}
	if err != nil {
		return AsError(err)
	}
	return nil
}

// SigningCertificate is GetSigningCertificate: a self-signed X.509
// certificate (DER) over the pool's current ID-token signing key.
func (s *Service) SigningCertificate(ctx context.Context, poolID string) ([]byte, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if s.tokens == nil {
		return nil, Internal(ErrNoTokenIssuer)
	}
	der, err := s.tokens.SigningCertificate(ctx, p.ID)
	if err != nil {
		return nil, Internal(err)
	}
	return der, nil
}
