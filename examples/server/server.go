package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// Config is the one identity the server knows: a project and the credentials scoped to it.
type Config struct {
	// ProjectID is the project whose paths the credentials open; other projects are refused.
	ProjectID string
	// Token is accepted as X-Auth-Token; empty turns tokens off.
	Token string
	// AK and SK verify SDK-HMAC-SHA256 signatures; empty turns signing off.
	AK, SK string
}

// Server is a CSMS server on the generated strict interface, with its secrets in memory.
type Server struct {
	cfg     Config
	logger  *slog.Logger
	store   *store
	handler http.Handler
}

var _ csmsapi.StrictServerInterface = (*Server)(nil)

// New returns a server for cfg with a fresh backup key.
func New(cfg Config, logger *slog.Logger) (*Server, error) {
	switch {
	case cfg.ProjectID == "":
		return nil, errors.New("a project ID is required (CSMS_PROJECT_ID)")
	case cfg.Token == "" && cfg.AK == "":
		return nil, errors.New("credentials are required: CSMS_AUTH_TOKEN, or CSMS_AK and CSMS_SK, or all three")
	case (cfg.AK == "") != (cfg.SK == ""):
		return nil, errors.New("CSMS_AK and CSMS_SK go together")
	}
	contract, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	st, err := newStore()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, logger: logger, store: st}

	// Requests the contract routes but this server does not serve (the IAM operations that
	// share the contract) fall through to the gateway's 404.
	mux := &router{contract: contract, handlers: map[string]http.Handler{}}
	strict := csmsapi.NewStrictHandlerWithOptions(s, nil, csmsapi.StrictHTTPServerOptions{
		// The validator has checked the body against its schema, so this is a last resort.
		RequestErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, _ error) {
			apierror.Write(w, apierror.New(apierror.MalformedBody, "the body cannot be decoded"))
		},
		ResponseErrorHandlerFunc: s.writeError,
	})
	csmsapi.HandlerWithOptions(strict, csmsapi.StdHTTPServerOptions{
		BaseRouter:  mux,
		Middlewares: []csmsapi.MiddlewareFunc{s.authorize},
		ErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, _ error) {
			apierror.Write(w, apierror.New(apierror.InvalidParameter, "a parameter cannot be read"))
		},
	})
	// Credentials are weighed first, on the request exactly as it was signed, as the API
	// gateway does: the validator fills in the defaults of absent query parameters (limit=50
	// on ListSecretVersions), which an AK/SK signature does not cover.
	s.handler = s.authenticate(contract.RequestValidator(func(r *http.Request, e *apierror.Error) {
		logger.Info("refused by the contract", "method", r.Method, "path", r.URL.Path, "error_code", e.Code)
	})(mux))
	return s, nil
}

// ServeHTTP answers one request; every answer, success or error, names itself with X-Request-Id.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	apierror.EnsureRequestID(w)
	s.handler.ServeHTTP(w, r)
}

// writeError answers an operation's error: a catalogue error as it is, anything else as a
// 500 whose cause goes to the log, not to the client.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var apiErr *apierror.Error
	if !errors.As(err, &apiErr) {
		s.logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	apierror.Write(w, apierror.As(err))
}

// authenticate lets through a request that carries the server's token or a valid signature
// with its AK/SK, and answers any other with the gateway's refusal.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := s.checkCredentials(w, r); e != nil {
			apierror.Write(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkCredentials returns why r's credentials are refused, or nil. A request with a token is
// judged by its token alone.
func (s *Server) checkCredentials(w http.ResponseWriter, r *http.Request) *apierror.Error {
	token := r.Header.Get("X-Auth-Token")
	switch {
	case token != "":
		if s.cfg.Token != "" && equal(token, s.cfg.Token) {
			return nil
		}
	case r.Header.Get("Authorization") == "":
		return openapi.NoCredentials()
	case s.cfg.AK != "":
		// The signature covers the body: Verify reads it, within the contract's bound, and
		// puts it back for the handlers.
		r.Body = http.MaxBytesReader(w, r.Body, openapi.DefaultMaxBodyBytes)
		_, err := aksk.Verify(r, func(ak string) (string, bool) {
			return s.cfg.SK, equal(ak, s.cfg.AK)
		}, time.Now())
		var tooLarge *http.MaxBytesError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &tooLarge):
			return openapi.TooLarge(tooLarge.Limit)
		}
		// The reason (stale date, unknown key, mismatch with the canonical request's hash)
		// helps a caller debug its signer; it holds no secret.
		s.logger.Info("signature refused", "method", r.Method, "path", r.URL.Path, "reason", err)
	}
	return apierror.New(apierror.AuthenticationFailed, "")
}

// authorize lets through a request for the server's project, the one its credentials cover,
// and one on the account, whose path names no project.
func (s *Server) authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.PathValue("project_id"); p != "" && p != s.cfg.ProjectID {
			apierror.Write(w, apierror.New(apierror.AccessDenied, "the credentials do not cover this project"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// equal compares two credentials in constant time; hashing first hides their lengths too.
func equal(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// The operations of a backup round trip. Each returns its typed answer, or an *apierror.Error
// that writeError answers.

// CreateSecret creates a secret whose first version, v1, is SYSCURRENT.
func (s *Server) CreateSecret(_ context.Context, req csmsapi.CreateSecretRequestObject) (csmsapi.CreateSecretResponseObject, error) {
	b := req.Body
	secretType := "COMMON"
	if b.SecretType != nil {
		secretType = string(*b.SecretType)
	}
	sec, err := s.store.create(b.Name, secretType, value{String: b.SecretString, Binary: b.SecretBinary})
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateSecret200JSONResponse{SecretResponseJSONResponse: secretResponse(sec)}, nil
}

// CreateSecretVersion adds a version to a secret.
func (s *Server) CreateSecretVersion(_ context.Context, req csmsapi.CreateSecretVersionRequestObject) (csmsapi.CreateSecretVersionResponseObject, error) {
	b := req.Body
	var stages []string
	if b.VersionStages != nil {
		stages = *b.VersionStages
	}
	v, err := s.store.addVersion(req.SecretName, value{String: b.SecretString, Binary: b.SecretBinary}, stages)
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateSecretVersion200JSONResponse{Body: csmsapi.VersionMetadataResponse{
		VersionMetadata: metadata(req.SecretName, v),
	}}, nil
}

// ShowSecretVersion shows one version with its value; "latest" is the SYSCURRENT one.
func (s *Server) ShowSecretVersion(_ context.Context, req csmsapi.ShowSecretVersionRequestObject) (csmsapi.ShowSecretVersionResponseObject, error) {
	v, err := s.store.version(req.SecretName, req.VersionId)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecretVersion200JSONResponse{Body: csmsapi.ShowSecretVersionResponse{
		Version: &csmsapi.SecretVersion{
			VersionMetadata: metadata(req.SecretName, v),
			SecretString:    v.String,
			SecretBinary:    v.Binary,
		},
	}}, nil
}

// DeleteSecret deletes a secret and all its versions at once.
func (s *Server) DeleteSecret(_ context.Context, req csmsapi.DeleteSecretRequestObject) (csmsapi.DeleteSecretResponseObject, error) {
	if err := s.store.delete(req.SecretName); err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecret200Response{}, nil
}

// DownloadSecretBlob backs a secret up: every version, sealed into a blob only this server opens.
func (s *Server) DownloadSecretBlob(_ context.Context, req csmsapi.DownloadSecretBlobRequestObject) (csmsapi.DownloadSecretBlobResponseObject, error) {
	blob, err := s.store.backup(req.SecretName)
	if err != nil {
		return nil, err
	}
	return csmsapi.DownloadSecretBlob200JSONResponse{Body: csmsapi.DownloadSecretBlobResponse{SecretBlob: blob}}, nil
}

// UploadSecretBlob restores a secret from its backup, unless a secret of that name exists.
func (s *Server) UploadSecretBlob(_ context.Context, req csmsapi.UploadSecretBlobRequestObject) (csmsapi.UploadSecretBlobResponseObject, error) {
	sec, err := s.store.restore(req.Body.SecretBlob)
	if err != nil {
		return nil, err
	}
	return csmsapi.UploadSecretBlob200JSONResponse{SecretResponseJSONResponse: secretResponse(sec)}, nil
}

// secretResponse is a secret's metadata as CreateSecret and UploadSecretBlob answer it.
func secretResponse(sec secret) csmsapi.SecretResponseJSONResponse {
	state := csmsapi.ENABLED
	secretType := csmsapi.SecretTypeAnswered(sec.Type)
	return csmsapi.SecretResponseJSONResponse{Body: csmsapi.SecretResponse{Secret: &csmsapi.Secret{
		Id: &sec.ID, Name: &sec.Name, State: &state, SecretType: &secretType,
		CreateTime: &sec.Created, UpdateTime: &sec.Updated,
	}}}
}

// metadata is a version's metadata as the version operations answer it.
func metadata(name string, v version) *csmsapi.VersionMetadata {
	m := &csmsapi.VersionMetadata{Id: &v.ID, SecretName: &name, CreateTime: &v.Created}
	if len(v.Stages) > 0 {
		m.VersionStages = &v.Stages
	}
	return m
}

// notSupported is the answer of every operation this server does not implement: the API
// gateway's 404 for an API it does not publish, which clients and the conformance suite read
// as "not supported".
func notSupported(operation string) error {
	return apierror.New(apierror.APINotFound, "this server does not implement "+operation)
}

// GenerateRandomPassword is not supported.
func (s *Server) GenerateRandomPassword(context.Context, csmsapi.GenerateRandomPasswordRequestObject) (csmsapi.GenerateRandomPasswordResponseObject, error) {
	return nil, notSupported("GenerateRandomPassword")
}

// ListResourceInstances is not supported.
func (s *Server) ListResourceInstances(context.Context, csmsapi.ListResourceInstancesRequestObject) (csmsapi.ListResourceInstancesResponseObject, error) {
	return nil, notSupported("ListResourceInstances")
}

// ListProjectSecretsTags is not supported.
func (s *Server) ListProjectSecretsTags(context.Context, csmsapi.ListProjectSecretsTagsRequestObject) (csmsapi.ListProjectSecretsTagsResponseObject, error) {
	return nil, notSupported("ListProjectSecretsTags")
}

// ListSecretTags is not supported.
func (s *Server) ListSecretTags(context.Context, csmsapi.ListSecretTagsRequestObject) (csmsapi.ListSecretTagsResponseObject, error) {
	return nil, notSupported("ListSecretTags")
}

// CreateSecretTag is not supported.
func (s *Server) CreateSecretTag(context.Context, csmsapi.CreateSecretTagRequestObject) (csmsapi.CreateSecretTagResponseObject, error) {
	return nil, notSupported("CreateSecretTag")
}

// BatchCreateOrDeleteTags is not supported.
func (s *Server) BatchCreateOrDeleteTags(context.Context, csmsapi.BatchCreateOrDeleteTagsRequestObject) (csmsapi.BatchCreateOrDeleteTagsResponseObject, error) {
	return nil, notSupported("BatchCreateOrDeleteTags")
}

// DeleteSecretTag is not supported.
func (s *Server) DeleteSecretTag(context.Context, csmsapi.DeleteSecretTagRequestObject) (csmsapi.DeleteSecretTagResponseObject, error) {
	return nil, notSupported("DeleteSecretTag")
}

// ListSecrets is not supported.
func (s *Server) ListSecrets(context.Context, csmsapi.ListSecretsRequestObject) (csmsapi.ListSecretsResponseObject, error) {
	return nil, notSupported("ListSecrets")
}

// ShowSecret is not supported.
func (s *Server) ShowSecret(context.Context, csmsapi.ShowSecretRequestObject) (csmsapi.ShowSecretResponseObject, error) {
	return nil, notSupported("ShowSecret")
}

// UpdateSecret is not supported.
func (s *Server) UpdateSecret(context.Context, csmsapi.UpdateSecretRequestObject) (csmsapi.UpdateSecretResponseObject, error) {
	return nil, notSupported("UpdateSecret")
}

// RestoreSecret (cancelling a scheduled deletion) is not supported.
func (s *Server) RestoreSecret(context.Context, csmsapi.RestoreSecretRequestObject) (csmsapi.RestoreSecretResponseObject, error) {
	return nil, notSupported("RestoreSecret")
}

// DeleteSecretForSchedule is not supported.
func (s *Server) DeleteSecretForSchedule(context.Context, csmsapi.DeleteSecretForScheduleRequestObject) (csmsapi.DeleteSecretForScheduleResponseObject, error) {
	return nil, notSupported("DeleteSecretForSchedule")
}

// DeleteSecretStage is not supported.
func (s *Server) DeleteSecretStage(context.Context, csmsapi.DeleteSecretStageRequestObject) (csmsapi.DeleteSecretStageResponseObject, error) {
	return nil, notSupported("DeleteSecretStage")
}

// ShowSecretStage is not supported.
func (s *Server) ShowSecretStage(context.Context, csmsapi.ShowSecretStageRequestObject) (csmsapi.ShowSecretStageResponseObject, error) {
	return nil, notSupported("ShowSecretStage")
}

// UpdateSecretStage is not supported.
func (s *Server) UpdateSecretStage(context.Context, csmsapi.UpdateSecretStageRequestObject) (csmsapi.UpdateSecretStageResponseObject, error) {
	return nil, notSupported("UpdateSecretStage")
}

// ListSecretVersions is not supported.
func (s *Server) ListSecretVersions(context.Context, csmsapi.ListSecretVersionsRequestObject) (csmsapi.ListSecretVersionsResponseObject, error) {
	return nil, notSupported("ListSecretVersions")
}

// UpdateVersion is not supported.
func (s *Server) UpdateVersion(context.Context, csmsapi.UpdateVersionRequestObject) (csmsapi.UpdateVersionResponseObject, error) {
	return nil, notSupported("UpdateVersion")
}

// CreateGrants is not supported.
func (s *Server) CreateGrants(context.Context, csmsapi.CreateGrantsRequestObject) (csmsapi.CreateGrantsResponseObject, error) {
	return nil, notSupported("CreateGrants")
}

// ListGrants is not supported.
func (s *Server) ListGrants(context.Context, csmsapi.ListGrantsRequestObject) (csmsapi.ListGrantsResponseObject, error) {
	return nil, notSupported("ListGrants")
}

// UpdateGrant is not supported.
func (s *Server) UpdateGrant(context.Context, csmsapi.UpdateGrantRequestObject) (csmsapi.UpdateGrantResponseObject, error) {
	return nil, notSupported("UpdateGrant")
}

// DeleteGrant is not supported.
func (s *Server) DeleteGrant(context.Context, csmsapi.DeleteGrantRequestObject) (csmsapi.DeleteGrantResponseObject, error) {
	return nil, notSupported("DeleteGrant")
}

// BatchImportSecrets is not supported.
func (s *Server) BatchImportSecrets(context.Context, csmsapi.BatchImportSecretsRequestObject) (csmsapi.BatchImportSecretsResponseObject, error) {
	return nil, notSupported("BatchImportSecrets")
}

// CheckSecrets is not supported.
func (s *Server) CheckSecrets(context.Context, csmsapi.CheckSecretsRequestObject) (csmsapi.CheckSecretsResponseObject, error) {
	return nil, notSupported("CheckSecrets")
}

// ShowSecretsConfig is not supported.
func (s *Server) ShowSecretsConfig(context.Context, csmsapi.ShowSecretsConfigRequestObject) (csmsapi.ShowSecretsConfigResponseObject, error) {
	return nil, notSupported("ShowSecretsConfig")
}

// UpdateSecretsConfig is not supported.
func (s *Server) UpdateSecretsConfig(context.Context, csmsapi.UpdateSecretsConfigRequestObject) (csmsapi.UpdateSecretsConfigResponseObject, error) {
	return nil, notSupported("UpdateSecretsConfig")
}
