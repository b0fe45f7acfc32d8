package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/csmskit/csmskit/conformance"
)

// printChecks prints every check of the suite: as a JSON array, or as a table of level,
// profile, area, text and operations.
func printChecks(w io.Writer, asJSON bool) error {
	checks := conformance.Checks()
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(checks)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LEVEL\tPROFILE\tAREA\tCHECK\tOPERATIONS")
	for _, c := range checks {
		ops := strings.Join(c.Operations, ",")
		if ops == "" {
			ops = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Level, c.Profile, c.Area, c.Text, ops)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d checks\n", len(checks))
	return err
}
