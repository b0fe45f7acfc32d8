package mock

import (
	"context"
	"strconv"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// csmsHandlers implements the generated strict server over the secrets service. Failures are
// returned as errors carrying a catalogue code; the strict server's error hook writes them.
type csmsHandlers struct {
	svc *secrets.Service
}

var _ csmsapi.StrictServerInterface = (*csmsHandlers)(nil)

// defaultPageSize is ListSecrets' and ListSecretVersions' documented default limit.
const defaultPageSize = 50

func pageSize(limit *string) int {
	if limit == nil {
		return defaultPageSize
	}
	// The request validator has checked the pattern 1..200.
	n, err := strconv.Atoi(*limit)
	if err != nil || n <= 0 {
		return defaultPageSize
	}
	return n
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr[T any](v T) *T { return &v }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optionalTime leaves out a time that is not set, as the vendor's SDK expects null there.
func optionalTime(ms int64) *int64 {
	if ms == 0 {
		return nil
	}
	return &ms
}

func toAPISecret(s *secrets.Secret) csmsapi.Secret {
	return csmsapi.Secret{
		Id:                  s.ID,
		Name:                s.Name,
		State:               csmsapi.SecretState(s.State),
		KmsKeyId:            optional(s.KMSKeyID),
		Description:         ptr(s.Description),
		SecretType:          ptr(s.SecretType),
		EnterpriseProjectId: optional(s.EnterpriseProjectID),
		CreateTime:          s.CreateTime,
		UpdateTime:          ptr(s.UpdateTime),
		ScheduledDeleteTime: optionalTime(s.ScheduledDeleteTime),
		AutoRotation:        ptr(false),
	}
}

func toAPIVersion(s *secrets.Secret, v *secrets.Version) csmsapi.VersionMetadata {
	stages := v.Stages
	if stages == nil {
		stages = []string{}
	}
	return csmsapi.VersionMetadata{
		Id:            v.ID,
		CreateTime:    v.CreateTime,
		KmsKeyId:      optional(s.KMSKeyID),
		SecretName:    s.Name,
		VersionStages: stages,
	}
}

func secretOK(s *secrets.Secret) csmsapi.SecretResponseJSONResponse {
	return csmsapi.SecretResponseJSONResponse{Body: csmsapi.SecretResponse{Secret: toAPISecret(s)}}
}

func pageInfo(count int, next string) csmsapi.PageInfo {
	return csmsapi.PageInfo{CurrentCount: &count, NextMarker: &next}
}

func (h *csmsHandlers) CreateSecret(_ context.Context, req csmsapi.CreateSecretRequestObject) (csmsapi.CreateSecretResponseObject, error) {
	b := req.Body
	s, err := h.svc.Create(req.ProjectId, secrets.NewSecret{
		Name:                b.Name,
		Description:         deref(b.Description),
		KMSKeyID:            deref(b.KmsKeyId),
		SecretType:          deref(b.SecretType),
		EnterpriseProjectID: deref(b.EnterpriseProjectId),
		Value:               secrets.Value{String: b.SecretString, Binary: b.SecretBinary},
	})
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateSecret200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) ListSecrets(_ context.Context, req csmsapi.ListSecretsRequestObject) (csmsapi.ListSecretsResponseObject, error) {
	page, err := h.svc.List(req.ProjectId, pageSize(req.Params.Limit), deref(req.Params.Marker))
	if err != nil {
		return nil, err
	}
	list := make([]csmsapi.Secret, len(page.Items))
	for i, s := range page.Items {
		list[i] = toAPISecret(s)
	}
	return csmsapi.ListSecrets200JSONResponse{Body: csmsapi.ListSecretsResponse{
		Secrets:  list,
		PageInfo: pageInfo(len(list), page.NextMarker),
	}}, nil
}

func (h *csmsHandlers) UploadSecretBlob(_ context.Context, req csmsapi.UploadSecretBlobRequestObject) (csmsapi.UploadSecretBlobResponseObject, error) {
	s, err := h.svc.Restore(req.ProjectId, req.Body.SecretBlob)
	if err != nil {
		return nil, err
	}
	return csmsapi.UploadSecretBlob200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) DeleteSecret(_ context.Context, req csmsapi.DeleteSecretRequestObject) (csmsapi.DeleteSecretResponseObject, error) {
	if err := h.svc.Delete(req.ProjectId, req.SecretName); err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecret200Response{}, nil
}

func (h *csmsHandlers) ShowSecret(_ context.Context, req csmsapi.ShowSecretRequestObject) (csmsapi.ShowSecretResponseObject, error) {
	s, err := h.svc.Show(req.ProjectId, req.SecretName)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecret200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) DownloadSecretBlob(_ context.Context, req csmsapi.DownloadSecretBlobRequestObject) (csmsapi.DownloadSecretBlobResponseObject, error) {
	blob, err := h.svc.Backup(req.ProjectId, req.SecretName)
	if err != nil {
		return nil, err
	}
	return blobAnswer(blob), nil
}

func (h *csmsHandlers) RestoreSecret(_ context.Context, req csmsapi.RestoreSecretRequestObject) (csmsapi.RestoreSecretResponseObject, error) {
	s, err := h.svc.CancelDeletion(req.ProjectId, req.SecretName)
	if err != nil {
		return nil, err
	}
	return csmsapi.RestoreSecret200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) DeleteSecretForSchedule(_ context.Context, req csmsapi.DeleteSecretForScheduleRequestObject) (csmsapi.DeleteSecretForScheduleResponseObject, error) {
	s, err := h.svc.ScheduleDeletion(req.ProjectId, req.SecretName, req.Body.RecoveryWindowInDays)
	if err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecretForSchedule200JSONResponse{SecretResponseJSONResponse: secretOK(s)}, nil
}

func (h *csmsHandlers) ListSecretVersions(_ context.Context, req csmsapi.ListSecretVersionsRequestObject) (csmsapi.ListSecretVersionsResponseObject, error) {
	s, page, err := h.svc.ListVersions(req.ProjectId, req.SecretName, pageSize(req.Params.Limit), deref(req.Params.Marker))
	if err != nil {
		return nil, err
	}
	list := make([]csmsapi.VersionMetadata, len(page.Items))
	for i := range page.Items {
		list[i] = toAPIVersion(s, &page.Items[i])
	}
	return csmsapi.ListSecretVersions200JSONResponse{Body: csmsapi.ListSecretVersionsResponse{
		VersionMetadatas: list,
		PageInfo:         pageInfo(len(list), page.NextMarker),
	}}, nil
}

func (h *csmsHandlers) CreateSecretVersion(_ context.Context, req csmsapi.CreateSecretVersionRequestObject) (csmsapi.CreateSecretVersionResponseObject, error) {
	b := req.Body
	var stages []string
	if b.VersionStages != nil {
		stages = *b.VersionStages
	}
	s, v, err := h.svc.AddVersion(req.ProjectId, req.SecretName, secrets.Value{String: b.SecretString, Binary: b.SecretBinary}, stages)
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateSecretVersion200JSONResponse{Body: csmsapi.CreateSecretVersionResponse{
		VersionMetadata: toAPIVersion(s, v),
	}}, nil
}

func (h *csmsHandlers) ShowSecretVersion(_ context.Context, req csmsapi.ShowSecretVersionRequestObject) (csmsapi.ShowSecretVersionResponseObject, error) {
	s, v, err := h.svc.ShowVersion(req.ProjectId, req.SecretName, req.VersionId)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecretVersion200JSONResponse{Body: csmsapi.ShowSecretVersionResponse{Version: csmsapi.SecretVersion{
		VersionMetadata: toAPIVersion(s, v),
		SecretString:    v.Value.String,
		SecretBinary:    v.Value.Binary,
	}}}, nil
}
