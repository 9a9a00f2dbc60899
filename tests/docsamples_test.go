package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fencedBlocks are the fenced code blocks of md, in order, each with the
// line before its opening fence.
func fencedBlocks(md string) (blocks []struct{ before, lang, body string }) {
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		open := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(open, "```") {
			continue
		}
		indent := lines[i][:strings.Index(lines[i], "```")]
		var body []string
		j := i + 1
		for ; j < len(lines) && strings.TrimSpace(lines[j]) != "```"; j++ {
			body = append(body, strings.TrimPrefix(lines[j], indent))
		}
		before := ""
		if i > 0 {
			before = strings.TrimSpace(lines[i-1])
		}
		blocks = append(blocks, struct{ before, lang, body string }{before, strings.TrimPrefix(open, "```"), strings.Join(body, "\n")})
		i = j
	}
	return blocks
}

// elided says whether a line of a sample stands for lines left out.
func elided(line string) bool {
	switch strings.TrimSpace(line) {
	case "…", "...", "// ...", "# ...", "// …", "# …":
		return true
	}
	return false
}

// inOrder reports the lines of sample (other than elisions) that are not
// lines of text, in order; with contiguous, the lines between two elisions
// must also follow each other in text. Lines compare without their leading
// and trailing white space when loose is set.
func inOrder(sample, text string, contiguous, loose bool) []string {
	norm := func(s string) string {
		if loose {
			return strings.TrimSpace(s)
		}
		return strings.TrimRight(s, " \t")
	}
	have := strings.Split(text, "\n")
	var missing []string
	at := 0
	justElided := true
	for _, line := range strings.Split(sample, "\n") {
		if elided(line) {
			justElided = true
			continue
		}
		want := norm(line)
		found := -1
		if contiguous && !justElided {
			if at < len(have) && norm(have[at]) == want {
				found = at
			}
		} else {
			for k := at; k < len(have); k++ {
				if norm(have[k]) == want {
					found = k
					break
				}
			}
		}
		if found < 0 {
			missing = append(missing, line)
			continue
		}
		at = found + 1
		justElided = false
	}
	return missing
}

// TestSamplePlanIsWhatThePlanPrints: every line of the sample output of
// `go run ./cmd/plan --stack dev` in docs/offline-plan.md, other than "…",
// is a line the command prints, in the order it prints them.
func TestSamplePlanIsWhatThePlanPrints(t *testing.T) {
	var sample string
	for _, b := range fencedBlocks(docSection(t, "docs/offline-plan.md", "## What it prints")) {
		if strings.HasPrefix(b.body, "$ go run ./cmd/plan --stack dev\n") {
			sample = strings.TrimPrefix(b.body, "$ go run ./cmd/plan --stack dev\n")
		}
	}
	require.NotEmpty(t, sample, "the page shows the command's output")
	require.Greater(t, strings.Count(sample, "\n"), 20)
	code, out, errOut := runCLI("--stack", "dev", "--root", projectRoot)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, inOrder(sample, out, false, false), "lines of the sample the plan does not print (in this order)")
}

// TestHubCostSampleIsWhatThePlanPrints: the hub page's cost comparison for
// Pulumi.hub.yaml is what the plan prints for it, line for line.
func TestHubCostSampleIsWhatThePlanPrints(t *testing.T) {
	var sample string
	for _, b := range fencedBlocks(docSection(t, "docs/hub.md", "## What it costs")) {
		if strings.HasPrefix(b.body, "$ go run ./cmd/plan --stack hub\n...\n") {
			sample = strings.TrimPrefix(b.body, "$ go run ./cmd/plan --stack hub\n...\n")
		}
	}
	require.Contains(t, sample, "Hub cost", "the page shows the plan's cost comparison")
	code, out, errOut := runCLI("--stack", "hub", "--root", projectRoot)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, inOrder(sample, out, false, false), "lines of the sample the plan does not print (in this order)")
	// The README's hub section quotes the saving and the break-even.
	m := regexp.MustCompile(`fixed saving ([0-9.]+): the hub costs less below ([0-9]+) GB a month`).FindStringSubmatch(out)
	require.NotNil(t, m, "the plan prints the saving and the break-even")
	readme := docSection(t, "README.md", "## One endpoint for many VPCs: the hub")
	assert.Contains(t, readme, "save "+m[1]+" USD a month", "the README's saving is the plan's")
	assert.Contains(t, readme, "above "+m[2]+" GB a month", "the README's break-even is the plan's")
}

// quoteMark names the file a code block of the docs quotes, on the line
// before its fence.
var quoteMark = regexp.MustCompile(`^<!-- from: (\S+) -->$`)

// TestQuotedCodeIsInItsFile: a code block of the README or the docs marked
// `<!-- from: <file> -->` is an excerpt of that file: its lines, indentation
// aside, run in the file as they run in the block, and only a "// ..." (or
// "# ...") line stands for lines left out. The README's Go and TypeScript
// snippets are such excerpts.
func TestQuotedCodeIsInItsFile(t *testing.T) {
	quoted := map[string]int{}
	for _, page := range append([]string{"README.md"}, docsPages(t)...) {
		for _, b := range fencedBlocks(doc(t, page)) {
			m := quoteMark.FindStringSubmatch(b.before)
			if m == nil {
				continue
			}
			quoted[page]++
			src, err := os.ReadFile(filepath.Join(projectRoot, filepath.FromSlash(m[1])))
			if !assert.NoErrorf(t, err, "%s quotes %s", page, m[1]) {
				continue
			}
			assert.Emptyf(t, inOrder(b.body, string(src), true, true), "%s quotes lines that are not in %s as quoted", page, m[1])
		}
	}
	assert.Equal(t, 2, quoted["README.md"], "the README's Go and TypeScript snippets name their files")
	assert.GreaterOrEqual(t, quoted["docs/components.md"], 5, "the components page names the files of its snippets")
}

// TestTopologyOutputIsDocumented: docs/split-topology.md shows what
// `go run ./cmd/plan --topology` prints for the split example, line for
// line, and what it prints for a folder without split stacks.
func TestTopologyOutputIsDocumented(t *testing.T) {
	section := docSection(t, "docs/split-topology.md", "## The stacks of a folder (`--topology`)")
	blocks := fencedBlocks(section)
	require.Len(t, blocks, 2, "the command and what it prints")
	require.Equal(t, "go run ./cmd/plan --topology --root tests/testdata/split", blocks[0].body)
	code, out, errOut := runCLI("--topology", "--root", splitDir)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, strings.TrimSpace(out), strings.TrimSpace(blocks[1].body), "the documented output is the command's")
	_, empty, _ := runCLI("--topology", "--root", projectRoot)
	for _, line := range strings.Split(strings.TrimSpace(empty), "\n") {
		assert.Containsf(t, section, "`"+line+"`", "the page says a folder without split stacks prints %s", line)
	}
}

// figureWithoutUnit is a figure after "about", "took" or "takes" that is
// followed by punctuation instead of its unit ("make test about 16 (").
var figureWithoutUnit = regexp.MustCompile(`\b(?:about|took|takes|take) (?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*[-–]\s*\d+(?:\.\d+)?)?\s*(?:\(|[,;:.](?:\s|$)|$)`)

// TestFiguresHaveUnits: no figure of the README, the docs, CONTRIBUTING.md
// or BENCHMARKS.md stops before its unit.
func TestFiguresHaveUnits(t *testing.T) {
	for _, page := range append([]string{"README.md", "CONTRIBUTING.md", "BENCHMARKS.md"}, docsPages(t)...) {
		for _, p := range paragraphs(prose(doc(t, page))) {
			if m := figureWithoutUnit.FindString(p); m != "" {
				t.Errorf("%s: %q has no unit, in: %s", page, m, p)
			}
		}
	}
	assert.Regexp(t, figureWithoutUnit, "the plan took 1 min 55 s and `make test` about 16 (downloading", "a negative control")
}

// TestStackFilesNameTheSchema: every stack file of the project's root and of
// the split example starts with the schema line, whose path from the file's
// folder is schema/stack.schema.json, as docs/configuration.md says.
func TestStackFilesNameTheSchema(t *testing.T) {
	root, err := filepath.Glob(filepath.Join(projectRoot, "Pulumi.*.yaml"))
	require.NoError(t, err)
	split, err := filepath.Glob(filepath.Join(splitDir, "Pulumi.*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, root)
	require.Len(t, split, 3)
	schema, err := filepath.Abs(filepath.Join(projectRoot, "schema", "stack.schema.json"))
	require.NoError(t, err)
	line := regexp.MustCompile(`^# yaml-language-server: \$schema=(\S+)\n`)
	for _, file := range append(root, split...) {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		m := line.FindSubmatch(b)
		if !assert.NotNilf(t, m, "%s names the schema on its first line", file) {
			continue
		}
		named, err := filepath.Abs(filepath.Join(filepath.Dir(file), string(m[1])))
		require.NoError(t, err)
		assert.Equalf(t, schema, named, "%s names schema/stack.schema.json by its path from the file", file)
	}
}
