package mock

import (
	"errors"
	"net/http"

	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// domainCodes is where the secret service's failures become the vendor's codes: the one table
// between the domain and HTTP.
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
	// The vendor documents no code for these four; the closest documented shapes are
	// "the request is invalid" and, for a blob, "the value of parameter is invalid".
	secrets.NameTaken:     apierror.InvalidRequest,
	secrets.TooManyStages: apierror.InvalidRequest,
	secrets.TooManyTags:   apierror.InvalidRequest,
	secrets.InvalidBackup: apierror.InvalidParameter,
}

// apiError is the vendor error to answer err with. A failure that is neither a domain failure
// nor already a vendor error is the mock's own: the client gets CSMS.0001 and the log the cause.
func (s *Server) apiError(w http.ResponseWriter, err error) *apierror.Error {
	var domain *secrets.Error
	if errors.As(err, &domain) {
		e := apierror.New(domainCodes[domain.Kind], domain.Detail)
		if domain.Kind == secrets.NotFound {
			e = e.WithStatus(s.cfg.UnknownSecretStatus)
		}
		return e
	}
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) {
		return apiErr
	}
	s.logger.Error("internal error", "request_id", w.Header().Get(apierror.RequestIDHeader), "error", err)
	return apierror.New(apierror.InternalError, "")
}

// adminFailed answers an admin call the store failed with the vendor's 500, logging the cause.
func (s *Server) adminFailed(w http.ResponseWriter, what string, err error) {
	s.logger.Error(what+" failed", "error", err)
	apierror.Write(w, apierror.New(apierror.InternalError, ""))
}

// refuseRule answers a fault rule that was not added: 400 for the rule, 500 for the store.
func (s *Server) refuseRule(w http.ResponseWriter, err error) {
	if store.IsFailure(err) {
		s.adminFailed(w, "add a fault rule", err)
		return
	}
	apierror.Write(w, apierror.New(apierror.InvalidParameter, err.Error()))
}

// refuseFixtures answers fixtures that were not loaded: 400 for the file, 500 for the store.
func (s *Server) refuseFixtures(w http.ResponseWriter, err error) {
	if store.IsFailure(err) && !errors.Is(err, fault.ErrExists) {
		s.adminFailed(w, "load fixtures", err)
		return
	}
	apierror.Write(w, apierror.New(apierror.InvalidParameter, "fixtures: "+err.Error()))
}
