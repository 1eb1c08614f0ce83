// Package lambda runs a declared function through the AWS Lambda Invoke
// API (restJson1, POST /2015-03-31/functions/<name>/invocations,
// InvocationType RequestResponse), SigV4-signed for the service "lambda"
// with configured credentials, the way Cognito invokes a trigger. Any
// server of that API is a runtime: AWS SAM CLI's `sam local
// start-lambda`, serverless-offline's Lambda endpoint, LocalStack's Lambda.
//
// Answers map onto the function contract: HTTP 200 with
// X-Amz-Function-Error is a *function.FunctionError carrying the payload's
// errorMessage (Cognito: UserLambdaValidationException); 200 without it is
// the result; a 404 ResourceNotFoundException wraps function.ErrNotFound;
// no answer within the timeout wraps function.ErrTimeout; any other
// status is a runtime failure (Cognito: UnexpectedLambdaException).
//
// Dependencies: net/http and aws-sdk-go-v2's SigV4 signer; the function
// contract. No store, no face.
package lambda
