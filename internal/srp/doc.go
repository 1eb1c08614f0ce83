// Package srp is the server side of Cognito's SRP-6a variant, the maths
// behind USER_SRP_AUTH → PASSWORD_VERIFIER (and, with poolName := the device
// group key, userID := the device key and the device password,
// DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER).
//
// It reproduces what amazon-cognito-identity-js, Amplify and the AWS SDK
// helpers compute on the client: the 3072-bit RFC 3526 group with g = 2 and
// SHA-256; Cognito's PAD (minimal big-endian bytes, with 0x00 prepended when
// the top bit is set — not RFC 5054's fixed width);
// k = H(PAD(N) || PAD(g));
// x = H(PAD(salt) || H(poolName || userID || ":" || password)) with the salt
// taken as the big integer the client parses from the SALT hex;
// u = H(PAD(A) || PAD(B));
// the 16-byte session key HKDF-SHA256(PAD(S), salt = PAD(u), "Caldera Derived Key");
// and PASSWORD_CLAIM_SIGNATURE = HMAC-SHA256(key, poolName || userID ||
// secretBlock || TIMESTAMP).
//
// The flow a caller wires up:
//
//   - when a password is set: salt := NewSalt(rand); v := Verifier(poolName,
//     userID, password, salt); store salt and v beside the password hash.
//   - InitiateAuth: srv := NewServer(v, rand); answer SALT = SaltHex(salt),
//     SRP_B = srv.BHex(), and a SECRET_BLOCK (standard base64) from which the
//     server can recover srv (MarshalBinary, sealed) and the user.
//   - RespondToAuthChallenge: check the block, ParseTimestamp(TIMESTAMP, now,
//     skew), then VerifyClaim(srv, v, SRP_A, poolName, userID, decoded block,
//     TIMESTAMP, PASSWORD_CLAIM_SIGNATURE). Any error is Cognito's
//     NotAuthorizedException "Incorrect username or password.".
//
// The big-number arithmetic uses math/big, which is not constant-time; the
// secret exponent b is ephemeral and used for a single handshake.
package srp
