// Package awsjson implements the framing of the AWS JSON 1.1 protocol that the
// Cognito user pools API speaks: X-Amz-Target parsing, bounded body reading,
// strict-enough decoding, response encoding, the error envelope
// ({"__type": ..., "message": ...} plus the x-amzn-ErrorType and
// x-amzn-RequestId headers) and the epoch-seconds timestamp encoding.
//
// It knows nothing about Cognito's operations.
package awsjson
