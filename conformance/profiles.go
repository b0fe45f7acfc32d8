package conformance

import (
	"fmt"
	"slices"
	"strings"
)

// Profiles group the checks by what a service claims to offer: a vendor selects the profiles
// its service has with a label filter and names those it must pass with Config.Require. A
// check whose operation the target lacks is "not supported"; it fails the run only when its
// profile is required.
const (
	ProfileBackup   = "backup"
	ProfileRestore  = "restore"
	ProfileSecrets  = "secrets"
	ProfileVersions = "versions"
	ProfileStages   = "stages"
	ProfileListing  = "listing"
	ProfileDeletion = "deletion"
	ProfileTags     = "tags"
	ProfilePassword = "password"
	ProfileAccount  = "account"
	ProfileGrants   = "grants"
	ProfileImport   = "import"
	ProfileChecker  = "checker"
	ProfileRotation = "rotation"
	ProfileEvents   = "events"
)

// profiles lists every profile in the order the suite runs them, with what each covers.
var profiles = []struct{ name, covers string }{
	{ProfileBackup, "DownloadSecretBlob: authentication, error answers, input validation, the blob"},
	{ProfileRestore, "UploadSecretBlob: the backup, delete and restore round trip"},
	{ProfileSecrets, "CreateSecret, ShowSecret, UpdateSecret, DeleteSecret: names, values, quota and refusals"},
	{ProfileVersions, "CreateSecretVersion, ShowSecretVersion, ListSecretVersions, UpdateVersion: values, stages, retention"},
	{ProfileStages, "ShowSecretStage, UpdateSecretStage, DeleteSecretStage"},
	{ProfileListing, "ListSecrets: paging with limit and marker"},
	{ProfileDeletion, "DeleteSecretForSchedule, RestoreSecret: scheduled deletion and its cancellation"},
	{ProfileTags, "the tag operations, ListProjectSecretsTags and ListResourceInstances"},
	{ProfilePassword, "GenerateRandomPassword"},
	{ProfileAccount, "ShowSecretFunctionTemplates, CreateAgency, ShowAgency, ListUsers, ShowUserDetail, UpdateUserPassword: the operations on the account"},
	{ProfileGrants, "CreateGrants, ListGrants, UpdateGrant, DeleteGrant"},
	{ProfileImport, "BatchImportSecrets: real secrets, a failure the failing secret's alone"},
	{ProfileChecker, "CheckSecrets, ShowSecretsConfig, UpdateSecretsConfig"},
	{ProfileRotation, "RotateSecret, ListSecretTask: rotation of a database secret and its tasks"},
	{ProfileEvents, "the event operations and ListNotificationRecords: events kept, refused and deleted as documented, and the records a subscribed secret leaves"},
}

// Profiles returns the names of every profile.
func Profiles() []string {
	out := make([]string, len(profiles))
	for i, p := range profiles {
		out[i] = p.name
	}
	return out
}

// DefaultRequire is the profile a run requires unless told otherwise: the backup operation
// the suite was written for.
var DefaultRequire = []string{ProfileBackup}

// parseProfiles reads a comma-separated list of profile names.
func parseProfiles(v string) ([]string, error) {
	var out []string
	for p := range strings.SplitSeq(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(Profiles(), p) {
			return nil, fmt.Errorf("unknown profile %q: want some of %s", p, strings.Join(Profiles(), ", "))
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// required reports whether the run requires the profile.
func (s *suite) required(profile string) bool { return slices.Contains(s.cfg.Require, profile) }

// The operations of the contract, by their operationId in openapi/csms.yaml.
const (
	opCreateSecret            = "CreateSecret"
	opListSecrets             = "ListSecrets"
	opUploadSecretBlob        = "UploadSecretBlob"
	opShowSecret              = "ShowSecret"
	opUpdateSecret            = "UpdateSecret"
	opDeleteSecret            = "DeleteSecret"
	opDownloadSecretBlob      = "DownloadSecretBlob"
	opCreateSecretVersion     = "CreateSecretVersion"
	opListSecretVersions      = "ListSecretVersions"
	opShowSecretVersion       = "ShowSecretVersion"
	opUpdateVersion           = "UpdateVersion"
	opShowSecretStage         = "ShowSecretStage"
	opUpdateSecretStage       = "UpdateSecretStage"
	opDeleteSecretStage       = "DeleteSecretStage"
	opDeleteSecretForSchedule = "DeleteSecretForSchedule"
	opRestoreSecret           = "RestoreSecret"
	opListSecretTags          = "ListSecretTags"
	opCreateSecretTag         = "CreateSecretTag"
	opDeleteSecretTag         = "DeleteSecretTag"
	opBatchCreateOrDeleteTags = "BatchCreateOrDeleteTags"
	opListProjectSecretsTags  = "ListProjectSecretsTags"
	opListResourceInstances   = "ListResourceInstances"
	opGenerateRandomPassword  = "GenerateRandomPassword"
	opCreateGrants            = "CreateGrants"
	opListGrants              = "ListGrants"
	opUpdateGrant             = "UpdateGrant"
	opDeleteGrant             = "DeleteGrant"
	opBatchImportSecrets      = "BatchImportSecrets"
	opCheckSecrets            = "CheckSecrets"
	opShowSecretsConfig       = "ShowSecretsConfig"
	opUpdateSecretsConfig     = "UpdateSecretsConfig"
	opRotateSecret            = "RotateSecret"
	opListSecretTask          = "ListSecretTask"
	opCreateSecretEvent       = "CreateSecretEvent"
	opListSecretEvents        = "ListSecretEvents"
	opShowSecretEvent         = "ShowSecretEvent"
	opUpdateSecretEvent       = "UpdateSecretEvent"
	opDeleteSecretEvent       = "DeleteSecretEvent"
	opListNotificationRecords = "ListNotificationRecords"
)

// ops lists the operations a check exercises, for its declaration.
func ops(names ...string) []string { return names }
