package indie

// Defect is one way the server can be broken on purpose; DefectNone breaks nothing. Exactly
// one is active per server, so that a conformance run shows which check notices which fault.
type Defect string

// The defects, each named after what the server does wrong.
const (
	DefectNone Defect = ""
	// Statuses.
	DefectBackup201        Defect = "backup answered 201"
	DefectUnknownSecret410 Defect = "410 for an unknown secret"
	DefectBadName500       Defect = "500 for a secret_name with a dot"
	DefectLongName200      Defect = "a 65-character secret_name looked up as its first 64"
	DefectUnknownRoute200  Defect = "200 for an unknown route"
	DefectCreate201        Defect = "CreateSecret answered 201"
	DefectBackupAsText     Defect = "backup answered as text/plain"
	// Error bodies.
	DefectErrorsPlainText  Defect = "errors in text/plain"
	DefectNoErrorMsg       Defect = "errors without error_msg"
	DefectShortErrorCode   Defect = "error_code of 7 characters"
	DefectMisshapenCode    Defect = "error_code not shaped like CSMS.0106"
	DefectEchoToken        Defect = "the refused token echoed in error_msg"
	DefectNoRequestID      Defect = "no X-Request-Id"
	DefectNullErrorMessage Defect = "error_msg null"
	// Authentication.
	DefectNoCredentialsOK     Defect = "200 without credentials"
	DefectAnyToken            Defect = "any token accepted"
	DefectAnySignature        Defect = "any signature accepted"
	DefectNoDateWindow        Defect = "X-Sdk-Date not checked"
	DefectBodyUnsigned        Defect = "body left out of the signature"
	DefectPathUnsigned        Defect = "path left out of the signature"
	DefectQueryUnsigned       Defect = "query left out of the signature"
	DefectHeadersUnsigned     Defect = "signed header values left out of the signature"
	DefectOtherProjectOK      Defect = "another project's path allowed"
	DefectMalformedProject500 Defect = "500 for a project_id with a '!'"
	// The blob.
	DefectNoPrefix      Defect = "blob without the prefix"
	DefectTruncatedJWE  Defect = "blob with four JWE segments"
	DefectPaddedJWE     Defect = "blob segments with base64 padding"
	DefectNoKid         Defect = "blob header without kid"
	DefectWrongIV       Defect = "blob with a 12-byte IV for A128CBC-HS256"
	DefectValueInHeader Defect = "the secret's value in the JWE header"
	DefectBase64Value   Defect = "the secret's value in base64 in the JWE header"
	DefectSameBlob      Defect = "the same blob on every call"
	DefectHugeBlob      Defect = "a blob over 5,242,880 characters"
	// Restore and delete.
	DefectRestoreTampered   Defect = "tampered blob restored"
	DefectRestoreOverwrites Defect = "restore onto an existing secret replaces it"
	DefectRestoreNewestOnly Defect = "restore keeps only the newest version"
	DefectRestoreLosesStage Defect = "restore drops the version stages"
	DefectRestoreAnyString  Defect = "any string restored as an empty secret"
	DefectDeleteKeeps       Defect = "DeleteSecret answers 200 and keeps the secret"
	DefectDeleteKeepsVer    Defect = "DeleteSecret leaves the versions readable"
)

// Defects lists every defect but DefectNone.
var Defects = []Defect{
	DefectBackup201, DefectUnknownSecret410, DefectBadName500, DefectLongName200, DefectUnknownRoute200,
	DefectCreate201, DefectBackupAsText,
	DefectErrorsPlainText, DefectNoErrorMsg, DefectShortErrorCode, DefectMisshapenCode, DefectEchoToken,
	DefectNoRequestID, DefectNullErrorMessage,
	DefectNoCredentialsOK, DefectAnyToken, DefectAnySignature, DefectNoDateWindow, DefectBodyUnsigned,
	DefectPathUnsigned, DefectQueryUnsigned, DefectHeadersUnsigned, DefectOtherProjectOK, DefectMalformedProject500,
	DefectNoPrefix, DefectTruncatedJWE, DefectPaddedJWE, DefectNoKid, DefectWrongIV, DefectValueInHeader,
	DefectBase64Value, DefectSameBlob, DefectHugeBlob,
	DefectRestoreTampered, DefectRestoreOverwrites, DefectRestoreNewestOnly, DefectRestoreLosesStage,
	DefectRestoreAnyString, DefectDeleteKeeps, DefectDeleteKeepsVer,
}

// formatDefect reports a defect that breaks the blob's format but not what it holds: the
// server then restores its own blobs by remembering them, so that only the format checks
// notice the defect.
func formatDefect(d Defect) bool {
	switch d {
	case DefectNoPrefix, DefectTruncatedJWE, DefectPaddedJWE, DefectWrongIV, DefectHugeBlob:
		return true
	}
	return false
}
