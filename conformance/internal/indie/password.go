package indie

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"strings"
)

// The kinds of characters a password draws from. This server's punctuation is a narrower
// set than all of ASCII's: the page names no set.
const (
	lowercase   = "abcdefghijklmnopqrstuvwxyz"
	uppercase   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits      = "0123456789"
	punctuation = "!#$%&*+-.:=?@^_~"
	space       = " "
)

// generatePassword answers a random password of length (1 to 255, default 32) from the kinds
// the body does not exclude, with at least one of each when asked.
func (s *Server) generatePassword(w http.ResponseWriter, q *request) {
	var req struct {
		Length             *int   `json:"length"`
		ExcludeCharacters  string `json:"exclude_characters"`
		ExcludeLowercase   bool   `json:"exclude_lowercase"`
		ExcludeUppercase   bool   `json:"exclude_uppercase"`
		ExcludeNumbers     bool   `json:"exclude_numbers"`
		ExcludePunctuation bool   `json:"exclude_punctuation"`
		IncludeSpace       bool   `json:"include_space"`
		RequireEach        bool   `json:"require_each_included_type"`
	}
	if len(q.body) > 0 && !s.decode(w, q, &req) {
		return
	}
	if s.defect == DefectExcludeIgnored {
		req.ExcludeCharacters = ""
	}
	if s.defect == DefectRequireIgnored {
		req.RequireEach = false
	}
	if pw, ok := s.passwords[string(q.body)]; ok && s.defect == DefectSamePassword {
		s.json(w, http.StatusOK, map[string]any{"password": pw})
		return
	}
	length := 32
	if s.defect == DefectDefaultLength16 {
		length = 16
	}
	if req.Length != nil {
		length = *req.Length
	}
	if length < 1 || length > 255 && !(length == 256 && s.defect == DefectLength256) {
		s.invalid(w, "length is 1 to 255.")
		return
	}
	var kinds []string
	for _, k := range []struct {
		chars string
		in    bool
	}{
		{lowercase, !req.ExcludeLowercase}, {uppercase, !req.ExcludeUppercase}, {digits, !req.ExcludeNumbers},
		{punctuation, !req.ExcludePunctuation}, {space, req.IncludeSpace},
	} {
		if !k.in {
			continue
		}
		kept := strings.Map(func(r rune) rune {
			if strings.ContainsRune(req.ExcludeCharacters, r) {
				return -1
			}
			return r
		}, k.chars)
		if kept != "" {
			kinds = append(kinds, kept)
		}
	}
	if len(kinds) == 0 || req.RequireEach && length < len(kinds) {
		s.invalid(w, "No password fits: too few characters are left to draw from, or the length is too short for every kind.")
		return
	}
	pw := make([]byte, 0, length)
	if req.RequireEach {
		for _, k := range kinds {
			pw = append(pw, pick(k))
		}
	}
	all := strings.Join(kinds, "")
	for len(pw) < length {
		pw = append(pw, pick(all))
	}
	// Shuffle, so that the required characters are not always first.
	for i := len(pw) - 1; i > 0; i-- {
		j := pickIndex(i + 1)
		pw[i], pw[j] = pw[j], pw[i]
	}
	s.passwords[string(q.body)] = string(pw)
	s.json(w, http.StatusOK, map[string]any{"password": string(pw)})
}

func pick(chars string) byte { return chars[pickIndex(len(chars))] }

func pickIndex(n int) int {
	i, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(i.Int64())
}
