// Package importupload is the small HTTP face that receives the CSV file of
// a Cognito user import job: the PreSignedUrl that CreateUserImportJob
// returns points here (PUT <public_url>/_userpool/import-jobs/<jobId>?Expires=...&Signature=...),
// as Cognito's points at an S3 object. It answers as S3 answers a
// pre-signed PUT: 200 with an empty body when the CSV is stored, and an S3
// XML error document otherwise (403 SignatureDoesNotMatch for a wrong
// signature or an unknown job, 403 AccessDenied "Request has expired" after
// the URL's expiry or once the job was started, 400 EntityTooLarge above
// the 100 MB limit). The x-amz-server-side-encryption header that clients
// send with Cognito's URLs is accepted and ignored.
//
// Depends on: the domain (userpool: the signature check, the size limit
// and the storage of the body are its rules) through the narrow Uploader
// interface, and reqctx (the request id and error type of S3-style error
// answers); never the store, never another face.
package importupload
