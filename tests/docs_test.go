package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// doc is a document of the project (README.md, docs/configuration.md, …),
// by its path from the project root.
func doc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(projectRoot, filepath.FromSlash(path)))
	require.NoError(t, err)
	return string(b)
}

// docSection is the section of the document at path that starts with
// heading (a line such as "## Configuration reference"), up to the next
// heading of the same or a higher level.
func docSection(t *testing.T, path, heading string) string {
	t.Helper()
	s := doc(t, path)
	start := strings.Index(s, "\n"+heading)
	require.GreaterOrEqualf(t, start, 0, "%s has the section %q", path, heading)
	s = s[start+1:]
	level := heading[:strings.Index(heading, " ")+1] // "## "
	rest := s[len(heading):]
	end := len(rest)
	for _, l := range []string{"\n# ", "\n## ", "\n### "} {
		if len(l)-2 > len(level)-1 {
			continue // a deeper heading stays in the section
		}
		if i := strings.Index(rest, l); i >= 0 && i < end {
			end = i
		}
	}
	return s[:len(heading)+end]
}

// docsPages are the pages under docs/, by their path from the project root.
func docsPages(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(projectRoot, "docs"))
	require.NoError(t, err)
	var pages []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") {
			pages = append(pages, "docs/"+e.Name())
		}
	}
	require.NotEmpty(t, pages)
	return pages
}
