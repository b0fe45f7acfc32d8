package conformance

import (
	"slices"

	"github.com/csmskit/csmskit/conformance/internal/indie"
	"github.com/csmskit/csmskit/mock"
)

// allCases is the mutation table: the conforming runs, then one run per defect of the
// independent server, each with the checks that must notice it.
func allCases() []brokenCase {
	cases := []brokenCase{
		{}, {ways: "token", skipped: akskOnly}, {ways: "aksk", skipped: tokenOnly},
		// The other side of the secret_name conflict conforms too.
		{name: "a dot accepted in names", dots: true},
		{mock: true, findings: []string{specLengthByte}},
		{mock: true, ways: "token", findings: []string{specLengthByte}, skipped: akskOnly},
		{mock: true, ways: "aksk", findings: []string{specLengthByte}, skipped: tokenOnly},
		// Strict mode turns should-level findings into failures.
		{mock: true, name: "strict", env: map[string]string{EnvStrict: "true"}, failed: []string{specLengthByte}},
		// A secret the user names is the subject of the backup checks.
		{mock: true, name: "a named secret", env: map[string]string{EnvSecretName: mock.DemoSecretName, EnvSecretValue: mock.DemoSecretValue},
			findings: []string{specLengthByte}},
		// A service without some operations: their checks are not supported, the round trip
		// goes without the optional reads, and the run fails only where a required profile
		// needs them.
		{name: "without the listings and ShowSecret", lacks: withoutListings, unsupported: needListings},
		{name: "without the listings and ShowSecret, listing required", lacks: withoutListings,
			env: map[string]string{EnvRequire: "backup,listing"}, failed: listingChecks, unsupported: without(needListings, listingChecks)},
		{name: "without tags", lacks: withoutTags, unsupported: needTags},
		{name: "without events", lacks: withoutEvents, unsupported: needEvents},
	}
	for _, d := range indie.Defects {
		m := mutations[d]
		m.defect = d
		cases = append(cases, m)
	}
	return cases
}

const specLengthByte = "starts with a length byte that matches the magic after it"

// The checks a run without AK/SK, or without a token, skips.
var (
	akskOnly  = []string{"answers 200 to an AK/SK signature for an existing secret", "refuses a body changed after signing with 401 or the documented 400 CSMS.0301", "refuses a path changed after signing with 401 or the documented 400 CSMS.0301", "refuses a query changed after signing with 401 or the documented 400 CSMS.0301", "refuses a signed header changed after signing with 401 or the documented 400 CSMS.0301", "refuses an AK/SK signature whose X-Sdk-Date is 20 minutes old with 401 or the documented 400 CSMS.0301", "refuses another project's path to an AK/SK signature with 403 or 401"}
	tokenOnly = []string{"answers 200 to an X-Auth-Token for an existing secret", "refuses another project's path to an X-Auth-Token with 403 or 401"}
)

// mutations names, for each defect, the checks that notice it: those that fail and those
// that report a should-level finding. Every other check must pass.
var mutations = map[indie.Defect]brokenCase{
	// The backup, its error answers and authentication.
	indie.DefectBackup201:           {operation: "DownloadSecretBlob", failed: []string{"answers 200 to an AK/SK signature for an existing secret", "answers 200 to an X-Auth-Token for an existing secret", "every answer of the restore checks keeps the contract", "keep the contract for every other answer of the backup checks", "keep the contract for the backup of an existing secret"}},
	indie.DefectUnknownSecret410:    {operation: "DownloadSecretBlob", failed: []string{"CreateSecret refuses a secret beyond the project's 500 with 400 CSMS.0202", "DeleteSecret deletes at once and for good: the secret and its value are unknown, and the name is free again", "DeleteSecretForSchedule and RestoreSecret answer an unknown secret with 404 or the documented 400 CSMS.0106", "ShowSecret, UpdateSecret and DeleteSecret answer an unknown secret with 404 or the documented 400 CSMS.0106", "answer an unknown secret with 404 or the documented 400 CSMS.0106 or CSMS.0005", "deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "every answer of the deletion checks keeps the contract", "every answer of the restore checks keeps the contract", "every answer of the secrets checks keeps the contract", "every answer of the tags checks keeps the contract", "keep the contract for every refusal the suite provokes", "refuses a backup with one character of its ciphertext changed with a 4xx", "restores a deleted secret with all its tags and their values, or with none", "restores a deleted secret with the same versions, stages and values, each the value written to it", "the tag operations answer an unknown secret id with 404 or the documented 400 CSMS.0106 or CSMS.0005"}},
	indie.DefectBadName500:          {operation: "DownloadSecretBlob", failed: []string{"answers a secret_name with a dot with 400, or as an unknown secret", "are never a 5xx for a client's mistake"}},
	indie.DefectLongName200:         {operation: "DownloadSecretBlob", failed: []string{"refuses a secret_name of 65 characters with 400"}},
	indie.DefectUnknownRoute200:     {operation: "", failed: []string{"keep the contract for every refusal the suite provokes"}, findings: []string{"answer an unknown route with 404"}},
	indie.DefectCreate201:           {operation: "CreateSecret", failed: []string{"every answer of the deletion checks keeps the contract", "every answer of the events checks keeps the contract", "every answer of the grants checks keeps the contract", "every answer of the import checks keeps the contract", "every answer of the listing checks keeps the contract", "every answer of the restore checks keeps the contract", "every answer of the rotation checks keeps the contract", "every answer of the secrets checks keeps the contract", "every answer of the stages checks keeps the contract", "every answer of the tags checks keeps the contract", "every answer of the versions checks keeps the contract", "keep the contract for every other answer of the backup checks"}},
	indie.DefectBackupAsText:        {operation: "DownloadSecretBlob", failed: []string{"every answer of the restore checks keeps the contract", "keep the contract for every other answer of the backup checks", "keep the contract for the backup of an existing secret"}},
	indie.DefectErrorsPlainText:     {operation: "", failed: []string{"CreateSecret refuses a secret beyond the project's 500 with 400 CSMS.0202", "DeleteSecret deletes at once and for good: the secret and its value are unknown, and the name is free again", "DeleteSecretForSchedule and RestoreSecret answer an unknown secret with 404 or the documented 400 CSMS.0106", "DeleteSecretForSchedule refuses a secret already pending deletion with 400 CSMS.0107", "RestoreSecret refuses a secret not pending deletion with 400 CSMS.0108", "RotateSecret refuses a COMMON secret with 400 and adds no version", "RotateSecret refuses a secret pending deletion with 400 CSMS.0103 or 403 CSMS.0109", "ShowSecret, UpdateSecret and DeleteSecret answer an unknown secret with 404 or the documented 400 CSMS.0106", "a secret pending deletion refuses a backup with 400 CSMS.0103", "a secret pending deletion refuses reading its value and adding a version with 400 CSMS.0103 or 403 CSMS.0109", "answer an unknown secret with 404 or the documented 400 CSMS.0106 or CSMS.0005", "are application/json", "carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "every answer of the account checks keeps the contract", "every answer of the checker checks keeps the contract", "every answer of the deletion checks keeps the contract", "every answer of the events checks keeps the contract", "every answer of the listing checks keeps the contract", "every answer of the password checks keeps the contract", "every answer of the restore checks keeps the contract", "every answer of the rotation checks keeps the contract", "every answer of the secrets checks keeps the contract", "every answer of the stages checks keeps the contract", "every answer of the tags checks keeps the contract", "every answer of the versions checks keeps the contract", "keep the contract for every refusal the suite provokes", "refuses a backup with one character of its ciphertext changed with a 4xx", "refuses a bad AK/SK signature with 401 or the documented 400 CSMS.0301", "refuses a body changed after signing with 401 or the documented 400 CSMS.0301", "refuses a garbage X-Auth-Token with 401 or the documented 400 CSMS.0301", "refuses a path changed after signing with 401 or the documented 400 CSMS.0301", "refuses a query changed after signing with 401 or the documented 400 CSMS.0301", "refuses a signed header changed after signing with 401 or the documented 400 CSMS.0301", "refuses an AK/SK signature whose X-Sdk-Date is 20 minutes old with 401 or the documented 400 CSMS.0301", "restores a deleted secret with all its tags and their values, or with none", "restores a deleted secret with the same versions, stages and values, each the value written to it", "the tag operations answer an unknown secret id with 404 or the documented 400 CSMS.0106 or CSMS.0005"}, findings: []string{"shape error_code like CSMS.0106 or APIGW.0301"}},
	indie.DefectNoErrorMsg:          {operation: "", failed: []string{"carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "every answer of the account checks keeps the contract", "every answer of the checker checks keeps the contract", "every answer of the deletion checks keeps the contract", "every answer of the events checks keeps the contract", "every answer of the grants checks keeps the contract", "every answer of the listing checks keeps the contract", "every answer of the password checks keeps the contract", "every answer of the restore checks keeps the contract", "every answer of the rotation checks keeps the contract", "every answer of the secrets checks keeps the contract", "every answer of the stages checks keeps the contract", "every answer of the tags checks keeps the contract", "every answer of the versions checks keeps the contract", "keep the contract for every refusal the suite provokes"}},
	indie.DefectShortErrorCode:      {operation: "", failed: []string{"carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "keep the contract for every refusal the suite provokes"}},
	indie.DefectMisshapenCode:       {operation: "", findings: []string{"shape error_code like CSMS.0106 or APIGW.0301"}},
	indie.DefectEchoToken:           {operation: "", findings: []string{"never echo the caller's credentials"}},
	indie.DefectNoRequestID:         {operation: "", findings: []string{"carry an X-Request-Id header"}},
	indie.DefectNullErrorMessage:    {operation: "", failed: []string{"carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "every answer of the account checks keeps the contract", "every answer of the checker checks keeps the contract", "every answer of the deletion checks keeps the contract", "every answer of the events checks keeps the contract", "every answer of the grants checks keeps the contract", "every answer of the listing checks keeps the contract", "every answer of the password checks keeps the contract", "every answer of the restore checks keeps the contract", "every answer of the rotation checks keeps the contract", "every answer of the secrets checks keeps the contract", "every answer of the stages checks keeps the contract", "every answer of the tags checks keeps the contract", "every answer of the versions checks keeps the contract", "keep the contract for every refusal the suite provokes"}},
	indie.DefectNoCredentialsOK:     {operation: "", failed: []string{"refuses a request without credentials with 401 or the documented 400 CSMS.0301"}},
	indie.DefectAnyToken:            {operation: "", failed: []string{"refuses a garbage X-Auth-Token with 401 or the documented 400 CSMS.0301"}},
	indie.DefectAnySignature:        {operation: "", failed: []string{"refuses a bad AK/SK signature with 401 or the documented 400 CSMS.0301", "refuses a body changed after signing with 401 or the documented 400 CSMS.0301", "refuses a path changed after signing with 401 or the documented 400 CSMS.0301", "refuses a query changed after signing with 401 or the documented 400 CSMS.0301", "refuses a signed header changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectNoDateWindow:        {operation: "", failed: []string{"refuses an AK/SK signature whose X-Sdk-Date is 20 minutes old with 401 or the documented 400 CSMS.0301"}},
	indie.DefectBodyUnsigned:        {operation: "", failed: []string{"refuses a body changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectPathUnsigned:        {operation: "", failed: []string{"refuses a path changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectQueryUnsigned:       {operation: "", failed: []string{"refuses a query changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectHeadersUnsigned:     {operation: "", failed: []string{"refuses a signed header changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectOtherProjectOK:      {operation: "", failed: []string{"refuses another project's path to an AK/SK signature with 403 or 401", "refuses another project's path to an X-Auth-Token with 403 or 401"}},
	indie.DefectMalformedProject500: {operation: "", failed: []string{"are never a 5xx for a client's mistake", "refuses a project_id with a '!' with 400, 403 or 401"}},
	indie.DefectNoPrefix:            {operation: "DownloadSecretBlob", failed: []string{"every answer of the restore checks keeps the contract", "keep the contract for every other answer of the backup checks", "keep the contract for the backup of an existing secret", "starts with the documented prefix )CloudSecretManagementBackupV1.com"}, findings: []string{"starts with a length byte that matches the magic after it"}},
	indie.DefectTruncatedJWE:        {operation: "DownloadSecretBlob", failed: []string{"continues with a complete JWE compact serialization: five base64url segments without padding", "every answer of the restore checks keeps the contract", "keep the contract for every other answer of the backup checks", "keep the contract for the backup of an existing secret", "refuses a backup with one character of its ciphertext changed with a 4xx", "sizes each JWE segment as its alg and enc require"}},
	indie.DefectPaddedJWE:           {operation: "DownloadSecretBlob", failed: []string{"continues with a complete JWE compact serialization: five base64url segments without padding", "every answer of the restore checks keeps the contract", "keep the contract for every other answer of the backup checks", "keep the contract for the backup of an existing secret"}},
	indie.DefectNoKid:               {operation: "DownloadSecretBlob", failed: []string{"names alg, enc and kid in the JWE protected header"}},
	indie.DefectWrongIV:             {operation: "DownloadSecretBlob", failed: []string{"sizes each JWE segment as its alg and enc require"}},
	indie.DefectValueInHeader:       {operation: "DownloadSecretBlob", failed: []string{"holds neither the secret's value nor a plain encoding of it"}},
	indie.DefectBase64Value:         {operation: "DownloadSecretBlob", failed: []string{"holds neither the secret's value nor a plain encoding of it"}},
	indie.DefectSameBlob:            {operation: "DownloadSecretBlob", findings: []string{"is fresh on every call"}},
	indie.DefectHugeBlob:            {operation: "DownloadSecretBlob", failed: []string{"every answer of the restore checks keeps the contract", "is at most 5,242,880 characters long", "keep the contract for every other answer of the backup checks", "keep the contract for the backup of an existing secret"}},
	// Restore and delete.
	indie.DefectRestoreTampered:   {operation: "UploadSecretBlob", failed: []string{"refuses a backup with one character of its ciphertext changed with a 4xx"}},
	indie.DefectRestoreOverwrites: {operation: "UploadSecretBlob", failed: []string{"refuses to restore onto an existing secret with a 4xx"}},
	indie.DefectRestoreNewestOnly: {operation: "UploadSecretBlob", failed: []string{"restores a deleted secret with the same versions, stages and values, each the value written to it"}},
	indie.DefectRestoreLosesStage: {operation: "UploadSecretBlob", failed: []string{"restores a deleted secret with the same versions, stages and values, each the value written to it"}},
	indie.DefectRestoreAnyString:  {operation: "UploadSecretBlob", failed: []string{"deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "every answer of the restore checks keeps the contract", "refuses a backup with one character of its ciphertext changed with a 4xx", "refuses the documented, truncated example blob with a 4xx", "refuses to restore onto an existing secret with a 4xx", "restores a deleted secret with all its tags and their values, or with none", "restores a deleted secret with the same versions, stages and values, each the value written to it"}},
	indie.DefectDeleteKeeps:       {operation: "DeleteSecret", failed: []string{"DeleteSecret deletes at once and for good: the secret and its value are unknown, and the name is free again", "deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "restores a deleted secret with all its tags and their values, or with none", "restores a deleted secret with the same versions, stages and values, each the value written to it"}, findings: []string{"ListGrants of a secret id that does not exist is refused with a 4xx"}},
	indie.DefectDeleteKeepsVer:    {operation: "DeleteSecret", failed: []string{"DeleteSecret deletes at once and for good: the secret and its value are unknown, and the name is free again", "deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown"}},
	indie.DefectRestoreForgetsTag: {operation: "UploadSecretBlob", failed: []string{"restores a deleted secret with all its tags and their values, or with none"}},
	// Secrets.
	indie.DefectCreateNoDescription: {operation: "CreateSecret", failed: []string{"CreateSecret answers the secret as created: its name, ENABLED, COMMON and the description sent"}},
	indie.DefectNoQuota:             {operation: "CreateSecret", failed: []string{"CreateSecret refuses a secret beyond the project's 500 with 400 CSMS.0202"}},
	indie.DefectNameInUseReplaces:   {operation: "CreateSecret", failed: []string{"BatchImportSecrets fails only the secret whose name is in use, names it in error_list, and creates the others", "CreateSecret refuses a name in use with a 4xx and leaves the secret as it was"}},
	indie.DefectBothValuesAccepted:  {operation: "CreateSecret", failed: []string{"CreateSecret refuses both secret_string and secret_binary, or neither, or a value over 32,768 characters, with 400"}},
	indie.DefectBinaryAsString:      {operation: "CreateSecret", failed: []string{"CreateSecret keeps secret_binary as sent"}},
	indie.DefectShowSecretValue:     {operation: "ShowSecret", failed: []string{"ShowSecret answers the secret as created, and never its value"}},
	indie.DefectUpdateAddsVersion:   {operation: "UpdateSecret", failed: []string{"UpdateSecret changes the description and leaves the rest, the value included"}},
	// Listing.
	indie.DefectListRepeats:          {operation: "ListSecrets", failed: []string{"ListSecrets walked with limit and marker to the end names no secret twice, and each of the suite's with the fields it was created or updated with"}},
	indie.DefectListNextOnLast:       {operation: "ListSecrets", findings: []string{"ListSecrets leaves next_marker out on the last page"}},
	indie.DefectListSkips:            {operation: "ListSecrets", failed: []string{"ListSecrets walked with limit and marker to the end names no secret twice, and each of the suite's with the fields it was created or updated with"}, findings: []string{"ListSecrets leaves next_marker out on the last page"}},
	indie.DefectListLimitUnbounded:   {operation: "ListSecrets", failed: []string{"ListSecrets refuses a limit of 0 or 1,001 with 400"}},
	indie.DefectListStaleDescription: {operation: "ListSecrets", failed: []string{"ListSecrets walked with limit and marker to the end names no secret twice, and each of the suite's with the fields it was created or updated with"}},
	indie.DefectListCountAll:         {operation: "ListSecrets", failed: []string{"ListSecrets counts each page's secrets in page_info.current_count, never more than limit"}},
	indie.DefectEmptyMarkerRefused:   {operation: "ListSecrets", failed: []string{"ListSecrets takes an empty marker for the first page"}},
	// Versions.
	indie.DefectPreviousOnOldest:     {operation: "CreateSecretVersion", failed: []string{"DeleteSecretStage refuses SYSCURRENT and SYSPREVIOUS with a 4xx, and they stay where they were", "ListSecretVersions walked one version a page names every version once, in creation order, with its stages", "ShowSecretStage names the versions that hold SYSCURRENT and SYSPREVIOUS", "a new version becomes SYSCURRENT and the one it follows SYSPREVIOUS; older versions keep neither", "a secret keeps 20 versions: the 21st retires the oldest, which has no stage"}},
	indie.DefectNoRetention:          {operation: "CreateSecretVersion", failed: []string{"a secret keeps 20 versions: the 21st retires the oldest, which has no stage", "a version with a custom stage outlives the 20-version retention; the oldest without a stage retires"}},
	indie.DefectRetiresStaged:        {operation: "CreateSecretVersion", failed: []string{"a version with a custom stage outlives the 20-version retention; the oldest without a stage retires"}},
	indie.DefectVersionStagesIgnored: {operation: "CreateSecretVersion", failed: []string{"CreateSecretVersion with version_stages puts each listed stage on the new version, taking it from the version that held it"}},
	indie.DefectAnyVersionCurrent:    {operation: "ShowSecretVersion", failed: []string{"CreateSecretVersion with version_stages puts each listed stage on the new version, taking it from the version that held it", "RotateSecret gives a database secret a new SYSCURRENT version with a new value, the former one SYSPREVIOUS", "ShowSecretVersion and UpdateVersion answer an unknown version with 404 or the documented 400 CSMS.0005", "ShowSecretVersion gives each version the value written to it", "UpdateSecretStage moves a custom stage: the version it was moved to holds it, the one it left does not", "UpdateSecretStage moving SYSCURRENT gives the version it leaves SYSPREVIOUS", "UpdateVersion sets expire_time, and ShowSecretVersion returns it as sent with the value unchanged", "a new version becomes SYSCURRENT and the one it follows SYSPREVIOUS; older versions keep neither", "a secret keeps 20 versions: the 21st retires the oldest, which has no stage", "a version with a custom stage outlives the 20-version retention; the oldest without a stage retires", "restores a deleted secret with the same versions, stages and values, each the value written to it"}},
	indie.DefectLatestIsFirst:        {operation: "ShowSecretVersion", failed: []string{"RotateSecret gives a database secret a new SYSCURRENT version with a new value, the former one SYSPREVIOUS", "ShowSecretVersion of latest answers the SYSCURRENT version"}},
	indie.DefectVersionsNextOnLast:   {operation: "ListSecretVersions", findings: []string{"ListSecretVersions leaves next_marker out on the last page"}},
	indie.DefectVersionsNewestFirst:  {operation: "ListSecretVersions", failed: []string{"ListSecretVersions walked one version a page names every version once, in creation order, with its stages"}},
	indie.DefectVersionsLimitZero:    {operation: "ListSecretVersions", failed: []string{"ListSecretVersions refuses a limit of 0 or 1,001 with 400"}},
	indie.DefectExpireNotKept:        {operation: "UpdateVersion", failed: []string{"UpdateVersion sets expire_time, and ShowSecretVersion returns it as sent with the value unchanged"}},
	indie.DefectUpdateUnknownVersion: {operation: "UpdateVersion", failed: []string{"ShowSecretVersion and UpdateVersion answer an unknown version with 404 or the documented 400 CSMS.0005"}},
	// Stages.
	indie.DefectPreviousShowsCurrent:  {operation: "ShowSecretStage", failed: []string{"DeleteSecretStage refuses SYSCURRENT and SYSPREVIOUS with a 4xx, and they stay where they were", "ShowSecretStage names the versions that hold SYSCURRENT and SYSPREVIOUS", "UpdateSecretStage moving SYSCURRENT gives the version it leaves SYSPREVIOUS"}},
	indie.DefectStageCopied:           {operation: "UpdateSecretStage", failed: []string{"UpdateSecretStage moves a custom stage: the version it was moved to holds it, the one it left does not"}},
	indie.DefectCurrentMoveNoPrevious: {operation: "UpdateSecretStage", failed: []string{"UpdateSecretStage moving SYSCURRENT gives the version it leaves SYSPREVIOUS"}},
	indie.DefectDeleteCurrentStage:    {operation: "DeleteSecretStage", failed: []string{"DeleteSecretStage refuses SYSCURRENT and SYSPREVIOUS with a 4xx, and they stay where they were"}},
	indie.DefectDeleteStageKeeps:      {operation: "DeleteSecretStage", failed: []string{"DeleteSecretStage removes a custom stage: ShowSecretStage no longer finds it, and its version no longer holds it"}},
	// Scheduled deletion.
	indie.DefectDueNow:          {operation: "DeleteSecretForSchedule", failed: []string{"DeleteSecretForSchedule puts the secret in PENDING_DELETE, due when the recovery window ends"}},
	indie.DefectWindowUnchecked: {operation: "DeleteSecretForSchedule", failed: []string{"DeleteSecretForSchedule refuses a recovery window of 6 or 31 days with 400 and leaves the secret ENABLED"}},
	indie.DefectScheduleTwice:   {operation: "DeleteSecretForSchedule", failed: []string{"DeleteSecretForSchedule refuses a secret already pending deletion with 400 CSMS.0107"}},
	indie.DefectPendingReadable: {operation: "DeleteSecretForSchedule", failed: []string{"RotateSecret refuses a secret pending deletion with 400 CSMS.0103 or 403 CSMS.0109", "a secret pending deletion refuses reading its value and adding a version with 400 CSMS.0103 or 403 CSMS.0109"}},
	indie.DefectPendingBackup:   {operation: "DownloadSecretBlob", failed: []string{"a secret pending deletion refuses a backup with 400 CSMS.0103"}},
	indie.DefectCancelKeepsTime: {operation: "RestoreSecret", failed: []string{"RestoreSecret cancels the deletion: the secret is ENABLED, with no scheduled_delete_time, and its value reads again"}},
	indie.DefectCancelAnything:  {operation: "RestoreSecret", failed: []string{"RestoreSecret refuses a secret not pending deletion with 400 CSMS.0108"}},
	// Tags.
	indie.DefectTagsCapped10:        {operation: "ListSecretTags", failed: []string{"BatchCreateOrDeleteTags changes nothing when the batch would leave more than 20 tags", "CreateSecretTag refuses a 21st tag with 400, and the secret keeps its 20"}},
	indie.DefectTagsUnknownEmpty:    {operation: "ListSecretTags", failed: []string{"the tag operations answer an unknown secret id with 404 or the documented 400 CSMS.0106 or CSMS.0005"}},
	indie.DefectRetagDuplicates:     {operation: "CreateSecretTag", failed: []string{"CreateSecretTag on a key the secret has replaces its value"}},
	indie.DefectTwentyFirstTag:      {operation: "CreateSecretTag", failed: []string{"CreateSecretTag refuses a 21st tag with 400, and the secret keeps its 20"}},
	indie.DefectSysKeyAccepted:      {operation: "CreateSecretTag", failed: []string{"CreateSecretTag refuses a key that starts with _sys_ or with white space with 400"}},
	indie.DefectUntagAbsentFails:    {operation: "DeleteSecretTag", findings: []string{"DeleteSecretTag of a key the secret lacks is no error"}},
	indie.DefectBatchPartial:        {operation: "BatchCreateOrDeleteTags", failed: []string{"BatchCreateOrDeleteTags changes nothing when the batch would leave more than 20 tags"}},
	indie.DefectBatchDeleteAnyValue: {operation: "BatchCreateOrDeleteTags", failed: []string{"BatchCreateOrDeleteTags creates every tag listed, and deletes every key listed where the value matches"}},
	indie.DefectProjectTagsOneValue: {operation: "ListProjectSecretsTags", failed: []string{"ListProjectSecretsTags names each key the suite tagged with every value it was given"}},
	indie.DefectFilterIgnoresValues: {operation: "ListResourceInstances", failed: []string{"ListResourceInstances filters by tag key and value, answering the secrets with their ids, names and tags"}},
	indie.DefectCountAll:            {operation: "ListResourceInstances", failed: []string{"ListResourceInstances counts what it filters"}},
	indie.DefectMatchIgnored:        {operation: "ListResourceInstances", failed: []string{"ListResourceInstances matches resource_name"}},
	// Passwords.
	indie.DefectDefaultLength16: {operation: "GenerateRandomPassword", failed: []string{"GenerateRandomPassword answers 32 letters, digits and punctuation by default"}},
	indie.DefectExcludeIgnored:  {operation: "GenerateRandomPassword", failed: []string{"GenerateRandomPassword leaves out every excluded kind and character"}},
	indie.DefectRequireIgnored:  {operation: "GenerateRandomPassword", failed: []string{"GenerateRandomPassword with require_each_included_type holds every included kind"}},
	indie.DefectLength256:       {operation: "GenerateRandomPassword", failed: []string{"GenerateRandomPassword refuses a length of 0 or 256 with 400"}},
	indie.DefectSamePassword:    {operation: "GenerateRandomPassword", findings: []string{"GenerateRandomPassword answers a different password every time"}},
	// The account.
	indie.DefectTemplateEngineOptional: {operation: "ShowSecretFunctionTemplates", failed: []string{"ShowSecretFunctionTemplates refuses RDS-FG without an engine, GaussDB-FG with one and an unknown secret_type with 400"}},
	indie.DefectTemplateSame:           {operation: "ShowSecretFunctionTemplates", findings: []string{"ShowSecretFunctionTemplates answers a different template for each secret type, sub-type and engine"}},
	indie.DefectAgencyNotGranted:       {operation: "ShowAgency", failed: []string{agenciesOnce}},
	indie.DefectAgencyRecreated:        {operation: "CreateAgency", failed: []string{agenciesOnce}},
	indie.DefectAgencyAnyType:          {operation: "CreateAgency", failed: []string{"ShowAgency and CreateAgency refuse an unknown secret_type with 400"}},
	indie.DefectUsersItemOffset:        {operation: "ListUsers", failed: []string{usersWalk, usersFilter, userDetail}},
	indie.DefectUsersLimitUnbounded:    {operation: "ListUsers", failed: []string{"ListUsers refuses a limit of 9 or 101 with 400"}},
	indie.DefectUsersFilterIgnored:     {operation: "ListUsers", failed: []string{usersFilter}},
	indie.DefectUserDetailFirst:        {operation: "ShowUserDetail", failed: []string{userDetail}},
	indie.DefectUnknownUser200:         {operation: "ShowUserDetail", failed: []string{userDetail}},
	indie.DefectPasswordAnyOld:         {operation: "UpdateUserPassword", failed: []string{"UpdateUserPassword refuses a wrong old_password and a body without one with a 4xx"}},
	indie.DefectGrantToResource:        {operation: "CreateGrants", failed: []string{"CreateGrants answers the grant in data, and ListGrants lists its grantee with its validity"}},
	indie.DefectGrantNotListed:         {operation: "ListGrants", failed: []string{"CreateGrants answers the grant in data, and ListGrants lists its grantee with its validity", "DeleteGrant of one grantee answers 204 and revokes that grant only", "UpdateGrant changes the grant's validity, and ListGrants shows the new one"}},
	indie.DefectUpdateGrantNotKept:     {operation: "UpdateGrant", failed: []string{"UpdateGrant changes the grant's validity, and ListGrants shows the new one"}},
	indie.DefectDeleteGrantAll:         {operation: "DeleteGrant", failed: []string{"DeleteGrant of one grantee answers 204 and revokes that grant only"}},
	indie.DefectGrantsOfDeleted:        {operation: "ListGrants", findings: []string{"ListGrants of a secret id that does not exist is refused with a 4xx"}},
	indie.DefectImportFirstOnly:        {operation: "BatchImportSecrets", failed: []string{"BatchImportSecrets creates every secret, each readable with ShowSecret, and counts them", "BatchImportSecrets fails only the secret whose name is in use, names it in error_list, and creates the others"}},
	indie.DefectImportAllOrNothing:     {operation: "BatchImportSecrets", failed: []string{"BatchImportSecrets fails only the secret whose name is in use, names it in error_list, and creates the others"}},
	indie.DefectConfigNotKept:          {operation: "UpdateSecretsConfig", failed: []string{"UpdateSecretsConfig sets checking_secret_strength, and ShowSecretsConfig shows it"}},
	indie.DefectConfigShownOff:         {operation: "ShowSecretsConfig", failed: []string{"UpdateSecretsConfig sets checking_secret_strength, and ShowSecretsConfig shows it"}},
	indie.DefectCheckNoData:            {operation: "CheckSecrets", failed: []string{"CheckSecrets of type 1 answers type and an object data"}},
	indie.DefectCheckAnyType:           {operation: "CheckSecrets", failed: []string{"CheckSecrets refuses a type other than 1 with 400"}},
	// Rotation.
	indie.DefectRotateKeepsCurrent: {operation: "RotateSecret", failed: []string{"RotateSecret gives a database secret a new SYSCURRENT version with a new value, the former one SYSPREVIOUS"}},
	indie.DefectRotateCommon:       {operation: "RotateSecret", failed: []string{"RotateSecret refuses a COMMON secret with 400 and adds no version"}},
	indie.DefectRotatePending:      {operation: "RotateSecret", failed: []string{"RotateSecret refuses a secret pending deletion with 400 CSMS.0103 or 403 CSMS.0109"}},
	indie.DefectTaskFilterIgnored:  {operation: "ListSecretTask", failed: []string{"ListSecretTask lists a rotation's task as SUCCESS, and secret_name and status select tasks"}},
	indie.DefectTaskStatusIgnored:  {operation: "ListSecretTask", failed: []string{"ListSecretTask lists a rotation's task as SUCCESS, and secret_name and status select tasks"}},
	indie.DefectTasksRepeat:        {operation: "ListSecretTask", failed: []string{"ListSecretTask pages with limit and marker: every task once, no next_marker on the last page"}},
	// Events.
	indie.DefectEventNameReplaces:  {operation: "CreateSecretEvent", failed: []string{"CreateSecretEvent refuses a name in use with a 4xx and leaves the event as it was"}},
	indie.DefectEventTypeTwice:     {operation: "CreateSecretEvent", failed: []string{"CreateSecretEvent refuses an unknown or repeated event type with 400"}},
	indie.DefectEventUpdateForgets: {operation: "UpdateSecretEvent", failed: []string{"UpdateSecretEvent changes the fields sent and keeps the others"}},
	indie.DefectShowEventEnabled:   {operation: "ShowSecretEvent", failed: []string{"UpdateSecretEvent changes the fields sent and keeps the others"}},
	indie.DefectEventsRepeat:       {operation: "ListSecretEvents", failed: []string{"ListSecretEvents walked with limit and marker names each of the suite's events once"}},
	indie.DefectEventDeleteKeeps:   {operation: "DeleteSecretEvent", failed: []string{"DeleteSecretEvent deletes the event: ShowSecretEvent then answers it unknown with 404 or the documented 400 CSMS.0005"}},
	indie.DefectEventDeletedInUse:  {operation: "DeleteSecretEvent", failed: []string{"DeleteSecretEvent refuses an event a secret subscribes to with a 4xx, and deletes it once the secret unsubscribes"}},
	indie.DefectDisabledNotifies:   {operation: "ListNotificationRecords", failed: []string{"a new version of a secret subscribed to an ENABLED event leaves a SECRET_VERSION_CREATED record; a DISABLED event leaves none"}},
	indie.DefectNoVersionNotice:    {operation: "CreateSecretVersion", failed: []string{"a new version of a secret subscribed to an ENABLED event leaves a SECRET_VERSION_CREATED record; a DISABLED event leaves none"}},
	indie.DefectNoDeletionNotice:   {operation: "DeleteSecretForSchedule", failed: []string{"scheduling a subscribed secret's deletion leaves a SECRET_DELETED record"}},
}

// The account checks that more than one defect fails.
const (
	agenciesOnce = "CreateAgency creates the agencies once: ShowAgency then says they exist, and a second CreateAgency lists the same ones"
	usersWalk    = "ListUsers walked ten a page by page number lists every user once, as many as total"
	usersFilter  = "ListUsers with user_info lists the users whose name holds it"
	userDetail   = "ShowUserDetail answers each listed user by its user_id, and an unknown user_id with 400"
)

// The operations of the cases of a service without them.
var (
	withoutListings = []string{"ListSecrets", "ListSecretVersions", "ShowSecret"}
	withoutTags     = []string{"ListSecretTags", "CreateSecretTag", "DeleteSecretTag", "BatchCreateOrDeleteTags",
		"ListProjectSecretsTags", "ListResourceInstances"}
	withoutEvents = []string{"CreateSecretEvent", "ListSecretEvents", "ShowSecretEvent", "UpdateSecretEvent",
		"DeleteSecretEvent", "ListNotificationRecords"}
)

// The checks those cases find not supported, or failed when their profile is required.
var (
	needListings = append([]string{
		"BatchImportSecrets creates every secret, each readable with ShowSecret, and counts them",
		"BatchImportSecrets fails only the secret whose name is in use, names it in error_list, and creates the others",
		"CreateSecret refuses a secret beyond the project's 500 with 400 CSMS.0202",
		"DeleteSecret deletes at once and for good: the secret and its value are unknown, and the name is free again",
		"DeleteSecretForSchedule puts the secret in PENDING_DELETE, due when the recovery window ends",
		"DeleteSecretForSchedule refuses a recovery window of 6 or 31 days with 400 and leaves the secret ENABLED",
		"ListSecretVersions counts each page's versions in page_info.current_count, never more than limit",
		"ListSecretVersions leaves next_marker out on the last page",
		"ListSecretVersions refuses a limit of 0 or 1,001 with 400",
		"ListSecretVersions walked one version a page names every version once, in creation order, with its stages",
		"RestoreSecret cancels the deletion: the secret is ENABLED, with no scheduled_delete_time, and its value reads again",
		"ShowSecret answers the secret as created, and never its value",
		"ShowSecret, UpdateSecret and DeleteSecret answer an unknown secret with 404 or the documented 400 CSMS.0106",
		"UpdateSecret changes the description and leaves the rest, the value included",
	}, listingChecks...)
	listingChecks = []string{
		"ListSecrets counts each page's secrets in page_info.current_count, never more than limit",
		"ListSecrets leaves next_marker out on the last page",
		"ListSecrets refuses a limit of 0 or 1,001 with 400",
		"ListSecrets takes an empty marker for the first page",
		"ListSecrets walked with limit and marker to the end names no secret twice, and each of the suite's with the fields it was created or updated with",
	}
	needTags = []string{
		"BatchCreateOrDeleteTags changes nothing when the batch would leave more than 20 tags",
		"BatchCreateOrDeleteTags creates every tag listed, and deletes every key listed where the value matches",
		"CreateSecretTag answers 204, and ListSecretTags lists the tag with the value written",
		"CreateSecretTag on a key the secret has replaces its value",
		"CreateSecretTag refuses a 21st tag with 400, and the secret keeps its 20",
		"CreateSecretTag refuses a key that starts with _sys_ or with white space with 400",
		"DeleteSecretTag of a key the secret lacks is no error",
		"DeleteSecretTag removes the tag and leaves the others",
		"ListProjectSecretsTags names each key the suite tagged with every value it was given",
		"ListResourceInstances counts what it filters",
		"ListResourceInstances filters by tag key and value, answering the secrets with their ids, names and tags",
		"ListResourceInstances matches resource_name",
		"every answer of the tags checks keeps the contract",
		"the tag operations answer an unknown secret id with 404 or the documented 400 CSMS.0106 or CSMS.0005",
	}
)

// needEvents are the checks of the events profile.
var needEvents = []string{
	"CreateSecretEvent answers the event as created, and ShowSecretEvent and ListSecretEvents name it so",
	"CreateSecretEvent refuses a name in use with a 4xx and leaves the event as it was",
	"CreateSecretEvent refuses an unknown or repeated event type with 400",
	"DeleteSecretEvent deletes the event: ShowSecretEvent then answers it unknown with 404 or the documented 400 CSMS.0005",
	"DeleteSecretEvent refuses an event a secret subscribes to with a 4xx, and deletes it once the secret unsubscribes",
	"ListSecretEvents walked with limit and marker names each of the suite's events once",
	"UpdateSecretEvent changes the fields sent and keeps the others",
	"a new version of a secret subscribed to an ENABLED event leaves a SECRET_VERSION_CREATED record; a DISABLED event leaves none",
	"every answer of the events checks keeps the contract",
	"scheduling a subscribed secret's deletion leaves a SECRET_DELETED record",
}

// without returns the texts of a that are not in b.
func without(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
