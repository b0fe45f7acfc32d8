// Package limits holds the sizes the contract and every part of csmskit agree on.
package limits

// MaxBlobChars is the longest secret_blob the vendor's published definitions allow: 5 MiB of
// characters. The contract's SecretBlob schema says the same, and a test keeps the two equal.
const MaxBlobChars = 5242880

// envelope is room for the JSON around the largest documented value.
const envelope = 64 << 10

// MaxBodyBytes bounds a request body: the largest documented body is UploadSecretBlob's
// blob in its JSON envelope.
const MaxBodyBytes = MaxBlobChars + envelope

// MaxResponseBytes bounds a response body read for checking: the largest documented answer is
// a blob in its JSON envelope.
const MaxResponseBytes = MaxBlobChars + envelope
