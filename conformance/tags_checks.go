package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Vendor sources of the tags checks.
const (
	srcTags = "the CreateSecretTag page (2025 edition): a secret holds at most 20 tags, one value per key; the tag " +
		"operations address a secret by its id; 204 on success"
	srcTagKey = "the CreateSecretTag page (2025 edition): a key matches ^((?!\\s)(?!_sys_)[\\p{L}\\p{Z}\\p{N}_.:=+\\-@]*)(?<!\\s)$, " +
		"1 to 128 characters: no white space at either end, no _sys_ prefix"
	srcDeleteTag = "the DeleteSecretTag page: 204 on success, and the tag is gone"
	srcBatch     = "the BatchCreateOrDeleteTags page and definitions: create adds or re-values every tag listed, delete " +
		"removes every key listed (only where the value matches, when one is given); a batch past 20 tags changes nothing"
	srcProjectTags      = "the ListProjectSecretsTags page: every tag key of the project's secrets with its values"
	srcResourceInstance = "the ListResourceInstances page and SDK model: filter answers the secrets that have every listed " +
		"tag (one of its values, when values are listed; an empty list matches any value) and whose name contains the " +
		"resource_name match, with their tags and total_count; count answers total_count"
)

// maxTags is how many tags a secret holds.
const maxTags = 20

// tagged is a secret the suite made with tags, and the tags it wrote.
type tagged struct {
	name, id string
	tags     map[string]string
}

// newTagged creates a secret and gives it the tags one by one.
func (c *check) newTagged(purpose string, tags map[string]string) *tagged {
	w := c.newWritten(purpose)
	if w.id == "" {
		c.fatalOn(w.created, "CreateSecret's answer names no secret.id, which the tag operations address a secret by")
	}
	t := &tagged{name: w.name, id: w.id, tags: tags}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if ex := c.tag(t.id, k, tags[k]); !is2xx(ex) {
			c.fatalOn(ex, "cannot tag the suite's secret: want 204")
		}
	}
	return t
}

// batchTagged creates a secret and gives it the tags in one BatchCreateOrDeleteTags.
func (c *check) batchTagged(purpose string, tags map[string]string) *tagged {
	t := c.newTagged(purpose, map[string]string{})
	t.tags = tags
	if ex := c.batchTags(t.id, "create", tags); !is2xx(ex) {
		c.fatalOn(ex, "want 204 from a batch that creates %d tags, no more than the 20 allowed", len(tags))
	}
	return t
}

// expectTags blames a secret whose tags are not want.
func (c *check) expectTags(id string, want map[string]string, why string) {
	if got := c.tagsOf(id); !maps.Equal(got, want) {
		c.errorf("ListSecretTags gives the tags %s, not %s: %s", describeTags(got), describeTags(want), why)
	}
}

// manyTags returns n tags with keys unique to the run.
func manyTags(n int) map[string]string {
	out := map[string]string{}
	prefix := namePrefix + randomHex(3) + "-"
	for i := range n {
		out[fmt.Sprintf("%s%02d", prefix, i)] = fmt.Sprintf("value-%02d", i)
	}
	return out
}

// resourceFields is one ResourceInstance as ListResourceInstances answers it.
type resourceFields struct {
	ID   string `json:"resource_id"`
	Name string `json:"resource_name"`
	Tags []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"tags"`
}

// resources sends ListResourceInstances and returns the resources and total_count.
func (c *check) resources(body map[string]any) ([]resourceFields, int, *exchange) {
	ex := c.ok(opListResourceInstances, http.MethodPost, csmsPath(c.s.projectID(), "resource_instances", "action"), body)
	var out struct {
		Resources []resourceFields `json:"resources"`
		Total     *int             `json:"total_count"`
	}
	c.decode(ex, &out)
	if out.Total == nil {
		c.fatalOn(ex, "the answer has no total_count")
	}
	return out.Resources, *out.Total, ex
}

// tagsChecks: tags by secret id hold what was written, within the documented limits; the
// project's tags and the resource filters find the suite's tagged secrets.
func (s *suite) tagsChecks() {
	var a, b *tagged
	var key string
	s.setup(func(c *check) {
		key = namePrefix + "tier-" + randomHex(3)
		a = c.newTagged("tagged-a", map[string]string{key: "gold"})
		b = c.newTagged("tagged-b", map[string]string{key: "silver"})
	})
	s.must("CreateSecretTag answers 204, and ListSecretTags lists the tag with the value written", ProfileTags, srcTags,
		ops(opCreateSecretTag, opListSecretTags), func(c *check) {
			t := c.newTagged("tag", map[string]string{namePrefix + "team": "payments"})
			defer c.deleteSecret(t.name)
			c.expectTags(t.id, t.tags, "the tag was written")
		})
	s.must("CreateSecretTag on a key the secret has replaces its value", ProfileTags, srcTags,
		ops(opCreateSecretTag, opListSecretTags), func(c *check) {
			t := c.newTagged("retag", map[string]string{namePrefix + "team": "payments", namePrefix + "env": "prod"})
			defer c.deleteSecret(t.name)
			if ex := c.tag(t.id, namePrefix+"team", "search"); !is2xx(ex) {
				c.fatalOn(ex, "want 204: a key the secret has gets the new value")
			}
			t.tags[namePrefix+"team"] = "search"
			c.expectTags(t.id, t.tags, "one value per key, the last written")
		})
	s.must("DeleteSecretTag removes the tag and leaves the others", ProfileTags, srcDeleteTag,
		ops(opDeleteSecretTag, opCreateSecretTag, opListSecretTags), func(c *check) {
			t := c.newTagged("untag", map[string]string{namePrefix + "team": "payments", namePrefix + "env": "prod"})
			defer c.deleteSecret(t.name)
			if ex := c.op(opDeleteSecretTag, http.MethodDelete, tagsPath(c.s.projectID(), t.id, namePrefix+"team"), nil); !is2xx(ex) {
				c.blame(ex, "want 204: the secret has the tag")
			}
			delete(t.tags, namePrefix+"team")
			c.expectTags(t.id, t.tags, "the removed tag is gone, the other stays")
		})
	// The contract's reading, as for the tags a batch deletes: no page documents an error for it.
	s.should("DeleteSecretTag of a key the secret lacks is no error", ProfileTags,
		ops(opDeleteSecretTag, opCreateSecretTag, opListSecretTags), func(c *check) {
			t := c.newTagged("untag-absent", map[string]string{namePrefix + "team": "payments"})
			defer c.deleteSecret(t.name)
			if ex := c.op(opDeleteSecretTag, http.MethodDelete, tagsPath(c.s.projectID(), t.id, namePrefix+"absent"), nil); !is2xx(ex) {
				c.blame(ex, "want 204: removing a key the secret lacks changes nothing")
			}
			c.expectTags(t.id, t.tags, "the secret's own tag stays")
		})
	s.must("CreateSecretTag refuses a 21st tag with 400, and the secret keeps its 20", ProfileTags, srcTags,
		ops(opCreateSecretTag, opBatchCreateOrDeleteTags, opListSecretTags), func(c *check) {
			t := c.batchTagged("full", manyTags(maxTags))
			defer c.deleteSecret(t.name)
			if ex := c.tag(t.id, namePrefix+"one-too-many", "x"); ex.status != http.StatusBadRequest {
				c.blame(ex, "want 400: the secret holds 20 tags, the most it may")
			}
			c.expectTags(t.id, t.tags, "the 21st tag was refused")
		})
	s.must("BatchCreateOrDeleteTags creates every tag listed, and deletes every key listed where the value matches", ProfileTags, srcBatch,
		ops(opBatchCreateOrDeleteTags, opListSecretTags), func(c *check) {
			k := func(s string) string { return namePrefix + s }
			t := c.batchTagged("batch", map[string]string{k("a"): "1", k("b"): "2", k("c"): "3"})
			defer c.deleteSecret(t.name)
			c.expectTags(t.id, t.tags, "the batch created them")
			if ex := c.batchDelete(t.id, map[string]*string{k("a"): nil, k("b"): ptr("not-its-value")}); !is2xx(ex) {
				c.fatalOn(ex, "want 204 from a batch that deletes")
			}
			delete(t.tags, k("a"))
			c.expectTags(t.id, t.tags, "a key listed without a value is deleted; one listed with another value than its own is not")
		})
	s.must("BatchCreateOrDeleteTags changes nothing when the batch would leave more than 20 tags", ProfileTags, srcBatch,
		ops(opBatchCreateOrDeleteTags, opListSecretTags), func(c *check) {
			t := c.batchTagged("all-or-nothing", manyTags(maxTags-1))
			defer c.deleteSecret(t.name)
			if ex := c.batchTags(t.id, "create", manyTags(2)); ex.status != http.StatusBadRequest {
				c.blame(ex, "want 400: the batch would leave 21 tags")
			}
			c.expectTags(t.id, t.tags, "a refused batch changes nothing")
		})
	s.must("CreateSecretTag refuses a key that starts with _sys_ or with white space with 400", ProfileTags, srcTagKey,
		ops(opCreateSecretTag, opListSecretTags), func(c *check) {
			t := c.newTagged("sys", map[string]string{})
			defer c.deleteSecret(t.name)
			for _, key := range []string{"_sys_" + namePrefix + "key", " " + namePrefix + "key"} {
				if ex := c.tag(t.id, key, "x"); ex.status != http.StatusBadRequest {
					c.blame(ex, "want 400: the key %q breaks the documented rule", key)
				}
			}
			c.expectTags(t.id, map[string]string{}, "both keys were refused")
		})
	s.must("ListProjectSecretsTags names each key the suite tagged with every value it was given", ProfileTags, srcProjectTags,
		ops(opListProjectSecretsTags), func(c *check) {
			ex := c.ok(opListProjectSecretsTags, http.MethodGet, csmsPath(c.s.projectID(), "tags"), nil)
			var body struct {
				Tags []struct {
					Key    string   `json:"key"`
					Values []string `json:"values"`
				} `json:"tags"`
			}
			c.decode(ex, &body)
			i := slices.IndexFunc(body.Tags, func(t struct {
				Key    string   `json:"key"`
				Values []string `json:"values"`
			}) bool {
				return t.Key == key
			})
			if i < 0 {
				c.fatalOn(ex, "the key %s, on two of the suite's secrets, is not listed", key)
			}
			for _, v := range []string{a.tags[key], b.tags[key]} {
				if !slices.Contains(body.Tags[i].Values, v) {
					c.blame(ex, "the key %s is listed with the values %v, without %q", key, body.Tags[i].Values, v)
				}
			}
		})
	s.must("ListResourceInstances filters by tag key and value, answering the secrets with their ids, names and tags", ProfileTags,
		srcResourceInstance, ops(opListResourceInstances), func(c *check) {
			res, total, ex := c.resources(map[string]any{"action": "filter", "tags": []any{map[string]any{"key": key, "values": []string{"gold"}}}})
			c.expectResources(ex, res, total, a)
			res, total, ex = c.resources(map[string]any{"action": "filter", "tags": []any{map[string]any{"key": key, "values": []string{}}}})
			c.expectResources(ex, res, total, a, b)
		})
	s.must("ListResourceInstances counts what it filters", ProfileTags, srcResourceInstance, ops(opListResourceInstances), func(c *check) {
		for _, values := range [][]string{{}, {"silver"}} {
			filter := []any{map[string]any{"key": key, "values": values}}
			_, want, _ := c.resources(map[string]any{"action": "filter", "tags": filter})
			if _, got, ex := c.resources(map[string]any{"action": "count", "tags": filter}); got != want {
				c.blame(ex, "count answers total_count %d, filter %d, for the same tags", got, want)
			}
		}
	})
	s.must("ListResourceInstances matches resource_name", ProfileTags, srcResourceInstance, ops(opListResourceInstances), func(c *check) {
		res, total, ex := c.resources(map[string]any{"action": "filter",
			"tags":    []any{map[string]any{"key": key, "values": []string{}}},
			"matches": []any{map[string]string{"key": "resource_name", "value": strings.TrimPrefix(b.name, namePrefix)}}})
		c.expectResources(ex, res, total, b)
	})
	s.must("the tag operations answer an unknown secret id with 404 or the documented 400 CSMS.0106 or CSMS.0005", ProfileTags, srcUnknown,
		ops(opListSecretTags, opCreateSecretTag, opDeleteSecretTag, opBatchCreateOrDeleteTags), func(c *check) {
			c.tagsOf(a.id)
			probe := namePrefix + "probe"
			c.ok(opCreateSecretTag, http.MethodPost, tagsPath(c.s.projectID(), a.id), map[string]any{"tag": map[string]string{"key": probe, "value": "x"}})
			c.ok(opDeleteSecretTag, http.MethodDelete, tagsPath(c.s.projectID(), a.id, probe), nil)
			for _, action := range []string{"create", "delete"} {
				c.ok(opBatchCreateOrDeleteTags, http.MethodPost, tagsPath(c.s.projectID(), a.id, "action"),
					map[string]any{"action": action, "tags": []any{map[string]string{"key": probe, "value": "x"}}})
			}
			absent := namePrefix + "no-such-secret-" + randomHex(4)
			for _, cl := range []call{
				{what: "ListSecretTags of an unknown secret id", method: http.MethodGet, path: tagsPath(c.s.projectID(), absent)},
				{what: "CreateSecretTag of an unknown secret id", method: http.MethodPost, path: tagsPath(c.s.projectID(), absent),
					body: map[string]any{"tag": map[string]string{"key": probe, "value": "x"}}},
				{what: "BatchCreateOrDeleteTags of an unknown secret id", method: http.MethodPost, path: tagsPath(c.s.projectID(), absent, "action"),
					body: map[string]any{"action": "create", "tags": []any{map[string]string{"key": probe, "value": "x"}}}},
				{what: "DeleteSecretTag of an unknown secret id", method: http.MethodDelete, path: tagsPath(c.s.projectID(), absent, probe)},
			} {
				cl.creds = c.s.creds()
				if ex := c.mustAnswer(cl); !isUnknownSecret(ex) && !isUnknownResource(ex) {
					c.blame(ex, "want 404 or the documented 400 CSMS.0106 or CSMS.0005: there is no secret of that id")
				}
			}
		})
	s.sweepChecks(ops(opCreateSecret, opListSecretTags, opCreateSecretTag, opDeleteSecretTag, opBatchCreateOrDeleteTags,
		opListProjectSecretsTags, opListResourceInstances, opDeleteSecret))
}

// batchDelete sends BatchCreateOrDeleteTags deleting the keys, with a value where one is given.
func (c *check) batchDelete(secretID string, keys map[string]*string) *exchange {
	var list []map[string]string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		t := map[string]string{"key": k}
		if v := keys[k]; v != nil {
			t["value"] = *v
		}
		list = append(list, t)
	}
	return c.op(opBatchCreateOrDeleteTags, http.MethodPost, tagsPath(c.s.projectID(), secretID, "action"),
		map[string]any{"action": "delete", "tags": list})
}

func ptr[T any](v T) *T { return &v }

// expectResources blames a filter answer that is not exactly the secrets want, each with its
// id, name and tags, and a total_count of them.
func (c *check) expectResources(ex *exchange, res []resourceFields, total int, want ...*tagged) {
	var got, names []string
	for _, r := range res {
		got = append(got, r.Name)
		i := slices.IndexFunc(want, func(t *tagged) bool { return t.name == r.Name })
		if i < 0 {
			continue
		}
		tags := map[string]string{}
		for _, t := range r.Tags {
			tags[t.Key] = t.Value
		}
		if r.ID != want[i].id || !maps.Equal(tags, want[i].tags) {
			c.blame(ex, "%s is answered with id %q and tags %s, not %s and %s", r.Name, r.ID, describeTags(tags), want[i].id, describeTags(want[i].tags))
		}
	}
	for _, t := range want {
		names = append(names, t.name)
	}
	slices.Sort(got)
	slices.Sort(names)
	if !slices.Equal(got, names) || total != len(want) {
		b, _ := json.Marshal(got)
		c.blame(ex, "the filter answers %s with total_count %d, not %v with %d", b, total, names, len(want))
	}
}
