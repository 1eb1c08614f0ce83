package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"userpool/internal/store"
)

// Client secrets: AddUserPoolClientSecret, DeleteUserPoolClientSecret and
// ListUserPoolClientSecrets. A confidential app client holds one or two
// secrets; every place that checks a client secret (SECRET_HASH, the
// ClientSecret of RevokeToken and GetTokensFromRefreshToken) accepts any of
// them, comparing against each in constant time.
//
// Storage: all of a client's secrets live in the one stored secret column
// (store.Client.Secret), so they go through the same encoding at the store
// boundary as the single secret did (sealing at rest, sealing.go, wraps the
// whole column). Its plaintext is either
//
//   - "" (a public client),
//   - a bare secret (every client created by CreateUserPoolClient: one
//     secret, its id derived from the client id and creation time), or
//   - "secrets1:" + JSON {Shown, Secrets[{Id, Value, Created (unix ms)}]}
//     once AddUserPoolClientSecret or DeleteUserPoolClientSecret changed it.
//
// A bare secret never contains ':' (letters, digits, '_' and '+'), so the
// forms cannot be confused. The decoded client carries the list (Secrets)
// and, in Secret, the secret DescribeUserPoolClient reports.
//
// Cognito's documented facts: up to 2 secrets; ids "<client-id>--<epoch
// create time>"; ClientSecretValue returned only by Add and only when
// Cognito generated it; the last secret cannot be deleted. As observed on
// Cognito (and reproduced here), DescribeUserPoolClient keeps reporting the
// client's original ClientSecret after a second one is added, and reports
// none once the original is deleted. Choices where Cognito documents
// nothing (docs/differences.md): the epoch is in milliseconds; adding a
// secret to a public client, adding a third, adding a value the client
// already has and deleting the last one are refused with the messages
// below; adding or deleting a secret does not change LastModifiedDate.

// MaxClientSecrets is how many secrets an app client may hold at once.
const MaxClientSecrets = 2

const multiSecretPrefix = "secrets1:"

// ClientSecret is one secret of an app client (ClientSecretDescriptorType).
type ClientSecret struct {
	ID        string
	Value     string
	CreatedAt time.Time
}

// storedSecrets is the JSON of the "secrets1:" form.
type storedSecrets struct {
	Shown   string         `json:"Shown,omitempty"` // id of the secret DescribeUserPoolClient reports
	Secrets []storedSecret `json:"Secrets"`
}

type storedSecret struct {
	ID      string `json:"Id"`
	Value   string `json:"Value"`
	Created int64  `json:"Created"` // unix milliseconds
}

// clientSecretID is Cognito's "<client-id>--<epoch-create-time>".
func clientSecretID(clientID string, t time.Time) string {
	return clientID + "--" + strconv.FormatInt(t.UnixMilli(), 10)
}

// parseClientSecrets decodes the plaintext of a client's secret column
// into the secret DescribeUserPoolClient reports and the list.
func parseClientSecrets(clientID string, created time.Time, plain string) (shown string, list []ClientSecret, err error) {
	switch {
	case plain == "":
		return "", nil, nil
	case !strings.HasPrefix(plain, multiSecretPrefix):
		return plain, []ClientSecret{{ID: clientSecretID(clientID, created), Value: plain, CreatedAt: created.UTC().Truncate(time.Millisecond)}}, nil
	}
	var ss storedSecrets
	if err := json.Unmarshal([]byte(plain[len(multiSecretPrefix):]), &ss); err != nil {
		return "", nil, errors.New("client " + clientID + ": malformed secret list")
	}
	for _, s := range ss.Secrets {
		list = append(list, ClientSecret{ID: s.ID, Value: s.Value, CreatedAt: time.UnixMilli(s.Created).UTC()})
		if s.ID == ss.Shown {
			shown = s.Value
		}
	}
	return shown, list, nil
}

// formatClientSecrets is the plaintext of the secret column for list, the
// secret with id shown being the one DescribeUserPoolClient reports.
func formatClientSecrets(shown string, list []ClientSecret) (string, error) {
	ss := storedSecrets{Secrets: make([]storedSecret, 0, len(list))}
	for _, s := range list {
		ss.Secrets = append(ss.Secrets, storedSecret{ID: s.ID, Value: s.Value, Created: s.CreatedAt.UnixMilli()})
		if s.ID == shown {
			ss.Shown = shown
		}
	}
	b, err := json.Marshal(ss)
	if err != nil {
		return "", err
	}
	return multiSecretPrefix + string(b), nil
}

// loadSecrets sets c.Secret and the secret list from the plaintext of the
// stored secret column (opened, when sealed at rest, before this call).
func (c *Client) loadSecrets(plain string) error {
	shown, list, err := parseClientSecrets(c.ID, c.CreatedAt, plain)
	if err != nil {
		return err
	}
	c.Secret, c.secrets = shown, list
	return nil
}

// Secrets returns the client's current secrets (empty for a public
// client). The slice is the client's own; do not modify it.
func (c *Client) Secrets() []ClientSecret {
	if len(c.secrets) == 0 && c.Secret != "" {
		return []ClientSecret{{ID: clientSecretID(c.ID, c.CreatedAt), Value: c.Secret, CreatedAt: c.CreatedAt}}
	}
	return c.secrets
}

// MatchesSecret reports whether secret is one of the client's secrets,
// comparing against every one of them in constant time.
func (c *Client) MatchesSecret(secret string) bool {
	ok := 0
	for _, s := range c.Secrets() {
		ok |= subtle.ConstantTimeCompare([]byte(s.Value), []byte(secret))
	}
	return ok == 1
}

// verifySecretHash is VerifySecretHash over every secret of the client.
func (c *Client) verifySecretHash(username, secretHash string) bool {
	ok := 0
	for _, s := range c.Secrets() {
		m := hmac.New(sha256.New, []byte(s.Value))
		m.Write([]byte(username + c.ID))
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		ok |= subtle.ConstantTimeCompare([]byte(want), []byte(secretHash))
	}
	return ok == 1
}

// clientSecretColumn returns the plaintext of a stored client's secret
// column, and storeClientSecretColumn the stored form of a plaintext: the
// column is sealed at rest as a whole (sealing.go).
func (s *Service) clientSecretColumn(sc *store.Client) (string, error) {
	return s.openClientSecretColumn(sc.PoolID, sc.ID, sc.Secret)
}

func (s *Service) storeClientSecretColumn(sc *store.Client, plain string) (string, error) {
	return s.sealClientSecretColumn(sc.PoolID, sc.ID, plain)
}

// updateClientSecrets runs change on the client's secrets inside one store
// transaction and writes the result.
func (s *Service) updateClientSecrets(ctx context.Context, poolID, clientID string, change func(c *store.Client, shown string, list []ClientSecret) (string, []ClientSecret, error)) error {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return err
	}
	_, err := s.store.UpdateClient(ctx, poolID, clientID, func(c *store.Client) error {
		plain, err := s.clientSecretColumn(c)
		if err != nil {
			return err
		}
		shown, list, err := parseClientSecrets(c.ID, c.CreatedAt, plain)
		if err != nil {
			return err
		}
		// The id of the shown secret: the one whose value Describe reports.
		shownID := ""
		for _, x := range list {
			if shown != "" && x.Value == shown {
				shownID = x.ID
			}
		}
		newShown, newList, err := change(c, shownID, list)
		if err != nil {
			return err
		}
		if plain, err = formatClientSecrets(newShown, newList); err != nil {
			return err
		}
		c.Secret, err = s.storeClientSecretColumn(c, plain)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return errClientNotFound(clientID)
	}
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return de
		}
		return Internal(err)
	}
	return nil
}

// AddClientSecret adds a secret to a confidential client
// (AddUserPoolClientSecret): value, or a generated one when value is "".
// The result's Value is set only for a generated secret, as Cognito
// answers.
func (s *Service) AddClientSecret(ctx context.Context, poolID, clientID, value string) (ClientSecret, error) {
	generated := value == ""
	if generated {
		v, err := randomString(s.rand, clientSecretLen, clientIDAlphabet)
		if err != nil {
			return ClientSecret{}, Internal(err)
		}
		value = v
	} else if err := checkClientSecret(value); err != nil {
		return ClientSecret{}, err
	}
	now := s.nowUTC().Truncate(time.Millisecond)
	var added ClientSecret
	err := s.updateClientSecrets(ctx, poolID, clientID, func(c *store.Client, shown string, list []ClientSecret) (string, []ClientSecret, error) {
		switch {
		case len(list) == 0:
			return "", nil, invalidParam("Client %s is not configured with a secret; only a confidential client can hold client secrets.", clientID)
		case len(list) >= MaxClientSecrets:
			return "", nil, Errorf(KindLimitExceeded, "Client %s already has the maximum number of client secrets (%d).", clientID, MaxClientSecrets)
		}
		exists := 0
		for _, x := range list {
			exists |= subtle.ConstantTimeCompare([]byte(x.Value), []byte(value))
		}
		if exists == 1 {
			return "", nil, invalidParam("The client secret is already a secret of client %s.", clientID)
		}
		created := now
		for taken := true; taken; {
			taken = false
			for _, x := range list {
				if x.ID == clientSecretID(c.ID, created) {
					taken, created = true, created.Add(time.Millisecond)
				}
			}
		}
		added = ClientSecret{ID: clientSecretID(c.ID, created), Value: value, CreatedAt: created}
		return shown, append(append([]ClientSecret(nil), list...), added), nil
	})
	if err != nil {
		return ClientSecret{}, err
	}
	if !generated {
		added.Value = ""
	}
	return added, nil
}

// DeleteClientSecret removes one secret of a client
// (DeleteUserPoolClientSecret); the last one cannot be removed.
func (s *Service) DeleteClientSecret(ctx context.Context, poolID, clientID, secretID string) error {
	return s.updateClientSecrets(ctx, poolID, clientID, func(c *store.Client, shown string, list []ClientSecret) (string, []ClientSecret, error) {
		i := -1
		for j, x := range list {
			if x.ID == secretID {
				i = j
			}
		}
		switch {
		case i < 0:
			return "", nil, Errorf(KindResourceNotFound, "Client secret %s does not exist.", secretID)
		case len(list) == 1:
			return "", nil, invalidParam("Cannot delete the last client secret of client %s.", clientID)
		}
		if secretID == shown {
			shown = ""
		}
		rest := append(append([]ClientSecret(nil), list[:i]...), list[i+1:]...)
		return shown, rest, nil
	})
}

// ListClientSecrets lists a client's secrets, oldest first
// (ListUserPoolClientSecrets; the protocol layer leaves out the values).
func (s *Service) ListClientSecrets(ctx context.Context, poolID, clientID string) ([]ClientSecret, error) {
	c, err := s.GetClient(ctx, poolID, clientID)
	if err != nil {
		return nil, err
	}
	return c.Secrets(), nil
}
