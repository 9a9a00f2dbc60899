// Package e2e is the opt-in real-cloud test: it deploys a stack with the
// Automation API into the accounts its stack file names, checks the result and
// destroys it. It needs the Pulumi CLI, the AWS provider plugin and
// credentials for every account, so it is skipped unless asked for.
package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment variables that opt in and steer the test.
const (
	// envStack names the stack (Pulumi.<stack>.yaml with real accounts) to deploy.
	envStack = "XACCOUNT_E2E_STACK"
	// envKeep, when set, leaves the stack deployed for inspection.
	envKeep = "XACCOUNT_E2E_KEEP"
)

// TestDeployAndRefuseOutsiders deploys the stack, checks every consumer got an
// endpoint and its invoke forms, and checks that a caller outside the
// consumer VPCs does not get an answer from the private API.
//
//	XACCOUNT_E2E_STACK=e2e go test ./tests/e2e -run TestDeployAndRefuseOutsiders -timeout 40m -v
func TestDeployAndRefuseOutsiders(t *testing.T) {
	stackName := os.Getenv(envStack)
	if stackName == "" {
		t.Skipf("opt-in real-cloud test: set %s to a stack whose Pulumi.<stack>.yaml names accounts you hold credentials for", envStack)
	}
	if _, err := exec.LookPath("pulumi"); err != nil {
		t.Skip("opt-in real-cloud test: the pulumi CLI is not on PATH")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 35*time.Minute)
	defer cancel()

	s, err := auto.UpsertStackLocalSource(ctx, stackName, root)
	require.NoError(t, err)
	if os.Getenv(envKeep) == "" {
		t.Cleanup(func() {
			_, err := s.Destroy(context.Background(), optdestroy.ProgressStreams(os.Stdout))
			assert.NoError(t, err, "destroy the e2e stack by hand: pulumi destroy -s %s", stackName)
		})
	}
	res, err := s.Up(ctx, optup.ProgressStreams(os.Stdout))
	require.NoError(t, err)

	apiId, _ := res.Outputs["restApiId"].Value.(string)
	require.Regexp(t, `^[a-z0-9]{10}$`, apiId)
	consumers, _ := res.Outputs["consumers"].Value.(map[string]any)
	require.NotEmpty(t, consumers)
	client := &http.Client{Timeout: 15 * time.Second}
	for name, v := range consumers {
		c := v.(map[string]any)
		endpoint, _ := c["endpointId"].(string)
		assert.Regexpf(t, regexp.MustCompile(`^vpce-[0-9a-f]+$`), endpoint, "consumer %s endpoint", name)
		urls, _ := c["invokeUrls"].(map[string]any)
		require.Containsf(t, urls, "route53Alias", "consumer %s invoke forms", name)

		// From here, outside every consumer VPC, the API must not answer.
		for form, u := range urls {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.(string), nil)
			require.NoError(t, err)
			if form == "publicDnsWithApiIdHeader" {
				req.Header.Set("x-apigw-api-id", apiId)
			}
			resp, err := client.Do(req)
			if err == nil {
				_ = resp.Body.Close()
				assert.GreaterOrEqualf(t, resp.StatusCode, 400, "consumer %s %s answered %d to an outsider", name, form, resp.StatusCode)
			}
		}
	}
}
