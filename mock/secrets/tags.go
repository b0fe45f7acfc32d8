package secrets

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/csmskit/csmskit/mock/store"
)

// Tag is one tag of a secret.
type Tag struct {
	Key, Value string
}

// sysTagPrefix starts the keys the service keeps for itself.
const sysTagPrefix = "_sys_"

// checkTag applies the parts of the vendor's tag-key rule that the contract's pattern cannot
// say (it must be RE2, without look-arounds): no white space at either end, no _sys_ prefix.
func checkTag(t Tag) error {
	switch {
	case strings.HasPrefix(t.Key, sysTagPrefix):
		return fail(TagNotAllowed, "a tag key may not start with "+sysTagPrefix)
	case strings.TrimFunc(t.Key, unicode.IsSpace) != t.Key:
		return fail(TagNotAllowed, "a tag key may not start or end with white space")
	}
	return nil
}

// Tags returns a secret's tags, by key.
func (s *Service) Tags(project, id string) ([]Tag, error) {
	var tags []Tag
	err := s.store.View(func(tx store.Tx) error {
		sec, err := s.getByID(tx, project, id)
		if err != nil {
			return err
		}
		tags = sortedTags(sec.Tags)
		return nil
	})
	return tags, err
}

// SetTags adds the tags to a secret, replacing the value of a key it has. All or nothing: a
// secret would carry more than maxTags, nothing changes.
func (s *Service) SetTags(project, id string, tags ...Tag) error {
	for _, t := range tags {
		if err := checkTag(t); err != nil {
			return err
		}
	}
	_, err := s.updateByID(project, id, func(sec *Secret) error {
		next := maps.Clone(sec.Tags)
		if next == nil {
			next = map[string]string{}
		}
		for _, t := range tags {
			next[t.Key] = t.Value
		}
		if len(next) > maxTags {
			return fail(TooManyTags, fmt.Sprintf("a secret carries at most %d tags", maxTags))
		}
		sec.Tags = next
		return nil
	})
	return err
}

// DeleteTags removes tags from a secret. A tag given with a value is removed only when it has
// that value; a key the secret lacks is no error.
func (s *Service) DeleteTags(project, id string, tags ...Tag) error {
	_, err := s.updateByID(project, id, func(sec *Secret) error {
		for _, t := range tags {
			if v, ok := sec.Tags[t.Key]; ok && (t.Value == "" || v == t.Value) {
				delete(sec.Tags, t.Key)
			}
		}
		return nil
	})
	return err
}

// DeleteTagKey removes one key from a secret's tags.
func (s *Service) DeleteTagKey(project, id, key string) error {
	return s.DeleteTags(project, id, Tag{Key: key})
}

// ProjectTags returns every tag key of the project's secrets with its values, sorted.
func (s *Service) ProjectTags(project string) (map[string][]string, error) {
	out := map[string][]string{}
	err := s.scan(project, func(sec *Secret) {
		for k, v := range sec.Tags {
			if !slices.Contains(out[k], v) {
				out[k] = append(out[k], v)
			}
		}
	})
	for k := range out {
		slices.Sort(out[k])
	}
	return out, err
}

// TagFilter selects secrets: every key must be there with one of its values (any value when
// none is listed), and NameContains, if set, must be part of the name.
type TagFilter struct {
	Tags         map[string][]string
	NameContains string
}

func (f TagFilter) matches(sec *Secret) bool {
	if f.NameContains != "" && !strings.Contains(sec.Name, f.NameContains) {
		return false
	}
	for key, values := range f.Tags {
		v, ok := sec.Tags[key]
		if !ok || len(values) > 0 && !slices.Contains(values, v) {
			return false
		}
	}
	return true
}

// Find returns the secrets f selects, in name order, limit of them from offset, and how many
// it selects in all. A limit of 0 counts without returning any.
func (s *Service) Find(project string, f TagFilter, offset, limit int) ([]*Secret, int, error) {
	var found []*Secret
	total := 0
	err := s.scan(project, func(sec *Secret) {
		if !f.matches(sec) {
			return
		}
		if total >= offset && len(found) < limit {
			found = append(found, sec)
		}
		total++
	})
	return found, total, err
}

// scan calls fn for every secret of the project that exists, in name order.
func (s *Service) scan(project string, fn func(*Secret)) error {
	page, err := s.List(project, 0, "", "")
	if err != nil {
		return err
	}
	for _, sec := range page.Items {
		fn(sec)
	}
	return nil
}

func sortedTags(m map[string]string) []Tag {
	tags := make([]Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tags = append(tags, Tag{Key: k, Value: m[k]})
	}
	return tags
}

// SortedTags returns a secret's tags in key order.
func (s *Secret) SortedTags() []Tag { return sortedTags(s.Tags) }
