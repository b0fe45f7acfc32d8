package password

import (
	"errors"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	tests := []struct {
		name  string
		o     Options
		check func(string) bool
	}{
		{"defaults: 32 characters", Options{}, func(p string) bool { return len(p) == 32 }},
		{"length", Options{Length: 255}, func(p string) bool { return len(p) == 255 }},
		{"no punctuation", Options{Length: 200, ExcludePunctuation: true}, func(p string) bool { return !strings.ContainsAny(p, punctuation) }},
		{"digits only", Options{Length: 50, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true},
			func(p string) bool { return strings.Trim(p, digits) == "" }},
		{"excluded characters", Options{Length: 200, ExcludeCharacters: "aeiouAEIOU0"}, func(p string) bool { return !strings.ContainsAny(p, "aeiouAEIOU0") }},
		{"space only when asked", Options{Length: 200}, func(p string) bool { return !strings.Contains(p, " ") }},
		{"each kind", Options{Length: 5, IncludeSpace: true, RequireEachIncludedType: true}, func(p string) bool {
			return strings.ContainsAny(p, lowercase) && strings.ContainsAny(p, uppercase) && strings.ContainsAny(p, digits) &&
				strings.ContainsAny(p, punctuation) && strings.Contains(p, " ")
		}},
	}
	for _, tt := range tests {
		for range 50 {
			p, err := Generate(tt.o)
			if err != nil || !tt.check(p) {
				t.Fatalf("%s: %q, %v", tt.name, p, err)
			}
		}
	}
	a, _ := Generate(Options{})
	b, _ := Generate(Options{})
	if a == b {
		t.Error("two passwords are equal")
	}
	if _, err := Generate(Options{ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true}); !errors.Is(err, ErrNothingToDrawFrom) {
		t.Errorf("no kind left: %v", err)
	}
	if _, err := Generate(Options{Length: 3, RequireEachIncludedType: true}); !errors.Is(err, ErrNothingToDrawFrom) {
		t.Errorf("four kinds in three characters: %v", err)
	}
}
