package e2e

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// bufferedClient hands the transport an in-memory copy of each request body,
// avoiding aws-sdk-go-v2's request-body close race against a fast local
// server (aws/aws-sdk-go-v2#1825, #2737; see docs/differences.md).
type bufferedClient struct{ c *http.Client }

func newBufferedClient() bufferedClient {
	return bufferedClient{c: &http.Client{Timeout: 30 * time.Second}}
}

func (b bufferedClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return b.c.Do(req)
}
