package cognitoidp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"userpool/internal/cognitoidp"
	"userpool/internal/importupload"
	"userpool/internal/store/sqlite"
	"userpool/internal/userpool"
)

// importClock is a settable clock.
type importClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *importClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *importClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newImportEnv serves the Cognito face and the import upload face on one
// server (as internal/server mounts them), the domain's clock injected.
func newImportEnv(t *testing.T) (*cip.Client, *userpool.Service, *importClock) {
	return newImportEnvBatch(t, 3)
}

func newImportEnvBatch(t *testing.T, batch int) (*cip.Client, *userpool.Service, *importClock) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := &importClock{t: time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)}
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()
	svc := userpool.New(st, userpool.Options{Now: clock.now, Imports: userpool.ImportOptions{BaseURL: base, BatchSize: batch}})
	mux.Handle("POST /{$}", cognitoidp.New(svc, cognitoidp.Options{Authenticator: cognitoidp.AllowAll{}}))
	mux.Handle(importupload.Pattern, importupload.New(svc, nil))
	srv.Start()
	t.Cleanup(srv.Close)
	client := cip.New(cip.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		RetryMaxAttempts: 1, HTTPClient: bufferedBodyClient{},
	})
	return client, svc, clock
}

func importPool(t *testing.T, c *cip.Client) string {
	t.Helper()
	out, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName:               aws.String("imports"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AliasAttributes:        []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{
			Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return *out.UserPool.Id
}

// putCSV uploads body to the pre-signed URL as the Cognito guide's curl does.
func putCSV(t *testing.T, rawURL, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("x-amz-server-side-encryption", "aws:kms")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func wantAPIError(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// csvOf renders rows (maps by column) under the pool's header.
func csvOf(header []string, rows ...map[string]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		vals := make([]string, len(header))
		for i, h := range header {
			vals[i] = r[h]
		}
		b.WriteString(strings.Join(vals, ",") + "\n")
	}
	return b.String()
}

func waitJob(t *testing.T, svc *userpool.Service, jobID string) {
	t.Helper()
	done := svc.ImportJobDone(jobID)
	if done == nil {
		t.Fatalf("job %s is not running on this instance", jobID)
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second): // a hang, not a timing assertion
		t.Fatalf("job %s did not end", jobID)
	}
}

func TestUserImportJobEndToEnd(t *testing.T) {
	c, svc, clock := newImportEnv(t)
	ctx := t.Context()
	pool := importPool(t, c)

	h, err := c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
		"picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale",
		"phone_number", "phone_number_verified", "address", "updated_at", "cognito:mfa_enabled", "cognito:username", "custom:tier"}
	if !slices.Equal(h.CSVHeader, wantHeader) || *h.UserPoolId != pool {
		t.Fatalf("CSVHeader = %q", h.CSVHeader)
	}

	if _, err := c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{
		UserPoolId: aws.String(pool), JobName: aws.String("j"), CloudWatchLogsRoleArn: aws.String("not an arn at all"),
	}); err == nil {
		t.Fatal("a role that is not an ARN was accepted")
	} else {
		wantAPIError(t, err, "InvalidParameterException")
	}
	created, err := c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{
		UserPoolId: aws.String(pool), JobName: aws.String("first import"),
		CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport"),
	})
	if err != nil {
		t.Fatal(err)
	}
	j := created.UserImportJob
	if !strings.HasPrefix(*j.JobId, "import-") || j.Status != types.UserImportJobStatusTypeCreated || *j.JobName != "first import" ||
		*j.UserPoolId != pool || *j.CloudWatchLogsRoleArn != "arn:aws:iam::123456789012:role/CognitoImport" ||
		j.ImportedUsers != 0 || j.SkippedUsers != 0 || j.FailedUsers != 0 || !j.CreationDate.Equal(clock.now()) {
		t.Fatalf("created job: %+v", j)
	}
	u, err := url.Parse(*j.PreSignedUrl)
	if err != nil || u.Path != "/_userpool/import-jobs/"+*j.JobId || u.Query().Get("Signature") == "" || u.Query().Get("Expires") == "" {
		t.Fatalf("PreSignedUrl %q", *j.PreSignedUrl)
	}

	// An existing user: the import skips it.
	if _, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String("existing"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	row := func(user, email, verified, mfa string) map[string]string {
		return map[string]string{"cognito:username": user, "email": email, "email_verified": verified, "cognito:mfa_enabled": mfa, "given_name": "G", "custom:tier": "gold"}
	}
	body := csvOf(h.CSVHeader,
		row("alice", "alice@example.com", "true", "false"),
		row("bob", "bob@example.com", "TRUE", "false"),
		row("alice", "alice2@example.com", "true", "false"), // duplicate in the file: skipped
		row("existing", "ex@example.com", "true", "false"),  // existing user: skipped
		row("carol", "carol@example.com", "false", "false"), // no auto-verified attribute true: failed
		row("dave", "dave@example.com", "true", "maybe"),    // bad cognito:mfa_enabled: failed
		row("", "nobody@example.com", "true", "false"),      // no username: failed
		row("erin", "alice@example.com", "true", "false"),   // alias taken: failed
		row("frank", "not-an-email", "true", "false"),       // bad email: failed
		row("grace", "grace@example.com", "true", "false"),
	) + "toofew,columns\n" // wrong number of columns: failed

	// Tampered signature, then an upload before the URL's expiry.
	tampered := strings.Replace(*j.PreSignedUrl, "Signature=", "Signature=x", 1)
	if code, resp := putCSV(t, tampered, body); code != http.StatusForbidden || !strings.Contains(resp, "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered signature: %d %s", code, resp)
	}
	later := strings.Replace(*j.PreSignedUrl, "Expires=", "Expires=9", 1)
	if code, _ := putCSV(t, later, body); code != http.StatusForbidden {
		t.Fatalf("extended expiry accepted: %d", code)
	}
	clock.add(14 * time.Minute)
	if code, resp := putCSV(t, *j.PreSignedUrl, body); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, resp)
	}

	started, err := c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId})
	if err != nil {
		t.Fatal(err)
	}
	if s := started.UserImportJob.Status; s != types.UserImportJobStatusTypePending && s != types.UserImportJobStatusTypeInProgress {
		t.Fatalf("started status %s", s)
	}
	if started.UserImportJob.StartDate == nil {
		t.Fatal("no StartDate")
	}
	waitJob(t, svc, *j.JobId)

	if code, resp := putCSV(t, *j.PreSignedUrl, body); code != http.StatusForbidden || !strings.Contains(resp, "<Code>AccessDenied</Code>") {
		t.Fatalf("upload after start: %d %s", code, resp)
	}
	if _, err := c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId}); err == nil {
		t.Fatal("a finished job started again")
	}

	d, err := c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId})
	if err != nil {
		t.Fatal(err)
	}
	dj := d.UserImportJob
	if dj.Status != types.UserImportJobStatusTypeSucceeded || dj.ImportedUsers != 3 || dj.SkippedUsers != 2 || dj.FailedUsers != 6 ||
		dj.CompletionDate == nil || aws.ToString(dj.CompletionMessage) == "" {
		t.Fatalf("finished job: status %s imported %d skipped %d failed %d msg %q", dj.Status, dj.ImportedUsers, dj.SkippedUsers, dj.FailedUsers, aws.ToString(dj.CompletionMessage))
	}
	alice, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("alice@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]string{}
	for _, a := range alice.UserAttributes {
		attrs[*a.Name] = *a.Value
	}
	if *alice.Username != "alice" || alice.UserStatus != types.UserStatusTypeResetRequired || !alice.Enabled ||
		attrs["email"] != "alice@example.com" || attrs["email_verified"] != "true" || attrs["custom:tier"] != "gold" || attrs["sub"] == "" {
		t.Fatalf("imported alice: %s %s %v", *alice.Username, alice.UserStatus, attrs)
	}
	// RESET_REQUIRED: no password works; the user must reset it.
	if _, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("erin")}); err == nil {
		t.Fatal("erin (alias taken) was imported")
	}
}

func TestUserImportJobHeaderMismatchStopListExpiry(t *testing.T) {
	c, svc, clock := newImportEnv(t)
	ctx := t.Context()
	pool := importPool(t, c)
	create := func(name string) types.UserImportJobType {
		t.Helper()
		out, err := c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{
			UserPoolId: aws.String(pool), JobName: aws.String(name), CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport"),
		})
		if err != nil {
			t.Fatal(err)
		}
		return *out.UserImportJob
	}

	// A header without every GetCSVHeader column fails the job.
	bad := create("bad header")
	if code, resp := putCSV(t, *bad.PreSignedUrl, "cognito:username,email,email_verified,cognito:mfa_enabled\nu1,u1@example.com,true,false\n"); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, resp)
	}
	if _, err := c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(pool), JobId: bad.JobId}); err != nil {
		t.Fatal(err)
	}
	waitJob(t, svc, *bad.JobId)
	d, err := c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(pool), JobId: bad.JobId})
	if err != nil {
		t.Fatal(err)
	}
	if d.UserImportJob.Status != types.UserImportJobStatusTypeFailed || d.UserImportJob.ImportedUsers != 0 ||
		!strings.Contains(aws.ToString(d.UserImportJob.CompletionMessage), "lacks the column") {
		t.Fatalf("bad header job: %s %q", d.UserImportJob.Status, aws.ToString(d.UserImportJob.CompletionMessage))
	}

	// Stop before start: Stopped at once; it cannot start afterwards.
	stop := create("to stop")
	s, err := c.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: aws.String(pool), JobId: stop.JobId})
	if err != nil {
		t.Fatal(err)
	}
	if s.UserImportJob.Status != types.UserImportJobStatusTypeStopped || s.UserImportJob.CompletionDate == nil {
		t.Fatalf("stopped: %+v", s.UserImportJob)
	}
	_, err = c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(pool), JobId: stop.JobId})
	wantAPIError(t, err, "InvalidParameterException")

	// Expired URL.
	late := create("late")
	clock.add(16 * time.Minute)
	if code, resp := putCSV(t, *late.PreSignedUrl, "x\n"); code != http.StatusForbidden || !strings.Contains(resp, "Request has expired") {
		t.Fatalf("expired upload: %d %s", code, resp)
	}

	// Unknown job.
	_, err = c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(pool), JobId: aws.String("import-nope")})
	wantAPIError(t, err, "ResourceNotFoundException")

	// Listing: MaxResults required (1..60), paged.
	_, err = c.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: aws.String(pool), MaxResults: aws.Int32(0)})
	wantAPIError(t, err, "InvalidParameterException")
	var ids []string
	var token *string
	for range 10 {
		out, err := c.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: aws.String(pool), MaxResults: aws.Int32(1), PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range out.UserImportJobs {
			ids = append(ids, *j.JobId)
		}
		if token = out.PaginationToken; token == nil {
			break
		}
	}
	want := []string{*bad.JobId, *stop.JobId, *late.JobId}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("listed %v, want %v", ids, want)
	}
}

// TestUserImportJobStopWhileRunning stops a job between two batches: the
// runner ends it Stopped with the rows of the batches it finished.
func TestUserImportJobStopWhileRunning(t *testing.T) {
	c, svc, _ := newImportEnv(t)
	ctx := t.Context()
	pool := importPool(t, c)
	h, err := c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for i := range 3000 {
		rows = append(rows, map[string]string{"cognito:username": fmt.Sprintf("u%04d", i), "email": fmt.Sprintf("u%04d@example.com", i), "email_verified": "true", "cognito:mfa_enabled": "false"})
	}
	out, err := c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{
		UserPoolId: aws.String(pool), JobName: aws.String("big"), CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport"),
	})
	if err != nil {
		t.Fatal(err)
	}
	j := out.UserImportJob
	if code, resp := putCSV(t, *j.PreSignedUrl, csvOf(h.CSVHeader, rows...)); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, resp)
	}
	if _, err := c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId}); err != nil {
		t.Fatal(err)
	}
	stopped, err := c.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId})
	if err != nil {
		t.Fatal(err)
	}
	switch stopped.UserImportJob.Status {
	case types.UserImportJobStatusTypeStopped, types.UserImportJobStatusTypeStopping:
	default:
		t.Fatalf("stop answered %s", stopped.UserImportJob.Status)
	}
	waitJob(t, svc, *j.JobId)
	d, err := c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId})
	if err != nil {
		t.Fatal(err)
	}
	if d.UserImportJob.Status != types.UserImportJobStatusTypeStopped || d.UserImportJob.ImportedUsers >= 3000 {
		t.Fatalf("after stop: %s, %d imported", d.UserImportJob.Status, d.UserImportJob.ImportedUsers)
	}
}

// TestUserImport100k measures the import of 100,000 rows (BENCHMARKS.md):
// USERPOOL_IMPORT_BENCH=1 go test ./internal/cognitoidp -run TestUserImport100k -v
func TestUserImport100k(t *testing.T) {
	if os.Getenv("USERPOOL_IMPORT_BENCH") == "" {
		t.Skip("set USERPOOL_IMPORT_BENCH=1 to import 100,000 rows")
	}
	c, svc, _ := newImportEnvBatch(t, 0)
	ctx := t.Context()
	pool := importPool(t, c)
	h, err := c.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String(pool)})
	if err != nil {
		t.Fatal(err)
	}
	const n = 100_000
	var b strings.Builder
	b.WriteString(strings.Join(h.CSVHeader, ",") + "\n")
	for i := range n {
		row := map[string]string{"cognito:username": fmt.Sprintf("user%06d", i), "email": fmt.Sprintf("user%06d@example.com", i),
			"email_verified": "true", "cognito:mfa_enabled": "false", "given_name": "Given", "family_name": fmt.Sprintf("Family%d", i), "custom:tier": "gold"}
		vals := make([]string, len(h.CSVHeader))
		for k, col := range h.CSVHeader {
			vals[k] = row[col]
		}
		b.WriteString(strings.Join(vals, ",") + "\n")
	}
	out, err := c.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{
		UserPoolId: aws.String(pool), JobName: aws.String("100k"), CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport"),
	})
	if err != nil {
		t.Fatal(err)
	}
	j := out.UserImportJob
	if code, resp := putCSV(t, *j.PreSignedUrl, b.String()); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, resp)
	}
	start := time.Now()
	if _, err := c.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId}); err != nil {
		t.Fatal(err)
	}
	waitJob(t, svc, *j.JobId)
	el := time.Since(start)
	d, err := c.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(pool), JobId: j.JobId})
	if err != nil {
		t.Fatal(err)
	}
	if d.UserImportJob.ImportedUsers != n || d.UserImportJob.Status != types.UserImportJobStatusTypeSucceeded {
		t.Fatalf("imported %d, status %s", d.UserImportJob.ImportedUsers, d.UserImportJob.Status)
	}
	t.Logf("%d rows (%d bytes of CSV) imported in %v: %.0f rows/s", n, b.Len(), el.Round(time.Millisecond), float64(n)/el.Seconds())
}
