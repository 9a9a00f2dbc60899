package tests

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeStartsWithAQuickStart: the README is short (at most 200 lines),
// its first section is a quick start that goes from login to destroy with a
// local backend (file://$HOME: the state in ~/.pulumi, where `pulumi login
// --local` keeps it, named by $HOME so tests/engine can run it in a home of
// its own) and a passphrase,
// without maintenance steps, and it links
// every page under docs/; the test layers live in CONTRIBUTING.md.
func TestReadmeStartsWithAQuickStart(t *testing.T) {
	readme := doc(t, "README.md")
	assert.LessOrEqual(t, strings.Count(readme, "\n"), 200, "the README is at most 200 lines: the rest belongs in docs/")
	sections := strings.Split(readme, "\n## ")
	require.Greater(t, len(sections), 3)
	require.True(t, strings.HasPrefix(sections[1], "Quick start\n"), "the first section is the quick start")
	quick := sections[1]
	for _, step := range []string{"go run ./cmd/plan --stack dev", `pulumi login "file://$HOME"`, "PULUMI_CONFIG_PASSPHRASE",
		"pulumi stack init dev", "pulumi config set", "--iam --trust", "pulumi preview", "pulumi up", "pulumi destroy"} {
		assert.Contains(t, quick, step)
	}
	assert.NotContains(t, quick, "make golden", "regenerating the golden plans is maintenance (docs/deploying.md), not a first step")
	for _, page := range docsPages(t) {
		assert.Containsf(t, readme, "]("+page+")", "the README links %s", page)
	}
	assert.NotContains(t, readme, "## Test layers", "the test layers are in CONTRIBUTING.md")
}

// TestChecklistNamesWhatThePreflightChecks: the README's "Before your first
// up" names each thing the preflight reads (components/preflight.go), with
// the config key that changes it, and the roles and state it cannot read.
func TestChecklistNamesWhatThePreflightChecks(t *testing.T) {
	list := docSection(t, "README.md", "## Before your first up")
	for _, thing := range []string{
		"CloudWatch Logs role ARN must be set in account settings to enable logging", // the stage's failure without the role
		"api.accessLogs.createAccountRole", "api.accessLogs.enabled",
		"enableDnsSupport", "enableDnsHostnames", "consumers[i].vpc.id", // an existing VPC's DNS attributes
		"private-DNS execute-api endpoint", "endpointId", "privateDns: false", // a second private-DNS endpoint
		"**Roles**", "**State**", "go run ./cmd/plan --check",
	} {
		assert.Containsf(t, list, thing, "the checklist names %q", thing)
	}
}

// TestDocLinksResolve: every relative link of the README and the docs pages
// names a file that exists and, with a #fragment, a heading of that file.
func TestDocLinksResolve(t *testing.T) {
	files := append([]string{"README.md", "CONTRIBUTING.md", "BENCHMARKS.md", "CHANGELOG.md"}, docsPages(t)...)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, file := range files {
		for _, m := range link.FindAllStringSubmatch(prose(doc(t, file)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			name, fragment, _ := strings.Cut(target, "#")
			resolved := file
			if name != "" {
				resolved = path.Join(path.Dir(file), name)
				_, err := os.Stat(filepath.Join(projectRoot, filepath.FromSlash(resolved)))
				if !assert.NoErrorf(t, err, "%s links %s, which does not exist", file, target) {
					continue
				}
			}
			if fragment != "" {
				assert.Containsf(t, anchors(doc(t, resolved)), fragment, "%s links %s: %s has no heading of that anchor", file, target, resolved)
			}
		}
	}
	assert.Greater(t, checked, 40, "the links were found")
}

// prose is markdown without its fenced code blocks.
func prose(md string) string {
	var out []string
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// anchors are the anchors of a markdown file's headings, as GitHub makes them.
func anchors(md string) []string {
	var out []string
	for _, line := range strings.Split(prose(md), "\n") {
		if strings.HasPrefix(line, "#") {
			out = append(out, anchorOf(strings.TrimSpace(strings.TrimLeft(line, "#"))))
		}
	}
	return out
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
