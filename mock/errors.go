package mock

import (
	"errors"
	"net/http"

	"github.com/csmskit/csmskit/mock/account"
	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/password"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// This file is the one place where a refusal becomes the vendor's error (code, status and
// message), whoever refuses: the secret service (domainCodes), authentication and
// authorisation and the account's users (authCodes), agencies and function templates
// (accountCodes), the password generator (sentinelCodes), injected faults and a
// fault header that does not parse, and the mock's own refusals of parameters, bodies and
// admin calls (refusalCodes). Only the contract layer makes vendor errors of its own: the
// *apierror.Error that openapi's checks return (Match, CheckPath, ReadBody, CheckRest,
// TooLarge, NoCredentials) already are the vendor's answer and pass unchanged. Anything else
// is the mock failing: the client gets 500 CSMS.0001 and the log the cause.

// domainCodes maps the secret service's failures to the vendor's codes.
var domainCodes = map[secrets.Kind]apierror.Code{
	secrets.NotFound:         apierror.SecretNotFound,
	secrets.QuotaExceeded:    apierror.SecretQuotaExceeded,
	secrets.PendingDeletion:  apierror.SecretPendingDeletion,
	secrets.NotEnabled:       apierror.SecretNotEnabled,
	secrets.AlreadyScheduled: apierror.SecretInScheduleDelete,
	secrets.NotScheduled:     apierror.SecretNotInScheduleDelete,
	secrets.VersionNotFound:  apierror.ResourceNotFound,
	secrets.InvalidValue:     apierror.InvalidParameter,
	secrets.StageNotFound:    apierror.ResourceNotFound,
	secrets.BuiltInStage:     apierror.InvalidParameter,
	secrets.TagNotAllowed:    apierror.InvalidParameter,
	secrets.InvalidFilter:    apierror.InvalidParameter,
	secrets.InvalidEvent:     apierror.InvalidParameter,
	// An unknown event is answered as an unknown version or stage: the event pages name no
	// code of their own.
	secrets.EventNotFound: apierror.ResourceNotFound,
	// The vendor documents no code for these seven; the closest documented shapes are
	// "the request is invalid" and, for a blob, "the value of parameter is invalid".
	secrets.NameTaken:     apierror.InvalidRequest,
	secrets.TooManyStages: apierror.InvalidRequest,
	secrets.TooManyTags:   apierror.InvalidRequest,
	secrets.NotRotatable:  apierror.InvalidRequest,
	secrets.TooManyEvents: apierror.InvalidRequest,
	secrets.EventInUse:    apierror.InvalidRequest,
	secrets.InvalidBackup: apierror.InvalidParameter,
	// Nor for grants: a grant made twice is a request that cannot be served, a grant or a
	// group of secrets that is not there a resource that does not exist (answered 404, as
	// the grant pages list it).
	secrets.GrantExists:       apierror.InvalidRequest,
	secrets.ResourceNotFound:  apierror.ResourceNotFound,
	secrets.CheckNotSupported: apierror.InvalidParameter,
}

// domainStatuses answers a domain failure with another documented status than its code's.
var domainStatuses = map[secrets.Kind]int{
	secrets.ResourceNotFound: http.StatusNotFound,
}

// accountCodes maps the account service's failures (agencies, function templates).
var accountCodes = map[account.Kind]apierror.Code{
	account.InvalidValue: apierror.InvalidParameter,
}

// authCodes maps the refusals of callers to the gateway's codes, as the service answers them,
// and the failures of the account's user operations to the codes of their 400 answer, the one
// error status their pages document (an unknown user is "the resource does not exist").
var authCodes = map[auth.Kind]apierror.Code{
	auth.Unauthenticated: apierror.AuthenticationFailed,
	auth.Forbidden:       apierror.AccessDenied,
	auth.UnknownUser:     apierror.ResourceNotFound,
	auth.BadPassword:     apierror.InvalidParameter,
}

// sentinelCodes maps the failures a package names by a sentinel error; the error's text is
// the detail.
var sentinelCodes = []struct {
	err  error
	code apierror.Code
}{
	{password.ErrNothingToDrawFrom, apierror.InvalidParameter},
}

// faultCodes answer each injectable status with the code the service or its gateway would.
var faultCodes = map[int]apierror.Code{
	http.StatusInternalServerError: apierror.InternalError,
	http.StatusBadGateway:          apierror.BackendUnavailable,
	http.StatusGatewayTimeout:      apierror.BackendTimeout,
}

// refusalKind is a kind of refusal the mock makes itself, outside the domain.
type refusalKind int

const (
	// badParameter: a value the operation or admin call cannot take.
	badParameter refusalKind = iota + 1
	// badBody: a body that is not the JSON the operation or admin call takes.
	badBody
	// adminBodyTooLarge: an admin body over its bound.
	adminBodyTooLarge
	// unknownRule: an admin call names a fault rule there is none of (answered 404).
	unknownRule
	// unguardedValues: secret values asked of an admin API anyone may call.
	unguardedValues
	// noOperation: no operation at that path.
	noOperation
	// failedHere: the mock failed and has logged why.
	failedHere
)

// refusalCodes maps the mock's own refusals to the vendor's codes.
var refusalCodes = map[refusalKind]apierror.Code{
	badParameter:      apierror.InvalidParameter,
	badBody:           apierror.MalformedBody,
	adminBodyTooLarge: apierror.RequestTooLarge,
	unknownRule:       apierror.ResourceNotFound,
	unguardedValues:   apierror.AccessDenied,
	noOperation:       apierror.APINotFound,
	failedHere:        apierror.InternalError,
}

// refusal is a request the mock refuses itself: its kind and what, in words, was wrong.
type refusal struct {
	kind   refusalKind
	detail string
}

func (r *refusal) Error() string { return r.detail }

func refused(kind refusalKind, detail string) error { return &refusal{kind, detail} }

// apiError is the vendor error to answer err with. A failure the table does not know is the
// mock's own: the client gets CSMS.0001 and the log the cause.
func (s *Server) apiError(w http.ResponseWriter, err error) *apierror.Error {
	if e := vendorError(err, s.cfg.UnknownSecretStatus); e != nil {
		return e
	}
	s.logger.Error("internal error", "request_id", w.Header().Get(apierror.RequestIDHeader), "error", err)
	return apierror.New(apierror.InternalError, "")
}

// vendorError looks err up in the tables, or returns nil when none holds it. An unknown secret
// is answered with unknownSecretStatus (Config.UnknownSecretStatus).
func vendorError(err error, unknownSecretStatus int) *apierror.Error {
	var (
		domain   *secrets.Error
		acct     *account.Error
		caller   *auth.Error
		own      *refusal
		injected *injectedFault
		header   *badFaultHeader
		vendor   *apierror.Error
	)
	switch {
	case errors.As(err, &domain):
		e := apierror.New(domainCodes[domain.Kind], domain.Detail)
		if status, ok := domainStatuses[domain.Kind]; ok {
			e = e.WithStatus(status)
		}
		if domain.Kind == secrets.NotFound {
			e = e.WithStatus(unknownSecretStatus)
		}
		return e
	case errors.As(err, &acct):
		return apierror.New(accountCodes[acct.Kind], acct.Detail)
	case errors.As(err, &vendor):
		return vendor
	case errors.As(err, &caller):
		return apierror.New(authCodes[caller.Kind], caller.Detail)
	case errors.As(err, &own):
		e := apierror.New(refusalCodes[own.kind], own.detail)
		if own.kind == unknownRule {
			e = e.WithStatus(http.StatusNotFound)
		}
		return e
	case errors.As(err, &injected):
		return apierror.New(faultCodes[injected.status], "injected fault")
	case errors.As(err, &header):
		return apierror.New(apierror.InvalidParameter, fault.Header+": "+header.Error())
	}
	for _, s := range sentinelCodes {
		if errors.Is(err, s.err) {
			return apierror.New(s.code, err.Error())
		}
	}
	return nil
}

// failureMessage is the vendor's code and words for a domain failure answered inside a
// successful answer (a batch import's error_list) rather than as the answer.
func failureMessage(err error) string {
	if e := vendorError(err, http.StatusNotFound); e != nil {
		return e.Error()
	}
	return err.Error()
}

// writeError answers err as the vendor's JSON error body.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	apierror.Write(w, s.apiError(w, err))
}

// adminFailed answers an admin call the mock failed with the vendor's 500, logging the cause.
func (s *Server) adminFailed(w http.ResponseWriter, what string, err error) {
	s.logger.Error(what+" failed", "error", err)
	s.writeError(w, refused(failedHere, ""))
}

// refuseRule answers a fault rule that was not added: 400 for the rule, 500 for the store.
func (s *Server) refuseRule(w http.ResponseWriter, err error) {
	if store.IsFailure(err) {
		s.adminFailed(w, "add a fault rule", err)
		return
	}
	s.writeError(w, refused(badParameter, err.Error()))
}

// refuseFixtures answers fixtures that were not loaded: 400 for the file, 500 for the store.
func (s *Server) refuseFixtures(w http.ResponseWriter, err error) {
	if store.IsFailure(err) && !errors.Is(err, fault.ErrExists) {
		s.adminFailed(w, "load fixtures", err)
		return
	}
	s.writeError(w, refused(badParameter, "fixtures: "+err.Error()))
}
