package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Keys of the invoke forms, as exported per consumer.
const (
	// InvokePrivateDns is https://{apiId}.execute-api.{region}.amazonaws.com/{stage} (private DNS on).
	InvokePrivateDns = "privateDns"
	// InvokeRoute53Alias is https://{apiId}-{vpceId}.execute-api.{region}.amazonaws.com/{stage}.
	InvokeRoute53Alias = "route53Alias"
	// InvokePublicDnsHostHeader is the endpoint's public DNS name with a Host header.
	InvokePublicDnsHostHeader = "publicDnsWithHostHeader"
	// InvokePublicDnsApiIdHeader is the endpoint's public DNS name with an x-apigw-api-id header.
	InvokePublicDnsApiIdHeader = "publicDnsWithApiIdHeader"
)

// InvokeTarget is what the invoke forms of one consumer are computed from.
type InvokeTarget struct {
	ApiId         string
	Region        string
	Stage         string
	VpcEndpointId string
	// PublicDnsName is the endpoint's regional DNS name; "" leaves out the two forms that need it.
	PublicDnsName string
	// PrivateDns says whether private DNS is on; false leaves out the private DNS form.
	PrivateDns bool
	// Sigv4 says the methods use AWS_IAM: the curl lines sign their calls.
	Sigv4 bool
	// Strict says the API's endpoint access mode is STRICT: the two forms
	// with a Host or x-apigw-api-id header are left out (their TLS server
	// name is the endpoint's, not the API's, which STRICT refuses).
	Strict bool
	// CustomDomain is the API's private custom domain name, "" for none;
	// BasePath its mapping's base path ("" for the root).
	CustomDomain, BasePath string
}

// sigv4CurlFlags sign a curl call for execute-api with the caller's
// credentials from the environment (an assumed role's temporary ones need
// the session token header; drop it for long-term keys).
const sigv4CurlFlags = ` --aws-sigv4 "aws:amz:%s:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN"`

// InvokeForms are the URLs and ready curl lines that reach the API through one endpoint.
type InvokeForms struct {
	// Urls maps each form key (InvokePrivateDns, …) to its URL.
	Urls map[string]string
	// Curl maps each form key to a curl command that calls the stage root.
	Curl map[string]string
	// Headers maps each form key to the headers the form needs (Host or
	// x-apigw-api-id); forms that need none are absent.
	Headers map[string]map[string]string
}

// ComputeInvokeForms renders the invoke forms of t. Forms whose prerequisites are
// missing (private DNS off, public DNS name unknown) are left out.
func ComputeInvokeForms(t InvokeTarget) InvokeForms {
	apiHost := fmt.Sprintf("%s.execute-api.%s.amazonaws.com", t.ApiId, t.Region)
	f := InvokeForms{Urls: map[string]string{}, Curl: map[string]string{}, Headers: map[string]map[string]string{}}
	add := func(key, url, header string) {
		f.Urls[key] = url
		f.Curl[key] = "curl -sS " + url
		if header != "" {
			f.Curl[key] += " -H '" + header + "'"
			name, value, _ := strings.Cut(header, ": ")
			f.Headers[key] = map[string]string{name: value}
		}
		if t.Sigv4 {
			f.Curl[key] += fmt.Sprintf(sigv4CurlFlags, t.Region)
		}
	}
	if t.PrivateDns {
		add(InvokePrivateDns, fmt.Sprintf("https://%s/%s", apiHost, t.Stage), "")
	}
	add(InvokeRoute53Alias, fmt.Sprintf("https://%s-%s.execute-api.%s.amazonaws.com/%s", t.ApiId, t.VpcEndpointId, t.Region, t.Stage), "")
	if t.PublicDnsName != "" && !t.Strict {
		public := fmt.Sprintf("https://%s/%s", t.PublicDnsName, t.Stage)
		add(InvokePublicDnsHostHeader, public, "Host: "+apiHost)
		add(InvokePublicDnsApiIdHeader, public, "x-apigw-api-id: "+t.ApiId)
	}
	if t.CustomDomain != "" {
		// The mapping stands for the stage: no stage in the path.
		url := "https://" + t.CustomDomain
		if t.BasePath != "" {
			url += "/" + t.BasePath
		}
		add(InvokeCustomDomain, url, "")
	}
	return f
}

// invokeFormsOutput resolves the inputs and renders ComputeInvokeForms;
// domain is the API's custom domain name ("" for none) under basePath.
func invokeFormsOutput(apiId, region, stage, vpceId, publicDns, domain pulumi.StringInput, basePath string, privateDns, sigv4, strict bool) pulumi.AnyOutput {
	return pulumi.All(apiId, region, stage, vpceId, publicDns, domain).ApplyT(func(v []any) InvokeForms {
		return ComputeInvokeForms(InvokeTarget{
			ApiId: v[0].(string), Region: v[1].(string), Stage: v[2].(string),
			VpcEndpointId: v[3].(string), PublicDnsName: v[4].(string), PrivateDns: privateDns, Sigv4: sigv4, Strict: strict,
			CustomDomain: v[5].(string), BasePath: basePath,
		})
	}).(pulumi.AnyOutput)
}
