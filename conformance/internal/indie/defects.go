package indie

// Defect is one way the server can be broken on purpose; DefectNone breaks nothing. Exactly
// one is active per server, so that a conformance run shows which check notices which fault.
type Defect string

// The defects, each named after what the server does wrong.
const (
	DefectNone Defect = ""
	// Statuses.
	DefectBackup201        Defect = "backup answered 201"
	DefectUnknownSecret410 Defect = "410 for an unknown secret"
	DefectBadName500       Defect = "500 for a secret_name with a dot"
	DefectLongName200      Defect = "a 65-character secret_name looked up as its first 64"
	DefectUnknownRoute200  Defect = "200 for an unknown route"
	DefectCreate201        Defect = "CreateSecret answered 201"
	DefectBackupAsText     Defect = "backup answered as text/plain"
	// Error bodies.
	DefectErrorsPlainText  Defect = "errors in text/plain"
	DefectNoErrorMsg       Defect = "errors without error_msg"
	DefectShortErrorCode   Defect = "error_code of 7 characters"
	DefectMisshapenCode    Defect = "error_code not shaped like CSMS.0106"
	DefectEchoToken        Defect = "the refused token echoed in error_msg"
	DefectNoRequestID      Defect = "no X-Request-Id"
	DefectNullErrorMessage Defect = "error_msg null"
	// Authentication.
	DefectNoCredentialsOK     Defect = "200 without credentials"
	DefectAnyToken            Defect = "any token accepted"
	DefectAnySignature        Defect = "any signature accepted"
	DefectNoDateWindow        Defect = "X-Sdk-Date not checked"
	DefectBodyUnsigned        Defect = "body left out of the signature"
	DefectPathUnsigned        Defect = "path left out of the signature"
	DefectQueryUnsigned       Defect = "query left out of the signature"
	DefectHeadersUnsigned     Defect = "signed header values left out of the signature"
	DefectOtherProjectOK      Defect = "another project's path allowed"
	DefectMalformedProject500 Defect = "500 for a project_id with a '!'"
	// The blob.
	DefectNoPrefix      Defect = "blob without the prefix"
	DefectTruncatedJWE  Defect = "blob with four JWE segments"
	DefectPaddedJWE     Defect = "blob segments with base64 padding"
	DefectNoKid         Defect = "blob header without kid"
	DefectWrongIV       Defect = "blob with a 12-byte IV for A128CBC-HS256"
	DefectValueInHeader Defect = "the secret's value in the JWE header"
	DefectBase64Value   Defect = "the secret's value in base64 in the JWE header"
	DefectSameBlob      Defect = "the same blob on every call"
	DefectHugeBlob      Defect = "a blob over 5,242,880 characters"
	// Restore and delete.
	DefectRestoreTampered   Defect = "tampered blob restored"
	DefectRestoreOverwrites Defect = "restore onto an existing secret replaces it"
	DefectRestoreNewestOnly Defect = "restore keeps only the newest version"
	DefectRestoreLosesStage Defect = "restore drops the version stages"
	DefectRestoreAnyString  Defect = "any string restored as an empty secret"
	DefectDeleteKeeps       Defect = "DeleteSecret answers 200 and keeps the secret"
	DefectDeleteKeepsVer    Defect = "DeleteSecret leaves the versions readable"
	DefectRestoreForgetsTag Defect = "restore forgets one of the secret's tags"
	// Secrets.
	DefectCreateNoDescription Defect = "CreateSecret answers without the description it keeps"
	DefectNoQuota             Defect = "no quota of 500 secrets"
	DefectNameInUseReplaces   Defect = "CreateSecret on a name in use replaces the secret"
	DefectBothValuesAccepted  Defect = "CreateSecret takes both secret_string and secret_binary"
	DefectBinaryAsString      Defect = "secret_binary answered as secret_string"
	DefectShowSecretValue     Defect = "ShowSecret carries the value"
	DefectUpdateAddsVersion   Defect = "UpdateSecret makes a new version"
	// Listing.
	DefectListRepeats          Defect = "ListSecrets repeats a page's last secret on the next page"
	DefectListNextOnLast       Defect = "ListSecrets names next_marker on the last page"
	DefectListSkips            Defect = "ListSecrets skips the first secret after the marker"
	DefectListLimitUnbounded   Defect = "ListSecrets takes a limit of 1,001"
	DefectListStaleDescription Defect = "ListSecrets shows the description a secret was created with"
	DefectListCountAll         Defect = "ListSecrets counts the project's secrets in current_count"
	DefectEmptyMarkerRefused   Defect = "ListSecrets refuses an empty marker"
	// Versions.
	DefectPreviousOnOldest     Defect = "a new version puts SYSPREVIOUS on the oldest version"
	DefectNoRetention          Defect = "a secret keeps every version"
	DefectRetiresStaged        Defect = "the 21st version retires the oldest, stage or not"
	DefectVersionStagesIgnored Defect = "CreateSecretVersion ignores version_stages"
	DefectAnyVersionCurrent    Defect = "ShowSecretVersion answers any version ID with the current version"
	DefectLatestIsFirst        Defect = "latest answers the first version"
	DefectVersionsNextOnLast   Defect = "ListSecretVersions names next_marker on the last page"
	DefectVersionsNewestFirst  Defect = "ListSecretVersions lists the newest version first"
	DefectVersionsLimitZero    Defect = "ListSecretVersions takes a limit of 0"
	DefectExpireNotKept        Defect = "UpdateVersion answers expire_time but does not keep it"
	DefectUpdateUnknownVersion Defect = "UpdateVersion of an unknown version answers 200"
	// Stages.
	DefectPreviousShowsCurrent  Defect = "ShowSecretStage of SYSPREVIOUS names the current version"
	DefectStageCopied           Defect = "UpdateSecretStage copies a stage, leaving it on the version it left"
	DefectCurrentMoveNoPrevious Defect = "moving SYSCURRENT leaves no SYSPREVIOUS"
	DefectDeleteCurrentStage    Defect = "DeleteSecretStage deletes SYSCURRENT"
	DefectDeleteStageKeeps      Defect = "DeleteSecretStage answers 200 and keeps the stage"
	// Scheduled deletion.
	DefectDueNow          Defect = "scheduled_delete_time is the time of scheduling"
	DefectWindowUnchecked Defect = "a recovery window of 6 or 31 days accepted"
	DefectScheduleTwice   Defect = "a second schedule answered 200"
	DefectPendingReadable Defect = "a secret pending deletion still reads and takes versions"
	DefectPendingBackup   Defect = "a secret pending deletion is backed up"
	DefectCancelKeepsTime Defect = "cancelling keeps scheduled_delete_time"
	DefectCancelAnything  Defect = "RestoreSecret of a secret not pending answers 200"
	// Tags.
	DefectTagsCapped10        Defect = "ListSecretTags lists at most 10 tags"
	DefectTagsUnknownEmpty    Defect = "ListSecretTags of an unknown secret id answers no tags"
	DefectRetagDuplicates     Defect = "CreateSecretTag on a key the secret has adds a second tag"
	DefectTwentyFirstTag      Defect = "a 21st tag accepted"
	DefectSysKeyAccepted      Defect = "a _sys_ tag key accepted"
	DefectUntagAbsentFails    Defect = "DeleteSecretTag of a key the secret lacks answers 404"
	DefectBatchPartial        Defect = "a batch past 20 tags adds what fits"
	DefectBatchDeleteAnyValue Defect = "a batch delete ignores the value"
	DefectProjectTagsOneValue Defect = "ListProjectSecretsTags names one value per key"
	DefectFilterIgnoresValues Defect = "ListResourceInstances filter ignores the values"
	DefectCountAll            Defect = "ListResourceInstances count answers every secret"
	DefectMatchIgnored        Defect = "ListResourceInstances ignores the resource_name match"
	// Passwords.
	DefectDefaultLength16 Defect = "a password of 16 characters by default"
	DefectExcludeIgnored  Defect = "exclude_characters ignored"
	DefectRequireIgnored  Defect = "require_each_included_type ignored"
	DefectLength256       Defect = "a password length of 256 accepted"
	DefectSamePassword    Defect = "the same password every time"
	// The account.
	DefectTemplateEngineOptional Defect = "ShowSecretFunctionTemplates takes RDS-FG without an engine"
	DefectTemplateSame           Defect = "one function template for every secret type"
	DefectAgencyNotGranted       Defect = "ShowAgency says false after CreateAgency"
	DefectAgencyRecreated        Defect = "a second CreateAgency creates the agencies again"
	DefectAgencyAnyType          Defect = "the agency operations take any secret_type"
	DefectUsersItemOffset        Defect = "ListUsers takes offset as a number of users"
	DefectUsersLimitUnbounded    Defect = "ListUsers takes a limit of 101"
	DefectUsersFilterIgnored     Defect = "ListUsers ignores user_info"
	DefectUserDetailFirst        Defect = "ShowUserDetail answers the first user for any user_id"
	DefectUnknownUser200         Defect = "ShowUserDetail of an unknown user_id answers 200"
	DefectPasswordAnyOld         Defect = "UpdateUserPassword takes a wrong old_password"
	// Grants.
	DefectGrantToResource    Defect = "CreateGrants names the resource as the grantee"
	DefectGrantNotListed     Defect = "ListGrants leaves out the newest grant"
	DefectUpdateGrantNotKept Defect = "UpdateGrant answers the new validity and keeps the old"
	DefectDeleteGrantAll     Defect = "DeleteGrant of one grantee revokes every grant of the secret"
	DefectGrantsOfDeleted    Defect = "ListGrants of a deleted secret answers its grants"
	// Batch import.
	DefectImportFirstOnly    Defect = "BatchImportSecrets creates only the first secret and counts them all"
	DefectImportAllOrNothing Defect = "a name in use fails the whole batch"
	// The secrets checker.
	DefectConfigNotKept  Defect = "UpdateSecretsConfig answers the value and keeps the old"
	DefectConfigShownOff Defect = "ShowSecretsConfig answers checking off whatever is set"
	DefectCheckNoData    Defect = "CheckSecrets answers without data"
	DefectCheckAnyType   Defect = "CheckSecrets takes type 2"
	// Rotation.
	DefectRotateKeepsCurrent Defect = "RotateSecret adds a version without moving SYSCURRENT"
	DefectRotateCommon       Defect = "RotateSecret rotates a COMMON secret"
	DefectRotatePending      Defect = "RotateSecret rotates a secret pending deletion"
	DefectTaskFilterIgnored  Defect = "ListSecretTask ignores secret_name"
	DefectTaskStatusIgnored  Defect = "ListSecretTask ignores status"
	DefectTasksRepeat        Defect = "ListSecretTask repeats a page's last task on the next page"
	// Events.
	DefectEventNameReplaces  Defect = "CreateSecretEvent on a name in use replaces the event"
	DefectEventTypeTwice     Defect = "an event type listed twice accepted"
	DefectEventUpdateForgets Defect = "UpdateSecretEvent of the state forgets the event types"
	DefectShowEventEnabled   Defect = "ShowSecretEvent answers every event ENABLED"
	DefectEventsRepeat       Defect = "ListSecretEvents repeats a page's last event on the next page"
	DefectEventDeleteKeeps   Defect = "DeleteSecretEvent answers 204 and keeps the event"
	DefectEventDeletedInUse  Defect = "DeleteSecretEvent deletes an event a secret subscribes to"
	DefectDisabledNotifies   Defect = "a DISABLED event leaves notification records"
	DefectNoVersionNotice    Defect = "a new version leaves no notification record"
	DefectNoDeletionNotice   Defect = "a scheduled deletion leaves no notification record"
)

// Defects lists every defect but DefectNone.
var Defects = []Defect{
	DefectBackup201, DefectUnknownSecret410, DefectBadName500, DefectLongName200, DefectUnknownRoute200,
	DefectCreate201, DefectBackupAsText,
	DefectErrorsPlainText, DefectNoErrorMsg, DefectShortErrorCode, DefectMisshapenCode, DefectEchoToken,
	DefectNoRequestID, DefectNullErrorMessage,
	DefectNoCredentialsOK, DefectAnyToken, DefectAnySignature, DefectNoDateWindow, DefectBodyUnsigned,
	DefectPathUnsigned, DefectQueryUnsigned, DefectHeadersUnsigned, DefectOtherProjectOK, DefectMalformedProject500,
	DefectNoPrefix, DefectTruncatedJWE, DefectPaddedJWE, DefectNoKid, DefectWrongIV, DefectValueInHeader,
	DefectBase64Value, DefectSameBlob, DefectHugeBlob,
	DefectRestoreTampered, DefectRestoreOverwrites, DefectRestoreNewestOnly, DefectRestoreLosesStage,
	DefectRestoreAnyString, DefectDeleteKeeps, DefectDeleteKeepsVer, DefectRestoreForgetsTag,
	DefectCreateNoDescription, DefectNoQuota, DefectNameInUseReplaces, DefectBothValuesAccepted, DefectBinaryAsString,
	DefectShowSecretValue, DefectUpdateAddsVersion,
	DefectListRepeats, DefectListNextOnLast, DefectListSkips, DefectListLimitUnbounded, DefectListStaleDescription,
	DefectListCountAll, DefectEmptyMarkerRefused,
	DefectPreviousOnOldest, DefectNoRetention, DefectRetiresStaged, DefectVersionStagesIgnored, DefectAnyVersionCurrent,
	DefectLatestIsFirst, DefectVersionsNextOnLast, DefectVersionsNewestFirst, DefectVersionsLimitZero, DefectExpireNotKept,
	DefectUpdateUnknownVersion,
	DefectPreviousShowsCurrent, DefectStageCopied, DefectCurrentMoveNoPrevious, DefectDeleteCurrentStage, DefectDeleteStageKeeps,
	DefectDueNow, DefectWindowUnchecked, DefectScheduleTwice, DefectPendingReadable, DefectPendingBackup, DefectCancelKeepsTime,
	DefectCancelAnything,
	DefectTagsCapped10, DefectTagsUnknownEmpty, DefectRetagDuplicates, DefectTwentyFirstTag, DefectSysKeyAccepted,
	DefectUntagAbsentFails, DefectBatchPartial, DefectBatchDeleteAnyValue, DefectProjectTagsOneValue, DefectFilterIgnoresValues,
	DefectCountAll, DefectMatchIgnored,
	DefectDefaultLength16, DefectExcludeIgnored, DefectRequireIgnored, DefectLength256, DefectSamePassword,
	DefectTemplateEngineOptional, DefectTemplateSame, DefectAgencyNotGranted, DefectAgencyRecreated, DefectAgencyAnyType,
	DefectUsersItemOffset, DefectUsersLimitUnbounded, DefectUsersFilterIgnored, DefectUserDetailFirst, DefectUnknownUser200,
	DefectPasswordAnyOld,
	DefectGrantToResource, DefectGrantNotListed, DefectUpdateGrantNotKept, DefectDeleteGrantAll, DefectGrantsOfDeleted,
	DefectImportFirstOnly, DefectImportAllOrNothing,
	DefectConfigNotKept, DefectConfigShownOff, DefectCheckNoData, DefectCheckAnyType,
	DefectRotateKeepsCurrent, DefectRotateCommon, DefectRotatePending, DefectTaskFilterIgnored, DefectTaskStatusIgnored,
	DefectTasksRepeat,
	DefectEventNameReplaces, DefectEventTypeTwice, DefectEventUpdateForgets, DefectShowEventEnabled, DefectEventsRepeat, DefectEventDeleteKeeps,
	DefectEventDeletedInUse, DefectDisabledNotifies, DefectNoVersionNotice, DefectNoDeletionNotice,
}

// formatDefect reports a defect that breaks the blob's format but not what it holds: the
// server then restores its own blobs by remembering them, so that only the format checks
// notice the defect.
func formatDefect(d Defect) bool {
	switch d {
	case DefectNoPrefix, DefectTruncatedJWE, DefectPaddedJWE, DefectWrongIV, DefectHugeBlob:
		return true
	}
	return false
}
