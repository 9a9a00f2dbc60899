package tests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // a file of the repository or a test's own
	require.NoError(t, err)
	return string(b)
}

// changelogHeading is a "## " heading of CHANGELOG.md: "Unreleased" or a
// release "vMAJOR.MINOR.PATCH".
var changelogHeading = regexp.MustCompile(`^## (Unreleased|v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))$`)

// releasedVersions are the releases CHANGELOG.md has a heading for, newest
// first, and whether it has an Unreleased heading.
func releasedVersions(t *testing.T, changelog string) ([]string, bool, []string) {
	t.Helper()
	var versions, problems []string
	unreleased := false
	for i, line := range strings.Split(changelog, "\n") {
		if !strings.HasPrefix(line, "## ") {
			continue
		}
		m := changelogHeading.FindStringSubmatch(line)
		switch {
		case m == nil:
			problems = append(problems, fmt.Sprintf("line %d: %q is neither \"## Unreleased\" nor \"## vX.Y.Z\"", i+1, line))
		case m[1] == "Unreleased":
			if unreleased || len(versions) > 0 {
				problems = append(problems, fmt.Sprintf("line %d: \"## Unreleased\" is the first heading, once", i+1))
			}
			unreleased = true
		default:
			versions = append(versions, m[1])
		}
	}
	return versions, unreleased, problems
}

// TestChangelogHeadingsAndVersion: CHANGELOG.md's headings are "##
// Unreleased" (at most once, first, not empty) and "## vX.Y.Z" releases,
// newest first and each once; the newest release is the VERSION the release
// workflow builds and tags, so the plugin, the SDKs and the tag carry the
// version of the newest release here (and an Unreleased section holds what
// the next one will bring). The rules hold on the committed files and
// refuse each wrong file.
func TestChangelogHeadingsAndVersion(t *testing.T) {
	check := func(changelog, version string) []string {
		versions, unreleased, problems := releasedVersions(t, changelog)
		if len(versions) == 0 {
			return append(problems, "no release heading")
		}
		for i := 1; i < len(versions); i++ {
			if compareVersions(versions[i-1], versions[i]) <= 0 {
				problems = append(problems, fmt.Sprintf("%s is listed above %s: newest first, each once", versions[i-1], versions[i]))
			}
		}
		if versions[0] != "v"+version {
			problems = append(problems, fmt.Sprintf("the newest release is %s, VERSION is %s", versions[0], version))
		}
		if unreleased {
			section := changelog[strings.Index(changelog, "## Unreleased\n")+len("## Unreleased\n"):]
			if next := strings.Index(section, "\n## "); next >= 0 {
				section = section[:next]
			}
			if strings.TrimSpace(section) == "" {
				problems = append(problems, "an empty Unreleased section")
			}
		}
		return problems
	}
	version := strings.TrimSpace(readFile(t, filepath.Join(projectRoot, "cmd", "pulumi-resource-xaccount", "VERSION")))
	assert.Empty(t, check(readFile(t, filepath.Join(projectRoot, "CHANGELOG.md")), version))

	released := "# Changelog\n\n## v1.2.0\n\n- b\n\n## v1.1.0\n\n- a\n"
	assert.Empty(t, check(released, "1.2.0"))
	assert.Empty(t, check("# Changelog\n\n## Unreleased\n\n- c\n\n"+released[len("# Changelog\n\n"):], "1.2.0"))
	for _, c := range []struct{ name, changelog, version string }{
		{"VERSION ahead of the newest release", released, "1.3.0"},
		{"VERSION behind the newest release", released, "1.1.0"},
		{"oldest first", "# Changelog\n\n## v1.1.0\n\n- a\n\n## v1.2.0\n\n- b\n", "1.1.0"},
		{"a release twice", "# Changelog\n\n## v1.2.0\n\n- b\n\n## v1.2.0\n\n- a\n", "1.2.0"},
		{"Unreleased below a release", "# Changelog\n\n## v1.2.0\n\n- b\n\n## Unreleased\n\n- c\n", "1.2.0"},
		{"an empty Unreleased", "# Changelog\n\n## Unreleased\n\n## v1.2.0\n\n- b\n", "1.2.0"},
		{"another heading", "# Changelog\n\n## Next\n\n- c\n\n## v1.2.0\n\n- b\n", "1.2.0"},
		{"no release", "# Changelog\n\n## Unreleased\n\n- c\n", "0.1.0"},
	} {
		assert.NotEmptyf(t, check(c.changelog, c.version), c.name)
	}
}

// compareVersions compares two release names vX.Y.Z (as the heading
// pattern admits them) by their numbers: <0, 0 or >0.
func compareVersions(a, b string) int {
	parse := func(v string) [3]int {
		var n [3]int
		for i, part := range strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3) {
			n[i], _ = strconv.Atoi(part)
		}
		return n
	}
	pa, pb := parse(a), parse(b)
	for i := range pa {
		if pa[i] != pb[i] {
			return pa[i] - pb[i]
		}
	}
	return 0
}

// upgradeTalk is a paragraph that speaks of upgrading a deployed stack or
// of an earlier version.
var upgradeTalk = regexp.MustCompile(`(?i)\bupgrad|\b(earlier|previous|older|prior) (version|release|build|commit)s?\b|before this (version|release)|deployed (with|by|from) an? (earlier|older|previous)`)

// versionName is a release's name in a document.
var versionName = regexp.MustCompile(`\bv\d+\.\d+\.\d+\b`)

// TestNoDocPromisesAnUpgradeFromAnUnreleasedVersion: no document speaks of
// upgrading a stack, or of an earlier version, without naming a release
// CHANGELOG.md lists: an upgrade path is given only from a release (whose
// state an engine test can start from), never from "earlier versions"
// that were never released.
func TestNoDocPromisesAnUpgradeFromAnUnreleasedVersion(t *testing.T) {
	versions, _, problems := releasedVersions(t, readFile(t, filepath.Join(projectRoot, "CHANGELOG.md")))
	require.Empty(t, problems)
	var docs []string
	require.NoError(t, filepath.WalkDir(projectRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == ".cache") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			docs = append(docs, path)
		}
		return nil
	}))
	require.Greater(t, len(docs), 3)
	var offending []string
	for _, doc := range docs {
		rel, err := filepath.Rel(projectRoot, doc)
		require.NoError(t, err)
		for _, p := range paragraphs(readFile(t, doc)) {
			if !upgradeTalk.MatchString(p) {
				continue
			}
			named := false
			for _, v := range versionName.FindAllString(p, -1) {
				named = named || slices.Contains(versions, v)
			}
			if !named {
				offending = append(offending, rel+": "+p)
			}
		}
	}
	assert.Empty(t, offending, "paragraphs that speak of upgrading from a version CHANGELOG.md does not list as released (%v)", versions)
}

// paragraphs splits markdown into blank-line separated paragraphs, each
// heading and table row one of its own.
func paragraphs(md string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "|"):
			flush()
			out = append(out, trimmed)
		default:
			cur = append(cur, trimmed)
		}
	}
	flush()
	return out
}
