// Package password generates the random passwords of GenerateRandomPassword.
package password

import (
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
)

// Character kinds a password draws from.
const (
	lowercase   = "abcdefghijklmnopqrstuvwxyz"
	uppercase   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits      = "0123456789"
	punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	space       = " "
)

// defaultLength is the length of a password when none is asked for.
const defaultLength = 32

// Options say what a password may contain; the zero value asks for the defaults.
type Options struct {
	Length                                int
	ExcludeCharacters                     string
	ExcludeLowercase, ExcludeUppercase    bool
	ExcludeNumbers, ExcludePunctuation    bool
	IncludeSpace, RequireEachIncludedType bool
}

// ErrNothingToDrawFrom says the options leave no character, or fewer characters than kinds
// that must each appear.
var ErrNothingToDrawFrom = errors.New("the options leave no characters to draw a password from")

// Generate returns a random password drawn with crypto/rand.
func Generate(o Options) (string, error) {
	length := o.Length
	if length == 0 {
		length = defaultLength
	}
	var kinds []string
	for _, k := range []struct {
		set     string
		include bool
	}{
		{lowercase, !o.ExcludeLowercase}, {uppercase, !o.ExcludeUppercase}, {digits, !o.ExcludeNumbers},
		{punctuation, !o.ExcludePunctuation}, {space, o.IncludeSpace},
	} {
		if !k.include {
			continue
		}
		if set := without(k.set, o.ExcludeCharacters); set != "" {
			kinds = append(kinds, set)
		}
	}
	all := strings.Join(kinds, "")
	if all == "" || o.RequireEachIncludedType && len(kinds) > length {
		return "", ErrNothingToDrawFrom
	}
	out := make([]byte, length)
	for i := range out {
		out[i] = pick(all)
	}
	if o.RequireEachIncludedType {
		// One of each kind at distinct random places, the rest as drawn.
		places := perm(length)
		for i, set := range kinds {
			out[places[i]] = pick(set)
		}
	}
	return string(out), nil
}

func without(set, excluded string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(excluded, r) {
			return -1
		}
		return r
	}, set)
}

func pick(set string) byte { return set[randInt(len(set))] }

func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int(v.Int64())
}

// perm is a random permutation of 0..n-1 (Fisher–Yates with crypto/rand).
func perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := randInt(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
