// Package linearizability checks that a CSMS endpoint, however many processes serve it, behaves
// as one secret store: clients call random operations on a few secret names, every call's
// invocation and return are recorded, and porcupine searches for an order of the calls that
// respects real time and in which a sequential model of the store gives every answer that was
// observed.
//
// The model is written from the contract (openapi/csms.yaml and the vendor's error codes it
// cites), not from the mock: a secret's versions are v1, v2, … in order; a new version becomes
// SYSCURRENT and the former current one SYSPREVIOUS; a name in use cannot be created or
// restored; a secret pending deletion refuses to be read or changed; a restore brings back the
// secret as it was backed up. A call whose outcome is unknown (a timeout, a cut connection, a
// 5xx) may have taken effect or not.
package linearizability

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Kind is an operation of the API.
type Kind uint8

// The operations the workload calls.
const (
	Create           Kind = iota + 1 // CreateSecret with a value
	AddVersion                       // CreateSecretVersion without version_stages
	ShowVersion                      // ShowSecretVersion of a version id or "latest"
	ShowSecret                       // ShowSecret: the state and the description
	MoveStage                        // UpdateSecretStage
	Describe                         // UpdateSecret of the description
	Delete                           // DeleteSecret
	ScheduleDeletion                 // DeleteSecretForSchedule
	CancelDeletion                   // RestoreSecret (cancels a scheduled deletion)
	Backup                           // DownloadSecretBlob
	Restore                          // UploadSecretBlob
)

var kindNames = [...]string{"", "Create", "AddVersion", "ShowVersion", "ShowSecret", "MoveStage",
	"Describe", "Delete", "ScheduleDeletion", "CancelDeletion", "Backup", "Restore"}

// String is the operation's name.
func (k Kind) String() string { return kindNames[k] }

// readOnly reports whether the operation changes nothing: a read whose answer was lost says
// nothing and is left out of the history.
func (k Kind) readOnly() bool { return k == ShowVersion || k == ShowSecret || k == Backup }

// Stages the model knows: the two the service manages and one the workload moves itself.
const (
	StageCurrent  = "SYSCURRENT"
	StagePrevious = "SYSPREVIOUS"
	StageLabel    = "LINEAR"
)

// The vendor's codes the model tells apart (the error-code table the contract cites).
const (
	codeNotFound = "CSMS.0106" // no secret of that name
	codePending  = "CSMS.0103" // the secret is scheduled for deletion
)

// maxVersions is how many versions a secret keeps (CreateSecretVersion).
const maxVersions = 20

// Input is one call: the operation and its arguments.
type Input struct {
	Kind Kind
	Name string
	// Value is the value of Create and AddVersion, and the description of Describe.
	Value string
	// Version is the version of ShowVersion ("latest" or "vN") and MoveStage ("vN").
	Version string
	// Stage is the stage MoveStage moves.
	Stage string
	// Blob is the backup Restore uploads, by the number Backup's Output gave it.
	Blob int
}

// Output is what a call returned. Status 0 means the outcome is unknown.
type Output struct {
	Status int
	Code   string // error_code of a refusal
	// Version is the version id AddVersion made, ShowVersion read, or MoveStage's stage holds.
	Version string
	// Value is the value ShowVersion read, or the description in an answer that holds the
	// secret's metadata (Create, ShowSecret, Describe, the deletion calls, Restore).
	Value string
	// Stages are the version's stages (AddVersion, ShowVersion), sorted and comma-separated.
	Stages string
	// State is the secret's state in an answer that holds its metadata.
	State string
	// Blob numbers the backup Backup returned, for Restore's Input.
	Blob int
	// Note says, for a reader, why the outcome is unknown.
	Note string
	// NotDelivered says the call reached no server (NotDeliveredHeader): it took no effect.
	NotDelivered bool
}

// Unknown reports whether the call's outcome is unknown: it may have taken effect or not.
func (o Output) Unknown() bool { return o.Status == 0 }

// version is one version of the model's secret.
type version struct {
	n     int // the version's id is "v" + n
	value string
}

// secret is what the model knows of one name.
type secret struct {
	exists, pending bool
	description     string
	next            int       // the number of the next version
	versions        []version // oldest first
	// The versions holding SYSCURRENT, SYSPREVIOUS and StageLabel; 0 for none.
	current, previous, label int
}

func (s *secret) equal(o *secret) bool {
	return s.exists == o.exists && s.pending == o.pending && s.description == o.description &&
		s.next == o.next && s.current == o.current && s.previous == o.previous && s.label == o.label &&
		slices.Equal(s.versions, o.versions)
}

func (s *secret) find(n int) (version, bool) {
	i := slices.IndexFunc(s.versions, func(v version) bool { return v.n == n })
	if i < 0 {
		return version{}, false
	}
	return s.versions[i], true
}

// stages are version n's stages, sorted and comma-separated.
func (s *secret) stages(n int) string {
	var out []string
	for _, st := range []struct {
		holder int
		name   string
	}{{s.label, StageLabel}, {s.current, StageCurrent}, {s.previous, StagePrevious}} {
		if st.holder == n {
			out = append(out, st.name)
		}
	}
	return strings.Join(out, ",")
}

func (s *secret) describe() string {
	if !s.exists {
		return "no secret"
	}
	state := "ENABLED"
	if s.pending {
		state = "PENDING_DELETE"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q next=v%d", state, s.description, s.next)
	for _, v := range slices.Backward(s.versions) {
		fmt.Fprintf(&b, " v%d=%s", v.n, v.value)
		if st := s.stages(v.n); st != "" {
			fmt.Fprintf(&b, "[%s]", st)
		}
	}
	return b.String()
}

// backup is a backup the model has seen made: the secret as it was then. Backups form a list,
// newest first, that states share.
type backup struct {
	blob   int
	secret secret
	count  int // backups in the list from this one on
	older  *backup
}

func (b *backup) find(blob int) *backup {
	for ; b != nil; b = b.older {
		if b.blob == blob {
			return b
		}
	}
	return nil
}

// state is the model's state for one name: the secret, and the backups made of it.
type state struct {
	secret  secret
	backups *backup
}

func equalStates(a, b state) bool {
	if !a.secret.equal(&b.secret) {
		return false
	}
	// Lists of backups share their older part: compare until they meet.
	x, y := a.backups, b.backups
	for x != y {
		if x == nil || y == nil || x.blob != y.blob || !x.secret.equal(&y.secret) {
			return false
		}
		x, y = x.older, y.older
	}
	return true
}

func hashState(s state) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, s.secret.exists, s.secret.pending, s.secret.description, s.secret.next,
		s.secret.current, s.secret.previous, s.secret.label, len(s.secret.versions))
	for _, v := range s.secret.versions {
		fmt.Fprint(h, v.n, v.value)
	}
	if s.backups != nil {
		fmt.Fprint(h, s.backups.count)
	}
	return h.Sum64()
}

// expect is what the model expects a call to answer, given its state.
type expect func(Output) bool

// The answers the contract gives, by outcome.
func ok(check func(Output) bool) expect {
	return func(o Output) bool { return o.Status == 200 && (check == nil || check(o)) }
}

// absent: an unknown secret is 404 (the backup page) or 400 (the error-code table), CSMS.0106.
func absent(o Output) bool { return (o.Status == 404 || o.Status == 400) && o.Code == codeNotFound }

// pending: a secret scheduled for deletion refuses to give its values, 400 CSMS.0103.
func pending(o Output) bool { return o.Status == 400 && o.Code == codePending }

// taken: a name in use cannot be created or restored, 400; no code is documented.
func taken(o Output) bool { return o.Status == 400 && o.Code != codeNotFound }

// refused: any other refusal, a 4xx that does not say the secret is unknown; the contract
// documents no code for these.
func refused(o Output) bool { return o.Status >= 400 && o.Status < 500 && o.Code != codeNotFound }

// answers expects the secret's metadata as it is after the call: its state and description.
func answers(sec secret) expect {
	state := "ENABLED"
	if sec.pending {
		state = "PENDING_DELETE"
	}
	return ok(func(o Output) bool { return o.State == state && o.Value == sec.description })
}

// call returns what the model expects in is answer to in, and the state after that answer.
// out is read only for what the call itself makes (the blob of a backup).
func (s state) call(in Input, out Output) (expect, state) {
	sec := s.secret
	if !sec.exists && in.Kind != Create && in.Kind != Restore {
		return absent, s
	}
	next := s
	switch in.Kind {
	case Create:
		if sec.exists {
			return taken, s
		}
		next.secret = secret{exists: true, next: 2, versions: []version{{1, in.Value}}, current: 1}
		return answers(next.secret), next

	case AddVersion:
		if sec.pending {
			return refused, s
		}
		n := sec.next
		vs := slices.Clone(sec.versions)
		if len(vs) >= maxVersions { // the 21st retires the oldest version without a stage
			if i := slices.IndexFunc(vs, func(v version) bool { return sec.stages(v.n) == "" }); i >= 0 {
				vs = slices.Delete(vs, i, i+1)
			}
		}
		sec.versions = append(vs, version{n, in.Value})
		sec.next = n + 1
		if sec.current != 0 {
			sec.previous = sec.current
		}
		sec.current = n
		next.secret = sec
		return ok(func(o Output) bool { return o.Version == versionID(n) && o.Stages == StageCurrent }), next

	case ShowVersion:
		if sec.pending {
			return pending, s
		}
		n := versionNumber(in.Version)
		if in.Version == "latest" {
			n = sec.current
		}
		v, found := sec.find(n)
		if !found {
			return refused, s
		}
		return ok(func(o Output) bool {
			return o.Version == versionID(v.n) && o.Value == v.value && o.Stages == sec.stages(v.n)
		}), s

	case ShowSecret:
		return answers(sec), s

	case MoveStage:
		// Only an ENABLED secret's versions can be changed (UpdateVersion, CreateSecretVersion).
		if sec.pending {
			return refused, s
		}
		n := versionNumber(in.Version)
		if _, found := sec.find(n); !found {
			return refused, s
		}
		switch in.Stage {
		case StageCurrent:
			if sec.current != n { // the former current version becomes SYSPREVIOUS
				sec.previous, sec.current = sec.current, n
			}
		case StageLabel:
			sec.label = n
		default:
			panic("linearizability: the model moves only " + StageCurrent + " and " + StageLabel)
		}
		next.secret = sec
		return ok(func(o Output) bool { return o.Version == versionID(n) }), next

	case Describe:
		if sec.pending {
			return refused, s // only an ENABLED secret can be updated
		}
		sec.description = in.Value
		next.secret = sec
		return answers(sec), next

	case Delete:
		next.secret = secret{}
		return ok(nil), next

	case ScheduleDeletion:
		if sec.pending {
			return refused, s
		}
		sec.pending = true
		next.secret = sec
		return answers(sec), next

	case CancelDeletion:
		if !sec.pending {
			return refused, s
		}
		sec.pending = false
		next.secret = sec
		return answers(sec), next

	case Backup:
		if sec.pending {
			return pending, s
		}
		if out.Blob > 0 {
			count := 1
			if s.backups != nil {
				count += s.backups.count
			}
			next.backups = &backup{blob: out.Blob, secret: sec, count: count, older: s.backups}
		}
		return ok(nil), next

	case Restore:
		b := s.backups.find(in.Blob)
		if b == nil {
			// The backup returned before the restore was called, so it comes first in every
			// order the checker tries: this cannot happen.
			return func(Output) bool { return false }, s
		}
		if sec.exists {
			return taken, s
		}
		next.secret = b.secret
		return answers(next.secret), next
	}
	panic(fmt.Sprintf("linearizability: no model of operation %d", in.Kind))
}

func versionID(n int) string { return "v" + strconv.Itoa(n) }

// versionNumber is n of "vN", or 0.
func versionNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil || !strings.HasPrefix(id, "v") {
		return 0
	}
	return n
}

// Model is the sequential model of the secret store, for porcupine, partitioned by secret
// name: calls on different names never touch the same state, so each name's history is
// checked on its own (P-compositionality).
//
// A call whose outcome is unknown never returns: the checker may place it anywhere after its
// invocation. Where it is placed, the model goes on both with its effect and without it (a
// nondeterministic step, which porcupine turns into steps on sets of states), so that the
// checker, which places calls as early as it can, need not move it to the end to find that it
// never took effect.
var Model = (&porcupine.NondeterministicModel{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byName := map[string][]porcupine.Operation{}
		var names []string
		for _, op := range history {
			name := op.Input.(Input).Name
			if _, seen := byName[name]; !seen {
				names = append(names, name)
			}
			byName[name] = append(byName[name], op)
		}
		out := make([][]porcupine.Operation, 0, len(names))
		for _, n := range names {
			out = append(out, byName[n])
		}
		return out
	},
	Init: func() []any { return []any{state{}} },
	Step: func(st, in, out any) []any {
		s, o := st.(state), out.(Output)
		want, next := s.call(in.(Input), o)
		if o.Unknown() {
			return []any{s, next}
		}
		if want(o) {
			return []any{next}
		}
		return nil
	},
	Equal: func(a, b any) bool { return equalStates(a.(state), b.(state)) },
	Hash:  func(s any) uint64 { return hashState(s.(state)) },
	DescribeOperation: func(in, out any) string {
		return describeCall(in.(Input), out.(Output))
	},
	DescribeState: func(s any) string {
		st := s.(state)
		d := st.secret.describe()
		if st.backups != nil {
			d += fmt.Sprintf("; %d backups", st.backups.count)
		}
		return d
	},
}).ToModel()

func describeCall(in Input, o Output) string {
	var args []string
	for _, a := range []string{in.Value, in.Stage, in.Version} {
		if a != "" {
			args = append(args, a)
		}
	}
	if in.Kind == Restore {
		args = append(args, "blob#"+strconv.Itoa(in.Blob))
	}
	call := fmt.Sprintf("%s %s(%s)", in.Name, in.Kind, strings.Join(args, ", "))
	if o.Unknown() {
		return call + " → unknown: " + o.Note
	}
	ret := []string{strconv.Itoa(o.Status)}
	for _, r := range []string{o.Code, o.State, o.Version, o.Value} {
		if r != "" {
			ret = append(ret, r)
		}
	}
	if o.Stages != "" {
		ret = append(ret, "["+o.Stages+"]")
	}
	if o.Blob > 0 {
		ret = append(ret, "blob#"+strconv.Itoa(o.Blob))
	}
	return call + " → " + strings.Join(ret, " ")
}
