package components

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApiResourceCountCountsParentsAndRoot(t *testing.T) {
	route := func(path string) Route {
		return Route{Path: path, Method: "GET", Integration: RouteIntegration{Type: IntegrationMock}}
	}
	for _, tc := range []struct {
		paths []string
		want  int
	}{
		{[]string{"/"}, 1},
		{[]string{"/a"}, 2},
		{[]string{"/a/b", "/a/c"}, 4},              // /, /a, /a/b, /a/c
		{[]string{"/a/b", "/a/b", "/a"}, 3},        // a path twice is one resource
		{[]string{"/orders/{id}", "/{proxy+}"}, 4}, // /, /orders, /orders/{id}, /{proxy+}
	} {
		var routes []Route
		for _, p := range tc.paths {
			routes = append(routes, route(p))
		}
		assert.Equalf(t, tc.want, apiResourceCount(routes), "paths %v", tc.paths)
	}
}

// manyRoutes gives n routes on n distinct top-level paths: n+1 resources.
func manyRoutes(n int) []Route {
	routes := make([]Route, n)
	for i := range routes {
		routes[i] = Route{Path: fmt.Sprintf("/r%d", i), Method: "GET", Integration: RouteIntegration{Type: IntegrationMock}}
	}
	return routes
}

// iamConsumers gives n consumers, each with a VPC and, when principals is
// set, two named roles.
func iamConsumers(n int, principals bool) []ConsumerArgs {
	consumers := make([]ConsumerArgs, n)
	for i := range consumers {
		account := fmt.Sprintf("%012d", 200000000000+i)
		consumers[i] = ConsumerArgs{Name: fmt.Sprintf("c%d", i), AccountId: account, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}
		if principals {
			consumers[i].Principals = pulumi.ToStringArray([]string{
				"arn:aws:iam::" + account + ":role/orders-reader",
				"arn:aws:iam::" + account + ":role/orders-writer",
			})
		}
	}
	return consumers
}

func quotaArgs(consumers []ConsumerArgs) *CrossAccountPrivateApiArgs {
	return &CrossAccountPrivateApiArgs{
		Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Authorization: AuthorizationIam, Consumers: consumers,
	}
}

func messagesOf(err error, field string) string {
	var out []string
	for _, fe := range AsFieldErrors(err) {
		if fe.Field == field {
			out = append(out, fe.Message)
		}
	}
	return strings.Join(out, "|")
}

// TestResourcesPerApiQuota: 299 paths (300 resources with the root) pass,
// 300 paths are refused naming the quota, the counts and what to do; a raised
// quota lets them through; both components check it.
func TestResourcesPerApiQuota(t *testing.T) {
	args := quotaArgs(iamConsumers(1, false))
	args.Routes = manyRoutes(299)
	require.NoError(t, args.Validate())

	args.Routes = manyRoutes(300)
	says := messagesOf(args.Validate(), "routes")
	for _, want := range []string{"300 routes need 301 API resources", "allows 300 per API", `quota "Resources per API"`, "/{proxy+}", "quotas.resourcesPerApi"} {
		assert.Contains(t, says, want)
	}

	api := &PrivateRestApiArgs{VpcEndpointIds: pulumi.StringArray{}, Routes: manyRoutes(319)}
	assert.Contains(t, messagesOf(api.Validate(), "routes"), "319 routes need 320 API resources")

	args.Quotas = &ApiQuotas{ResourcesPerApi: 301}
	require.NoError(t, args.Validate())
	api.Quotas = &ApiQuotas{ResourcesPerApi: 320}
	require.NoError(t, api.Validate())
}

// TestQuotasBelowTheDefaultAreRefused: a quota under AWS's default is a typo.
func TestQuotasBelowTheDefaultAreRefused(t *testing.T) {
	args := quotaArgs(iamConsumers(1, false))
	args.Quotas = &ApiQuotas{ResourcePolicyLength: 8191, ResourcesPerApi: 30}
	err := args.Validate()
	assert.Contains(t, messagesOf(err, "quotas.resourcePolicyLength"), "got 8191; expected the raised quota AWS granted, at least the default 8192")
	assert.Contains(t, messagesOf(err, "quotas.resourcesPerApi"), "got 30; expected the raised quota AWS granted, at least the default 300")
	args.Quotas = &ApiQuotas{ResourcePolicyLength: 8192, ResourcesPerApi: 300}
	require.NoError(t, args.Validate())
}

// TestPlannedPolicyLengthIsTheLengthSent: the length Validate computes
// before anything exists equals the length of the document the program
// then sends to RestApiPolicy, for created and existing endpoints, named
// principals, account roots and extra statements alike.
func TestPlannedPolicyLengthIsTheLengthSent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(a *CrossAccountPrivateApiArgs)
		iamOff bool
	}{
		{name: "none", iamOff: true},
		{name: "iam roots"},
		{name: "iam principals, existing endpoint, extra statement", edit: func(a *CrossAccountPrivateApiArgs) {
			a.Consumers[0].Principals = pulumi.ToStringArray([]string{"arn:aws:iam::" + a.Consumers[0].AccountId + ":role/reader"})
			a.Consumers = append(a.Consumers, ConsumerArgs{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId)})
			a.PrincipalOrgId = "o-abcdefghij"
			a.ExtraPolicyStatements = []map[string]any{{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var args *CrossAccountPrivateApiArgs
			mocks := runMocked(t, func(ctx *pulumi.Context) error {
				producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
				if err != nil {
					return err
				}
				args = quotaArgs(iamConsumers(3, false))
				if tc.iamOff {
					args.Authorization = AuthorizationNone
				}
				args.ProducerProvider = producer
				for i := range args.Consumers {
					p, err := newTestProvider(ctx, "consumer-"+args.Consumers[i].Name, args.Consumers[i].AccountId, testRegion)
					if err != nil {
						return err
					}
					args.Consumers[i].Provider = p
				}
				if tc.edit != nil {
					tc.edit(args)
				}
				_, err = NewCrossAccountPrivateApi(ctx, "xa", args)
				return err
			})
			policies := mocks.OfType(typeRestApiPolicy)
			require.Len(t, policies, 1)
			sent, _ := policies[0].Input("policy").(string)
			require.NotEmpty(t, sent)
			planned, known, ok := args.plannedPolicyLength()
			require.True(t, ok)
			assert.True(t, known)
			assert.Equal(t, utf8.RuneCountInString(sent), planned, "planned length of %s", sent)
		})
	}
}

// TestResourcePolicyLengthQuota: the 120 consumers with two
// principals each are refused with the length, the limit, the quota and the
// designs that fit; the boundary is exact; a raised quota lets it through.
func TestResourcePolicyLengthQuota(t *testing.T) {
	args := quotaArgs(iamConsumers(120, true))
	err := args.Validate()
	says := messagesOf(err, "consumers")
	for _, want := range []string{"120 consumers give a resource policy of ", "API Gateway allows 8,192", "L-8B81B02C",
		"fewer principals per consumer (240 are listed", "split across APIs", "quotas.resourcePolicyLength"} {
		assert.Contains(t, says, want)
	}
	assert.Len(t, AsFieldErrors(err), 1, "the length is the only problem: %v", err)

	length, known, ok := args.plannedPolicyLength()
	require.True(t, ok)
	require.True(t, known)
	assert.Greater(t, length, 14000)
	args.Quotas = &ApiQuotas{ResourcePolicyLength: length}
	require.NoError(t, args.Validate(), "a policy exactly at the quota fits")
	args.Quotas = &ApiQuotas{ResourcePolicyLength: length - 1}
	assert.Contains(t, messagesOf(args.Validate(), "consumers"), fmt.Sprintf("resource policy of %s characters; API Gateway allows %s", thousands(length), thousands(length-1)))

	// Without principals each consumer is one account root: 120 fit.
	require.NoError(t, quotaArgs(iamConsumers(120, false)).Validate())
}

// TestResourcePolicyLengthWithUnknownPrincipals: principals that are outputs
// give a lower bound, said as such.
func TestResourcePolicyLengthWithUnknownPrincipals(t *testing.T) {
	args := quotaArgs(iamConsumers(200, false))
	args.Consumers[0].Principals = pulumi.StringArray{pulumi.String("x").ToStringOutput()}
	_, known, ok := args.plannedPolicyLength()
	require.True(t, ok)
	assert.False(t, known)
	assert.Contains(t, messagesOf(args.Validate(), "consumers"), "a resource policy of at least ")
}

// TestResourcePolicyRefusesALongDocumentOnceKnown: used alone with endpoint
// IDs that are outputs, ResourcePolicy refuses a document over the quota as
// soon as it is rendered, before a RestApiPolicy with it could be sent.
func TestResourcePolicyRefusesALongDocumentOnceKnown(t *testing.T) {
	run := func(endpoints int, quotas *ApiQuotas) error {
		return runMockedErr(func(ctx *pulumi.Context) error {
			producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
			if err != nil {
				return err
			}
			ids := make(pulumi.StringArray, endpoints)
			for i := range ids {
				ids[i] = pulumi.String(placeholderEndpointId(i)).ToStringOutput()
			}
			_, err = NewResourcePolicy(ctx, "orders-policy", &ResourcePolicyArgs{
				RestApiId: pulumi.String("abcde12345"), ExecutionArn: pulumi.String(testExecutionArn),
				VpcEndpointIds: ids, BodyHash: pulumi.String("r1"), Quotas: quotas,
			}, pulumi.Provider(producer))
			return err
		})
	}
	require.NoError(t, run(10, nil))
	err := run(400, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "resource policy orders-policy: the resource policy is ")
	assert.Contains(t, err.Error(), "API Gateway allows 8,192")
	require.NoError(t, run(400, &ApiQuotas{ResourcePolicyLength: 20480}))
}

func TestTagsPerResourceQuota(t *testing.T) {
	args := quotaArgs(iamConsumers(1, false))
	tags := pulumi.StringMap{}
	for i := range MaxTagsPerResource {
		tags[fmt.Sprintf("t%d", i)] = pulumi.String("v")
	}
	args.Tags = tags
	require.NoError(t, args.Validate())
	tags["one-more"] = pulumi.String("v")
	assert.Contains(t, messagesOf(args.Validate(), "tags"), "got 51 tags; AWS allows 50 user tags per resource")
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 8192: "8,192", 14732: "14,732", 1234567: "1,234,567", -4096: "-4,096"} {
		assert.Equal(t, want, thousands(n))
	}
}
