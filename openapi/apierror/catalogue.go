// Package apierror is the one catalogue of the vendor's error codes (code → HTTP status →
// message) and the writer of the vendor's JSON error body. Handlers name a code, never a status.
package apierror

import "net/http"

// Code is a documented error code such as CSMS.0106 or APIGW.0301.
type Code string

// Codes from the DEW error-code table, with the gateway's codes the service answers through.
const (
	// InvalidParameter: a path, query or body value breaks a documented constraint.
	InvalidParameter Code = "CSMS.0002"
	// InvalidRequest: the request as a whole cannot be served (no narrower code is documented).
	InvalidRequest Code = "CSMS.0003"
	// MalformedBody: the body is not the JSON the operation takes.
	MalformedBody Code = "CSMS.0004"
	// ResourceNotFound: a resource other than a secret (e.g. a version) does not exist.
	ResourceNotFound Code = "CSMS.0005"
	// SecretPendingDeletion: the secret is scheduled for deletion (backup, update).
	SecretPendingDeletion Code = "CSMS.0103"
	// SecretNotFound: no secret of that name in the project.
	SecretNotFound Code = "CSMS.0106"
	// SecretInScheduleDelete: the secret is already scheduled for deletion.
	SecretInScheduleDelete Code = "CSMS.0107"
	// SecretNotInScheduleDelete: there is no scheduled deletion to cancel.
	SecretNotInScheduleDelete Code = "CSMS.0108"
	// SecretNotEnabled: the operation needs an ENABLED secret.
	SecretNotEnabled Code = "CSMS.0109"
	// SecretQuotaExceeded: the project holds the most secrets it may.
	SecretQuotaExceeded Code = "CSMS.0202"
	// InvalidToken: the error-code table's answer to a bad X-Auth-Token.
	InvalidToken Code = "CSMS.0301"
	// KMSKeyUnusable: the value cannot be read with the secret's KMS key.
	KMSKeyUnusable Code = "CSMS.0401"
	// InternalError: the service failed; clients retry with backoff. The vendor documents the
	// 500 status but no code for it; this one is csmskit's own.
	InternalError Code = "CSMS.0001"
	// APINotFound: no operation at that path, or not with that method (the gateway's answer).
	APINotFound Code = "APIGW.0101"
	// RequestTooLarge: the body exceeds what the service reads (the gateway's code).
	RequestTooLarge Code = "APIGW.0201"
	// BackendUnavailable: the gateway got no valid answer from the service.
	BackendUnavailable Code = "APIGW.0202"
	// BackendTimeout: the gateway timed out waiting for the service.
	BackendTimeout Code = "APIGW.0203"
	// AuthenticationFailed: credentials missing, unknown, expired or wrongly signed.
	AuthenticationFailed Code = "APIGW.0301"
	// AccessDenied: the credentials are valid but may not do this, here.
	AccessDenied Code = "APIGW.0302"
)

// entry is one line of the catalogue.
type entry struct {
	status  int
	message string
}

// catalogue holds every code with its status and the vendor's message (typos kept verbatim).
var catalogue = map[Code]entry{
	InvalidParameter:          {http.StatusBadRequest, "The value of parameter is invalid."},
	InvalidRequest:            {http.StatusBadRequest, "The request is invalid."},
	MalformedBody:             {http.StatusBadRequest, "The requested body format is wrong."},
	ResourceNotFound:          {http.StatusBadRequest, "The resource does not exist."},
	SecretPendingDeletion:     {http.StatusBadRequest, "The secret is in the scheduled deletion state."},
	SecretNotFound:            {http.StatusNotFound, "The secret name not found int the db."},
	SecretInScheduleDelete:    {http.StatusBadRequest, "The secret is in schedule delete state."},
	SecretNotInScheduleDelete: {http.StatusBadRequest, "The secret is not in schedule delete state."},
	SecretNotEnabled:          {http.StatusForbidden, "The secret state is not enabled."},
	SecretQuotaExceeded:       {http.StatusBadRequest, "The number of secret has reached the upper limit."},
	InvalidToken:              {http.StatusBadRequest, "Invalid X-Auth-Token."},
	KMSKeyUnusable:            {http.StatusBadRequest, "Can not get the protected secret value using the provided KMS key."},
	InternalError:             {http.StatusInternalServerError, "Internal service error."},
	APINotFound:               {http.StatusNotFound, "The API does not exist or has not been published in the environment."},
	RequestTooLarge:           {http.StatusBadRequest, "Request entity too large."},
	BackendUnavailable:        {http.StatusBadGateway, "Backend unavailable."},
	BackendTimeout:            {http.StatusGatewayTimeout, "Backend timeout."},
	AuthenticationFailed:      {http.StatusUnauthorized, "Incorrect IAM authentication information."},
	AccessDenied:              {http.StatusForbidden, "The IAM user is not authorized to access the API."},
}

// Codes lists every code in the catalogue.
func Codes() []Code {
	codes := make([]Code, 0, len(catalogue))
	for c := range catalogue {
		codes = append(codes, c)
	}
	return codes
}

// Status is the HTTP status the code is answered with (500 for a code not in the catalogue).
func (c Code) Status() int {
	if e, ok := catalogue[c]; ok {
		return e.status
	}
	return http.StatusInternalServerError
}

// Message is the vendor's message for the code.
func (c Code) Message() string {
	if e, ok := catalogue[c]; ok {
		return e.message
	}
	return catalogue[InternalError].message
}
