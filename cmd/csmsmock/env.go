package main

import (
	"flag"
	"fmt"
	"strings"
)

// envPrefix starts the environment variable of every serve flag, so that a container is
// configured without a command line.
const envPrefix = "CSMSMOCK_"

// envName is the environment variable of a flag: --tls-cert-out is CSMSMOCK_TLS_CERT_OUT.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag that the command line left alone from its environment variable, if
// that is set and not empty. A value the flag refuses is a usage error naming the variable.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v := getenv(envName(f.Name))
		if err != nil || given[f.Name] || v == "" {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			// The value stays out of the message: the variable may hold a token or a key.
			err = fmt.Errorf("%w: %s: not a valid value for --%s%s", errUsage, envName(f.Name), f.Name, expected(f))
		}
	})
	return err
}

// expected says what a flag takes, for the flags whose value can be wrong.
func expected(f *flag.Flag) string {
	switch f.Value.(flag.Getter).Get().(type) {
	case bool:
		return " (true or false, 1 or 0)"
	case int:
		return " (a whole number)"
	}
	return ""
}

// envUsage is what serve -h says about the environment, once for all flags.
const envUsage = `Every flag may also come from an environment variable: CSMSMOCK_ and the flag's name in
capitals with - as _ (--addr: CSMSMOCK_ADDR, --tls: CSMSMOCK_TLS=true, --tls-cert-out:
CSMSMOCK_TLS_CERT_OUT). An empty variable counts as unset; a flag on the command line wins.
`
