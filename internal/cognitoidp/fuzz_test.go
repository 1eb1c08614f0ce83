package cognitoidp_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"userpool/internal/cognitoidp"
)

// Placeholders that FuzzHandler replaces with the ids and tokens of the
// process's own seeded world, so that corpus entries (shared between fuzz
// workers, each with its own store) keep reaching existing pools, clients
// and users.
var fuzzPlaceholders = []string{"@POOL@", "@CLIENT@", "@ACCESS@", "@REFRESH@"}

func (w *rbWorld) substitute(body []byte) []byte {
	for i, v := range []string{w.pool, w.client, w.access, w.refresh} {
		body = bytes.ReplaceAll(body, []byte(fuzzPlaceholders[i]), []byte(v))
	}
	return body
}

// healthy reports whether the seeded pool, client, user (enabled, signed in)
// and group still exist as seeded.
func (w *rbWorld) healthy() bool {
	for _, c := range []struct{ op, body string }{
		{"GetUser", `{"AccessToken":"` + w.access + `"}`},
		{"DescribeUserPoolClient", `{"UserPoolId":"` + w.pool + `","ClientId":"` + w.client + `"}`},
		{"GetGroup", `{"UserPoolId":"` + w.pool + `","GroupName":"` + w.group + `"}`},
	} {
		if status, _ := w.call(c.op, []byte(c.body)); status != http.StatusOK {
			return false
		}
	}
	return true
}

// FuzzHandler feeds arbitrary (operation, body) pairs to the handler over a
// seeded pool, client, users and groups: no input may panic or be answered
// with a 5xx, and every rejection is a well-formed AWS error envelope.
//
//	go test -run XXX -fuzz FuzzHandler -fuzztime 3m ./internal/cognitoidp/
func FuzzHandler(f *testing.F) {
	w := newRBWorld(f)
	ops := sortedOps(w.h)
	placeholders := rbRefs{pool: "@POOL@", client: "@CLIENT@", user: w.user, group: w.group, device: missingDevice,
		access: "@ACCESS@", refresh: "@REFRESH@", session: missingSession}
	for i, op := range ops {
		ms := membersOf(w.h, op)
		for _, body := range []map[string]any{buildBody(op, ms, placeholders), buildBody(op, ms, allMissing())} {
			b, err := json.Marshal(body)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint16(i), b)
		}
		f.Add(uint16(i), []byte(`{}`))
	}
	// Deeper paths: real sign-ins, a refresh, attribute updates, lists with pages.
	for op, body := range map[string]string{
		"InitiateAuth":              `{"ClientId":"@CLIENT@","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"alice","PASSWORD":"` + rbPassword + `"}}`,
		"AdminInitiateAuth":         `{"UserPoolId":"@POOL@","ClientId":"@CLIENT@","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"@REFRESH@"}}`,
		"RespondToAuthChallenge":    `{"ClientId":"@CLIENT@","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"alice","PASSWORD_CLAIM_SECRET_BLOCK":"AAAA","PASSWORD_CLAIM_SIGNATURE":"AAAA","TIMESTAMP":"Mon Jan 2 15:04:05 UTC 2006"}}`,
		"AdminUpdateUserAttributes": `{"UserPoolId":"@POOL@","Username":"alice","UserAttributes":[{"Name":"custom:x","Value":"1"},{"Name":"phone_number","Value":"+15555550100"}]}`,
		"ListUsers":                 `{"UserPoolId":"@POOL@","Limit":1,"Filter":"email ^= \"ali\"","AttributesToGet":["email"]}`,
		"UpdateUserPool":            `{"UserPoolId":"@POOL@","Policies":{"PasswordPolicy":{"MinimumLength":6}},"AutoVerifiedAttributes":["email"]}`,
		"CreateUserPool":            `{"PoolName":"p","Schema":[{"Name":"x","AttributeDataType":"Number","NumberAttributeConstraints":{"MinValue":"1","MaxValue":"9"}}]}`,
		"SetUserPoolMfaConfig":      `{"UserPoolId":"@POOL@","MfaConfiguration":"OPTIONAL","SoftwareTokenMfaConfiguration":{"Enabled":true}}`,
		"AssociateSoftwareToken":    `{"AccessToken":"@ACCESS@"}`,
		"SignUp":                    `{"ClientId":"@CLIENT@","Username":"carol","Password":"` + rbPassword + `","UserAttributes":[{"Name":"email","Value":"carol@example.com"}]}`,
	} {
		for i, o := range ops {
			if o == op {
				f.Add(uint16(i), []byte(body))
			}
		}
	}

	f.Fuzz(func(t *testing.T, idx uint16, body []byte) {
		op := ops[int(idx)%len(ops)]
		body = w.substitute(body)
		w.logs.Reset()
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Target", cognitoidp.TargetPrefix+"."+op)
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, r) // not behind the recorder of panics: the fuzzer reports them with the input
		status, resp := rec.Code, rec.Body.Bytes()
		switch {
		case status == http.StatusOK:
			if !json.Valid(resp) {
				t.Fatalf("%s %q: 200 with invalid JSON %.300s", op, body, resp)
			}
			if cognitoidp.MutatesForTest(w.h, op) && !w.healthy() {
				w.seed(t)
			}
		case status >= 500:
			t.Fatalf("%s %q: %d %.300s\nlog: %s", op, body, status, resp, w.logs.String())
		default:
			want := http.StatusBadRequest
			if status == http.StatusRequestEntityTooLarge {
				want = status
			}
			checkEnvelope(t, w, op, status, resp, want)
		}
	})
}
