package conformance

import (
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
	indie.DefectAnySignature:        {failed: []string{"refuses a bad AK/SK signature with 401 or the documented 400 CSMS.0301", "refuses a body changed after signing with 401 or the documented 400 CSMS.0301", "refuses a path changed after signing with 401 or the documented 400 CSMS.0301", "refuses a query changed after signing with 401 or the documented 400 CSMS.0301", "refuses a signed header changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectAnyToken:            {failed: []string{"refuses a garbage X-Auth-Token with 401 or the documented 400 CSMS.0301"}},
	indie.DefectBackup201:           {failed: []string{"answers 200 to an AK/SK signature for an existing secret", "answers 200 to an X-Auth-Token for an existing secret", "keep the contract for every other answer of the run", "keep the contract for the backup of an existing secret"}},
	indie.DefectBackupAsText:        {failed: []string{"keep the contract for every other answer of the run", "keep the contract for the backup of an existing secret"}},
	indie.DefectBadName500:          {failed: []string{"answers a secret_name with a dot with 400, or as an unknown secret", "are never a 5xx for a client's mistake"}},
	indie.DefectBase64Value:         {failed: []string{"holds neither the secret's value nor a plain encoding of it"}},
	indie.DefectBodyUnsigned:        {failed: []string{"refuses a body changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectCreate201:           {failed: []string{"keep the contract for every other answer of the run"}},
	indie.DefectDeleteKeeps:         {failed: []string{"deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "restores a deleted secret with the same versions, stages and values"}},
	indie.DefectDeleteKeepsVer:      {failed: []string{"deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown"}},
	indie.DefectEchoToken:           {findings: []string{"never echo the caller's credentials"}},
	indie.DefectErrorsPlainText:     {failed: []string{"answer an unknown secret with 404 or the documented 400 CSMS.0106 or CSMS.0005", "are application/json", "carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "keep the contract for every other answer of the run", "keep the contract for every refusal the suite provokes", "refuses a backup with one character of its ciphertext changed with a 4xx", "refuses a bad AK/SK signature with 401 or the documented 400 CSMS.0301", "refuses a body changed after signing with 401 or the documented 400 CSMS.0301", "refuses a garbage X-Auth-Token with 401 or the documented 400 CSMS.0301", "refuses a path changed after signing with 401 or the documented 400 CSMS.0301", "refuses a query changed after signing with 401 or the documented 400 CSMS.0301", "refuses a signed header changed after signing with 401 or the documented 400 CSMS.0301", "refuses an AK/SK signature whose X-Sdk-Date is 20 minutes old with 401 or the documented 400 CSMS.0301", "restores a deleted secret with the same versions, stages and values"}, findings: []string{"shape error_code like CSMS.0106 or APIGW.0301"}},
	indie.DefectHugeBlob:            {failed: []string{"is at most 5,242,880 characters long", "keep the contract for every other answer of the run", "keep the contract for the backup of an existing secret"}},
	indie.DefectHeadersUnsigned:     {failed: []string{"refuses a signed header changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectLongName200:         {failed: []string{"refuses a secret_name of 65 characters with 400"}},
	indie.DefectMalformedProject500: {failed: []string{"are never a 5xx for a client's mistake", "refuses a project_id with a '!' with 400, 403 or 401"}},
	indie.DefectMisshapenCode:       {findings: []string{"shape error_code like CSMS.0106 or APIGW.0301"}},
	indie.DefectNoCredentialsOK:     {failed: []string{"refuses a request without credentials with 401 or the documented 400 CSMS.0301"}},
	indie.DefectNoDateWindow:        {failed: []string{"refuses an AK/SK signature whose X-Sdk-Date is 20 minutes old with 401 or the documented 400 CSMS.0301"}},
	indie.DefectNoErrorMsg:          {failed: []string{"carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "keep the contract for every other answer of the run", "keep the contract for every refusal the suite provokes"}},
	indie.DefectNoKid:               {failed: []string{"names alg, enc and kid in the JWE protected header"}},
	indie.DefectNoPrefix:            {failed: []string{"keep the contract for every other answer of the run", "keep the contract for the backup of an existing secret", "starts with the documented prefix )CloudSecretManagementBackupV1.com"}, findings: []string{"starts with a length byte that matches the magic after it"}},
	indie.DefectNoRequestID:         {findings: []string{"carry an X-Request-Id header"}},
	indie.DefectNullErrorMessage:    {failed: []string{"carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "keep the contract for every other answer of the run", "keep the contract for every refusal the suite provokes"}},
	indie.DefectOtherProjectOK:      {failed: []string{"refuses another project's path to an AK/SK signature with 403 or 401", "refuses another project's path to an X-Auth-Token with 403 or 401"}},
	indie.DefectPaddedJWE:           {failed: []string{"continues with a complete JWE compact serialization: five base64url segments without padding", "keep the contract for every other answer of the run", "keep the contract for the backup of an existing secret"}},
	indie.DefectPathUnsigned:        {failed: []string{"refuses a path changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectQueryUnsigned:       {failed: []string{"refuses a query changed after signing with 401 or the documented 400 CSMS.0301"}},
	indie.DefectRestoreAnyString:    {failed: []string{"deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "refuses a backup with one character of its ciphertext changed with a 4xx", "refuses the documented, truncated example blob with a 4xx", "refuses to restore onto an existing secret with a 4xx", "restores a deleted secret with the same versions, stages and values"}},
	indie.DefectRestoreLosesStage:   {failed: []string{"restores a deleted secret with the same versions, stages and values"}},
	indie.DefectRestoreNewestOnly:   {failed: []string{"restores a deleted secret with the same versions, stages and values"}},
	indie.DefectRestoreOverwrites:   {failed: []string{"refuses to restore onto an existing secret with a 4xx"}},
	indie.DefectRestoreTampered:     {failed: []string{"refuses a backup with one character of its ciphertext changed with a 4xx"}},
	indie.DefectSameBlob:            {findings: []string{"is fresh on every call"}},
	indie.DefectShortErrorCode:      {failed: []string{"carry error_code of 8 to 36 and error_msg of 2 to 512 characters", "keep the contract for every refusal the suite provokes"}},
	indie.DefectTruncatedJWE:        {failed: []string{"continues with a complete JWE compact serialization: five base64url segments without padding", "keep the contract for every other answer of the run", "keep the contract for the backup of an existing secret", "refuses a backup with one character of its ciphertext changed with a 4xx", "sizes each JWE segment as its alg and enc require"}},
	indie.DefectUnknownRoute200:     {failed: []string{"keep the contract for every refusal the suite provokes"}, findings: []string{"answer an unknown route with 404"}},
	indie.DefectUnknownSecret410:    {failed: []string{"answer an unknown secret with 404 or the documented 400 CSMS.0106 or CSMS.0005", "deletes a secret: after DeleteSecret answers 200, its backup and its versions are unknown", "keep the contract for every other answer of the run", "keep the contract for every refusal the suite provokes", "refuses a backup with one character of its ciphertext changed with a 4xx", "restores a deleted secret with the same versions, stages and values"}},
	indie.DefectValueInHeader:       {failed: []string{"holds neither the secret's value nor a plain encoding of it"}},
	indie.DefectWrongIV:             {failed: []string{"sizes each JWE segment as its alg and enc require"}},
}
