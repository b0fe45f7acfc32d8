package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/generated/iamapi"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/account"
	"github.com/csmskit/csmskit/mock/auth"
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

// opsHandler returns the handler of every operation; the account has the mock's demo user and
// users more (harness.UserName), as the operations benchmark gives the mock.
func opsHandler(key *blob.Key, users int) (http.Handler, error) {
	st := store.NewMemory()
	f := &floorOps{
		svc:     secrets.NewService(st, key, secrets.Options{MaxSecrets: 500, DefaultKMSKeyID: "floor-kms-key"}),
		account: account.New(st, time.Now),
		auth:    auth.New(auth.Options{Store: st}),
	}
	f.auth.SetDomain(auth.Domain{ID: mock.DemoDomainID, Name: mock.DemoDomain})
	all := []auth.User{{Name: mock.DemoUser, Password: mock.DemoPassword, Domain: mock.DemoDomain, ProjectID: mock.DemoProjectID}}
	for t := 1; t <= users; t++ {
		all = append(all, auth.User{Name: harness.UserName(t), Password: harness.UserPasswords[0], Domain: mock.DemoDomain, ProjectID: mock.DemoProjectID})
	}
	for _, u := range all {
		if err := f.auth.AddUser(u); err != nil {
			return nil, err
		}
	}
	const p = "/v1/{project_id}"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/auth/tokens", f.token)
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
		// A secret's tags and an event share one pattern: /csms/events/tags would be either.
		"GET " + p + "/csms/{id}/{item}":                f.tagsOrEvent,
		"POST " + p + "/csms/{id}/tags":                 f.createTag,
		"DELETE " + p + "/csms/{id}/tags/{key}":         f.deleteTag,
		"POST " + p + "/csms/{id}/tags/action":          f.batchTags,
		"GET " + p + "/csms/tags":                       f.projectTags,
		"POST " + p + "/csms/resource_instances/action": f.find,
		"POST " + p + "/csms/generate-password":         f.password,
		"POST " + p + "/secrets/{name}/rotate":          f.rotate,
		"GET " + p + "/csms/tasks":                      f.tasks,
		"POST " + p + "/csms/events":                    f.createEvent,
		"GET " + p + "/csms/events":                     f.listEvents,
		"PUT " + p + "/csms/events/{event}":             f.updateEvent,
		"DELETE " + p + "/csms/events/{event}":          f.deleteEvent,
		"GET " + p + "/csms/notification-records":       f.records,
		"POST " + p + "/csms/grants":                    f.createGrant,
		"GET " + p + "/csms/grants":                     f.listGrants,
		"PUT " + p + "/csms/grants":                     f.updateGrant,
		"DELETE " + p + "/csms/grants":                  f.deleteGrant,
		"POST " + p + "/secrets/batch-import":           f.batchImport,
		"POST " + p + "/secrets/checker/check":          f.check,
		"GET " + p + "/secrets/checker/config":          f.checkerConfig,
		"POST " + p + "/secrets/checker/config":         f.setCheckerConfig,
		"GET /v1/csms/function-templates":               f.templates,
		"POST /v1/csms/agencies":                        f.createAgencies,
		"GET /v1/csms/agencies":                         f.agencyGranted,
		"GET /v1/csms/users":                            f.users,
		"GET /v1/csms/users/{user_id}":                  f.user,
		"POST /v1/csms/users/change-password":           f.changePassword,
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
	return mux, nil
}

type floorOps struct {
	svc     *secrets.Service
	account *account.Service
	auth    *auth.Authenticator
}

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

// newSecretJSON is a secret to create, as CreateSecret and BatchImportSecrets send it.
type newSecretJSON struct {
	Name               string   `json:"name"`
	SecretString       *string  `json:"secret_string"`
	SecretBinary       *string  `json:"secret_binary"`
	Description        string   `json:"description"`
	SecretType         string   `json:"secret_type"`
	EventSubscriptions []string `json:"event_subscriptions"`
}

func (in newSecretJSON) secret() secrets.NewSecret {
	return secrets.NewSecret{Name: in.Name, Description: in.Description, SecretType: in.SecretType,
		Value:    secrets.Value{String: in.SecretString, Binary: in.SecretBinary},
		Settings: secrets.Settings{EventSubscriptions: in.EventSubscriptions}}
}

func (f *floorOps) create(r *http.Request) (any, error) {
	var in newSecretJSON
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return secretAnswer(f.svc.Create(r.PathValue("project_id"), in.secret()))
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

func (f *floorOps) rotate(r *http.Request) (any, error) {
	sec, v, task, err := f.svc.Rotate(r.PathValue("project_id"), r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return object{"version_id": v.ID, "secret_name": sec.Name, "rotation_task_id": task.ID}, nil
}

func (f *floorOps) tasks(r *http.Request) (any, error) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil {
		limit = 50
	}
	page, total, err := f.svc.ListTasks(r.PathValue("project_id"),
		secrets.TaskFilter{SecretName: q.Get("secret_name"), Status: q.Get("status"), TaskID: q.Get("task_id")}, limit, q.Get("marker"))
	if err != nil {
		return nil, err
	}
	return object{"total": total, "tasks": page.Items, "next_marker": page.NextMarker}, nil
}

// eventJSON is an event as CreateSecretEvent and UpdateSecretEvent send it.
type eventJSON struct {
	Name         string                `json:"name"`
	Types        *[]string             `json:"event_types"`
	State        *string               `json:"state"`
	Notification *secrets.Notification `json:"notification"`
}

func eventAnswer(e *secrets.Event, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return object{"event": e}, nil
}

func (f *floorOps) createEvent(r *http.Request) (any, error) {
	var in eventJSON
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	e := secrets.NewEvent{Name: in.Name}
	if in.Types != nil {
		e.Types = *in.Types
	}
	if in.State != nil {
		e.State = *in.State
	}
	if in.Notification != nil {
		e.Notification = *in.Notification
	}
	return eventAnswer(f.svc.CreateEvent(r.PathValue("project_id"), e))
}

func (f *floorOps) listEvents(r *http.Request) (any, error) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil {
		limit = 50
	}
	page, err := f.svc.ListEvents(r.PathValue("project_id"), limit, r.URL.Query().Get("marker"))
	if err != nil {
		return nil, err
	}
	return object{"events": page.Items, "page_info": pageInfo(len(page.Items), page.NextMarker)}, nil
}

// tagsOrEvent answers GET …/csms/events/{event} and GET …/csms/{id}/tags.
func (f *floorOps) tagsOrEvent(r *http.Request) (any, error) {
	if r.PathValue("id") == "events" {
		return eventAnswer(f.svc.ShowEvent(r.PathValue("project_id"), r.PathValue("item")))
	}
	if r.PathValue("item") != "tags" {
		return nil, &secrets.Error{Kind: secrets.NotFound, Detail: "no such path"}
	}
	return f.tags(r)
}

func (f *floorOps) updateEvent(r *http.Request) (any, error) {
	var in eventJSON
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return eventAnswer(f.svc.UpdateEvent(r.PathValue("project_id"), r.PathValue("event"),
		secrets.EventUpdate{State: in.State, Types: in.Types, Notification: in.Notification}))
}

func (f *floorOps) deleteEvent(r *http.Request) (any, error) {
	return nil, f.svc.DeleteEvent(r.PathValue("project_id"), r.PathValue("event"))
}

// records first records the expiries due, as the mock's handler does.
func (f *floorOps) records(r *http.Request) (any, error) {
	project := r.PathValue("project_id")
	if _, err := f.svc.NotifyExpiredIn(project, 100); err != nil {
		return nil, err
	}
	recs, err := f.svc.ListRecords(project)
	if err != nil {
		return nil, err
	}
	return object{"records": recs, "page_info": pageInfo(len(recs), "")}, nil
}

// grantRequest reads a grant's body.
func grantRequest(r *http.Request) (secrets.GrantRequest, error) {
	var in struct {
		ResourceID   string `json:"resource_id"`
		Type         string `json:"type"`
		GranteeType  string `json:"grantee_type"`
		Grantee      string `json:"grantee_target_id"`
		ValidityTime string `json:"validity_time"`
	}
	err := decode(r, &in)
	return secrets.GrantRequest{ResourceID: in.ResourceID, Type: in.Type, GranteeType: in.GranteeType,
		Grantee: in.Grantee, ValidityTime: in.ValidityTime}, err
}

func (f *floorOps) grantAnswer(g secrets.Grant, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return object{"data": object{"uuid": g.ID, "resource_id": g.ResourceID, "type": g.Type, "grantee_user": g.Grantee,
		"create_time": g.CreateTime, "update_time": g.UpdateTime, "validity_time": g.ValidityTime, "state": grantState(g, f.svc.Now())}}, nil
}

// grantState is 1 for a grant in effect, 0 for one whose validity has ended.
func grantState(g secrets.Grant, now int64) int {
	if g.InEffect(now) {
		return 1
	}
	return 0
}

func (f *floorOps) createGrant(r *http.Request) (any, error) {
	in, err := grantRequest(r)
	if err != nil {
		return nil, err
	}
	return f.grantAnswer(f.svc.CreateGrant(r.PathValue("project_id"), in))
}

func (f *floorOps) updateGrant(r *http.Request) (any, error) {
	in, err := grantRequest(r)
	if err != nil {
		return nil, err
	}
	return f.grantAnswer(f.svc.UpdateGrant(r.PathValue("project_id"), r.URL.Query().Get("resource_id"), in))
}

func (f *floorOps) deleteGrant(r *http.Request) (any, error) {
	q := r.URL.Query()
	return nil, f.svc.DeleteGrant(r.PathValue("project_id"), q.Get("resource_id"), q.Get("grantee_user"))
}

func (f *floorOps) listGrants(r *http.Request) (any, error) {
	got, err := f.svc.Grants(r.PathValue("project_id"), r.URL.Query().Get("resource_id"))
	if err != nil {
		return nil, err
	}
	users := make([]object, len(got.Grants))
	for i, g := range got.Grants {
		users[i] = object{"user_id": g.Grantee, "user_name": g.Grantee, "create_time": g.CreateTime, "validity_time": g.ValidityTime}
	}
	return object{"data": object{"id": got.Secret.ID, "name": got.Secret.Name, "type": secrets.GrantSecret, "grantee_user": users,
		"create_time": got.Secret.CreateTime, "update_time": got.Secret.UpdateTime}}, nil
}

func (f *floorOps) batchImport(r *http.Request) (any, error) {
	var in struct {
		Secrets []newSecretJSON `json:"secrets"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	batch := make([]secrets.NewSecret, len(in.Secrets))
	for i, s := range in.Secrets {
		batch[i] = s.secret()
	}
	failed, err := f.svc.ImportBatch(r.PathValue("project_id"), batch)
	if err != nil {
		return nil, err
	}
	errs := make([]object, len(failed))
	for i, e := range failed {
		errs[i] = object{"name": e.Name, "error_msg": e.Err.Error()}
	}
	return object{"total": len(batch), "success": len(batch) - len(failed), "failed": len(failed), "error_list": errs}, nil
}

func (f *floorOps) check(r *http.Request) (any, error) {
	var in struct {
		Type string `json:"type"`
		Data struct {
			SecretNames []string `json:"secret_names"`
		} `json:"data"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	c, judged, err := f.svc.CheckSecrets(r.PathValue("project_id"), in.Type, in.Data.SecretNames)
	if err != nil {
		return nil, err
	}
	results := make([]object, len(judged))
	for i, j := range judged {
		strength := "WEAK"
		if j.Strong {
			strength = "STRONG"
		}
		results[i] = object{"secret_name": j.Name, "strength": strength, "reasons": j.Reasons}
	}
	return object{"type": secrets.StrengthCheck, "data": object{"checking_secret_strength": c.CheckingSecretStrength, "results": results}}, nil
}

func configAnswer(c secrets.CheckerConfig, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (f *floorOps) checkerConfig(r *http.Request) (any, error) {
	return configAnswer(f.svc.CheckerConfig(r.PathValue("project_id")))
}

func (f *floorOps) setCheckerConfig(r *http.Request) (any, error) {
	var in struct {
		CheckingSecretStrength *bool `json:"checking_secret_strength"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return configAnswer(f.svc.SetCheckerConfig(r.PathValue("project_id"), in.CheckingSecretStrength))
}

func (f *floorOps) templates(r *http.Request) (any, error) {
	q := r.URL.Query()
	t, err := account.Template(q.Get("secret_type"), q.Get("secret_sub_type"), q.Get("engine"))
	if err != nil {
		return nil, err
	}
	return object{"function_templates": t}, nil
}

func (f *floorOps) createAgencies(r *http.Request) (any, error) {
	var in struct {
		SecretType string `json:"secret_type"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	agencies, err := f.account.CreateAgencies(in.SecretType)
	if err != nil {
		return nil, err
	}
	list := make([]object, len(agencies))
	for i, a := range agencies {
		list[i] = object{"agency_name": a.Name, "agency_id": a.ID}
		if a.Existed {
			list[i]["error_msg"] = "The agency already exists."
		}
	}
	return object{"agencies": list}, nil
}

func (f *floorOps) agencyGranted(r *http.Request) (any, error) {
	granted, err := f.account.Granted(r.URL.Query().Get("secret_type"))
	if err != nil {
		return nil, err
	}
	return object{"agency_granted": strconv.FormatBool(granted)}, nil
}

// userAnswer is what the mock answers of a user, disabled as given.
func userAnswer(u auth.UserInfo, domain auth.Domain, disabled any) object {
	out := object{"user_id": u.ID, "user_name": u.Name, "name": u.Name, "pwd_must_modify": false, "locked": "false",
		"disabled": disabled, "org_id": domain.ID, "user_org_relation_list": []object{{"org_id": domain.ID, "relation_type": "0"}}}
	if !u.PasswordChangedAt.IsZero() {
		at := u.PasswordChangedAt.UTC().Format("2006-01-02 15:04:05.000")
		out["pwd_change_at"], out["updated_at"] = at, at
	}
	return out
}

func (f *floorOps) users(r *http.Request) (any, error) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	users, err := f.auth.Users()
	if err != nil {
		return nil, err
	}
	domain := f.auth.Domain()
	var matched []auth.UserInfo
	if org := q.Get("org_id"); org == "" || org == domain.ID {
		for _, u := range users {
			if strings.Contains(u.Name, q.Get("user_info")) {
				matched = append(matched, u)
			}
		}
	}
	// offset is the page's number, from 0.
	from := min(offset*limit, len(matched))
	page := []object{}
	for _, u := range matched[from:min(from+limit, len(matched))] {
		page = append(page, userAnswer(u, domain, "false"))
	}
	return object{"total": len(matched), "users": page}, nil
}

func (f *floorOps) user(r *http.Request) (any, error) {
	u, err := f.auth.UserByID(r.PathValue("user_id"))
	if err != nil {
		return nil, err
	}
	domain := f.auth.Domain()
	out := userAnswer(u, domain, false)
	out["domain_id"] = domain.ID
	return out, nil
}

// changePassword changes the caller's password: the floor checks no credential, and its
// token (token) is the user's ID, which names the caller.
func (f *floorOps) changePassword(r *http.Request) (any, error) {
	var in struct {
		Password    string `json:"password"`
		OldPassword string `json:"old_password"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	u, err := f.auth.ChangePassword(auth.Principal{UserID: r.Header.Get("X-Auth-Token")}, in.OldPassword, in.Password)
	if err != nil {
		return nil, err
	}
	return object{"user_id": u.ID}, nil
}

// token stands in for IAM while the benchmark seeds UpdateUserPassword: it checks nothing and
// answers as the token the user's ID, which is all changePassword needs to know its caller.
func (f *floorOps) token(w http.ResponseWriter, r *http.Request) {
	var in iamapi.TokenRequest
	if err := decode(r, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	u := in.Auth.Identity.Password.User
	domain := ""
	if u.Domain.Name != nil {
		domain = *u.Domain.Name
	}
	w.Header().Set("X-Subject-Token", auth.UserID(u.Name, domain))
	w.WriteHeader(http.StatusCreated)
}
