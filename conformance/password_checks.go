package conformance

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// srcPassword is where the password rules come from.
const srcPassword = "the GenerateRandomPassword page (2026 edition): length 1 to 255, 32 by default; letters, digits and " +
	"punctuation unless excluded, a space when asked; with require_each_included_type, every included kind at least once"

// The kinds of characters a password is drawn from. Punctuation is any of ASCII's: the page
// names no narrower set.
var (
	kindLower = charKind{"lowercase letter", func(r rune) bool { return r >= 'a' && r <= 'z' }}
	kindUpper = charKind{"uppercase letter", func(r rune) bool { return r >= 'A' && r <= 'Z' }}
	kindDigit = charKind{"digit", func(r rune) bool { return r >= '0' && r <= '9' }}
	kindPunct = charKind{"punctuation", func(r rune) bool {
		return r < utf8.RuneSelf && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r)
	}}
	kindSpace = charKind{"space", func(r rune) bool { return r == ' ' }}
)

// charKind is a kind of character a password may hold.
type charKind struct {
	name string
	is   func(rune) bool
}

// password asks for a password with the body's options and returns it.
func (c *check) password(body map[string]any) (string, *exchange) {
	ex := c.ok(opGenerateRandomPassword, http.MethodPost, csmsPath(c.s.projectID(), "generate-password"), body)
	var out struct {
		Password *string `json:"password"`
	}
	c.decode(ex, &out)
	if out.Password == nil {
		c.fatalOn(ex, "the answer has no password")
	}
	c.s.redact.add(*out.Password)
	return *out.Password, ex
}

// expectKinds blames a password with a character of a kind not allowed, or of length other
// than want.
func (c *check) expectKinds(ex *exchange, pw string, want int, allowed ...charKind) {
	if n := utf8.RuneCountInString(pw); n != want {
		c.blame(ex, "the password has %d characters, not %d", n, want)
	}
	for _, r := range pw {
		ok := false
		for _, k := range allowed {
			ok = ok || k.is(r)
		}
		if !ok {
			c.blame(ex, "the password holds %q, which is none of the kinds asked for", r)
			return
		}
	}
}

// passwordChecks: GenerateRandomPassword answers the length and kinds asked for.
func (s *suite) passwordChecks() {
	all := []charKind{kindLower, kindUpper, kindDigit, kindPunct}
	s.must("GenerateRandomPassword answers 32 letters, digits and punctuation by default", ProfilePassword, srcPassword,
		ops(opGenerateRandomPassword), func(c *check) {
			pw, ex := c.password(map[string]any{})
			c.expectKinds(ex, pw, 32, all...)
		})
	s.must("GenerateRandomPassword gives the length asked for, from 1 to 255", ProfilePassword, srcPassword,
		ops(opGenerateRandomPassword), func(c *check) {
			for _, n := range []int{1, 24, 255} {
				pw, ex := c.password(map[string]any{"length": n})
				c.expectKinds(ex, pw, n, all...)
			}
		})
	s.must("GenerateRandomPassword leaves out every excluded kind and character", ProfilePassword, srcPassword,
		ops(opGenerateRandomPassword), func(c *check) {
			for i, option := range []string{"exclude_lowercase", "exclude_uppercase", "exclude_numbers", "exclude_punctuation"} {
				pw, ex := c.password(map[string]any{"length": 255, option: true})
				c.expectKinds(ex, pw, 255, append(append([]charKind{}, all[:i]...), all[i+1:]...)...)
			}
			const excluded = "aeiouAEIOU13579!#%&*"
			pw, ex := c.password(map[string]any{"length": 255, "exclude_characters": excluded})
			if strings.ContainsAny(pw, excluded) {
				c.blame(ex, "the password holds characters of exclude_characters %q", excluded)
			}
		})
	s.must("GenerateRandomPassword with require_each_included_type holds every included kind", ProfilePassword, srcPassword,
		ops(opGenerateRandomPassword), func(c *check) {
			kinds := slices.Concat(all, []charKind{kindSpace})
			for range 10 {
				pw, ex := c.password(map[string]any{"length": len(kinds), "include_space": true, "require_each_included_type": true})
				c.expectKinds(ex, pw, len(kinds), kinds...)
				for _, k := range kinds {
					if !strings.ContainsFunc(pw, k.is) {
						c.blame(ex, "the password holds no %s, an included kind that is required", k.name)
					}
				}
			}
		})
	s.must("GenerateRandomPassword refuses a length of 0 or 256 with 400", ProfilePassword, srcPassword,
		ops(opGenerateRandomPassword), func(c *check) {
			c.password(map[string]any{"length": 8})
			for _, n := range []int{0, 256} {
				ex := c.op(opGenerateRandomPassword, http.MethodPost, csmsPath(c.s.projectID(), "generate-password"), map[string]any{"length": n})
				if ex.status != http.StatusBadRequest {
					c.blame(ex, "want 400: length is 1 to 255")
				}
			}
		})
	// No page says it in words; a password generator that repeats itself is no generator.
	s.should("GenerateRandomPassword answers a different password every time", ProfilePassword,
		ops(opGenerateRandomPassword), func(c *check) {
			first, _ := c.password(map[string]any{})
			if second, ex := c.password(map[string]any{}); second == first {
				c.blame(ex, "two passwords of 32 characters are the same")
			}
		})
	s.sweepChecks(ops(opGenerateRandomPassword))
}
