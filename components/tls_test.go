package components

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// TestApiTlsValidate: TLS 1.2 at least, an access mode exactly with an
// enhanced policy, each problem on its field.
func TestApiTlsValidate(t *testing.T) {
	for _, c := range []struct {
		tls    *ApiTls
		fields []string
	}{
		{nil, nil},
		{&ApiTls{}, nil},
		{&ApiTls{SecurityPolicy: SecurityPolicyTls12}, nil},
		{&ApiTls{SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessMode: EndpointAccessStrict}, nil},
		{&ApiTls{SecurityPolicy: "SecurityPolicy_TLS13_1_2_PQ_2025_09", EndpointAccessMode: EndpointAccessBasic}, nil},
		{&ApiTls{SecurityPolicy: SecurityPolicyTls10}, []string{"securityPolicy"}},
		{&ApiTls{SecurityPolicy: "TLS_1_3"}, []string{"securityPolicy"}},
		{&ApiTls{SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09"}, []string{"endpointAccessMode"}},
		{&ApiTls{EndpointAccessMode: EndpointAccessStrict}, []string{"endpointAccessMode"}},
		{&ApiTls{SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessMode: "strict"}, []string{"endpointAccessMode"}},
	} {
		assert.Equalf(t, c.fields, fieldsOf(c.tls.Validate()), "%+v", c.tls)
	}
	err := (&ApiTls{SecurityPolicy: SecurityPolicyTls10}).Validate()
	assert.Contains(t, err.Error(), "TLS 1.2 at least")
}

// TestTlsReachesTheBodyAndStrictDropsTheHeaderForms: the body names the
// security policy (TLS_1_2 by default) and the access mode; with STRICT a
// consumer is offered, and probes, only the API's own names.
func TestTlsReachesTheBodyAndStrictDropsTheHeaderForms(t *testing.T) {
	for _, c := range []struct {
		tls          *ApiTls
		policy, mode string
		forms        []string
	}{
		{nil, SecurityPolicyTls12, "", []string{InvokePrivateDns, InvokeRoute53Alias, InvokePublicDnsHostHeader, InvokePublicDnsApiIdHeader}},
		{&ApiTls{SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessMode: EndpointAccessBasic}, "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessBasic,
			[]string{InvokePrivateDns, InvokeRoute53Alias, InvokePublicDnsHostHeader, InvokePublicDnsApiIdHeader}},
		{&ApiTls{SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessMode: EndpointAccessStrict}, "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessStrict,
			[]string{InvokePrivateDns, InvokeRoute53Alias}},
	} {
		var urls map[string]string
		mocks := runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
			return &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev", Tls: c.tls,
				Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, Probe: true}}}
		}, func(api *CrossAccountPrivateApi) error {
			v, _, err := awsmock.Await(api.Consumers["app"].InvokeUrls)
			urls, _ = v.(map[string]string)
			return err
		})
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(mustNamed(t, mocks, typeRestApi, "xa-api-api").Input("body").(string)), &doc))
		assert.Equal(t, c.policy, doc["x-amazon-apigateway-security-policy"])
		if c.mode == "" {
			assert.NotContains(t, doc, "x-amazon-apigateway-endpoint-access-mode")
		} else {
			assert.Equal(t, c.mode, doc["x-amazon-apigateway-endpoint-access-mode"])
		}
		var got []string
		for form := range urls {
			got = append(got, form)
		}
		assert.ElementsMatchf(t, c.forms, got, "%+v", c.tls)
		input := mustNamed(t, mocks, "aws:lambda/invocation:Invocation", "xa-app-probe-invocation").Input("input").(string)
		var event struct {
			Targets []struct{ Form string } `json:"targets"`
		}
		require.NoError(t, json.Unmarshal([]byte(input), &event))
		assert.Lenf(t, event.Targets, len(c.forms), "the probe calls the offered forms only: %+v", c.tls)
	}
}

// TestConsumerAccessFollowsThePublishedAccessMode: a consumer stack offers
// the forms the producer's endpointAccessMode allows.
func TestConsumerAccessFollowsThePublishedAccessMode(t *testing.T) {
	api := publishedApi(false)
	api.EndpointAccessMode = EndpointAccessStrict
	var urls map[string]string
	runMocked(t, func(ctx *pulumi.Context) error {
		p, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		access, err := NewConsumerApiAccess(ctx, "xa", &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount, Api: api,
			Consumer: ConsumerArgs{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}}, pulumi.Provider(p))
		if err != nil {
			return err
		}
		v, _, err := awsmock.Await(access.InvokeUrls)
		urls, _ = v.(map[string]string)
		return err
	})
	assert.Contains(t, urls, InvokeRoute53Alias)
	assert.NotContains(t, urls, InvokePublicDnsHostHeader)
	assert.NotContains(t, urls, InvokePublicDnsApiIdHeader)

	bad := publishedApi(false)
	bad.EndpointAccessMode = "LOOSE"
	args := &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount, Api: bad, Consumer: ConsumerArgs{Name: "app", AccountId: testConsumerAccount}}
	assert.Contains(t, fieldsOf(args.Validate()), "api.endpointAccessMode")
}
