package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/awspartition"
)

// Pulumi type tokens of the components, xaccount:<module>:<Type>.
const (
	// ExecuteApiEndpointType is the type token of ExecuteApiEndpoint.
	ExecuteApiEndpointType = "xaccount:ec2:ExecuteApiEndpoint"
	// ConsumerVpcType is the type token of ConsumerVpc.
	ConsumerVpcType = "xaccount:ec2:ConsumerVpc"
	// PrivateRestApiType is the type token of PrivateRestApi.
	PrivateRestApiType = "xaccount:apigateway:PrivateRestApi"
	// ResourcePolicyType is the type token of ResourcePolicy.
	ResourcePolicyType = "xaccount:apigateway:ResourcePolicy"
	// StageDeploymentType is the type token of StageDeployment.
	StageDeploymentType = "xaccount:apigateway:StageDeployment"
	// CrossAccountPrivateApiType is the type token of CrossAccountPrivateApi.
	CrossAccountPrivateApiType = "xaccount:index:CrossAccountPrivateApi"
	// ConnectivityProbeType is the type token of ConnectivityProbe.
	ConnectivityProbeType = "xaccount:lambda:ConnectivityProbe"
	// ConsumerApiAccessType is the type token of ConsumerApiAccess.
	ConsumerApiAccessType = "xaccount:index:ConsumerApiAccess"
)

// Shared literals.
const (
	// httpsPort is the only port the endpoint's security group opens.
	httpsPort = 443
	// invokeAction is the IAM action that calls an API Gateway method.
	invokeAction = "execute-api:Invoke"
	// apiGatewayPrincipal is the service principal API Gateway uses to call Lambda.
	apiGatewayPrincipal = "apigateway.amazonaws.com"
)

// Endpoint policy modes: of a consumer endpoint (ConsumerArgs.EndpointPolicy,
// restricted or full) and of an ExecuteApiEndpoint (any of the three).
const (
	// EndpointPolicyRestricted allows execute-api:Invoke on this API only
	// (ExecuteApiEndpointArgs: on its InvokeArns only). The default.
	EndpointPolicyRestricted = "restricted"
	// EndpointPolicyFull allows execute-api:Invoke on any API, for an endpoint
	// that serves other APIs too.
	EndpointPolicyFull = "full"
	// EndpointPolicySeparate leaves an ExecuteApiEndpoint's policy to a
	// separate ec2.VpcEndpointPolicy, as CrossAccountPrivateApi does: its
	// policy names the API, which can only exist after the endpoint. Until
	// that is attached the endpoint invokes nothing (never AWS's
	// full-access default), and the endpoint leaves its policy to it.
	// Register that policy with RetainOnDelete: the provider's delete resets
	// an endpoint's policy to full access.
	EndpointPolicySeparate = "separate"
)

// Integration types a route may use.
const (
	// IntegrationMock answers from API Gateway itself with a fixed status and body.
	IntegrationMock = "mock"
	// IntegrationHTTPProxy forwards the request to an https URI.
	IntegrationHTTPProxy = "http_proxy"
	// IntegrationLambda invokes a Lambda function of the producer account (AWS_PROXY).
	IntegrationLambda = "lambda"
	// IntegrationVpcLink forwards the request to an internal backend through
	// a VPC link of the producer account (HTTP_PROXY, connectionType
	// VPC_LINK): an NLB's targets, never the internet.
	IntegrationVpcLink = "vpc_link"
)

// HTTPMethods lists the methods a route may use; ANY matches all of them.
var HTTPMethods = []string{"ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// protectWhen is pulumi.Protect(true) for a child that holds state or
// identity when the caller asks for protection, and no option otherwise (so a
// Protect option on the parent still reaches it). Children that a change must
// replace or delete get pulumi.Protect(false) instead, whatever the parent says.
func protectWhen(on bool) pulumi.ResourceOption {
	if on {
		return pulumi.Protect(true)
	}
	return pulumi.Composite()
}

// partitionOf is the AWS partition of a region (aws, aws-cn, aws-us-gov).
// Every ARN the components build starts with it, never a literal "arn:aws:".
func partitionOf(region string) string { return awspartition.Of(region) }
