package conformance

import (
	"fmt"
	"net/http"
	"time"
)

// Vendor sources of the scheduled-deletion checks.
const (
	srcSchedule = "the DeleteSecretForSchedule page: the secret is PENDING_DELETE and is deleted when its recovery window " +
		"(7 to 30 days) ends, unless the deletion is cancelled"
	srcCancel  = "the RestoreSecret page: a PENDING_DELETE secret returns to ENABLED"
	srcPending = "the backup page and the contract: a secret pending deletion answers 400 CSMS.0103 " +
		"(\"The secret is in the scheduled deletion state.\")"
	srcPendingReads = "the ShowSecretVersion and CreateSecretVersion pages: only an ENABLED secret's values are read or " +
		"added to; the error-code page: 400 CSMS.0103 (scheduled deletion) and 403 CSMS.0109 (\"The secret state is not enabled.\")"
	srcTwice = "the error-code page: 400 CSMS.0107 (\"The secret is in schedule delete state.\") and CSMS.0108 " +
		"(\"The secret is not in schedule delete state.\")"
)

// window is the recovery window the suite schedules deletions with, the shortest allowed.
const window = 7

// schedulePath and cancelPath are the paths of DeleteSecretForSchedule and RestoreSecret.
func (c *check) schedulePath(name string) string {
	return secretPath(c.s.projectID(), name, "scheduled-deleted-tasks", "create")
}

func (c *check) cancelPath(name string) string {
	return secretPath(c.s.projectID(), name, "scheduled-deleted-tasks", "cancel")
}

// schedule schedules a secret's deletion in window days.
func (c *check) schedule(name string) *exchange {
	return c.ok(opDeleteSecretForSchedule, http.MethodPost, c.schedulePath(name), map[string]int{"recovery_window_in_days": window})
}

// discard deletes a secret a deletion check made, cancelling its scheduled deletion first for
// a service that deletes no secret pending deletion. The cancellation is the cleanup's, not
// the check's: its answer is swept with the profile's, but no check judges it.
func (c *check) discard(name string) {
	c.s.client.do(c.ctx, call{what: "RestoreSecret before the deletion of the check's secret", method: http.MethodPost,
		path: c.cancelPath(name), creds: c.s.creds(), optional: true, profile: c.profile})
	c.deleteSecret(name)
}

// pendingSecret creates a secret and schedules its deletion.
func (c *check) pendingSecret(purpose string) (name, value string, scheduled *exchange) {
	name, value = c.newStringSecret(purpose)
	return name, value, c.schedule(name)
}

// checkDue blames a scheduled_delete_time that is not about the recovery window from now. The
// service's times are epoch milliseconds in every example, its descriptions say seconds: a
// time in either unit is accepted.
func (c *check) checkDue(ex *exchange, sec secretFields, from time.Time) {
	if sec.ScheduledDeleteTime == nil {
		c.blame(ex, "scheduled_delete_time is null or absent for a secret pending deletion")
		return
	}
	due := from.Add(window * 24 * time.Hour)
	got := *sec.ScheduledDeleteTime
	for _, unit := range []time.Duration{time.Millisecond, time.Second} {
		at := time.Unix(0, 0).Add(time.Duration(got) * unit)
		if at.After(due.Add(-24*time.Hour)) && at.Before(due.Add(24*time.Hour)) {
			return
		}
	}
	c.blame(ex, "scheduled_delete_time is %s, not about %d days from now (%d ms)", fmt.Sprint(int64(got)), window, due.UnixMilli())
}

// deletionChecks: DeleteSecretForSchedule and RestoreSecret as their pages say, and a
// pending secret refused where the documents refuse it.
func (s *suite) deletionChecks() {
	s.must("DeleteSecretForSchedule puts the secret in PENDING_DELETE, due when the recovery window ends", ProfileDeletion, srcSchedule,
		ops(opDeleteSecretForSchedule, opShowSecret), func(c *check) {
			start := time.Now()
			name, _, ex := c.pendingSecret("scheduled")
			defer c.discard(name)
			for _, ex := range []*exchange{ex, c.ok(opShowSecret, http.MethodGet, secretPath(c.s.projectID(), name), nil)} {
				sec := secretOf(ex)
				if sec.State != "PENDING_DELETE" {
					c.blame(ex, "secret.state is %q, not PENDING_DELETE", sec.State)
				}
				c.checkDue(ex, sec, start)
			}
		})
	s.must("a secret pending deletion refuses a backup with 400 CSMS.0103", ProfileDeletion, srcPending,
		ops(opDeleteSecretForSchedule, opDownloadSecretBlob), func(c *check) {
			name, _, _ := c.pendingSecret("pending-backup")
			defer c.discard(name)
			if ex := c.downloadBackup("backup of a secret pending deletion", name); !hasCode(ex, http.StatusBadRequest, "CSMS.0103") {
				c.blame(ex, "want 400 CSMS.0103: the secret is pending deletion")
			}
		})
	s.must("a secret pending deletion refuses reading its value and adding a version with 400 CSMS.0103 or 403 CSMS.0109",
		ProfileDeletion, srcPendingReads, ops(opDeleteSecretForSchedule, opShowSecretVersion, opCreateSecretVersion), func(c *check) {
			name, _, _ := c.pendingSecret("pending-read")
			defer c.discard(name)
			for _, cl := range []call{
				{what: "ShowSecretVersion of a secret pending deletion", method: http.MethodGet, path: secretPath(c.s.projectID(), name, "versions", "latest")},
				{what: "CreateSecretVersion of a secret pending deletion", method: http.MethodPost, path: secretPath(c.s.projectID(), name, "versions"),
					body: map[string]string{"secret_string": newValue()}},
			} {
				cl.creds = c.s.creds()
				if ex := c.mustAnswer(cl); !hasCode(ex, http.StatusBadRequest, "CSMS.0103") && !hasCode(ex, http.StatusForbidden, "CSMS.0109") {
					c.blame(ex, "want 400 CSMS.0103 or 403 CSMS.0109: the secret is pending deletion")
				}
			}
		})
	s.must("DeleteSecretForSchedule refuses a secret already pending deletion with 400 CSMS.0107", ProfileDeletion, srcTwice,
		ops(opDeleteSecretForSchedule), func(c *check) {
			name, _, _ := c.pendingSecret("twice")
			defer c.discard(name)
			ex := c.op(opDeleteSecretForSchedule, http.MethodPost, c.schedulePath(name), map[string]int{"recovery_window_in_days": window})
			if !hasCode(ex, http.StatusBadRequest, "CSMS.0107") {
				c.blame(ex, "want 400 CSMS.0107: the deletion is already scheduled")
			}
		})
	s.must("RestoreSecret cancels the deletion: the secret is ENABLED, with no scheduled_delete_time, and its value reads again",
		ProfileDeletion, srcCancel, ops(opRestoreSecret, opDeleteSecretForSchedule, opShowSecret, opShowSecretVersion), func(c *check) {
			name, value, _ := c.pendingSecret("cancelled")
			defer c.discard(name)
			ex := c.ok(opRestoreSecret, http.MethodPost, c.cancelPath(name), nil)
			for _, ex := range []*exchange{ex, c.ok(opShowSecret, http.MethodGet, secretPath(c.s.projectID(), name), nil)} {
				sec := secretOf(ex)
				if sec.State != "ENABLED" || sec.ScheduledDeleteTime != nil {
					c.blame(ex, "the secret is %q with scheduled_delete_time %s, not ENABLED with none", sec.State, jsonOf(sec.ScheduledDeleteTime))
				}
			}
			if v, ex := c.readVersion(name, "latest"); v.value != "string:"+value {
				c.blame(ex, "after the cancellation, the secret does not hold the value written to it")
			}
		})
	s.must("RestoreSecret refuses a secret not pending deletion with 400 CSMS.0108", ProfileDeletion, srcTwice,
		ops(opRestoreSecret), func(c *check) {
			name, _ := c.newStringSecret("not-pending")
			defer c.discard(name)
			if ex := c.op(opRestoreSecret, http.MethodPost, c.cancelPath(name), nil); !hasCode(ex, http.StatusBadRequest, "CSMS.0108") {
				c.blame(ex, "want 400 CSMS.0108: no deletion is scheduled")
			}
		})
	s.must("DeleteSecretForSchedule refuses a recovery window of 6 or 31 days with 400 and leaves the secret ENABLED", ProfileDeletion,
		srcSchedule, ops(opDeleteSecretForSchedule, opShowSecret), func(c *check) {
			name, _ := c.newStringSecret("window")
			defer c.discard(name)
			for _, days := range []int{6, 31} {
				ex := c.op(opDeleteSecretForSchedule, http.MethodPost, c.schedulePath(name), map[string]int{"recovery_window_in_days": days})
				if ex.status != http.StatusBadRequest {
					c.blame(ex, "want 400: a recovery window is 7 to 30 days")
				}
			}
			if sec, ex := c.showSecretOf(name); sec.State != "ENABLED" {
				c.blame(ex, "after the refused schedules, secret.state is %q, not ENABLED", sec.State)
			}
		})
	s.must("DeleteSecretForSchedule and RestoreSecret answer an unknown secret with 404 or the documented 400 CSMS.0106", ProfileDeletion,
		srcUnknown, ops(opDeleteSecretForSchedule, opRestoreSecret), func(c *check) {
			name, _, _ := c.pendingSecret("probe")
			defer c.discard(name)
			c.ok(opRestoreSecret, http.MethodPost, c.cancelPath(name), nil)
			absent := newName("absent")
			for _, cl := range []call{
				{what: "DeleteSecretForSchedule of an unknown secret", path: c.schedulePath(absent), body: map[string]int{"recovery_window_in_days": window}},
				{what: "RestoreSecret of an unknown secret", path: c.cancelPath(absent)},
			} {
				cl.method, cl.creds = http.MethodPost, c.s.creds()
				if ex := c.mustAnswer(cl); !isUnknownSecret(ex) {
					c.blame(ex, "want 404 or the documented 400 CSMS.0106: there is no such secret")
				}
			}
		})
	s.sweepChecks(ops(opCreateSecret, opDeleteSecretForSchedule, opRestoreSecret, opShowSecret, opShowSecretVersion,
		opCreateSecretVersion, opDownloadSecretBlob, opDeleteSecret))
}
