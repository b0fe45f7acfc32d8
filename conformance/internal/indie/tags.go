package indie

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The tag rules of the 2025 reference pages.
const (
	maxTags          = 20
	maxTagKeyChars   = 128
	maxTagValueChars = 255
	sysPrefix        = "_sys_"
)

var (
	tagKeyPattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:=+\-@]+$`)
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	offsetPattern   = regexp.MustCompile(`^[0-9]{1,9}$`)
)

// validTag reports whether a tag follows the pages' rules: the key's characters and length,
// no white space at either end and no _sys_ prefix; the value's characters and length.
func validTag(t tag) bool {
	k := t.Key
	return tagKeyPattern.MatchString(k) && utf8.RuneCountInString(k) <= maxTagKeyChars &&
		!strings.HasPrefix(k, sysPrefix) && !startsOrEndsWithSpace(k) &&
		tagValuePattern.MatchString(t.Value) && utf8.RuneCountInString(t.Value) <= maxTagValueChars
}

func startsOrEndsWithSpace(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(first) || unicode.IsSpace(last)
}

// setTag adds a tag or changes the value of the key the secret has.
func (sec *secret) setTag(t tag) {
	if i := slices.IndexFunc(sec.tags, func(x tag) bool { return x.Key == t.Key }); i >= 0 {
		sec.tags[i].Value = t.Value
		return
	}
	sec.tags = append(sec.tags, t)
}

func tagsJSON(tags []tag) []map[string]string {
	out := []map[string]string{}
	for _, t := range tags {
		out = append(out, map[string]string{"key": t.Key, "value": t.Value})
	}
	return out
}

func (s *Server) listTags(w http.ResponseWriter, _ *request, sec *secret) {
	tags := sec.tags
	if s.defect == DefectTagsCapped10 {
		tags = tags[:min(10, len(tags))]
	}
	s.json(w, http.StatusOK, map[string]any{"tags": tagsJSON(tags), "sys_tags": []any{}})
}

func (s *Server) createTag(w http.ResponseWriter, q *request, sec *secret) {
	var req struct {
		Tag *tag `json:"tag"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	switch {
	case req.Tag == nil:
		s.invalid(w, "The body has no tag.")
		return
	case !validTag(*req.Tag) && !(s.defect == DefectSysKeyAccepted && strings.HasPrefix(req.Tag.Key, sysPrefix)):
		s.invalid(w, "The tag's key or value breaks the rules.")
		return
	case !slices.ContainsFunc(sec.tags, func(x tag) bool { return x.Key == req.Tag.Key }) && len(sec.tags) >= maxTags && s.defect != DefectTwentyFirstTag:
		s.invalid(w, "A secret has at most 20 tags.")
		return
	}
	if s.defect == DefectRetagDuplicates {
		sec.tags = append(sec.tags, *req.Tag)
	} else {
		sec.setTag(*req.Tag)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteTag(w http.ResponseWriter, q *request, sec *secret) {
	has := slices.ContainsFunc(sec.tags, func(t tag) bool { return t.Key == q.params["key"] })
	if !has && s.defect == DefectUntagAbsentFails {
		s.unknownResource(w, "tag")
		return
	}
	sec.tags = slices.DeleteFunc(sec.tags, func(t tag) bool { return t.Key == q.params["key"] })
	w.WriteHeader(http.StatusNoContent)
}

// batchTags adds or removes every tag listed, all or nothing.
func (s *Server) batchTags(w http.ResponseWriter, q *request, sec *secret) {
	var req struct {
		Action string `json:"action"`
		Tags   []struct {
			Key   string  `json:"key"`
			Value *string `json:"value"`
		} `json:"tags"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	if len(req.Tags) == 0 || len(req.Tags) > maxTags || (req.Action != "create" && req.Action != "delete") {
		s.invalid(w, "action is create or delete, with 1 to 20 tags.")
		return
	}
	after := slices.Clone(sec.tags)
	for _, t := range req.Tags {
		value := ""
		if t.Value != nil {
			value = *t.Value
		}
		if req.Action == "delete" {
			after = slices.DeleteFunc(after, func(x tag) bool {
				return x.Key == t.Key && (t.Value == nil || x.Value == value || s.defect == DefectBatchDeleteAnyValue)
			})
			continue
		}
		if !validTag(tag{t.Key, value}) {
			s.invalid(w, "A tag's key or value breaks the rules.")
			return
		}
		c := secret{tags: after}
		c.setTag(tag{t.Key, value})
		after = c.tags
	}
	if len(after) > maxTags {
		if s.defect == DefectBatchPartial {
			sec.tags = after[:maxTags]
		}
		s.invalid(w, "A secret has at most 20 tags; nothing was changed.")
		return
	}
	sec.tags = after
	w.WriteHeader(http.StatusNoContent)
}

// projectTags answers every tag key of the project's secrets with its values.
func (s *Server) projectTags(w http.ResponseWriter, _ *request) {
	values := map[string][]string{}
	for _, sec := range s.secrets {
		for _, t := range sec.tags {
			if !slices.Contains(values[t.Key], t.Value) && (len(values[t.Key]) == 0 || s.defect != DefectProjectTagsOneValue) {
				values[t.Key] = append(values[t.Key], t.Value)
			}
		}
	}
	out := []any{}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		out = append(out, map[string]any{"key": k, "values": slices.Sorted(slices.Values(values[k]))})
	}
	s.json(w, http.StatusOK, map[string]any{"tags": out})
}

// resourceInstances finds the secrets that have every listed tag (with one of its values,
// when values are listed) and whose name contains the resource_name match.
func (s *Server) resourceInstances(w http.ResponseWriter, q *request) {
	var req struct {
		Action string `json:"action"`
		Limit  string `json:"limit"`
		Offset string `json:"offset"`
		Tags   []struct {
			Key    string   `json:"key"`
			Values []string `json:"values"`
		} `json:"tags"`
		Matches []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"matches"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	limit, offset := 10, 0
	switch {
	case req.Action != "filter" && req.Action != "count":
		s.invalid(w, "action is filter or count.")
		return
	case req.Limit != "" && !limitPattern.MatchString(req.Limit), req.Offset != "" && !offsetPattern.MatchString(req.Offset):
		s.invalid(w, "limit is 1 to 1000 and offset a number, both as strings.")
		return
	}
	if req.Limit != "" {
		limit, _ = strconv.Atoi(req.Limit)
	}
	if req.Offset != "" {
		offset, _ = strconv.Atoi(req.Offset)
	}
	var names []string
	for _, name := range slices.Sorted(maps.Keys(s.secrets)) {
		sec := s.secrets[name]
		ok := true
		for _, want := range req.Tags {
			i := slices.IndexFunc(sec.tags, func(t tag) bool { return t.Key == want.Key })
			if i < 0 || len(want.Values) > 0 && !slices.Contains(want.Values, sec.tags[i].Value) && s.defect != DefectFilterIgnoresValues {
				ok = false
			}
		}
		for _, m := range req.Matches {
			if m.Key == "resource_name" && !strings.Contains(name, m.Value) && s.defect != DefectMatchIgnored {
				ok = false
			}
		}
		if ok {
			names = append(names, name)
		}
	}
	if req.Action == "count" {
		total := len(names)
		if s.defect == DefectCountAll {
			total = len(s.secrets)
		}
		s.json(w, http.StatusOK, map[string]any{"total_count": total})
		return
	}
	page := names[min(offset, len(names)):]
	page = page[:min(limit, len(page))]
	resources := []any{}
	for _, name := range page {
		sec := s.secrets[name]
		resources = append(resources, map[string]any{
			"resource_id": sec.id, "resource_name": name, "resource_detail": s.secretJSON(name, sec),
			"tags": tagsJSON(sec.tags), "sys_tags": []any{},
		})
	}
	s.json(w, http.StatusOK, map[string]any{"resources": resources, "total_count": len(names)})
}
