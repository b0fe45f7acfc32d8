package mock

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// The strict handlers of rotation.

func (h *csmsHandlers) RotateSecret(ctx context.Context, req csmsapi.RotateSecretRequestObject) (csmsapi.RotateSecretResponseObject, error) {
	sec, v, task, err := h.noting(ctx).Rotate(req.ProjectId, req.SecretName)
	if err != nil {
		return nil, err
	}
	return csmsapi.RotateSecret200JSONResponse{Body: csmsapi.RotateSecretResponse{
		VersionId:      ptr(v.ID),
		SecretName:     ptr(sec.Name),
		RotationTaskId: ptr(task.ID),
	}}, nil
}

func (h *csmsHandlers) ListSecretTask(_ context.Context, req csmsapi.ListSecretTaskRequestObject) (csmsapi.ListSecretTaskResponseObject, error) {
	p := req.Params
	limit := defaultPageSize
	if p.Limit != nil && *p.Limit > 0 {
		limit = int(*p.Limit)
	}
	page, total, err := h.svc.ListTasks(req.ProjectId, secrets.TaskFilter{
		SecretName: deref(p.SecretName),
		Status:     string(deref(p.Status)),
		TaskID:     deref(p.TaskId),
	}, limit, deref(p.Marker))
	if err != nil {
		return nil, err
	}
	tasks := make([]csmsapi.SecretTask, len(page.Items))
	for i, t := range page.Items {
		tasks[i] = toAPITask(t)
	}
	return csmsapi.ListSecretTask200JSONResponse{Body: csmsapi.ListSecretTaskResponse{
		Total:      ptr(int32(total)),
		Tasks:      &tasks,
		NextMarker: optional(page.NextMarker),
	}}, nil
}

// toAPITask answers a task; a failed one with the vendor's code and message for its failure,
// as the error table answers the same failure of a request.
func toAPITask(t secrets.Task) csmsapi.SecretTask {
	out := csmsapi.SecretTask{
		TaskId:          ptr(t.ID),
		SecretName:      ptr(t.SecretName),
		RotationFuncUrn: optional(t.RotationFuncURN),
		TaskStatus:      ptr(t.Status),
		OperateType:     ptr(t.OperateType),
		TaskTime:        ptr(t.Time),
		AttemptNums:     ptr(int32(t.Attempts)),
	}
	if e := vendorError(t.Failure(), 0); e != nil {
		out.TaskErrorCode, out.TaskErrorMsg = ptr(string(e.Code)), ptr(e.Msg)
	}
	return out
}
