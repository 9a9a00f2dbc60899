package components

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Keys of the invoke forms, as exported per consumer.
const (
	// InvokePrivateDNS is https://{apiId}.execute-api.{region}.amazonaws.com/{stage} (private DNS on).
	InvokePrivateDNS = "privateDns"
	// InvokeRoute53Alias is https://{apiId}-{vpceId}.execute-api.{region}.amazonaws.com/{stage}.
	InvokeRoute53Alias = "route53Alias"
	// InvokePublicDNSHostHeader is the endpoint's public DNS name with a Host header.
	InvokePublicDNSHostHeader = "publicDnsWithHostHeader"
	// InvokePublicDNSApiIDHeader is the endpoint's public DNS name with an x-apigw-api-id header.
	InvokePublicDNSApiIDHeader = "publicDnsWithApiIdHeader"
)

// InvokeTarget is what the invoke forms of one consumer are computed from.
type InvokeTarget struct {
	ApiID         string
	Region        string
	Stage         string
	VpcEndpointID string
	// PublicDNSName is the endpoint's regional DNS name; "" leaves out the two forms that need it.
	PublicDNSName string
	// PrivateDNS says whether private DNS is on; false leaves out the private DNS form.
	PrivateDNS bool
	// Sigv4 says the methods use AWS_IAM: the curl lines sign their calls.
	Sigv4 bool
}

// sigv4CurlFlags sign a curl call for execute-api with the caller's
// credentials from the environment (an assumed role's temporary ones need
// the session token header; drop it for long-term keys).
const sigv4CurlFlags = ` --aws-sigv4 "aws:amz:%s:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN"`

// InvokeForms are the URLs and ready curl lines that reach the API through one endpoint.
type InvokeForms struct {
	// Urls maps each form key (InvokePrivateDNS, …) to its URL.
	Urls map[string]string
	// Curl maps each form key to a curl command that calls the stage root.
	Curl map[string]string
}

// ComputeInvokeForms renders the invoke forms of t. Forms whose prerequisites are
// missing (private DNS off, public DNS name unknown) are left out.
func ComputeInvokeForms(t InvokeTarget) InvokeForms {
	apiHost := fmt.Sprintf("%s.execute-api.%s.amazonaws.com", t.ApiID, t.Region)
	f := InvokeForms{Urls: map[string]string{}, Curl: map[string]string{}}
	add := func(key, url, header string) {
		f.Urls[key] = url
		f.Curl[key] = "curl -sS " + url
		if header != "" {
			f.Curl[key] += " -H '" + header + "'"
		}
		if t.Sigv4 {
			f.Curl[key] += fmt.Sprintf(sigv4CurlFlags, t.Region)
		}
	}
	if t.PrivateDNS {
		add(InvokePrivateDNS, fmt.Sprintf("https://%s/%s", apiHost, t.Stage), "")
	}
	add(InvokeRoute53Alias, fmt.Sprintf("https://%s-%s.execute-api.%s.amazonaws.com/%s", t.ApiID, t.VpcEndpointID, t.Region, t.Stage), "")
	if t.PublicDNSName != "" {
		public := fmt.Sprintf("https://%s/%s", t.PublicDNSName, t.Stage)
		add(InvokePublicDNSHostHeader, public, "Host: "+apiHost)
		add(InvokePublicDNSApiIDHeader, public, "x-apigw-api-id: "+t.ApiID)
	}
	return f
}

// invokeFormsOutput resolves the inputs and renders ComputeInvokeForms.
func invokeFormsOutput(apiID, region, stage, vpceID, publicDNS pulumi.StringInput, privateDNS, sigv4 bool) pulumi.AnyOutput {
	return pulumi.All(apiID, region, stage, vpceID, publicDNS).ApplyT(func(v []any) InvokeForms {
		return ComputeInvokeForms(InvokeTarget{
			ApiID: v[0].(string), Region: v[1].(string), Stage: v[2].(string),
			VpcEndpointID: v[3].(string), PublicDNSName: v[4].(string), PrivateDNS: privateDNS, Sigv4: sigv4,
		})
	}).(pulumi.AnyOutput)
}
