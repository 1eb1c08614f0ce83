package userpool

// User import jobs (Cognito's CSV user import): GetCSVHeader,
// Create/Start/Stop/Describe/ListUserImportJobs, the upload the job's
// pre-signed URL accepts, and the runner that imports the rows.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"userpool/internal/cognitorules"
	"userpool/internal/store"
)

// Import job statuses (UserImportJobStatusType).
const (
	ImportCreated    = "Created"
	ImportPending    = "Pending"
	ImportInProgress = "InProgress"
	ImportStopping   = "Stopping"
	ImportStopped    = "Stopped"
	ImportFailed     = "Failed"
	ImportSucceeded  = "Succeeded"
	ImportExpired    = "Expired"
)

// ImportUploadPath is the path prefix of the pre-signed upload URLs; the
// job id follows it.
const ImportUploadPath = "/_userpool/import-jobs/"

// Defaults of ImportOptions.
const (
	// DefaultImportURLValidity: "The PRE_SIGNED_URL returned in the
	// response is valid for 15 minutes" (Cognito developer guide).
	DefaultImportURLValidity = 15 * time.Minute
	// DefaultMaxImportCSVBytes is Cognito's 100 MB limit of an import file.
	DefaultMaxImportCSVBytes = 100 << 20
	// DefaultImportBatchSize is the number of rows created per transaction.
	DefaultImportBatchSize = 2000
	// importExpiry: a job not started within 24 hours is Expired.
	importExpiry = 24 * time.Hour
)

// ImportOptions configure user import jobs.
type ImportOptions struct {
	// BaseURL is the public URL the pre-signed upload URLs start with
	// (server.public_url).
	BaseURL string
	// Seal and Open protect each job's upload-URL key at rest (the master
	// key's sealer); nil stores it as is.
	Seal, Open func([]byte) ([]byte, error)
	// URLValidity is how long a pre-signed URL accepts the upload.
	URLValidity time.Duration
	// MaxCSVBytes is the largest CSV body accepted.
	MaxCSVBytes int64
	// BatchSize is the number of rows created per store transaction.
	BatchSize int
	// Heartbeat is how often a running job's lease is refreshed
	// (DefaultImportHeartbeat); a job whose heartbeat is ImportLeaseBeats
	// heartbeats old is taken to have lost its runner (importrecovery.go).
	Heartbeat time.Duration
}

// importRunner holds the import options and the jobs this instance runs.
type importRunner struct {
	opts    ImportOptions
	mu      sync.Mutex
	running map[string]chan struct{}
}

func newImportRunner(o ImportOptions) *importRunner {
	if o.URLValidity <= 0 {
		o.URLValidity = DefaultImportURLValidity
	}
	if o.MaxCSVBytes <= 0 {
		o.MaxCSVBytes = DefaultMaxImportCSVBytes
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultImportBatchSize
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultImportHeartbeat
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &importRunner{opts: o, running: map[string]chan struct{}{}}
}

// ImportJob is a user import job as the API shows it (UserImportJobType).
type ImportJob struct {
	PoolID            string
	ID                string
	Name              string
	RoleArn           string
	Status            string
	PreSignedURL      string
	CompletionMessage string
	Imported          int64
	Skipped           int64
	Failed            int64
	CreatedAt         time.Time
	StartedAt         time.Time
	CompletedAt       time.Time
}

// csvStandardColumns are GetCSVHeader's fixed columns, in the order of the
// developer guide's sample response; the pool's custom attributes follow.
var csvStandardColumns = []string{
	"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
	"picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale",
	"phone_number", "phone_number_verified", "address", "updated_at", "cognito:mfa_enabled", "cognito:username",
}

func csvHeader(p *Pool) []string {
	out := append([]string(nil), csvStandardColumns...)
	for _, a := range p.Settings.Schema {
		if a.Custom && !a.DeveloperOnlyAttribute {
			out = append(out, a.AttributeName())
		}
	}
	return out
}

// GetCSVHeader is the header of the pool's import CSV.
func (s *Service) GetCSVHeader(ctx context.Context, poolID string) ([]string, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	return csvHeader(p), nil
}

func errImportJobNotFound(id string) *Error {
	return Errorf(KindResourceNotFound, "Import job %s does not exist.", id)
}

// importJobView is the API view of a stored job: a Created job older than a
// day shows Expired, and the upload URL is rebuilt from the job's key.
func (s *Service) importJobView(j store.ImportJob) (ImportJob, error) {
	v := ImportJob{
		PoolID: j.PoolID, ID: j.ID, Name: j.Name, RoleArn: j.RoleArn, Status: j.Status,
		CompletionMessage: j.CompletionMessage, Imported: j.Imported, Skipped: j.Skipped, Failed: j.Failed,
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, CompletedAt: j.CompletedAt,
	}
	if v.Status == ImportCreated && s.nowUTC().Sub(j.CreatedAt) > importExpiry {
		v.Status = ImportExpired
	}
	u, err := s.importUploadURL(j)
	if err != nil {
		return ImportJob{}, err
	}
	v.PreSignedURL = u
	return v, nil
}

func (s *Service) importKey(j store.ImportJob) ([]byte, error) {
	if s.imports.opts.Open == nil {
		return j.Secret, nil
	}
	k, err := s.imports.opts.Open(j.Secret)
	if err != nil {
		return nil, Internal(fmt.Errorf("import job %s: opening its key: %w", j.ID, err))
	}
	return k, nil
}

func importSignature(key []byte, jobID string, expires int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "PUT\n%s\n%d", jobID, expires)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Service) importUploadURL(j store.ImportJob) (string, error) {
	key, err := s.importKey(j)
	if err != nil {
		return "", err
	}
	expires := j.CreatedAt.Add(s.imports.opts.URLValidity).Unix()
	q := url.Values{}
	q.Set("Expires", strconv.FormatInt(expires, 10))
	q.Set("Signature", importSignature(key, j.ID, expires))
	return s.imports.opts.BaseURL + ImportUploadPath + url.PathEscape(j.ID) + "?" + q.Encode(), nil
}

// CreateUserImportJob creates a job in status Created with its pre-signed
// upload URL.
func (s *Service) CreateUserImportJob(ctx context.Context, poolID, name, roleArn string) (ImportJob, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return ImportJob{}, err
	}
	id, err := s.randomAlnum(12)
	if err != nil {
		return ImportJob{}, err
	}
	secret := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, secret); err != nil {
		return ImportJob{}, Internal(err)
	}
	if s.imports.opts.Seal != nil {
		if secret, err = s.imports.opts.Seal(secret); err != nil {
			return ImportJob{}, Internal(err)
		}
	}
	j := store.ImportJob{
		PoolID: p.ID, ID: "import-" + id, Name: name, RoleArn: roleArn, Status: ImportCreated,
		Secret: secret, CreatedAt: s.nowUTC(),
	}
	if err := s.store.CreateImportJob(ctx, j); err != nil {
		return ImportJob{}, storeError(err, on(store.ErrNotFound, func() *Error {
			return Errorf(KindResourceNotFound, "User pool %s does not exist.", poolID)
		}))
	}
	return s.importJobView(j)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (s *Service) randomAlnum(n int) (string, error) {
	b := make([]byte, n)
	out := make([]byte, 0, n)
	for len(out) < n {
		if _, err := io.ReadFull(s.rand, b); err != nil {
			return "", Internal(err)
		}
		for _, c := range b {
			if c < 248 && len(out) < n { // 248 = 4*62: no modulo bias
				out = append(out, alnum[int(c)%len(alnum)])
			}
		}
	}
	return string(out), nil
}

// DescribeUserImportJob returns a job of the pool.
func (s *Service) DescribeUserImportJob(ctx context.Context, poolID, jobID string) (ImportJob, error) {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return ImportJob{}, err
	}
	j, err := s.store.GetImportJob(ctx, poolID, jobID)
	if err != nil {
		return ImportJob{}, storeError(err, on(store.ErrNotFound, func() *Error { return errImportJobNotFound(jobID) }))
	}
	return s.importJobView(j)
}

// ListUserImportJobs pages through the pool's jobs (by job id).
func (s *Service) ListUserImportJobs(ctx context.Context, poolID string, limit int, token string) ([]ImportJob, string, error) {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return nil, "", err
	}
	js, next, err := s.store.ListImportJobs(ctx, poolID, store.Page{Limit: limit, Token: token})
	if err != nil {
		return nil, "", storeError(err, on(store.ErrInvalidToken, func() *Error {
			return Errorf(KindInvalidParameter, "Invalid pagination token.")
		}))
	}
	out := make([]ImportJob, 0, len(js))
	for _, j := range js {
		v, err := s.importJobView(j)
		if err != nil {
			return nil, "", err
		}
		out = append(out, v)
	}
	return out, next, nil
}

// errImportState is the refusal of a job in the wrong status.
type errImportState struct{ status string }

func (e errImportState) Error() string { return "import job is " + e.status }

// updateImportJob runs fn on the job in one store transaction.
func (s *Service) updateImportJob(ctx context.Context, poolID, jobID string, fn func(*store.ImportJob) error) (store.ImportJob, error) {
	j, err := s.store.UpdateImportJob(ctx, poolID, jobID, fn)
	if err != nil {
		var st errImportState
		if errors.As(err, &st) {
			return store.ImportJob{}, Errorf(KindInvalidParameter, "Import job %s is %s.", jobID, st.status)
		}
		return store.ImportJob{}, storeError(err, on(store.ErrNotFound, func() *Error { return errImportJobNotFound(jobID) }))
	}
	return j, nil
}

// StartUserImportJob moves a Created job to Pending and runs it in the
// background on this instance.
func (s *Service) StartUserImportJob(ctx context.Context, poolID, jobID string) (ImportJob, error) {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return ImportJob{}, err
	}
	now := s.nowUTC()
	j, err := s.updateImportJob(ctx, poolID, jobID, func(j *store.ImportJob) error {
		if j.Status == ImportCreated && now.Sub(j.CreatedAt) > importExpiry {
			j.Status = ImportExpired
		}
		if j.Status != ImportCreated {
			return errImportState{j.Status}
		}
		// The heartbeat of a Pending job is its start: a job this
		// instance is about to claim is not taken for a dead one.
		j.Status, j.StartedAt, j.Runner, j.HeartbeatAt = ImportPending, now, "", now
		return nil
	})
	if err != nil {
		return ImportJob{}, err
	}
	done := s.imports.track(jobID)
	go func() {
		defer close(done)
		s.runImportJob(context.WithoutCancel(ctx), poolID, jobID)
	}()
	return s.importJobView(j)
}

func (r *importRunner) track(jobID string) chan struct{} {
	ch := make(chan struct{})
	r.mu.Lock()
	r.running[jobID] = ch
	r.mu.Unlock()
	return ch
}

// ImportJobDone is closed when this instance's run of the job has ended
// (nil when this instance never ran it). Tests wait on it.
func (s *Service) ImportJobDone(jobID string) <-chan struct{} {
	s.imports.mu.Lock()
	defer s.imports.mu.Unlock()
	return s.imports.running[jobID]
}

// StopUserImportJob stops a job: a job not yet running is Stopped at once,
// a running one Stopping until the runner ends it (Stopped).
func (s *Service) StopUserImportJob(ctx context.Context, poolID, jobID string) (ImportJob, error) {
	if _, err := s.GetPool(ctx, poolID); err != nil {
		return ImportJob{}, err
	}
	now := s.nowUTC()
	j, err := s.updateImportJob(ctx, poolID, jobID, func(j *store.ImportJob) error {
		switch j.Status {
		case ImportCreated, ImportPending:
			j.Status, j.CompletedAt, j.CompletionMessage = ImportStopped, now, "Import Job Stopped."
		case ImportInProgress:
			j.Status = ImportStopping
		default:
			return errImportState{j.Status}
		}
		return nil
	})
	if err != nil {
		return ImportJob{}, err
	}
	return s.importJobView(j)
}

// Upload errors, for the upload face to answer in S3's terms.
var (
	ErrImportUploadDenied   = &Error{Kind: KindForbidden, Message: "The request signature we calculated does not match the signature you provided."}
	ErrImportUploadExpired  = &Error{Kind: KindExpiredCode, Message: "Request has expired"}
	ErrImportUploadTooLarge = &Error{Kind: KindInvalidParameter, Message: "Your proposed upload exceeds the maximum allowed size"}
	ErrImportUploadState    = &Error{Kind: KindPreconditionNotMet, Message: "The import job no longer accepts an upload."}
)

// UploadUserImportCSV stores the CSV body of a job, given the Expires and
// Signature of its pre-signed URL.
func (s *Service) UploadUserImportCSV(ctx context.Context, jobID, expires, signature string, body io.Reader) error {
	j, err := s.store.GetImportJobByID(ctx, jobID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrImportUploadDenied
	}
	if err != nil {
		return Internal(err)
	}
	key, err := s.importKey(j)
	if err != nil {
		return err
	}
	exp, perr := strconv.ParseInt(expires, 10, 64)
	if perr != nil || !hmac.Equal([]byte(signature), []byte(importSignature(key, j.ID, exp))) {
		return ErrImportUploadDenied
	}
	if s.now().Unix() > exp {
		return ErrImportUploadExpired
	}
	if j.Status != ImportCreated {
		return ErrImportUploadState
	}
	max := s.imports.opts.MaxCSVBytes
	data, err := io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		return Internal(err)
	}
	if int64(len(data)) > max {
		return ErrImportUploadTooLarge
	}
	switch err := s.store.PutImportCSV(ctx, j.PoolID, j.ID, ImportCreated, data); {
	case errors.Is(err, store.ErrStateChanged):
		return ErrImportUploadState
	case err != nil:
		return Internal(err)
	}
	return nil
}

// ---------------------------------------------------------------- runner

// importFinish ends a job the run runID holds: status, message and the
// final counts. A run that lost the job's lease writes nothing.
func (s *Service) importFinish(ctx context.Context, poolID, jobID, runID, status, msg string, c importCounts) {
	now := s.nowUTC()
	_, err := s.store.UpdateImportJob(ctx, poolID, jobID, func(j *store.ImportJob) error {
		if j.Runner != runID {
			return errImportLeaseLost
		}
		j.Runner = ""
		if status != ImportFailed && j.Status == ImportStopping {
			status, msg = ImportStopped, "Import Job Stopped."
		}
		j.Status, j.CompletionMessage, j.CompletedAt = status, msg, now
		j.Imported, j.Skipped, j.Failed = c.imported, c.skipped, c.failed
		return nil
	})
	switch {
	case errors.Is(err, errImportLeaseLost):
		s.log.Warn("user import: another run holds the job now; this run ends without finishing it", "job", jobID)
	case err != nil:
		s.log.Error("user import: finishing the job", "job", jobID, "err", err)
	}
}

type importCounts struct{ imported, skipped, failed int64 }

// runImportJob claims the job (Pending -> InProgress, a compare-and-swap in
// the store: of several instances exactly one runs it) and imports its rows.
func (s *Service) runImportJob(ctx context.Context, poolID, jobID string) {
	log := s.log.With("job", jobID, "pool", poolID)
	runID, err := s.randomAlnum(16)
	if err != nil {
		log.Error("user import: a run id", "err", err)
		return
	}
	now := s.nowUTC()
	_, err = s.store.UpdateImportJob(ctx, poolID, jobID, func(j *store.ImportJob) error {
		if j.Status != ImportPending {
			return errImportState{j.Status}
		}
		j.Status, j.Runner, j.HeartbeatAt = ImportInProgress, runID, now
		return nil
	})
	if err != nil {
		var st errImportState
		if !errors.As(err, &st) {
			log.Error("user import: claiming the job", "err", err)
		}
		return
	}
	s.importRows(ctx, poolID, jobID, runID, importCounts{})
}

// importRows imports the rows of a job the run runID holds, refreshing its
// lease meanwhile. c are the counts of the rows a run before this one
// processed (a resumed job, importrecovery.go): that many rows are skipped
// and the counts go on from there.
func (s *Service) importRows(ctx context.Context, poolID, jobID, runID string, c importCounts) {
	log := s.log.With("job", jobID, "pool", poolID)
	resume := c.imported + c.skipped + c.failed
	rctx, stopBeat := context.WithCancel(ctx)
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		s.importHeartbeat(rctx, stopBeat, poolID, jobID, runID)
	}()
	defer func() { stopBeat(); <-beatDone }()
	fail := func(msg string) {
		log.Warn("user import failed", "reason", msg)
		s.importFinish(ctx, poolID, jobID, runID, ImportFailed, msg, c)
	}
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		fail("The user pool does not exist.")
		return
	}
	body, err := s.store.GetImportCSV(ctx, poolID, jobID)
	if errors.Is(err, store.ErrNotFound) {
		fail("The CSV file was not uploaded.")
		return
	}
	if err != nil {
		log.Error("user import: reading the CSV", "err", err)
		fail("Internal error.")
		return
	}
	if len(p.Settings.AutoVerifiedAttributes) == 0 {
		fail("The user pool has no auto-verified attributes (email or phone_number).")
		return
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(body))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		fail("Amazon Cognito is unable to parse the .csv file: no header row.")
		return
	}
	cols, msg := checkCSVHeader(p, header)
	if msg != "" {
		fail(msg)
		return
	}
	imp := rowImporter{s: s, p: p, cols: cols}
	batch := make([]store.User, 0, s.imports.opts.BatchSize)
	lines := make([]int, 0, s.imports.opts.BatchSize)
	flush := func() (stop bool) {
		if len(batch) > 0 {
			res, err := s.store.CreateUsers(rctx, batch)
			if err != nil {
				log.Error("user import: creating users", "err", err)
				return true
			}
			for i, e := range res {
				switch {
				case e == nil:
					c.imported++
				case errors.Is(e, store.ErrAlreadyExists),
					errors.Is(e, store.ErrAliasExists) && p.UsesUsernameAttributes():
					c.skipped++
					log.Info("user import row", "line", lines[i], "result", "SKIPPED", "username", batch[i].Username, "reason", "The user already exists.")
				case errors.Is(e, store.ErrAliasExists):
					c.failed++
					log.Info("user import row", "line", lines[i], "result", "FAILED", "username", batch[i].Username, "reason", "An account with one of the user's alias attributes already exists.")
				default:
					c.failed++
				}
			}
			batch, lines = batch[:0], lines[:0]
		}
		now := s.nowUTC()
		j, err := s.store.UpdateImportJob(ctx, poolID, jobID, func(j *store.ImportJob) error {
			if j.Runner != runID {
				return errImportLeaseLost
			}
			j.Imported, j.Skipped, j.Failed, j.HeartbeatAt = c.imported, c.skipped, c.failed, now
			return nil
		})
		return err != nil || j.Status == ImportStopping
	}
	for row := int64(0); ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if row < resume {
			// Counted by the run this one resumes. A parse error other
			// than a field count would have failed that run.
			var pe *csv.ParseError
			if err != nil && !(errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)) {
				fail("Amazon Cognito is unable to parse the .csv file.")
				return
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				c.failed++
				log.Info("user import row", "line", pe.StartLine, "result", "FAILED", "reason", "The row does not have one value per header column.")
				continue
			}
			fail("Amazon Cognito is unable to parse the .csv file.")
			return
		}
		u, reason := imp.user(rec)
		if reason != "" {
			c.failed++
			log.Info("user import row", "line", line, "result", "FAILED", "username", imp.username(rec), "reason", reason)
			continue
		}
		batch, lines = append(batch, u), append(lines, line)
		if len(batch) == cap(batch) && flush() {
			s.importFinish(ctx, poolID, jobID, runID, ImportStopped, "Import Job Stopped.", c)
			return
		}
	}
	if flush() {
		s.importFinish(ctx, poolID, jobID, runID, ImportStopped, "Import Job Stopped.", c)
		return
	}
	s.importFinish(ctx, poolID, jobID, runID, ImportSucceeded, "Import Job Completed Successfully.", c)
}

// checkCSVHeader maps the header's columns (any order) to their index: every
// column of GetCSVHeader must be there once, and no other.
func checkCSVHeader(p *Pool, header []string) (map[string]int, string) {
	want := csvHeader(p)
	known := make(map[string]bool, len(want))
	for _, c := range want {
		known[c] = true
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		if !known[h] {
			return nil, fmt.Sprintf("The CSV header has a column that is not in the user pool's CSV header (GetCSVHeader): %q.", h)
		}
		if _, dup := cols[h]; dup {
			return nil, fmt.Sprintf("The CSV header names the column %q twice.", h)
		}
		cols[h] = i
	}
	for _, c := range want {
		if _, ok := cols[c]; !ok {
			return nil, fmt.Sprintf("The CSV header lacks the column %q (the header must have every column of GetCSVHeader).", c)
		}
	}
	return cols, ""
}

// rowImporter turns CSV rows into users of the pool.
type rowImporter struct {
	s    *Service
	p    *Pool
	cols map[string]int
}

func (imp *rowImporter) username(rec []string) string {
	return rec[imp.cols["cognito:username"]]
}

// user is the user a row creates, or the reason it fails.
func (imp *rowImporter) user(rec []string) (store.User, string) {
	p := imp.p
	username := imp.username(rec)
	if username == "" {
		return store.User{}, "The cognito:username value is empty."
	}
	if len([]rune(username)) > 128 || !cognitorules.Name.Match(username) {
		return store.User{}, "The cognito:username value is not a valid username."
	}
	mfa := false
	switch strings.ToLower(rec[imp.cols["cognito:mfa_enabled"]]) {
	case "true":
		mfa = true
	case "false":
	default:
		return store.User{}, "The cognito:mfa_enabled value must be true or false."
	}
	var list []Attribute
	for name, i := range imp.cols {
		if v := rec[i]; v != "" && !strings.HasPrefix(name, "cognito:") {
			list = append(list, Attribute{Name: name, Value: v})
		}
	}
	attrs := make(map[string]string, len(list)+1)
	kind := ""
	if p.UsesUsernameAttributes() {
		k, err := usernameAttributeKind(p, username)
		if err != nil {
			return store.User{}, AsError(err).Message
		}
		kind = k
	}
	if err := applyAttributes(p, attrs, list, true); err != nil {
		return store.User{}, strings.TrimSpace(AsError(err).Message)
	}
	if kind != "" {
		if v, ok := attrs[kind]; ok && p.AliasValue(kind, v) != p.AliasValue(kind, username) {
			return store.User{}, "The cognito:username value differs from the " + kind + " value."
		}
		attrs[kind] = username
	} else {
		if hasString(p.Settings.AliasAttributes, "email") && IsEmail(username) {
			return store.User{}, "Username cannot be of email format, since user pool is configured for email alias."
		}
		if hasString(p.Settings.AliasAttributes, "phone_number") && IsPhoneNumber(username) {
			return store.User{}, "Username cannot be of phone number format, since user pool is configured for phone number alias."
		}
	}
	if err := checkRequired(p, attrs); err != nil {
		return store.User{}, strings.TrimSpace(AsError(err).Message)
	}
	verified := false
	for _, a := range p.Settings.AutoVerifiedAttributes {
		if attrs[a+"_verified"] == "true" {
			verified = true
		}
	}
	if !verified {
		return store.User{}, "The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true)."
	}
	var mfaDoc []byte
	if mfa {
		if attrs["phone_number"] == "" {
			return store.User{}, "cognito:mfa_enabled is true but the user has no phone_number."
		}
		mfaDoc = MFASettings{SMSEnabled: true}.Encode()
	}
	sub, err := imp.s.newUUID()
	if err != nil {
		return store.User{}, "Internal error."
	}
	if kind != "" {
		username = sub
	}
	now := imp.s.nowUTC()
	return store.User{
		PoolID:      p.ID,
		Username:    username,
		UsernameKey: p.UsernameKey(username),
		Sub:         sub,
		Status:      StatusResetRequired,
		Enabled:     true,
		Attributes:  attrs,
		Aliases:     p.Aliases(attrs),
		MFA:         mfaDoc,
		CreatedAt:   now,
		UpdatedAt:   now,
	}, ""
}
