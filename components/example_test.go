package components_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/components"
)

// accountProvider is an AWS provider pinned to one account and region.
func accountProvider(ctx *pulumi.Context, name, account string) (*aws.Provider, error) {
	return components.NewAccountProvider(ctx, name, &components.AccountProviderArgs{
		AccountId: account, Region: "eu-west-1", RoleArn: pulumi.String("arn:aws:iam::" + account + ":role/deployer"),
	})
}

// The common case: one producer account, one consumer account whose VPC the
// stack creates. Run here under the mock engine, which records where every
// resource lands.
func ExampleNewCrossAccountPrivateApi() {
	mocks := awsmock.New("example", "dev")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		producer, err := accountProvider(ctx, "producer", "111111111111")
		if err != nil {
			return err
		}
		consumer, err := accountProvider(ctx, "consumer-app", "222222222222")
		if err != nil {
			return err
		}
		_, err = components.NewCrossAccountPrivateApi(ctx, "orders", &components.CrossAccountPrivateApiArgs{
			Region:            "eu-west-1",
			ProducerAccountId: "111111111111",
			ProducerProvider:  producer,
			StageName:         "dev",
			Consumers: []components.ConsumerArgs{{
				Name: "app", AccountId: "222222222222", Provider: consumer,
				Vpc: &components.ConsumerVpcArgs{Cidr: "10.20.0.0/24"},
			}},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	perAccount := map[string][]string{}
	for _, r := range mocks.Resources() {
		if r.Custom && r.Type != awsmock.ProviderType {
			perAccount[mocks.AccountOf(r)] = append(perAccount[mocks.AccountOf(r)], r.Type)
		}
	}
	for _, account := range []string{"111111111111", "222222222222"} {
		sort.Strings(perAccount[account])
		fmt.Println(account, perAccount[account])
	}
	// Output:
	// 111111111111 [aws:apigateway/deployment:Deployment aws:apigateway/methodSettings:MethodSettings aws:apigateway/restApi:RestApi aws:apigateway/restApiPolicy:RestApiPolicy aws:apigateway/stage:Stage aws:cloudwatch/dashboard:Dashboard aws:cloudwatch/logGroup:LogGroup aws:cloudwatch/logMetricFilter:LogMetricFilter aws:cloudwatch/logMetricFilter:LogMetricFilter aws:cloudwatch/logMetricFilter:LogMetricFilter aws:cloudwatch/logMetricFilter:LogMetricFilter aws:cloudwatch/metricAlarm:MetricAlarm aws:cloudwatch/metricAlarm:MetricAlarm]
	// 222222222222 [aws:ec2/securityGroup:SecurityGroup aws:ec2/subnet:Subnet aws:ec2/subnet:Subnet aws:ec2/vpc:Vpc aws:ec2/vpcEndpoint:VpcEndpoint aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy]
}

// The producer side alone, for a team whose consumers run their own
// endpoints and hand over the vpce- IDs: the API, its resource policy
// (re-attached whenever the body changes) and a stage.
func ExampleNewPrivateRestApi() {
	endpoints := []string{"vpce-0123456789abcdef0"}
	var policy string
	err := awsmock.New("example", "prod").Run(func(ctx *pulumi.Context) error {
		producer, err := accountProvider(ctx, "producer", "111111111111")
		if err != nil {
			return err
		}
		ids := pulumi.ToStringArray(endpoints)
		api, err := components.NewPrivateRestApi(ctx, "orders", &components.PrivateRestApiArgs{
			VpcEndpointIds: ids,
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		rp, err := components.NewResourcePolicy(ctx, "orders-policy", &components.ResourcePolicyArgs{
			RestApiId: api.RestApiId, ExecutionArn: api.ExecutionArn, VpcEndpointIds: ids, BodyHash: api.BodyHash,
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		_, err = components.NewStageDeployment(ctx, "orders-stage", &components.StageDeploymentArgs{
			RestApiId: api.RestApiId, StageName: pulumi.String("prod"), BodyHash: api.BodyHash,
			PolicyJson: rp.PolicyJson, VpcEndpointIds: ids,
			DependsOn: append(api.DeploymentDependencies(), rp.Policy),
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		v, _, err := awsmock.Await(rp.PolicyJson)
		policy, _ = v.(string)
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var doc components.PolicyDocument
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range doc.Statement {
		fmt.Println(st.Effect, st.Sid, st.Condition["StringNotEquals"]["aws:SourceVpce"])
	}
	// Output:
	// Deny DenyUnlessFromAllowedVpcEndpoints [vpce-0123456789abcdef0]
	// Allow AllowInvokeThroughAllowedVpcEndpoints []
}
