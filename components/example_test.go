package components_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/policy"
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

// A provider pinned to one account and region: credentials that reach
// another account are refused by the provider instead of deploying there.
// CrossAccountPrivateApi checks a provider made here by its pin, without a
// call to AWS.
func ExampleNewAccountProvider() {
	mocks := awsmock.New("example", "dev")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		_, err := components.NewAccountProvider(ctx, "producer", &components.AccountProviderArgs{
			AccountId: "111111111111", Region: "eu-west-1",
			RoleArn: pulumi.String("arn:aws:iam::111111111111:role/deployer"),
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := mocks.OfType(awsmock.ProviderType)[0]
	fmt.Println(p.Name, p.Input("region"), p.Input("allowedAccountIds"), p.Input("assumeRole").(map[string]any)["roleArn"])
	// Output:
	// producer eu-west-1 [111111111111] arn:aws:iam::111111111111:role/deployer
}

// A consumer account's piece alone: a small VPC whose private subnets are
// in zones that offer the execute-api endpoint service, on the provider the
// option gives it.
func ExampleNewConsumerVpc() {
	mocks := awsmock.New("example", "dev")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		consumer, err := accountProvider(ctx, "consumer-app", "222222222222")
		if err != nil {
			return err
		}
		_, err = components.NewConsumerVpc(ctx, "app", &components.ConsumerVpcArgs{Cidr: "10.20.0.0/24", AzCount: 2},
			pulumi.Provider(consumer))
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, vpc := range mocks.OfType("aws:ec2/vpc:Vpc") {
		fmt.Println("vpc", vpc.Input("cidrBlock"), mocks.AccountOf(vpc))
	}
	for _, subnet := range mocks.OfType("aws:ec2/subnet:Subnet") {
		fmt.Println("subnet", subnet.Input("cidrBlock"), subnet.Input("availabilityZone"))
	}
	// Output:
	// vpc 10.20.0.0/24 222222222222
	// subnet 10.20.0.0/25 eu-west-1a
	// subnet 10.20.0.128/25 eu-west-1b
}

// An interface endpoint for execute-api in an existing VPC, reachable on
// 443 from one range only, whose policy allows invoking one API and nothing
// else (EndpointPolicyRestricted, the default, with InvokeArns).
func ExampleNewExecuteApiEndpoint() {
	mocks := awsmock.New("example", "dev")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		consumer, err := accountProvider(ctx, "consumer-app", "222222222222")
		if err != nil {
			return err
		}
		_, err = components.NewExecuteApiEndpoint(ctx, "app", &components.ExecuteApiEndpointArgs{
			Region:       pulumi.String("eu-west-1"),
			VpcId:        pulumi.String("vpc-0123456789abcdef0"),
			SubnetIds:    pulumi.ToStringArray([]string{"subnet-0123456789abcdef1", "subnet-0123456789abcdef2"}),
			AllowedCidrs: pulumi.ToStringArray([]string{"10.20.0.0/24"}),
			InvokeArns:   pulumi.ToStringArray([]string{"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*"}),
		}, pulumi.Provider(consumer))
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	endpoint := mocks.OfType("aws:ec2/vpcEndpoint:VpcEndpoint")[0]
	fmt.Println(endpoint.Input("serviceName"), "private DNS:", endpoint.Input("privateDnsEnabled"))
	var policy struct {
		Statement []struct{ Effect, Action, Resource any }
	}
	if err := json.Unmarshal([]byte(endpoint.Input("policy").(string)), &policy); err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range policy.Statement {
		fmt.Println(st.Effect, st.Action, st.Resource)
	}
	group := mocks.OfType("aws:ec2/securityGroup:SecurityGroup")[0]
	for _, rule := range group.Input("ingress").([]any) {
		r := rule.(map[string]any)
		fmt.Println("ingress", r["protocol"], r["fromPort"], r["cidrBlocks"])
	}
	// Output:
	// com.amazonaws.eu-west-1.execute-api private DNS: false
	// Allow execute-api:Invoke [arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*]
	// ingress tcp 443 [10.20.0.0/24]
}

// The resource policy of an API another part of the stack owns: only calls
// through the listed endpoint get in, which the policy evaluator shows.
func ExampleNewResourcePolicy() {
	var doc string
	err := awsmock.New("example", "prod").Run(func(ctx *pulumi.Context) error {
		producer, err := accountProvider(ctx, "producer", "111111111111")
		if err != nil {
			return err
		}
		rp, err := components.NewResourcePolicy(ctx, "orders-policy", &components.ResourcePolicyArgs{
			RestApiId:      pulumi.String("abcde12345"),
			ExecutionArn:   pulumi.String("arn:aws:execute-api:eu-west-1:111111111111:abcde12345"),
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0123456789abcdef0"}),
			// PrivateRestApi.BodyHash in a real stack: the policy is attached
			// again whenever the API's body is imported.
			BodyHash: pulumi.String("body-hash-1"),
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		v, _, err := awsmock.Await(rp.PolicyJson)
		doc, _ = v.(string)
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	call := "arn:aws:execute-api:eu-west-1:111111111111:abcde12345/prod/GET/orders"
	for _, vpce := range []string{"vpce-0123456789abcdef0", "vpce-0fffffffffffffff0", ""} {
		allowed, err := policy.Allows(doc, policy.Request{Resource: call, SourceVpce: vpce})
		fmt.Printf("through %q: allowed %v %v\n", vpce, allowed, err)
	}
	// Output:
	// through "vpce-0123456789abcdef0": allowed true <nil>
	// through "vpce-0fffffffffffffff0": allowed false <nil>
	// through "": allowed false <nil>
}

// A deployment of the API and the stage that serves it: the deployment is
// replaced whenever the API's body, its policy or its endpoints change
// (its triggers), the stage stays.
func ExampleNewStageDeployment() {
	mocks := awsmock.New("example", "prod")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		producer, err := accountProvider(ctx, "producer", "111111111111")
		if err != nil {
			return err
		}
		ids := pulumi.ToStringArray([]string{"vpce-0123456789abcdef0"})
		api, err := components.NewPrivateRestApi(ctx, "orders", &components.PrivateRestApiArgs{VpcEndpointIds: ids}, pulumi.Provider(producer))
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
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	deployment := mocks.OfType("aws:apigateway/deployment:Deployment")[0]
	var triggers []string
	for k := range deployment.Input("triggers").(map[string]any) {
		triggers = append(triggers, k)
	}
	sort.Strings(triggers)
	fmt.Println("deployment triggers:", triggers)
	stage := mocks.OfType("aws:apigateway/stage:Stage")[0]
	fmt.Println("stage:", stage.Input("stageName"), "protected:", stage.Protect)
	// Output:
	// deployment triggers: [definition endpoints policy]
	// stage: prod protected: false
}

// A connectivity probe in a consumer's endpoint subnets: a Lambda function
// that calls the API through each invoke form whenever a trigger changes,
// allowed out only to the endpoint's security group.
func ExampleNewConnectivityProbe() {
	mocks := awsmock.New("example", "dev")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		consumer, err := accountProvider(ctx, "consumer-app", "222222222222")
		if err != nil {
			return err
		}
		_, err = components.NewConnectivityProbe(ctx, "app-probe", &components.ConnectivityProbeArgs{
			Region:                  "eu-west-1",
			VpcId:                   pulumi.String("vpc-0123456789abcdef0"),
			SubnetIds:               pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}),
			EndpointSecurityGroupId: pulumi.String("sg-0123456789abcdef0"),
			InvokeUrls: pulumi.StringMap{
				components.InvokeRoute53Alias: pulumi.String("https://abcde12345-vpce-0123456789abcdef0.execute-api.eu-west-1.amazonaws.com/dev"),
			},
			Path:     "/health",
			Triggers: pulumi.StringMap{"deployment": pulumi.String("d1")},
		}, pulumi.Provider(consumer))
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var types []string
	for _, r := range mocks.Resources() {
		if r.Custom && r.Type != awsmock.ProviderType {
			types = append(types, r.Type)
		}
	}
	sort.Strings(types)
	for _, typ := range types {
		fmt.Println(typ)
	}
	group := mocks.OfType("aws:ec2/securityGroup:SecurityGroup")[0]
	for _, rule := range group.Input("egress").([]any) {
		r := rule.(map[string]any)
		fmt.Println("egress", r["protocol"], r["toPort"], r["securityGroups"])
	}
	// Output:
	// aws:ec2/securityGroup:SecurityGroup
	// aws:iam/role:Role
	// aws:lambda/function:Function
	// aws:lambda/invocation:Invocation
	// egress tcp 443 [sg-0123456789abcdef0]
}

// A consumer account's own stack (the split topology): the endpoint, in a
// VPC it creates, before the producer's stack has published the API (Api
// nil); the producer's stack lists the endpoint ID it hands over.
func ExampleNewConsumerApiAccess() {
	mocks := awsmock.New("example", "app")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		consumer, err := accountProvider(ctx, "consumer-app", "222222222222")
		if err != nil {
			return err
		}
		_, err = components.NewConsumerApiAccess(ctx, "orders", &components.ConsumerApiAccessArgs{
			Region: "eu-west-1", ProducerAccountId: "111111111111",
			Consumer: components.ConsumerArgs{Name: "app", AccountId: "222222222222", Vpc: &components.ConsumerVpcArgs{Cidr: "10.20.0.0/24"}},
		}, pulumi.Provider(consumer))
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
	// 111111111111 []
	// 222222222222 [aws:ec2/securityGroup:SecurityGroup aws:ec2/subnet:Subnet aws:ec2/subnet:Subnet aws:ec2/vpc:Vpc aws:ec2/vpcEndpoint:VpcEndpoint]
}

// The network account's part of a hub in a stack of its own: the hub
// endpoint, open on 443 to the spokes' ranges, its policy scoped to the
// API the producer's stack published, and the zone named for that API with
// an authorization for each spoke VPC (whose own stack associates it).
func ExampleNewSharedHub() {
	mocks := awsmock.New("example", "network")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		network, err := accountProvider(ctx, "network", "777777777777")
		if err != nil {
			return err
		}
		_, err = components.NewSharedHub(ctx, "hub", &components.SharedHubArgs{
			Region: "eu-west-1",
			Hub: &components.HubArgs{AccountId: "777777777777", Provider: network, VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"),
				SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60719"}), Dns: components.HubDnsPhz},
			Spokes: []components.ConsumerArgs{{Name: "orders", AccountId: "333333333333", VpcId: pulumi.String("vpc-0b1c2d3e4f5a60718"),
				AllowedCidrs: pulumi.ToStringArray([]string{"10.30.0.0/24"})}},
			RestApiId:    pulumi.String("a1b2c3d4e5"),
			ExecutionArn: pulumi.String("arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5"),
		}, pulumi.Provider(network))
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, zone := range mocks.OfType("aws:route53/zone:Zone") {
		fmt.Println("zone", zone.Input("name"), mocks.AccountOf(zone))
	}
	for _, a := range mocks.OfType("aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization") {
		fmt.Println("authorization", a.Input("vpcId"))
	}
	// Output:
	// zone a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com 777777777777
	// authorization vpc-0b1c2d3e4f5a60718
}

// A spoke's own stack: its VPC associated with the hub's zone (which the
// hub's stack has authorized) and the invoke URLs by the API's own name.
func ExampleNewSpokeAccess() {
	mocks := awsmock.New("example", "orders")
	var urls pulumi.StringMapOutput
	err := mocks.Run(func(ctx *pulumi.Context) error {
		spoke, err := accountProvider(ctx, "spoke-orders", "333333333333")
		if err != nil {
			return err
		}
		access, err := components.NewSpokeAccess(ctx, "orders", &components.SpokeAccessArgs{
			Region: "eu-west-1",
			Spoke: components.ConsumerArgs{Name: "orders", AccountId: "333333333333", VpcId: pulumi.String("vpc-0b1c2d3e4f5a60718"),
				AllowedCidrs: pulumi.ToStringArray([]string{"10.30.0.0/24"})},
			Hub: components.PublishedHub{EndpointId: pulumi.String("vpce-0123456789abcdef0"),
				EndpointDnsName: pulumi.String("vpce-0123456789abcdef0-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com"), ZoneId: pulumi.String("Z0123456789ABCDEFGHIJ")},
			Api: &components.PublishedApi{RestApiId: pulumi.String("a1b2c3d4e5"), ExecutionArn: pulumi.String("arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5"),
				StageName: pulumi.String("dev"), DeploymentId: pulumi.String("d1"), PolicyHash: pulumi.String("h1")},
		}, pulumi.Provider(spoke))
		urls = access.InvokeUrls
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range mocks.OfType("aws:route53/zoneAssociation:ZoneAssociation") {
		fmt.Println("association", a.Input("zoneId"), a.Input("vpcId"), mocks.AccountOf(a))
	}
	v, _, _ := awsmock.Await(urls)
	fmt.Println(v.(map[string]string)["privateDns"])
	// Output:
	// association Z0123456789ABCDEFGHIJ vpc-0b1c2d3e4f5a60718 333333333333
	// https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev
}
