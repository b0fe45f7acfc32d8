package secrets_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/csmskit/csmskit/mock/secrets"
)

func TestTags(t *testing.T) {
	svc, _ := newService(t, 0)
	a := mustCreate(t, svc, "a", "v")
	b := mustCreate(t, svc, "b", "v")
	if err := svc.SetTags(project, a.ID, secrets.Tag{Key: "team", Value: "pay"}, secrets.Tag{Key: "env", Value: "prod"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetTags(project, b.ID, secrets.Tag{Key: "team", Value: "search"}); err != nil {
		t.Fatal(err)
	}
	tags, err := svc.Tags(project, a.ID)
	if err != nil || len(tags) != 2 || tags[0] != (secrets.Tag{Key: "env", Value: "prod"}) {
		t.Fatalf("tags of a: %v, %v", tags, err)
	}
	all, _ := svc.ProjectTags(project)
	if !slices.Equal(all["team"], []string{"pay", "search"}) {
		t.Fatalf("project tags: %v", all)
	}
	found, total, _ := svc.Find(project, secrets.TagFilter{Tags: map[string][]string{"team": {"pay", "x"}}}, 0, 10)
	if total != 1 || len(found) != 1 || found[0].Name != "a" {
		t.Fatalf("find team=pay: %d, %v", total, found)
	}
	_, total, _ = svc.Find(project, secrets.TagFilter{Tags: map[string][]string{"team": nil}}, 0, 0)
	if total != 2 {
		t.Fatalf("count team=*: %d", total)
	}
	wantKind(t, svc.SetTags(project, a.ID, secrets.Tag{Key: "_sys_x"}), secrets.TagNotAllowed)
	wantKind(t, svc.SetTags(project, a.ID, secrets.Tag{Key: " lead"}), secrets.TagNotAllowed)
	many := make([]secrets.Tag, 19)
	for i := range many {
		many[i] = secrets.Tag{Key: fmt.Sprintf("k%d", i)}
	}
	wantKind(t, svc.SetTags(project, a.ID, many...), secrets.TooManyTags) // 2 + 19 > 20
	if tags, _ := svc.Tags(project, a.ID); len(tags) != 2 {
		t.Fatalf("a refused batch changed the tags: %v", tags)
	}
	if err := svc.DeleteTags(project, a.ID, secrets.Tag{Key: "env", Value: "dev"}); err != nil {
		t.Fatal(err)
	}
	if tags, _ := svc.Tags(project, a.ID); len(tags) != 2 {
		t.Fatal("a delete naming another value removed the tag")
	}
	if err := svc.DeleteTagKey(project, a.ID, "env"); err != nil {
		t.Fatal(err)
	}
	if tags, _ := svc.Tags(project, a.ID); len(tags) != 1 {
		t.Fatalf("after delete: %v", tags)
	}
	// Tags travel with a backup; ids address the secret until it is deleted.
	blob, err := svc.Backup(project, "a")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(project, "a"); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Tags(project, a.ID)
	wantKind(t, err, secrets.NotFound)
	if _, err := svc.Restore(project, blob); err != nil {
		t.Fatal(err)
	}
	if tags, err := svc.Tags(project, a.ID); err != nil || len(tags) != 1 || tags[0].Key != "team" {
		t.Fatalf("restored tags: %v, %v", tags, err)
	}
}
