package jsonvalue

// jsonVerbatim holds the bytes encoding/json writes between quotes unchanged: printable ASCII
// other than the quote, the backslash and the three characters it escapes for HTML.
var jsonVerbatim = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// Verbatim reports whether encoding/json (with its HTML escaping) writes s between quotes
// unchanged, so that a writer may copy s as it is. It tests eight bytes at a time (a backup
// blob is a kilobyte or more of base64url), and the table the rest. It is conservative: a
// string with bytes above 0x7e is never verbatim, though encoding/json keeps most of them.
func Verbatim(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if !wordVerbatim(uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if !jsonVerbatim[s[i]] {
			return false
		}
	}
	return true
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasControl reports whether some byte of x is below 0x20: x - 0x20 in every byte borrows,
// and so sets the byte's top bit where x's was clear, exactly when some byte of x is below
// 0x20.
func hasControl(x uint64) bool { return (x-ones*0x20)&^x&highs != 0 }

// hasByte reports whether some byte of x equals c: x^c has a zero byte exactly there, and
// v - 0x01… borrows into that byte's top bit where v's own top bit was clear.
func hasByte(x uint64, c byte) bool {
	v := x ^ (ones * uint64(c))
	return (v-ones)&^v&highs != 0
}

// wordVerbatim is jsonVerbatim for each of the eight bytes of x: none with the top bit set,
// none below 0x20, and none of DEL and the five bytes JSON escapes.
func wordVerbatim(x uint64) bool {
	return x&highs == 0 && !hasControl(x) &&
		!hasByte(x, 0x7f) && !hasByte(x, '"') && !hasByte(x, '\\') &&
		!hasByte(x, '<') && !hasByte(x, '>') && !hasByte(x, '&')
}
