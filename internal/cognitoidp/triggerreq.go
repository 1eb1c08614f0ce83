package cognitoidp

import (
	"context"
	"strings"

	"userpool/internal/userpool"
)

// What an operation hands the user-pool triggers it runs
// (userpool.WithTriggerRequest): the input's ClientMetadata, its
// ValidationData (SignUp, AdminCreateUser) and the caller's SDK as
// callerContext.awsSdkVersion.

// userAgentKey carries the request's User-Agent to the operation methods.
type userAgentKey struct{}

// withTrigger returns ctx carrying the trigger request of an operation.
func withTrigger(ctx context.Context, meta map[string]string, validation []AttributeType) context.Context {
	r := userpool.TriggerRequest{ClientMetadata: meta}
	if len(validation) > 0 {
		r.ValidationData = make(map[string]string, len(validation))
		for _, a := range validation {
			r.ValidationData[a.Name] = a.Value
		}
	}
	ua, _ := ctx.Value(userAgentKey{}).(string)
	r.AWSSDKVersion = sdkVersion(ua)
	return userpool.WithTriggerRequest(ctx, r)
}

// sdkVersion is callerContext.awsSdkVersion for a User-Agent: Cognito
// names the AWS SDK that called, as "aws-sdk-<language>-<version>"
// ("aws-sdk-js-3.654.0" for "aws-sdk-js/3.654.0 ua/2.1 ...",
// "aws-sdk-go-v2-1.30.3" for "aws-sdk-go-v2/1.30.3 ..."); a caller that is
// no AWS SDK (Amplify's own client, a browser form) gets "" — the domain's
// "aws-sdk-unknown-unknown".
func sdkVersion(ua string) string {
	for f := range strings.FieldsSeq(ua) {
		name, ver, ok := strings.Cut(f, "/")
		if ok && strings.HasPrefix(name, "aws-sdk-") && ver != "" && len(f) <= 64 {
			return name + "-" + ver
		}
	}
	return ""
}
