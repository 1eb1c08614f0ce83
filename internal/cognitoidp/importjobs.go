package cognitoidp

import (
	"context"

	"userpool/internal/awsjson"
	"userpool/internal/userpool"
)

// User import jobs: GetCSVHeader and the five *UserImportJob operations.
// The CSV upload to the job's PreSignedUrl is served by internal/importupload.

// UserImportJobType is a user import job.
type UserImportJobType struct {
	JobName               string        `json:"JobName,omitempty"`
	JobId                 string        `json:"JobId,omitempty"`
	UserPoolId            string        `json:"UserPoolId,omitempty"`
	PreSignedUrl          string        `json:"PreSignedUrl,omitempty"`
	CreationDate          *awsjson.Time `json:"CreationDate,omitempty"`
	StartDate             *awsjson.Time `json:"StartDate,omitempty"`
	CompletionDate        *awsjson.Time `json:"CompletionDate,omitempty"`
	Status                string        `json:"Status,omitempty"`
	CloudWatchLogsRoleArn string        `json:"CloudWatchLogsRoleArn,omitempty"`
	ImportedUsers         int64         `json:"ImportedUsers"`
	SkippedUsers          int64         `json:"SkippedUsers"`
	FailedUsers           int64         `json:"FailedUsers"`
	CompletionMessage     string        `json:"CompletionMessage,omitempty"`
}

func toUserImportJobType(j userpool.ImportJob) UserImportJobType {
	return UserImportJobType{
		JobName:               j.Name,
		JobId:                 j.ID,
		UserPoolId:            j.PoolID,
		PreSignedUrl:          j.PreSignedURL,
		CreationDate:          awsjson.NewTime(j.CreatedAt),
		StartDate:             awsjson.NewTime(j.StartedAt),
		CompletionDate:        awsjson.NewTime(j.CompletedAt),
		Status:                j.Status,
		CloudWatchLogsRoleArn: j.RoleArn,
		ImportedUsers:         j.Imported,
		SkippedUsers:          j.Skipped,
		FailedUsers:           j.Failed,
		CompletionMessage:     j.CompletionMessage,
	}
}

// GetCSVHeaderInput is the input of GetCSVHeader.
type GetCSVHeaderInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
}

// GetCSVHeaderOutput is the output of GetCSVHeader.
type GetCSVHeaderOutput struct {
	UserPoolId string   `json:"UserPoolId"`
	CSVHeader  []string `json:"CSVHeader"`
}

// CreateUserImportJobInput is the input of CreateUserImportJob.
type CreateUserImportJobInput struct {
	JobName               string `cg:"req,len=1:128,re=poolName"` // UserImportJobNameType: [\w\s+=,.@-]+
	UserPoolId            string `cg:"req,len=1:55,re=poolId"`
	CloudWatchLogsRoleArn string `cg:"req,len=20:2048,re=arn"`
}

// UserImportJobInput is the input of Describe/Start/StopUserImportJob.
type UserImportJobInput struct {
	UserPoolId string `cg:"req,len=1:55,re=poolId"`
	JobId      string `cg:"req,len=1:55"`
}

// UserImportJobOutput is the output of Create/Describe/Start/StopUserImportJob.
type UserImportJobOutput struct {
	UserImportJob UserImportJobType `json:"UserImportJob"`
}

// ListUserImportJobsInput is the input of ListUserImportJobs.
type ListUserImportJobsInput struct {
	UserPoolId      string  `cg:"req,len=1:55,re=poolId"`
	MaxResults      int32   `cg:"req,range=1:60"`
	PaginationToken *string `cg:"len=1:,re=nonSpace"`
}

// ListUserImportJobsOutput is the output of ListUserImportJobs.
type ListUserImportJobsOutput struct {
	UserImportJobs  []UserImportJobType `json:"UserImportJobs"`
	PaginationToken string              `json:"PaginationToken,omitempty"`
}

func (h *Handler) getCSVHeader(ctx context.Context, in *GetCSVHeaderInput) (*GetCSVHeaderOutput, error) {
	cols, err := h.svc.GetCSVHeader(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &GetCSVHeaderOutput{UserPoolId: in.UserPoolId, CSVHeader: cols}, nil
}

func jobOutput(j userpool.ImportJob, err error) (*UserImportJobOutput, error) {
	if err != nil {
		return nil, err
	}
	return &UserImportJobOutput{UserImportJob: toUserImportJobType(j)}, nil
}

func (h *Handler) createUserImportJob(ctx context.Context, in *CreateUserImportJobInput) (*UserImportJobOutput, error) {
	return jobOutput(h.svc.CreateUserImportJob(ctx, in.UserPoolId, in.JobName, in.CloudWatchLogsRoleArn))
}

func (h *Handler) describeUserImportJob(ctx context.Context, in *UserImportJobInput) (*UserImportJobOutput, error) {
	return jobOutput(h.svc.DescribeUserImportJob(ctx, in.UserPoolId, in.JobId))
}

func (h *Handler) startUserImportJob(ctx context.Context, in *UserImportJobInput) (*UserImportJobOutput, error) {
	return jobOutput(h.svc.StartUserImportJob(ctx, in.UserPoolId, in.JobId))
}

func (h *Handler) stopUserImportJob(ctx context.Context, in *UserImportJobInput) (*UserImportJobOutput, error) {
	return jobOutput(h.svc.StopUserImportJob(ctx, in.UserPoolId, in.JobId))
}

func (h *Handler) listUserImportJobs(ctx context.Context, in *ListUserImportJobsInput) (*ListUserImportJobsOutput, error) {
	js, next, err := h.svc.ListUserImportJobs(ctx, in.UserPoolId, int(in.MaxResults), uStr(in.PaginationToken))
	if err != nil {
		return nil, err
	}
	out := &ListUserImportJobsOutput{UserImportJobs: make([]UserImportJobType, len(js)), PaginationToken: next}
	for i, j := range js {
		out.UserImportJobs[i] = toUserImportJobType(j)
	}
	return out, nil
}
