package tests

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

// TestProbeOnlyWhereEnabled: the dev plan runs a probe function and its
// invocation in the consumer account that owns its endpoint; prod, which
// does not set probe, has none.
func TestProbeOnlyWhereEnabled(t *testing.T) {
	dev := planJson(t, filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	for _, typ := range []string{typeFunction, typeInvocation} {
		rs := dev.ofType(typ)
		if assert.Lenf(t, rs, 1, "dev plans one %s", typ) {
			assert.Equal(t, "consumer:app", dev.Accounts[rs[0].Account])
		}
	}
	prod := planJson(t, filepath.Join(projectRoot, "Pulumi.prod.yaml"))
	assert.Empty(t, prod.ofType(typeProbe), "prod sets no probe")
	assert.Empty(t, prod.ofType(typeFunction))
	assert.Empty(t, prod.ofType(typeInvocation))
}

// TestDocsRerunCommandNamesTheProbesInvocation: the command (docs/custom-domain.md) that
// runs a pending probe again (pulumi up --replace '<urn>') names, with
// <stack> and <consumer> filled in, the URN of the probe's invocation in
// the dev plan and in a consumer stack of the split topology; and it is the
// command the program's warning prints for that URN.
func TestDocsRerunCommandNamesTheProbesInvocation(t *testing.T) {
	page := doc(t, "docs/custom-domain.md")
	var patterns []*regexp.Regexp
	for _, m := range regexp.MustCompile("`?(urn:pulumi:<stack>::[^'`]+)['`]").FindAllStringSubmatch(page, -1) {
		p := regexp.QuoteMeta(m[1])
		p = strings.ReplaceAll(p, "<stack>", `[A-Za-z0-9._-]+`)
		p = strings.ReplaceAll(p, "<consumer>", `[a-z0-9-]+`)
		patterns = append(patterns, regexp.MustCompile("^"+p+"$"))
	}
	require.Len(t, patterns, 2, "the page gives the single-stack and the consumer-stack URN")
	matching := func(urn string) int {
		n := 0
		for _, p := range patterns {
			if p.MatchString(urn) {
				n++
			}
		}
		return n
	}

	dev := planJson(t, filepath.Join(projectRoot, "Pulumi.dev.yaml")).ofType(typeInvocation)
	require.Len(t, dev, 1)
	assert.Equal(t, 1, matching(dev[0].URN), dev[0].URN)
	assert.Contains(t, page, probediag.RerunCommand(strings.Replace(strings.Replace(dev[0].URN, "urn:pulumi:dev::", "urn:pulumi:<stack>::", 1), "-app-probe-", "-<consumer>-probe-", 1)),
		"the page's command is the one the warning prints")

	var split []string
	for _, r := range planSplit(t, splitDir, "orders-app").Resources {
		if r.Type == typeInvocation {
			split = append(split, r.URN)
		}
	}
	require.Len(t, split, 1)
	assert.Equal(t, 1, matching(split[0]), split[0])
}
