package importupload

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"userpool/internal/reqctx"
	"userpool/internal/userpool"
)

// Uploader stores the CSV of an import job (*userpool.Service).
type Uploader interface {
	UploadUserImportCSV(ctx context.Context, jobID, expires, signature string, body io.Reader) error
}

// Pattern is the ServeMux pattern the handler serves.
const Pattern = "PUT " + userpool.ImportUploadPath + "{jobId}"

// Handler serves PUT /_userpool/import-jobs/{jobId}.
type Handler struct {
	up  Uploader
	log *slog.Logger
}

// New returns the upload handler over up; a nil log is slog.Default().
func New(up Uploader, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	return &Handler{up: up, log: log}
}

// s3Error is S3's error document.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId,omitempty"`
}

// answers maps the domain's upload errors to S3's code and status.
var answers = []struct {
	err    error
	status int
	code   string
}{
	{userpool.ErrImportUploadDenied, http.StatusForbidden, "SignatureDoesNotMatch"},
	{userpool.ErrImportUploadExpired, http.StatusForbidden, "AccessDenied"},
	{userpool.ErrImportUploadState, http.StatusForbidden, "AccessDenied"},
	{userpool.ErrImportUploadTooLarge, http.StatusBadRequest, "EntityTooLarge"},
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	jobID := r.PathValue("jobId")
	if r.Method != http.MethodPut {
		h.fail(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
		return
	}
	err := h.up.UploadUserImportCSV(r.Context(), jobID, q.Get("Expires"), q.Get("Signature"), r.Body)
	if err == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	for _, a := range answers {
		if errors.Is(err, a.err) {
			h.fail(w, r, a.status, a.code, userpool.AsError(err).Message)
			return
		}
	}
	h.log.Error("import upload failed", "job", jobID, "err", err)
	h.fail(w, r, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	reqctx.SetErrorType(r.Context(), code)
	body, _ := xml.Marshal(s3Error{Code: code, Message: msg, RequestID: reqctx.RequestID(r.Context())})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
}
