package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/csmskit/csmskit/mock/blob"
	"github.com/csmskit/csmskit/mock/password"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
)

// With -ops the floor serves every CSMS operation the operations benchmark (bench/cmd/ops)
// drives, each doing only its store work, through the mock's own secrets service over the
// in-memory store, and writing its answer with encoding/json: no routing beyond the patterns,
// no contract checks, no credentials, no journal, no log. The answers carry what the mock's
// do, in the same shapes, without the mock's care for absent fields.

// opsHandler returns the handler of every operation.
func opsHandler(key *blob.Key) http.Handler {
	f := &floorOps{svc: secrets.NewService(store.NewMemory(), key, secrets.Options{MaxSecrets: 500, DefaultKMSKeyID: "floor-kms-key"})}
	const p = "/v1/{project_id}"
	mux := http.NewServeMux()
	for pattern, h := range map[string]func(*http.Request) (any, error){
		"POST " + p + "/secrets":                                       f.create,
		"GET " + p + "/secrets":                                        f.list,
		"POST " + p + "/secrets/restore":                               f.restore,
		"GET " + p + "/secrets/{name}":                                 f.show,
		"PUT " + p + "/secrets/{name}":                                 f.update,
		"DELETE " + p + "/secrets/{name}":                              f.delete,
		"POST " + p + "/secrets/{name}/backup":                         f.backup,
		"POST " + p + "/secrets/{name}/versions":                       f.addVersion,
		"GET " + p + "/secrets/{name}/versions":                        f.listVersions,
		"GET " + p + "/secrets/{name}/versions/{version}":              f.showVersion,
		"PUT " + p + "/secrets/{name}/versions/{version}":              f.updateVersion,
		"GET " + p + "/secrets/{name}/stages/{stage}":                  f.showStage,
		"PUT " + p + "/secrets/{name}/stages/{stage}":                  f.updateStage,
		"DELETE " + p + "/secrets/{name}/stages/{stage}":               f.deleteStage,
		"POST " + p + "/secrets/{name}/scheduled-deleted-tasks/create": f.schedule,
		"POST " + p + "/secrets/{name}/scheduled-deleted-tasks/cancel": f.cancel,
		"GET " + p + "/csms/{id}/tags":                                 f.tags,
		"POST " + p + "/csms/{id}/tags":                                f.createTag,
		"DELETE " + p + "/csms/{id}/tags/{key}":                        f.deleteTag,
		"POST " + p + "/csms/{id}/tags/action":                         f.batchTags,
		"GET " + p + "/csms/tags":                                      f.projectTags,
		"POST " + p + "/csms/resource_instances/action":                f.find,
		"POST " + p + "/csms/generate-password":                        f.password,
	} {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			v, err := h(r)
			if err != nil {
				status := http.StatusBadRequest
				if k := secrets.KindOf(err); k == secrets.NotFound || k == secrets.VersionNotFound || k == secrets.StageNotFound {
					status = http.StatusNotFound
				}
				http.Error(w, err.Error(), status)
				return
			}
			if v == nil {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(v)
		})
	}
	return mux
}

type floorOps struct{ svc *secrets.Service }

// decode reads a request's JSON body into v.
func decode(r *http.Request, v any) error {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return errors.New("body: " + err.Error())
	}
	return nil
}

type object = map[string]any

// metadata is a secret as the answers show it: without its versions.
func metadata(sec *secrets.Secret) *secrets.Secret {
	out := *sec
	out.Versions = nil
	return &out
}

func secretAnswer(sec *secrets.Secret, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return object{"secret": metadata(sec)}, nil
}

func versionMeta(sec *secrets.Secret, v *secrets.Version) object {
	return object{"id": v.ID, "create_time": v.CreateTime, "expire_time": v.ExpireTime, "kms_key_id": sec.KMSKeyID,
		"secret_name": sec.Name, "version_stages": v.Stages}
}

func pageInfo(n int, next string) object { return object{"current_count": n, "next_marker": next} }

func (f *floorOps) create(r *http.Request) (any, error) {
	var in struct {
		Name         string  `json:"name"`
		SecretString *string `json:"secret_string"`
		SecretBinary *string `json:"secret_binary"`
		Description  string  `json:"description"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return secretAnswer(f.svc.Create(r.PathValue("project_id"), secrets.NewSecret{Name: in.Name, Description: in.Description,
		Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary}}))
}

func (f *floorOps) list(r *http.Request) (any, error) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil {
		limit = 50
	}
	page, err := f.svc.List(r.PathValue("project_id"), limit, r.URL.Query().Get("marker"), r.URL.Query().Get("event_name"))
	if err != nil {
		return nil, err
	}
	return object{"secrets": page.Items, "page_info": pageInfo(len(page.Items), page.NextMarker)}, nil
}

func (f *floorOps) restore(r *http.Request) (any, error) {
	var in struct {
		SecretBlob string `json:"secret_blob"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return secretAnswer(f.svc.Restore(r.PathValue("project_id"), in.SecretBlob))
}

func (f *floorOps) show(r *http.Request) (any, error) {
	return secretAnswer(f.svc.Show(r.PathValue("project_id"), r.PathValue("name")))
}

func (f *floorOps) update(r *http.Request) (any, error) {
	var in secrets.SecretUpdate
	var body struct {
		Description *string `json:"description"`
	}
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	in.Description = body.Description
	return secretAnswer(f.svc.Update(r.PathValue("project_id"), r.PathValue("name"), in))
}

func (f *floorOps) delete(r *http.Request) (any, error) {
	return nil, f.svc.Delete(r.PathValue("project_id"), r.PathValue("name"))
}

func (f *floorOps) backup(r *http.Request) (any, error) {
	b, err := f.svc.Backup(r.PathValue("project_id"), r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return object{"secret_blob": b}, nil
}

func (f *floorOps) addVersion(r *http.Request) (any, error) {
	var in struct {
		SecretString *string  `json:"secret_string"`
		SecretBinary *string  `json:"secret_binary"`
		Stages       []string `json:"version_stages"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	sec, v, err := f.svc.AddVersion(r.PathValue("project_id"), r.PathValue("name"),
		secrets.NewVersion{Value: secrets.Value{String: in.SecretString, Binary: in.SecretBinary}, Stages: in.Stages})
	if err != nil {
		return nil, err
	}
	return object{"version_metadata": versionMeta(sec, v)}, nil
}

func (f *floorOps) listVersions(r *http.Request) (any, error) {
	sec, page, err := f.svc.ListVersions(r.PathValue("project_id"), r.PathValue("name"), 50, r.URL.Query().Get("marker"))
	if err != nil {
		return nil, err
	}
	metas := make([]object, len(page.Items))
	for i := range page.Items {
		metas[i] = versionMeta(sec, &page.Items[i])
	}
	return object{"version_metadatas": metas, "page_info": pageInfo(len(metas), page.NextMarker)}, nil
}

func (f *floorOps) showVersion(r *http.Request) (any, error) {
	sec, v, err := f.svc.ShowVersion(r.PathValue("project_id"), r.PathValue("name"), r.PathValue("version"))
	if err != nil {
		return nil, err
	}
	return object{"version": object{"version_metadata": versionMeta(sec, v), "secret_string": v.Value.String, "secret_binary": v.Value.Binary}}, nil
}

func (f *floorOps) updateVersion(r *http.Request) (any, error) {
	var in struct {
		ExpireTime int64 `json:"expire_time"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	sec, v, err := f.svc.UpdateVersion(r.PathValue("project_id"), r.PathValue("name"), r.PathValue("version"), in.ExpireTime)
	if err != nil {
		return nil, err
	}
	return object{"version_metadata": versionMeta(sec, v)}, nil
}

func stageAnswer(st secrets.Stage, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return object{"stage": object{"name": st.Name, "update_time": st.UpdateTime, "secret_name": st.SecretName, "version_id": st.VersionID}}, nil
}

func (f *floorOps) showStage(r *http.Request) (any, error) {
	return stageAnswer(f.svc.ShowStage(r.PathValue("project_id"), r.PathValue("name"), r.PathValue("stage")))
}

func (f *floorOps) updateStage(r *http.Request) (any, error) {
	var in struct {
		VersionID string `json:"version_id"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return stageAnswer(f.svc.UpdateStage(r.PathValue("project_id"), r.PathValue("name"), r.PathValue("stage"), in.VersionID))
}

func (f *floorOps) deleteStage(r *http.Request) (any, error) {
	return nil, f.svc.DeleteStage(r.PathValue("project_id"), r.PathValue("name"), r.PathValue("stage"))
}

func (f *floorOps) schedule(r *http.Request) (any, error) {
	var in struct {
		Days int `json:"recovery_window_in_days"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return secretAnswer(f.svc.ScheduleDeletion(r.PathValue("project_id"), r.PathValue("name"), in.Days))
}

func (f *floorOps) cancel(r *http.Request) (any, error) {
	return secretAnswer(f.svc.CancelDeletion(r.PathValue("project_id"), r.PathValue("name")))
}

type tagJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func tagsOf(in []tagJSON) []secrets.Tag {
	out := make([]secrets.Tag, len(in))
	for i, t := range in {
		out[i] = secrets.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

func (f *floorOps) tags(r *http.Request) (any, error) {
	tags, err := f.svc.Tags(r.PathValue("project_id"), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	out := make([]tagJSON, len(tags))
	for i, t := range tags {
		out[i] = tagJSON{t.Key, t.Value}
	}
	return object{"tags": out, "sys_tags": []tagJSON{}}, nil
}

func (f *floorOps) createTag(r *http.Request) (any, error) {
	var in struct {
		Tag tagJSON `json:"tag"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return nil, f.svc.SetTags(r.PathValue("project_id"), r.PathValue("id"), secrets.Tag{Key: in.Tag.Key, Value: in.Tag.Value})
}

func (f *floorOps) deleteTag(r *http.Request) (any, error) {
	return nil, f.svc.DeleteTagKey(r.PathValue("project_id"), r.PathValue("id"), r.PathValue("key"))
}

func (f *floorOps) batchTags(r *http.Request) (any, error) {
	var in struct {
		Action string    `json:"action"`
		Tags   []tagJSON `json:"tags"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Action == "delete" {
		return nil, f.svc.DeleteTags(r.PathValue("project_id"), r.PathValue("id"), tagsOf(in.Tags)...)
	}
	return nil, f.svc.SetTags(r.PathValue("project_id"), r.PathValue("id"), tagsOf(in.Tags)...)
}

func (f *floorOps) projectTags(r *http.Request) (any, error) {
	tags, err := f.svc.ProjectTags(r.PathValue("project_id"))
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(tags))
	for k, values := range tags {
		out = append(out, object{"key": k, "values": values})
	}
	return object{"tags": out}, nil
}

func (f *floorOps) find(r *http.Request) (any, error) {
	var in struct {
		Action string `json:"action"`
		Limit  string `json:"limit"`
		Tags   []struct {
			Key    string   `json:"key"`
			Values []string `json:"values"`
		} `json:"tags"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	filter := secrets.TagFilter{Tags: map[string][]string{}}
	for _, t := range in.Tags {
		filter.Tags[t.Key] = t.Values
	}
	limit, err := strconv.Atoi(in.Limit)
	if err != nil || in.Action == "count" {
		limit = 0
	}
	found, total, err := f.svc.Find(r.PathValue("project_id"), filter, 0, limit)
	if err != nil {
		return nil, err
	}
	resources := make([]object, len(found))
	for i, sec := range found {
		resources[i] = object{"resource_id": sec.ID, "resource_name": sec.Name, "resource_detail": sec, "tags": sec.SortedTags()}
	}
	return object{"resources": resources, "total_count": total}, nil
}

func (f *floorOps) password(r *http.Request) (any, error) {
	var in struct {
		Length int `json:"length"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return nil, err
		}
	}
	p, err := password.Generate(password.Options{Length: in.Length})
	if err != nil {
		return nil, err
	}
	return object{"password": p}, nil
}
