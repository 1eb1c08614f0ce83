package userpool

import (
	"crypto/subtle"
)

// checkSecretHash enforces SECRET_HASH for a client with a secret; username
// is the name the hash was computed over (what the user typed at
// InitiateAuth, the internal username in challenge responses and refresh).
func checkSecretHash(c *Client, secretHash, username string) error {
	if !c.HasSecret() {
		return nil
	}
	if secretHash == "" {
		return Errorf(KindNotAuthorized, "Client %s is configured with secret but SECRET_HASH was not received", c.ID)
	}
	if !c.VerifySecretHash(username, secretHash) {
		return Errorf(KindNotAuthorized, "Unable to verify secret hash for client %s", c.ID)
	}
	return nil
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
