package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeStartsWithAQuickStart: the first section is a quick start of at
// most 15 lines that goes from login to destroy, followed by a table of
// contents whose links name real sections; the test layers live in
// CONTRIBUTING.md.
func TestReadmeStartsWithAQuickStart(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(projectRoot, "README.md"))
	require.NoError(t, err)
	readme := string(b)
	sections := strings.Split(readme, "\n## ")
	require.Greater(t, len(sections), 3)
	assert.True(t, strings.HasPrefix(sections[1], "Quick start"), "the first section is the quick start")
	quick := sections[1]
	code := quick[strings.Index(quick, "```sh\n")+6 : strings.LastIndex(quick, "```")]
	lines := strings.Split(strings.TrimRight(code, "\n"), "\n")
	assert.LessOrEqual(t, len(lines), 15, "at most 15 lines")
	for _, step := range []string{"pulumi login", "pulumi stack init", "go run ./cmd/plan", "make golden", "pulumi preview", "pulumi up", "pulumi destroy"} {
		assert.Contains(t, code, step)
	}
	assert.True(t, strings.HasPrefix(sections[2], "Contents"), "then the table of contents")
	anchors := map[string]bool{}
	for _, s := range sections[1:] {
		title := strings.SplitN(s, "\n", 2)[0]
		anchors[anchorOf(title)] = true
	}
	for _, link := range strings.Split(sections[2], "](#")[1:] {
		target := link[:strings.Index(link, ")")]
		assert.Truef(t, anchors[target], "the contents link #%s names a section", target)
	}
	assert.NotContains(t, readme, "## Test layers", "the test layers are in CONTRIBUTING.md")
}

// anchorOf is the anchor a Markdown renderer gives a heading: lower case,
// spaces to hyphens, punctuation dropped.
func anchorOf(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}
