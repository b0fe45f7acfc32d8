package mock

import (
	"context"
	"strconv"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/account"
	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/secrets"
)

// csmsHandlers implements the generated strict server over the secrets service. Failures are
// returned as errors (domain failures); the strict server's error hook hands them to the error
// table (errors.go), which answers them.
type csmsHandlers struct {
	svc *secrets.Service
	// account keeps the agencies, auth the users the account's user operations answer with.
	account *account.Service
	auth    *auth.Authenticator
}

var _ csmsapi.StrictServerInterface = (*csmsHandlers)(nil)

// defaultPageSize is ListSecrets' and ListSecretVersions' documented default limit.
const defaultPageSize = 50

// pageSize reads ListSecrets' limit, a string the request check has held to 1..1000.
func pageSize(limit *string) int {
	if limit == nil {
		return defaultPageSize
	}
	n, err := strconv.Atoi(*limit)
	if err != nil || n <= 0 {
		return defaultPageSize
	}
	return n
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// optional leaves out a field that is not set.
func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func toAPISecret(s *secrets.Secret) csmsapi.Secret {
	return csmsapi.Secret{
		Id:                  ptr(s.ID),
		Name:                ptr(s.Name),
		State:               ptr(csmsapi.SecretState(s.State)),
		KmsKeyId:            optional(s.KMSKeyID),
		Description:         ptr(s.Description),
		SecretType:          ptr(csmsapi.SecretTypeAnswered(s.SecretType)),
		EnterpriseProjectId: optional(s.EnterpriseProjectID),
		CreateTime:          ptr(s.CreateTime),
		UpdateTime:          ptr(s.UpdateTime),
		// Left out, not null, when no deletion is scheduled: the vendor's SDK reads either.
		ScheduledDeleteTime: optional(s.ScheduledDeleteTime),
		RotationTime:        optional(s.RotationTime),
		NextRotationTime:    optional(s.NextRotationTime),
		AutoRotation:        ptr(s.AutoRotation),
		RotationPeriod:      optional(s.RotationPeriod),
		RotationConfig:      optional(s.RotationConfig),
		RotationFuncUrn:     optional(s.RotationFuncURN),
		EventSubscriptions:  optionalSlice(s.EventSubscriptions),
	}
}

func optionalSlice[T any](s []T) *[]T {
	if len(s) == 0 {
		return nil
	}
	return &s
}

func toAPIVersion(s *secrets.Secret, v *secrets.Version) csmsapi.VersionMetadata {
	return csmsapi.VersionMetadata{
		Id:         ptr(v.ID),
		CreateTime: ptr(v.CreateTime),
		ExpireTime: v.ExpireTime,
		KmsKeyId:   optional(s.KMSKeyID),
		SecretName: ptr(s.Name),
		// A version without a stage comes back without the field, as the vendor documents.
		VersionStages: optionalSlice(v.Stages),
	}
}

func secretOK(s *secrets.Secret) csmsapi.SecretResponseJSONResponse {
	return csmsapi.SecretResponseJSONResponse{Body: csmsapi.SecretResponse{Secret: ptr(toAPISecret(s))}}
}

// pageInfo leaves next_marker out on the last page: clients loop while it is present.
func pageInfo(count int, next string) *csmsapi.PageInfo {
	return &csmsapi.PageInfo{CurrentCount: &count, NextMarker: optional(next)}
}

// newSecretOf reads a CreateSecret body, which a batch import's secrets are too.
func newSecretOf(b csmsapi.CreateSecretRequest) secrets.NewSecret {
	return secrets.NewSecret{
		Name:                b.Name,
		Description:         deref(b.Description),
		KMSKeyID:            deref(b.KmsKeyId),
		SecretType:          string(deref(b.SecretType)),
		EnterpriseProjectID: deref(b.EnterpriseProjectId),
		Value:               secrets.Value{String: b.SecretString, Binary: b.SecretBinary},
		Settings: secrets.Settings{
			AutoRotation:       deref(b.AutoRotation),
			RotationPeriod:     deref(b.RotationPeriod),
			RotationConfig:     deref(b.RotationConfig),
			RotationFuncURN:    deref(b.RotationFuncUrn),
			EventSubscriptions: deref(b.EventSubscriptions),
		},
	}
}

func (h *csmsHandlers) CreateSecret(ctx context.Context, req csmsapi.CreateSecretRequestObject) (csmsapi.CreateSecretResponseObject, error) {
	s, err := h.noting(ctx).Create(req.ProjectId, newSecretOf(*req.Body))
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateSecret200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) ListSecrets(_ context.Context, req csmsapi.ListSecretsRequestObject) (csmsapi.ListSecretsResponseObject, error) {
	p := req.Params
	page, err := h.svc.List(req.ProjectId, pageSize(p.Limit), deref(p.Marker), deref(p.EventName))
	if err != nil {
		return nil, err
	}
	return listAnswer(page), nil
}

func (h *csmsHandlers) ShowSecret(_ context.Context, req csmsapi.ShowSecretRequestObject) (csmsapi.ShowSecretResponseObject, error) {
	s, err := h.svc.Show(req.ProjectId, req.SecretName)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecret200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) UpdateSecret(_ context.Context, req csmsapi.UpdateSecretRequestObject) (csmsapi.UpdateSecretResponseObject, error) {
	b := req.Body
	s, err := h.svc.Update(req.ProjectId, req.SecretName, secrets.SecretUpdate{
		KMSKeyID:           b.KmsKeyId,
		Description:        b.Description,
		RotationPeriod:     b.RotationPeriod,
		RotationFuncURN:    b.RotationFuncUrn,
		AutoRotation:       b.AutoRotation,
		EventSubscriptions: b.EventSubscriptions,
	})
	if err != nil {
		return nil, err
	}
	return csmsapi.UpdateSecret200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) DeleteSecret(ctx context.Context, req csmsapi.DeleteSecretRequestObject) (csmsapi.DeleteSecretResponseObject, error) {
	if err := h.noting(ctx).Delete(req.ProjectId, req.SecretName); err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecret200Response{}, nil
}

func (h *csmsHandlers) DownloadSecretBlob(_ context.Context, req csmsapi.DownloadSecretBlobRequestObject) (csmsapi.DownloadSecretBlobResponseObject, error) {
	blob, err := h.svc.Backup(req.ProjectId, req.SecretName)
	if err != nil {
		return nil, err
	}
	return blobAnswer(blob), nil
}

func (h *csmsHandlers) UploadSecretBlob(_ context.Context, req csmsapi.UploadSecretBlobRequestObject) (csmsapi.UploadSecretBlobResponseObject, error) {
	s, err := h.svc.Restore(req.ProjectId, req.Body.SecretBlob)
	if err != nil {
		return nil, err
	}
	return csmsapi.UploadSecretBlob200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) RestoreSecret(_ context.Context, req csmsapi.RestoreSecretRequestObject) (csmsapi.RestoreSecretResponseObject, error) {
	s, err := h.svc.CancelDeletion(req.ProjectId, req.SecretName)
	if err != nil {
		return nil, err
	}
	return csmsapi.RestoreSecret200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) DeleteSecretForSchedule(ctx context.Context, req csmsapi.DeleteSecretForScheduleRequestObject) (csmsapi.DeleteSecretForScheduleResponseObject, error) {
	s, err := h.noting(ctx).ScheduleDeletion(req.ProjectId, req.SecretName, req.Body.RecoveryWindowInDays)
	if err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecretForSchedule200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}
