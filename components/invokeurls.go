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
}

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
func invokeFormsOutput(apiID, region, stage, vpceID, publicDNS pulumi.StringInput, privateDNS bool) pulumi.AnyOutput {
	return pulumi.All(apiID, region, stage, vpceID, publicDNS).ApplyT(func(v []any) InvokeForms {
		return ComputeInvokeForms(InvokeTarget{
			ApiID: v[0].(string), Region: v[1].(string), Stage: v[2].(string),
			VpcEndpointID: v[3].(string), PublicDNSName: v[4].(string), PrivateDNS: privateDNS,
		})
	}).(pulumi.AnyOutput)
}
