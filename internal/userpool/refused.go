package userpool

import (
	"context"
	"encoding/json"
)

// What userpool cannot do, answered as Cognito answers a pool where the
// feature is not enabled, after the call's pool (and user) are resolved so
// that a call naming nothing that exists still gets Cognito's
// ResourceNotFoundException / UserNotFoundException first:
//
//   - multi-Region replication: a pool is its own only replica (PRIMARY,
//     ACTIVE); creating a replica is UnsupportedOperationException, and
//     updating or deleting one in another Region ResourceNotFoundException.
//   - auth events (threat protection): with UserPoolAddOns
//     AdvancedSecurityMode OFF (or absent) UserPoolAddOnNotEnabledException;
//     with AUDIT/ENFORCED no event is ever recorded, so the list is empty
//     and feedback names an event that does not exist.
//   - federated-user linking (AdminLinkProviderForUser,
//     AdminDisableProviderForUser): UnsupportedOperationException.

// Kinds of the refusals beyond errors.go's.
const (
	KindUserPoolAddOnNotEnabled      Kind = "UserPoolAddOnNotEnabledException"
	KindWebAuthnNotEnabled           Kind = "WebAuthnNotEnabledException"
	KindWebAuthnConfigurationMissing Kind = "WebAuthnConfigurationMissingException"
	replicaRolePrimary                    = "PRIMARY"
	replicaStatusActive                   = "ACTIVE"
)

// Replica is one UserPoolReplicaType.
type Replica struct {
	RegionName  string
	Role        string
	Status      string
	UserPoolArn string
}

// ListReplicas lists a pool's replicas (ListUserPoolReplicas): the pool
// itself, the primary in its own Region.
func (s *Service) ListReplicas(ctx context.Context, poolID string) ([]Replica, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	region := RegionOf(p.ID)
	if region == "" {
		region = s.region
	}
	return []Replica{{RegionName: region, Role: replicaRolePrimary, Status: replicaStatusActive, UserPoolArn: s.PoolARN(p.ID)}}, nil
}

// CreateReplica is CreateUserPoolReplica: refused.
func (s *Service) CreateReplica(ctx context.Context, poolID, region string) error {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return err
	}
	return Errorf(KindUnsupportedOperation, "Multi-Region replication is not supported: user pool %s cannot be replicated to %s.", poolID, region)
}

// ChangeReplica is UpdateUserPoolReplica and DeleteUserPoolReplica: a pool
// has no replica in another Region, and its primary cannot be changed so.
func (s *Service) ChangeReplica(ctx context.Context, poolID, region string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	if region == RegionOf(p.ID) {
		return invalidParam("The primary replica of user pool %s cannot be changed.", poolID)
	}
	return Errorf(KindResourceNotFound, "User pool %s has no replica in %s.", poolID, region)
}

// threatProtection reports whether the pool's UserPoolAddOns turn threat
// protection (advanced security) on.
func threatProtection(p *Pool) bool {
	var addOns struct {
		AdvancedSecurityMode string `json:"AdvancedSecurityMode"`
	}
	if raw, ok := p.Settings.Extra["UserPoolAddOns"]; ok {
		_ = json.Unmarshal(raw, &addOns)
	}
	return addOns.AdvancedSecurityMode == "AUDIT" || addOns.AdvancedSecurityMode == "ENFORCED"
}

func errAddOnNotEnabled() *Error {
	return Errorf(KindUserPoolAddOnNotEnabled, "Threat protection is not enabled for this user pool.")
}

// ListAuthEvents is AdminListUserAuthEvents: no auth event is recorded.
func (s *Service) ListAuthEvents(ctx context.Context, poolID, username string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	if _, err := s.resolveUser(ctx, p, username); err != nil {
		return err
	}
	if !threatProtection(p) {
		return errAddOnNotEnabled()
	}
	return nil
}

// AuthEventFeedback is AdminUpdateAuthEventFeedback and
// UpdateAuthEventFeedback: no event exists to give feedback on.
func (s *Service) AuthEventFeedback(ctx context.Context, poolID, username, eventID string) error {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return err
	}
	if _, err := s.resolveUser(ctx, p, username); err != nil {
		return err
	}
	if !threatProtection(p) {
		return errAddOnNotEnabled()
	}
	return Errorf(KindResourceNotFound, "Auth event %s does not exist.", eventID)
}

// ProviderLinking is AdminLinkProviderForUser and
// AdminDisableProviderForUser: refused once the pool is known.
func (s *Service) ProviderLinking(ctx context.Context, poolID string) error {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return err
	}
	return Errorf(KindUnsupportedOperation, "Linking and unlinking federated users is not supported by this user pool.")
}
