package stack

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/config/configtest"
)

// inClear lists where a value outside any secret contains one of needles.
func inClear(where string, v resource.PropertyValue, needles []string) []string {
	switch {
	case v.IsSecret():
		return nil
	case v.IsOutput():
		if v.OutputValue().Secret {
			return nil
		}
		return inClear(where, v.OutputValue().Element, needles)
	case v.IsObject():
		var out []string
		for k, e := range v.ObjectValue() {
			out = append(out, inClear(where+"."+string(k), e, needles)...)
		}
		return out
	case v.IsArray():
		var out []string
		for i, e := range v.ArrayValue() {
			out = append(out, inClear(fmt.Sprintf("%s[%d]", where, i), e, needles)...)
		}
		return out
	case v.IsString():
		var out []string
		for _, n := range needles {
			if strings.Contains(v.StringValue(), n) {
				out = append(out, fmt.Sprintf("%s holds %q in clear", where, n))
			}
		}
		return out
	}
	return nil
}

// TestSecureRouteValuesStaySecretThroughTheProgram: a stack whose api key
// holds secure values (a route's uri and body) registers nothing that holds
// them, or the OpenAPI body's hash, in clear, and exports nothing that does;
// AWS still gets the values.
func TestSecureRouteValuesStaySecretThroughTheProgram(t *testing.T) {
	const uri, body = "https://orders.internal-4711.example.com/{id}", `{"token":"mock-secret-4711"}`
	c := configtest.Valid()
	configtest.At(c, "api", "routes", 0, "integration")["body"] = body
	configtest.At(c, "api", "routes", 1, "integration")["uri"] = uri
	raw := configtest.Raw(t, c)
	secretKeys := []string{config.Key(config.KeyApi)}
	env, err := awsmock.ConfigEnv(raw, secretKeys)
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := config.Load(raw, secretKeys, "dev")
	require.NoError(t, err)
	mocks := awsmock.New(config.Namespace, "dev", awsmock.Profiles(cfg.ProfileAccounts()))
	exported := map[string]any{}
	secretExports := map[string]bool{}
	require.NoError(t, mocks.Run(func(ctx *pulumi.Context) error {
		exports, err := Deploy(ctx)
		if err != nil {
			return err
		}
		for name, value := range exports {
			v, secret, err := awsmock.Await(pulumi.ToOutput(value))
			if err != nil {
				return err
			}
			exported[name], secretExports[name] = v, secret
		}
		return nil
	}))

	api, ok := mocks.Named("aws:apigateway/restApi:RestApi", "xaccount-api-api-api")
	require.True(t, ok)
	openApi, _ := api.Input("body").(string)
	require.Contains(t, openApi, uri, "AWS gets the uri")
	require.Contains(t, openApi, "mock-secret-4711", "and the body")
	sum := sha256.Sum256([]byte(openApi))
	needles := []string{"internal-4711", "mock-secret-4711", hex.EncodeToString(sum[:])}
	for _, r := range mocks.Resources() {
		name := r.Type + " " + r.Name
		assert.Empty(t, inClear(name+" inputs", resource.NewObjectProperty(r.Inputs), needles))
		assert.Empty(t, inClear(name+" state", resource.NewObjectProperty(r.State), needles))
	}
	for name, v := range exported {
		if secretExports[name] {
			continue
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		for _, n := range needles {
			assert.NotContainsf(t, string(b), n, "stack output %s holds a secure value in clear", name)
		}
	}
}
