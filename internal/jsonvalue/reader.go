package jsonvalue

// Reader reads one JSON document a value at a time, checking it exactly as Decode does, and
// builds nothing: a caller that knows what it expects (a schema, a record's members) walks
// the document and takes only what it needs, and a string without escapes comes back as a
// slice of the document. The contract's check of an answer and the reading of a stored
// record so cost no value of their own.
//
// The caller asks for the kind of value that comes next (Kind) and reads it with the method
// of that kind; objects and arrays are read member by member:
//
//	more, err := r.Object()
//	for more && err == nil {
//		key, _ := r.Key()
//		... read the member's value ...
//		more, err = r.NextMember()
//	}
//
// After the value, End checks that only whitespace follows. Any error leaves the Reader
// unusable.
type Reader struct {
	d     decoder
	depth int
}

// NewReader returns a Reader of data.
func NewReader(data []byte) Reader { return Reader{d: decoder{data: data, discard: true}} }

// Kind is the kind of a JSON value, by its first byte.
type Kind byte

// The kinds of value; Invalid where no value can start.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

// Kind returns the kind of the value that comes next.
func (r *Reader) Kind() Kind {
	r.d.skipSpace()
	if r.d.pos >= len(r.d.data) {
		return Invalid
	}
	return kinds[r.d.data[r.d.pos]]
}

// kinds is the kind of value each byte starts (small enough a table that Kind inlines).
var kinds = func() (t [256]Kind) {
	t['{'], t['['], t['"'], t['-'], t['t'], t['f'], t['n'] = Object, Array, String, Number, Bool, Bool, Null
	for c := '0'; c <= '9'; c++ {
		t[c] = Number
	}
	return t
}()

// want fails unless the next value is of kind k.
func (r *Reader) want(k Kind) error {
	if r.Kind() != k {
		return r.d.fail("unexpected kind of value")
	}
	return nil
}

// String reads a string and returns its characters: a slice of the document, which the
// caller must not change, when it holds no escape; a copy otherwise.
func (r *Reader) String() ([]byte, error) {
	if err := r.want(String); err != nil {
		return nil, err
	}
	return r.d.rawKey()
}

// Number reads a number and returns its text.
func (r *Reader) Number() ([]byte, error) {
	if err := r.want(Number); err != nil {
		return nil, err
	}
	start := r.d.pos
	if _, err := r.d.number(); err != nil {
		return nil, err
	}
	return r.d.data[start:r.d.pos], nil
}

// Bool reads true or false.
func (r *Reader) Bool() (bool, error) {
	if err := r.want(Bool); err != nil {
		return false, err
	}
	if r.d.data[r.d.pos] == 't' {
		return true, r.d.literal("true")
	}
	return false, r.d.literal("false")
}

// Null reads null.
func (r *Reader) Null() error {
	if err := r.want(Null); err != nil {
		return err
	}
	return r.d.literal("null")
}

// Skip reads a value of any kind, checking it.
func (r *Reader) Skip() error {
	r.d.skipSpace()
	_, err := r.d.value(r.depth)
	return err
}

// Object reads the start of an object and reports whether a member follows (Key); otherwise
// the object, empty, has been read whole.
func (r *Reader) Object() (more bool, err error) { return r.open(Object, '}') }

// Array reads the start of an array and reports whether an element follows; otherwise the
// array, empty, has been read whole.
func (r *Reader) Array() (more bool, err error) { return r.open(Array, ']') }

func (r *Reader) open(k Kind, closing byte) (bool, error) {
	if err := r.want(k); err != nil {
		return false, err
	}
	if r.depth++; r.depth > maxDepth {
		return false, r.d.fail("exceeded the maximum nesting depth")
	}
	r.d.pos++
	r.d.skipSpace()
	if r.d.pos < len(r.d.data) && r.d.data[r.d.pos] == closing {
		r.d.pos++
		r.depth--
		return false, nil
	}
	return true, nil
}

// Key reads a member's name and the colon after it; its value comes next. The name is a
// slice of the document, which the caller must not change, unless it holds an escape.
func (r *Reader) Key() ([]byte, error) {
	if r.d.pos >= len(r.d.data) || r.d.data[r.d.pos] != '"' {
		return nil, r.d.fail("want a string for an object key")
	}
	key, err := r.d.rawKey()
	if err != nil {
		return nil, err
	}
	r.d.skipSpace()
	if r.d.pos >= len(r.d.data) || r.d.data[r.d.pos] != ':' {
		return nil, r.d.fail("want ':' after an object key")
	}
	r.d.pos++
	return key, nil
}

// NextMember reads what follows a member's value and reports whether another member follows;
// otherwise the object has been read whole.
func (r *Reader) NextMember() (more bool, err error) { return r.next('}', "an object member") }

// NextElement reads what follows an element and reports whether another element follows;
// otherwise the array has been read whole.
func (r *Reader) NextElement() (more bool, err error) { return r.next(']', "an array element") }

func (r *Reader) next(closing byte, item string) (bool, error) {
	done, err := r.d.afterItem(closing, item)
	if done {
		r.depth--
	}
	return !done && err == nil, err
}

// End checks that nothing but whitespace follows the value read.
func (r *Reader) End() error {
	r.d.skipSpace()
	if r.d.pos != len(r.d.data) {
		return r.d.fail("more data after the JSON value")
	}
	return nil
}
