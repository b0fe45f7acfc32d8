package mock

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// The strict handlers of batch import and of the secrets checker and its configuration.

func (h *csmsHandlers) BatchImportSecrets(ctx context.Context, req csmsapi.BatchImportSecretsRequestObject) (csmsapi.BatchImportSecretsResponseObject, error) {
	batch := make([]secrets.NewSecret, len(req.Body.Secrets))
	for i, b := range req.Body.Secrets {
		batch[i] = newSecretOf(b)
	}
	failed, err := h.noting(ctx).ImportBatch(req.ProjectId, batch)
	if err != nil {
		return nil, err
	}
	errs := make([]csmsapi.ImportErrorInfo, len(failed))
	for i, f := range failed {
		errs[i] = csmsapi.ImportErrorInfo{Name: f.Name, ErrorMsg: failureMessage(f.Err)}
	}
	total, nFailed := int32(len(batch)), int32(len(failed))
	return csmsapi.BatchImportSecrets200JSONResponse{Body: csmsapi.BatchImportSecretsResponse{
		Total: &total, Success: ptr(total - nFailed), Failed: &nFailed, ErrorList: &errs,
	}}, nil
}

func checkerConfigOK(c secrets.CheckerConfig) csmsapi.SecretsCheckerConfig {
	return csmsapi.SecretsCheckerConfig{CheckingSecretStrength: ptr(c.CheckingSecretStrength)}
}

func (h *csmsHandlers) ShowSecretsConfig(_ context.Context, req csmsapi.ShowSecretsConfigRequestObject) (csmsapi.ShowSecretsConfigResponseObject, error) {
	c, err := h.svc.CheckerConfig(req.ProjectId)
	if err != nil {
		return nil, err
	}
	return csmsapi.ShowSecretsConfig200JSONResponse{Body: checkerConfigOK(c)}, nil
}

func (h *csmsHandlers) UpdateSecretsConfig(_ context.Context, req csmsapi.UpdateSecretsConfigRequestObject) (csmsapi.UpdateSecretsConfigResponseObject, error) {
	c, err := h.svc.SetCheckerConfig(req.ProjectId, req.Body.CheckingSecretStrength)
	if err != nil {
		return nil, err
	}
	return csmsapi.UpdateSecretsConfig200JSONResponse{Body: checkerConfigOK(c)}, nil
}

// strengthResult is one secret's judgement in CheckSecrets' answer.
type strengthResult struct {
	SecretName string   `json:"secret_name"`
	Strength   string   `json:"strength"`
	Reasons    []string `json:"reasons,omitempty"`
}

func (h *csmsHandlers) CheckSecrets(_ context.Context, req csmsapi.CheckSecretsRequestObject) (csmsapi.CheckSecretsResponseObject, error) {
	var names []string
	for _, n := range deref(req.Body.Data.SecretNames) {
		names = append(names, string(n))
	}
	c, judged, err := h.svc.CheckSecrets(req.ProjectId, string(req.Body.Type), names)
	if err != nil {
		return nil, err
	}
	results := make([]strengthResult, len(judged))
	for i, j := range judged {
		results[i] = strengthResult{SecretName: j.Name, Strength: "WEAK", Reasons: j.Reasons}
		if j.Strong {
			results[i].Strength = "STRONG"
		}
	}
	data := map[string]any{"checking_secret_strength": c.CheckingSecretStrength, "results": results}
	return csmsapi.CheckSecrets200JSONResponse{Body: csmsapi.CheckSecretsResponse{
		Type: ptr(secrets.StrengthCheck), Data: &data,
	}}, nil
}
