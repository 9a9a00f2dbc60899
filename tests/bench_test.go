package tests

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// BenchmarkPlanStack measures a whole offline plan (parse, validate, program
// under the mock engine) of each stack file.
// go test ./tests -run '^$' -bench BenchmarkPlanStack -benchmem
func BenchmarkPlanStack(b *testing.B) {
	for _, name := range []string{"dev", "prod"} {
		raw, err := plan.ReadConfigFile(filepath.Join(projectRoot, "Pulumi."+name+".yaml"))
		require.NoError(b, err)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := plan.Run(name, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// consumersConfig is a stack file with n consumers, each with a new VPC.
func consumersConfig(n int) []byte {
	var sb strings.Builder
	sb.WriteString("config:\n  xaccount-api:region: eu-west-1\n  xaccount-api:producer:\n    accountId: \"111111111111\"\n    profile: producer\n  xaccount-api:consumers:\n")
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: c%d, accountId: \"%012d\", profile: c%d, vpc: {cidr: 10.%d.%d.0/24}}\n", i, 200000000000+i, i, i/256, i%256)
	}
	return []byte(sb.String())
}

// BenchmarkPlanConsumers shows how a plan grows with the number of consumer
// accounts in one stack (each brings a provider, a VPC and an endpoint).
// go test ./tests -run '^$' -bench BenchmarkPlanConsumers -benchmem
func BenchmarkPlanConsumers(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		raw, err := plan.ParseConfig(consumersConfig(n))
		require.NoError(b, err)
		b.Run(fmt.Sprintf("consumers=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := plan.Run("bench", raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadConfig measures validation of the prod stack file alone.
func BenchmarkLoadConfig(b *testing.B) {
	raw, err := plan.ReadConfigFile(filepath.Join(projectRoot, "Pulumi.prod.yaml"))
	require.NoError(b, err)
	for b.Loop() {
		if _, err := config.Load(raw.Values, raw.SecretKeys, "prod"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResourcePolicy measures the policy builder with 100 endpoints.
func BenchmarkResourcePolicy(b *testing.B) {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("vpce-%017x", i)
	}
	for b.Loop() {
		if _, err := components.ResourcePolicyJson("arn:aws:execute-api:eu-west-1:111111111111:abcde12345", ids, components.ResourcePolicyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConsumersConfigIsValid keeps the benchmark's generated stack honest.
func TestConsumersConfigIsValid(t *testing.T) {
	raw, err := plan.ParseConfig(consumersConfig(3))
	require.NoError(t, err)
	p, err := plan.Run("bench", raw)
	require.NoError(t, err)
	require.Len(t, p.Outputs["consumers"], 3)
}
