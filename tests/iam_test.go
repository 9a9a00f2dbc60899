package tests

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// TestIamPolicyCoversEveryTypeWithoutWildcardActions: for every committed
// stack and a stack that uses every feature, each account's deployer policy
// is derived without an unknown type or data source, grants no wildcard
// action, and holds the actions the stack's resources need.
func TestIamPolicyCoversEveryTypeWithoutWildcardActions(t *testing.T) {
	files := append(stackFiles(t), filepath.Join("testdata", "good", "Pulumi.everything.yaml"))
	seenTypes := map[string]bool{}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := plan.ReadConfigFile(file)
			require.NoError(t, err)
			p, err := plan.Run(plan.StackNameOf(file), raw)
			require.NoError(t, err)
			for account, role := range p.Accounts {
				var types []string
				for _, r := range p.Resources {
					if r.Account == account && r.Provider != "" && r.Type != "pulumi:providers:aws" && !slices.Contains(types, r.Type) {
						types = append(types, r.Type)
						seenTypes[r.Type] = true
					}
				}
				if len(types) == 0 {
					continue
				}
				doc, err := iampolicy.DeployerPolicy(account, p.Region, types, p.Invokes[account])
				require.NoError(t, err, "account %s (%s)", account, role)
				var actions []string
				for _, st := range doc.Statement {
					for _, a := range st.Action {
						assert.Falsef(t, a == "*" || strings.HasSuffix(a, ":*"), "wildcard action %s for %s", a, account)
						actions = append(actions, a)
					}
				}
				if role == "producer" {
					assert.Contains(t, actions, "apigateway:UpdateRestApiPolicy", "attaching the resource policy needs it")
				} else {
					assert.Contains(t, actions, "ec2:CreateVpcEndpoint")
					assert.Contains(t, actions, "ec2:ModifyVpcEndpoint", "the endpoint policy attachment")
				}
			}
		})
	}
	for typ := range iampolicy.Actions {
		assert.Truef(t, seenTypes[typ], "iampolicy.Actions has %s, which no stack registers: remove it or cover it", typ)
	}
}

func TestIamFlagPrintsAPolicyPerAccount(t *testing.T) {
	code, out, errOut := runCLI("--stack", "prod", "--root", projectRoot, "--iam", "--repo", "acme/xaccount-api")
	require.Equal(t, 0, code, errOut)
	for _, account := range []string{"333333333333", "444444444444", "555555555555"} {
		assert.Contains(t, out, "# Account "+account)
	}
	assert.Contains(t, out, "666666666666 (consumer:analytics): nothing is deployed there")
	assert.Contains(t, out, `"repo:acme/xaccount-api:*"`)
	assert.NotContains(t, out, `"Action": "*"`)
}
