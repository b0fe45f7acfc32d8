package auth

// Kind is a kind of refusal of a caller. The mock's error table maps each to the vendor's
// code and status; this package knows neither.
type Kind int

// The refusals.
const (
	// Unauthenticated: the credentials are unknown, expired or wrongly signed.
	Unauthenticated Kind = iota + 1
	// Forbidden: the credentials are valid but may not do this, here.
	Forbidden
	// UnknownUser: no user of the account has the ID asked for.
	UnknownUser
	// BadPassword: a password change with a wrong current password or an empty new one.
	BadPassword
)

// Error is a refusal: its kind and what, in words, was wrong.
type Error struct {
	Kind   Kind
	Detail string
}

// Error implements error.
func (e *Error) Error() string { return e.Detail }

func failed(detail string) error    { return &Error{Kind: Unauthenticated, Detail: detail} }
func forbidden(detail string) error { return &Error{Kind: Forbidden, Detail: detail} }
