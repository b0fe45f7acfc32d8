// Command csmsapp is an application written the way the vendor's samples and most
// integrations write one: the CSMS client is built with WithRegion and AK/SK credentials
// without a project ID, and nothing in the code says where the service is. It reads its
// access key from CLOUD_SDK_AK and CLOUD_SDK_SK, as the samples do; everything else (the
// region's endpoint, the IAM endpoint, the certificates to trust) comes from the SDK's own
// environment variables, so it runs unchanged against the real service or against csmsmock.
//
//	csmsapp lifecycle   create, add a version, list versions, read, back up, delete, restore, read back
//	csmsapp paging N    create N secrets, then list them in pages of 100 in two ways
//
// It prints one line per step and exits 1 when the service answers something unexpected.
// The same source is built against each SDK version the interop tests cover.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	csms "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
	region "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/region"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: csmsapp lifecycle | paging N")
		os.Exit(2)
	}
	auth := basic.NewCredentialsBuilder().
		WithAk(os.Getenv("CLOUD_SDK_AK")).
		WithSk(os.Getenv("CLOUD_SDK_SK")).
		Build()
	client := csms.NewCsmsClient(
		csms.CsmsClientBuilder().
			WithRegion(region.ValueOf("cn-north-4")).
			WithCredential(auth).
			Build())
	fmt.Println("client: built for cn-north-4")

	var err error
	switch os.Args[1] {
	case "lifecycle":
		err = lifecycle(client)
	case "paging":
		n, convErr := strconv.Atoi(os.Args[len(os.Args)-1])
		if convErr != nil {
			fmt.Fprintln(os.Stderr, "usage: csmsapp paging N")
			os.Exit(2)
		}
		err = paging(client, n)
	default:
		fmt.Fprintln(os.Stderr, "usage: csmsapp lifecycle | paging N")
		os.Exit(2)
	}
	if err != nil {
		fmt.Println("FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("done")
}

const name = "app-db-password"

func lifecycle(c *csms.CsmsClient) error {
	v1, v2 := "first-s3cr3t", "second-s3cr3t"
	created, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{Name: name, SecretString: &v1}})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Println("create:", str(created.Secret.Name), str(created.Secret.State))

	if _, err := c.CreateSecretVersion(&model.CreateSecretVersionRequest{SecretName: name,
		Body: &model.CreateSecretVersionRequestBody{SecretString: &v2}}); err != nil {
		return fmt.Errorf("new version: %w", err)
	}
	versions, err := c.ListSecretVersions(&model.ListSecretVersionsRequest{SecretName: name})
	if err != nil {
		return fmt.Errorf("versions: %w", err)
	}
	var seen []string
	for _, v := range *versions.VersionMetadatas {
		stages := ""
		if v.VersionStages != nil {
			stages = strings.Join(*v.VersionStages, "+")
		}
		seen = append(seen, str(v.Id)+"="+stages)
	}
	fmt.Println("versions:", strings.Join(seen, " "))

	current, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: name, VersionId: "latest"})
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if got := str(current.Version.SecretString); got != v2 {
		return fmt.Errorf("read: the current value is %q, want %q", got, v2)
	}
	fmt.Println("read: latest is", str(current.Version.VersionMetadata.Id))

	backup, err := c.DownloadSecretBlob(&model.DownloadSecretBlobRequest{SecretName: name})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	blob := str(backup.SecretBlob)
	fmt.Println("backup:", len(blob), "characters")

	if _, err := c.DeleteSecret(&model.DeleteSecretRequest{SecretName: name}); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	fmt.Println("delete: done")
	// An application reading a secret that is gone sees the service's error.
	_, err = c.ShowSecret(&model.ShowSecretRequest{SecretName: name})
	fmt.Println("read deleted:", err)
	if err == nil {
		return fmt.Errorf("read deleted: the secret is still there")
	}

	restored, err := c.UploadSecretBlob(&model.UploadSecretBlobRequest{Body: &model.UploadSecretBlobRequestBody{SecretBlob: blob}})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Println("restore:", str(restored.Secret.Name))
	for id, want := range map[string]string{"v1": v1, "v2": v2} {
		got, err := c.ShowSecretVersion(&model.ShowSecretVersionRequest{SecretName: name, VersionId: id})
		if err != nil {
			return fmt.Errorf("read %s after restore: %w", id, err)
		}
		if str(got.Version.SecretString) != want {
			return fmt.Errorf("read %s after restore: %q, want %q", id, str(got.Version.SecretString), want)
		}
	}
	fmt.Println("read restored: v1 and v2 as written")
	return nil
}

// maxPages bounds both loops: a service that never ends a listing fails the run instead of
// hanging it.
const maxPages = 50

func paging(c *csms.CsmsClient, n int) error {
	for i := range n {
		v := "value-" + strconv.Itoa(i)
		if _, err := c.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
			Name: fmt.Sprintf("app-paged-%04d", i), SecretString: &v}}); err != nil {
			return fmt.Errorf("create %d: %w", i, err)
		}
	}
	fmt.Println("created:", n)
	limit := "100"

	// As most clients loop: while the page names a next marker.
	names, pages := map[string]bool{}, 0
	req := &model.ListSecretsRequest{Limit: &limit}
	for ; pages < maxPages; pages++ {
		page, err := c.ListSecrets(req)
		if err != nil {
			return fmt.Errorf("list (while next_marker): %w", err)
		}
		for _, s := range *page.Secrets {
			names[str(s.Name)] = true
		}
		if page.PageInfo == nil || page.PageInfo.NextMarker == nil {
			pages++
			break
		}
		req = &model.ListSecretsRequest{Limit: &limit, Marker: page.PageInfo.NextMarker}
	}
	fmt.Printf("list while next_marker: %d secrets in %d pages\n", len(names), pages)

	// As the documentation says: until a page holds fewer than limit.
	names2, pages2 := map[string]bool{}, 0
	var marker *string
	for ; pages2 < maxPages; pages2++ {
		page, err := c.ListSecrets(&model.ListSecretsRequest{Limit: &limit, Marker: marker})
		if err != nil {
			return fmt.Errorf("list (until current_count < limit): %w", err)
		}
		for _, s := range *page.Secrets {
			names2[str(s.Name)] = true
		}
		if page.PageInfo == nil || page.PageInfo.CurrentCount == nil || *page.PageInfo.CurrentCount < 100 {
			pages2++
			break
		}
		marker = page.PageInfo.NextMarker
	}
	fmt.Printf("list until current_count < limit: %d secrets in %d pages\n", len(names2), pages2)
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
