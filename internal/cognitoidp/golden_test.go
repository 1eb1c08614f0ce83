package cognitoidp_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"userpool/internal/userpool"
)

// Golden wire tests pin the exact bytes of a few responses (status, the
// headers SDKs read, body). Regenerate with: go test ./internal/cognitoidp -run Golden -update

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// countingReader is a deterministic randomness source: 0, 1, 2, ... mod 251.
type countingReader struct{ n byte }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n = (r.n + 1) % 251
	}
	return len(p), nil
}

func goldenEnvOptions() userpool.Options {
	fixed := time.Date(2024, 1, 2, 3, 4, 5, 678000000, time.UTC)
	return userpool.Options{
		Region:    "us-east-1",
		AccountID: "123456789012",
		Now:       func() time.Time { return fixed },
		Rand:      &countingReader{},
	}
}

// wire renders a raw response as the golden text.
func wire(resp *http.Response, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d\n", resp.StatusCode)
	for _, h := range []string{"Content-Type", "X-Amzn-Errortype", "X-Amzn-Errormessage"} {
		if v := resp.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	// The body is pinned indented for review; it must also be compact on the
	// wire, so anything but compact JSON is pinned verbatim (and differs).
	var compact, pretty bytes.Buffer
	if json.Compact(&compact, body) == nil && bytes.Equal(compact.Bytes(), body) && json.Indent(&pretty, body, "", "  ") == nil {
		b.Write(pretty.Bytes())
	} else {
		b.Write(body)
	}
	b.WriteString("\n")
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// mustJSON posts a request that must succeed and decodes its body.
func mustJSON(t *testing.T, url, op, body string, out any) {
	t.Helper()
	resp, b := postRaw(t, url, op, body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", op, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

func TestGoldenWire(t *testing.T) {
	t.Parallel()
	_, _, srv := newTestEnvWith(t, goldenEnvOptions())

	var pool struct{ UserPool struct{ Id string } }
	mustJSON(t, srv.URL, "CreateUserPool", `{"PoolName":"golden","Schema":[{"Name":"tier","AttributeDataType":"String","StringAttributeConstraints":{"MaxLength":"16"}}],"UserPoolTags":{"env":"test"}}`, &pool)
	poolID := pool.UserPool.Id

	var created struct{ UserPoolClient struct{ ClientId string } }
	mustJSON(t, srv.URL, "CreateUserPoolClient", `{"UserPoolId":"`+poolID+`","ClientName":"golden app","GenerateSecret":true,"AccessTokenValidity":30,"TokenValidityUnits":{"AccessToken":"minutes"},"ReadAttributes":["email","custom:tier"],"CallbackURLs":["https://example.com/cb"]}`, &created)

	resp, body := postRaw(t, srv.URL, "DescribeUserPoolClient", `{"UserPoolId":"`+poolID+`","ClientId":"`+created.UserPoolClient.ClientId+`"}`)
	checkGolden(t, "describe_user_pool_client.golden", wire(resp, body))

	resp, body = postRaw(t, srv.URL, "DescribeUserPool", `{"UserPoolId":"`+poolID+`"}`)
	checkGolden(t, "describe_user_pool.golden", wire(resp, body))

	resp, body = postRaw(t, srv.URL, "DescribeUserPoolClient", `{"UserPoolId":"`+poolID+`","ClientId":"nosuchclient"}`)
	checkGolden(t, "error_resource_not_found.golden", wire(resp, body))

	resp, body = postRaw(t, srv.URL, "ListUserPools", `{"MaxResults":61}`)
	checkGolden(t, "error_validation.golden", wire(resp, body))

	// Empty outputs are {} on the wire.
	resp, body = postRaw(t, srv.URL, "DeleteUserPoolClient", `{"UserPoolId":"`+poolID+`","ClientId":"`+created.UserPoolClient.ClientId+`"}`)
	if resp.StatusCode != http.StatusOK || string(body) != "{}" {
		t.Errorf("DeleteUserPoolClient: %d %s", resp.StatusCode, body)
	}
	resp, body = postRaw(t, srv.URL, "UpdateUserPool", `{"UserPoolId":"`+poolID+`"}`)
	if resp.StatusCode != http.StatusOK || string(body) != "{}" {
		t.Errorf("UpdateUserPool: %d %s", resp.StatusCode, body)
	}
}
