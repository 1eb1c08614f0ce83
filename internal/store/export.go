package store

import (
	"context"
	"iter"
)

// Membership is one user's membership of a group.
type Membership struct {
	PoolID      string
	GroupName   string
	UsernameKey string
}

// Exporter is an optional interface of a Store: it enumerates the records
// that Store reaches only by key (refresh tokens, codes, challenge sessions,
// memberships, passkeys) or only kind by kind (pool resources), so that a whole store
// can be copied into another one (userpool migrate-store). Everything else
// is enumerable through Store itself (ListPools, ListClients, ListUsers,
// ListGroups, ListDevices, ListSigningKeys, ListPrincipals, ListAccessKeys,
// ListAudit, ListImportJobs).
//
// Import jobs are enumerated without their CSV body (HasCSV says whether
// one is stored): a body may be 100 MB, so a batch of jobs never carries
// bodies, and a copier reads them one at a time with GetImportCSV.
//
// Every sequence yields records in primary-key order. It reads in batches of
// ExportBatch records, each batch one short query after the last key seen
// (keyset paging): no transaction or cursor stays open between batches, so
// the consumer may write while iterating, to another store or to this one. A
// record created or deleted during the iteration may or may not be yielded.
// On an error the sequence yields it once (with a zero record) and stops.
type Exporter interface {
	// AllRefreshTokens yields every refresh token, by Hash.
	AllRefreshTokens(ctx context.Context) iter.Seq2[RefreshToken, error]
	// AllCodes yields every one-time code, by (PoolID, UsernameKey, Purpose).
	AllCodes(ctx context.Context) iter.Seq2[Code, error]
	// AllSessions yields every challenge session, expired ones included, by ID.
	AllSessions(ctx context.Context) iter.Seq2[Session, error]
	// AllMemberships yields the pool's memberships by (GroupName, UsernameKey).
	AllMemberships(ctx context.Context, poolID string) iter.Seq2[Membership, error]
	// AllResources yields the pool's resources of every kind, by (Kind, Name).
	AllResources(ctx context.Context, poolID string) iter.Seq2[Resource, error]
	// AllImportJobs yields the pool's import jobs, by ID, without their CSV
	// bodies (see above).
	AllImportJobs(ctx context.Context, poolID string) iter.Seq2[ImportJob, error]
	// AllWebAuthnCredentials yields the pool's passkeys, by CredentialID.
	AllWebAuthnCredentials(ctx context.Context, poolID string) iter.Seq2[WebAuthnCredential, error]
}

// ExportBatch is how many records one query of an Exporter reads.
const ExportBatch = 500

// Keyset turns a batch reader into an export sequence: fetch returns up to
// ExportBatch records in key order after the record *after (nil: from the
// first). A batch shorter than ExportBatch ends the sequence. Backends use
// it to implement Exporter.
func Keyset[T any](fetch func(after *T) ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var after *T
		for {
			batch, err := fetch(after)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for i := range batch {
				if !yield(batch[i], nil) {
					return
				}
			}
			if len(batch) < ExportBatch {
				return
			}
			last := batch[len(batch)-1]
			after = &last
		}
	}
}
