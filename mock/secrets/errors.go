package secrets

import "errors"

// Kind is a kind of domain failure. The mock's error table maps each to the vendor's error
// code and status; the service knows nothing of either. A failed rotation task keeps its
// failure's kind in the store, so a new kind goes at the end of the list.
type Kind int

// The service's failures.
const (
	// NotFound: no secret of that name in the project.
	NotFound Kind = iota + 1
	// NameTaken: a secret (pending deletion included) or an event of that name exists.
	NameTaken
	// QuotaExceeded: the project holds the most secrets it may.
	QuotaExceeded
	// PendingDeletion: the secret is scheduled for deletion, so its values cannot be used.
	PendingDeletion
	// NotEnabled: the secret is neither ENABLED nor pending deletion (DISABLED, FROZEN).
	NotEnabled
	// AlreadyScheduled: a deletion is already scheduled.
	AlreadyScheduled
	// NotScheduled: there is no scheduled deletion to cancel.
	NotScheduled
	// VersionNotFound: the secret has no version of that id.
	VersionNotFound
	// InvalidValue: a value breaks a rule the service enforces (exactly one of string and
	// binary; binary in base64; a grant's validity time in epoch milliseconds).
	InvalidValue
	// InvalidBackup: a blob that cannot be opened, or does not restore here.
	InvalidBackup
	// StageNotFound: no version of the secret carries that stage.
	StageNotFound
	// TooManyStages: the secret would carry more stages than it may.
	TooManyStages
	// BuiltInStage: SYSCURRENT and SYSPREVIOUS cannot be deleted.
	BuiltInStage
	// TagNotAllowed: a tag key or value the service refuses.
	TagNotAllowed
	// TooManyTags: the secret would carry more tags than it may.
	TooManyTags
	// GrantExists: the resource is already granted to that grantee.
	GrantExists
	// ResourceNotFound: no grant of the resource to that grantee, or a group of secrets,
	// which the service keeps none of.
	ResourceNotFound
	// CheckNotSupported: a kind of secret check the service does not make.
	CheckNotSupported
	// NotRotatable: the secret's type is not one that rotates (COMMON).
	NotRotatable
	// InvalidFilter: a list's criteria that cannot go together.
	InvalidFilter
	// EventNotFound: no event of that name in the project.
	EventNotFound
	// InvalidEvent: an event's state or basic event types break a rule the service enforces
	// (a type listed twice, say).
	InvalidEvent
	// TooManyEvents: the project holds the most events it may.
	TooManyEvents
	// EventInUse: a secret subscribes to the event, which therefore cannot be deleted.
	EventInUse
)

// Error is a domain failure: its kind and what, in words, was wrong.
type Error struct {
	Kind   Kind
	Detail string
}

// Error implements error.
func (e *Error) Error() string { return e.Detail }

// Is makes errors.Is(err, &Error{Kind: k}) match every failure of kind k.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

func fail(kind Kind, detail string) error { return &Error{Kind: kind, Detail: detail} }

// KindOf returns err's kind, or 0 when err is not a domain failure.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
