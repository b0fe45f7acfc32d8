package mock

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// The strict handlers of tags, which address a secret by its id.

func toAPITags(tags []secrets.Tag) *[]csmsapi.TagAnswered {
	out := make([]csmsapi.TagAnswered, len(tags))
	for i, t := range tags {
		out[i] = csmsapi.TagAnswered{Key: ptr(t.Key), Value: ptr(t.Value)}
	}
	return &out
}

func fromAPITags(items []csmsapi.TagItem) []secrets.Tag {
	tags := make([]secrets.Tag, len(items))
	for i, t := range items {
		tags[i] = secrets.Tag{Key: t.Key, Value: deref(t.Value)}
	}
	return tags
}

// noSysTags is what the mock answers for system tags: it sets none.
func noSysTags() *[]csmsapi.SysTag { return &[]csmsapi.SysTag{} }

func (h *csmsHandlers) ListSecretTags(_ context.Context, req csmsapi.ListSecretTagsRequestObject) (csmsapi.ListSecretTagsResponseObject, error) {
	tags, err := h.svc.Tags(req.ProjectId, req.SecretId)
	if err != nil {
		return nil, err
	}
	return csmsapi.ListSecretTags200JSONResponse{Body: csmsapi.ListSecretTagsResponse{Tags: toAPITags(tags), SysTags: noSysTags()}}, nil
}

func (h *csmsHandlers) CreateSecretTag(_ context.Context, req csmsapi.CreateSecretTagRequestObject) (csmsapi.CreateSecretTagResponseObject, error) {
	if err := h.svc.SetTags(req.ProjectId, req.SecretId, fromAPITags([]csmsapi.TagItem{req.Body.Tag})...); err != nil {
		return nil, err
	}
	return csmsapi.CreateSecretTag204Response{}, nil
}

func (h *csmsHandlers) DeleteSecretTag(_ context.Context, req csmsapi.DeleteSecretTagRequestObject) (csmsapi.DeleteSecretTagResponseObject, error) {
	if err := h.svc.DeleteTagKey(req.ProjectId, req.SecretId, req.Key); err != nil {
		return nil, err
	}
	return csmsapi.DeleteSecretTag204Response{}, nil
}

func (h *csmsHandlers) BatchCreateOrDeleteTags(_ context.Context, req csmsapi.BatchCreateOrDeleteTagsRequestObject) (csmsapi.BatchCreateOrDeleteTagsResponseObject, error) {
	tags := fromAPITags(req.Body.Tags)
	var err error
	if req.Body.Action == csmsapi.Delete {
		err = h.svc.DeleteTags(req.ProjectId, req.SecretId, tags...)
	} else {
		err = h.svc.SetTags(req.ProjectId, req.SecretId, tags...)
	}
	if err != nil {
		return nil, err
	}
	return csmsapi.BatchCreateOrDeleteTags204Response{}, nil
}

func (h *csmsHandlers) ListProjectSecretsTags(_ context.Context, req csmsapi.ListProjectSecretsTagsRequestObject) (csmsapi.ListProjectSecretsTagsResponseObject, error) {
	all, err := h.svc.ProjectTags(req.ProjectId)
	if err != nil {
		return nil, err
	}
	out := []csmsapi.ProjectTag{}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		out = append(out, csmsapi.ProjectTag{Key: ptr(k), Values: ptr(all[k])})
	}
	return csmsapi.ListProjectSecretsTags200JSONResponse{Body: csmsapi.ListProjectSecretsTagsResponse{Tags: &out}}, nil
}

// defaultResourceLimit is ListResourceInstances' page size when the filter names none.
const defaultResourceLimit = 10

func (h *csmsHandlers) ListResourceInstances(_ context.Context, req csmsapi.ListResourceInstancesRequestObject) (csmsapi.ListResourceInstancesResponseObject, error) {
	b := req.Body
	f := secrets.TagFilter{Tags: map[string][]string{}}
	for _, t := range deref(b.Tags) {
		f.Tags[deref(t.Key)] = deref(t.Values)
	}
	for _, m := range deref(b.Matches) {
		f.NameContains = deref(m.Value) // the key can only be resource_name
	}
	limit, offset := 0, 0 // count: no resources, only the total
	if b.Action == csmsapi.Filter {
		limit = atoiOr(b.Limit, defaultResourceLimit)
		offset = atoiOr(b.Offset, 0)
	}
	found, total, err := h.svc.Find(req.ProjectId, f, offset, limit)
	if err != nil {
		return nil, err
	}
	body := csmsapi.ListResourceInstancesResponse{TotalCount: ptr(total)}
	if b.Action == csmsapi.Filter {
		resources := make([]csmsapi.ResourceInstance, len(found))
		for i, s := range found {
			resources[i] = csmsapi.ResourceInstance{
				ResourceId:     ptr(s.ID),
				ResourceName:   ptr(s.Name),
				ResourceDetail: ptr(toAPISecret(s)),
				Tags:           toAPITags(s.SortedTags()),
				SysTags:        noSysTags(),
			}
		}
		body.Resources = &resources
	}
	return csmsapi.ListResourceInstances200JSONResponse{Body: body}, nil
}

// atoiOr reads a number the request check has held to digits, or gives def.
func atoiOr(s *string, def int) int {
	if s == nil {
		return def
	}
	n, err := strconv.Atoi(*s)
	if err != nil {
		return def
	}
	return n
}
