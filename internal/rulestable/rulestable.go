// Package rulestable reads CONTRIBUTING.md's table of the simulated AWS's
// rules (one row per AWS resource type: its calls, limits, timings,
// interactions, sources and the rule and test that enforce them), for the
// tests that keep the table complete and in step with the simulated AWS.
package rulestable

import (
	"fmt"
	"regexp"
	"strings"
)

// Heading is the table's section in CONTRIBUTING.md.
const Heading = "## Rules of the simulated AWS, per resource type"

// Columns is the number of cells of a row.
const Columns = 7

// Row is one resource type's row.
type Row struct {
	// Type is the resource type token (aws:apigateway/restApi:RestApi).
	Type string
	// Calls are the IAM actions of the provider's calls per operation
	// (create, read, update, delete), as the calls cell lists them.
	Calls map[string][]string
	// Cells are the row's cells, the type's first.
	Cells []string
}

var (
	action = regexp.MustCompile("`([a-z0-9-]+:[A-Za-z0-9]+)`")
	ops    = map[string]string{"C": "create", "R": "read", "U": "update", "D": "delete"}
)

// Parse reads the table from CONTRIBUTING.md's text: every row of the
// section, or an error for a row that is not one type with its cells.
func Parse(markdown string) ([]Row, error) {
	_, section, found := strings.Cut(markdown, "\n"+Heading+"\n")
	if !found {
		return nil, fmt.Errorf("no section %q", Heading)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var rows []Row
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != Columns {
			return nil, fmt.Errorf("row %.60q…: %d cells, expected %d", line, len(cells), Columns)
		}
		r := Row{Type: strings.Trim(cells[0], "`"), Cells: cells, Calls: map[string][]string{}}
		for _, part := range strings.Split(cells[1], "<br>") {
			letter, list, ok := strings.Cut(part, ": ")
			op, known := ops[strings.TrimSpace(letter)]
			if !ok || !known {
				return nil, fmt.Errorf("%s: calls cell part %q: expected C:, R:, U: or D: and the actions", r.Type, part)
			}
			r.Calls[op] = []string{}
			for _, m := range action.FindAllStringSubmatch(list, -1) {
				r.Calls[op] = append(r.Calls[op], m[1])
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}
