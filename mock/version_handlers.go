package mock

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// The strict handlers of versions and stages.

func (h *csmsHandlers) CreateSecretVersion(ctx context.Context, req csmsapi.CreateSecretVersionRequestObject) (csmsapi.CreateSecretVersionResponseObject, error) {
	b := req.Body
	s, v, err := h.noting(ctx).AddVersion(req.ProjectId, req.SecretName, secrets.NewVersion{
		Value:      secrets.Value{String: b.SecretString, Binary: b.SecretBinary},
		Stages:     deref(b.VersionStages),
		ExpireTime: b.ExpireTime,
	})
	if err != nil {
		return nil, err
	}
	return csmsapi.CreateSecretVersion200JSONResponse{Body: csmsapi.VersionMetadataResponse{
		VersionMetadata: ptr(toAPIVersion(s, v)),
	}}, nil
}

func (h *csmsHandlers) ListSecretVersions(_ context.Context, req csmsapi.ListSecretVersionsRequestObject) (csmsapi.ListSecretVersionsResponseObject, error) {
	limit := defaultPageSize
	if req.Params.Limit != nil {
		limit = int(*req.Params.Limit) // the request check has held it to 1..1000
	}
	s, page, err := h.svc.ListVersions(req.ProjectId, req.SecretName, limit, deref(req.Params.Marker))
	if err != nil {
		return nil, err
	}
	list := make([]csmsapi.VersionMetadata, len(page.Items))
	for i := range page.Items {
		list[i] = toAPIVersion(s, &page.Items[i])
	}
	return csmsapi.ListSecretVersions200JSONResponse{Body: csmsapi.ListSecretVersionsResponse{
		VersionMetadatas: &list,
		PageInfo:         pageInfo(len(list), page.NextMarker),
	}}, nil
}

func (h *csmsHandlers) ShowSecretVersion(_ context.Context, req csmsapi.ShowSecretVersionRequestObject) (csmsapi.ShowSecretVersionResponseObject, error) {
	s, v, err := h.svc.ShowVersion(req.ProjectId, req.SecretName, req.VersionId)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecretVersion200JSONResponse{Body: csmsapi.ShowSecretVersionResponse{Version: &csmsapi.SecretVersion{
		VersionMetadata: ptr(toAPIVersion(s, v)),
		SecretString:    v.Value.String,
		SecretBinary:    v.Value.Binary,
	}}}, nil
}

func (h *csmsHandlers) UpdateVersion(_ context.Context, req csmsapi.UpdateVersionRequestObject) (csmsapi.UpdateVersionResponseObject, error) {
	s, v, err := h.svc.UpdateVersion(req.ProjectId, req.SecretName, req.VersionId, req.Body.ExpireTime)
	if err != nil {
		return nil, err
	}
	return csmsapi.UpdateVersion200JSONResponse{Body: csmsapi.VersionMetadataResponse{
		VersionMetadata: ptr(toAPIVersion(s, v)),
	}}, nil
}

func stageOK(st secrets.Stage) csmsapi.StageResponseJSONResponse {
	return csmsapi.StageResponseJSONResponse{Body: csmsapi.StageResponse{Stage: &csmsapi.Stage{
		Name:       ptr(st.Name),
		SecretName: ptr(st.SecretName),
		VersionId:  ptr(st.VersionID),
		UpdateTime: ptr(st.UpdateTime),
	}}}
}

func (h *csmsHandlers) ShowSecretStage(_ context.Context, req csmsapi.ShowSecretStageRequestObject) (csmsapi.ShowSecretStageResponseObject, error) {
	st, err := h.svc.ShowStage(req.ProjectId, req.SecretName, req.StageName)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecretStage200JSONResponse{StageResponseJSONResponse: stageOK(st)}, nil
}

func (h *csmsHandlers) UpdateSecretStage(_ context.Context, req csmsapi.UpdateSecretStageRequestObject) (csmsapi.UpdateSecretStageResponseObject, error) {
	st, err := h.svc.UpdateStage(req.ProjectId, req.SecretName, req.StageName, req.Body.VersionId)
	if err != nil {
		return nil, err
	}
	return csmsapi.UpdateSecretStage200JSONResponse{StageResponseJSONResponse: stageOK(st)}, nil
}

func (h *csmsHandlers) DeleteSecretStage(_ context.Context, req csmsapi.DeleteSecretStageRequestObject) (csmsapi.DeleteSecretStageResponseObject, error) {
	if err := h.svc.DeleteStage(req.ProjectId, req.SecretName, req.StageName); err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecretStage204Response{}, nil
}
