package components

import (
	"regexp"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// Security policies and endpoint access modes of a REST API ("Security
// policies for REST APIs in API Gateway"): TLS_1_2 is the legacy policy
// that admits TLS 1.2 and 1.3; a policy whose name starts with
// SecurityPolicy_ is an enhanced one and needs an endpoint access mode.
const (
	// SecurityPolicyTls12 is the default: TLS 1.2 at least.
	SecurityPolicyTls12 = "TLS_1_2"
	// SecurityPolicyTls10 is refused: it admits TLS 1.0 and 1.1.
	SecurityPolicyTls10 = "TLS_1_0"
	// EndpointAccessStrict requires a call's TLS server name (SNI) to be
	// the API's own host name: the two invoke forms that reach the
	// endpoint's public name with a Host or x-apigw-api-id header cannot
	// pass it, so they are not offered (nor probed) then.
	EndpointAccessStrict = "STRICT"
	// EndpointAccessBasic keeps the checks of a legacy policy.
	EndpointAccessBasic = "BASIC"
)

// enhancedPolicy is the shape of an enhanced security policy's name.
var enhancedPolicy = regexp.MustCompile(`^SecurityPolicy_[A-Za-z0-9_]+$`)

// ApiTls is the TLS set-up of a REST API: written into its OpenAPI body
// (x-amazon-apigateway-security-policy and
// x-amazon-apigateway-endpoint-access-mode), so it changes with the body.
type ApiTls struct {
	// SecurityPolicy is the TLS versions and cipher suites API Gateway
	// accepts: TLS_1_2 or an enhanced SecurityPolicy_… policy. TLS_1_0 is
	// refused. Optional, default TLS_1_2.
	SecurityPolicy string `pulumi:"securityPolicy,optional"`
	// EndpointAccessMode is STRICT or BASIC, required with an enhanced
	// policy and refused with TLS_1_2 (AWS allows it for enhanced policies
	// only). STRICT drops the publicDnsWithHostHeader and
	// publicDnsWithApiIdHeader invoke forms, which it refuses. Optional.
	EndpointAccessMode string `pulumi:"endpointAccessMode,optional"`
}

// securityPolicy is the policy, with the default for nil or empty.
func (t *ApiTls) securityPolicy() string {
	if t == nil || t.SecurityPolicy == "" {
		return SecurityPolicyTls12
	}
	return t.SecurityPolicy
}

// AccessMode is the endpoint access mode, "" for none (nil too).
func (t *ApiTls) AccessMode() string {
	if t == nil {
		return ""
	}
	return t.EndpointAccessMode
}

// Strict says whether the endpoint access mode is STRICT.
func (t *ApiTls) Strict() bool { return t.AccessMode() == EndpointAccessStrict }

// Validate checks the TLS set-up and returns every problem as FieldErrors
// (securityPolicy, endpointAccessMode).
func (t *ApiTls) Validate() error {
	var f fieldErrs
	if t == nil {
		return nil
	}
	policy, mode := t.securityPolicy(), t.EndpointAccessMode
	enhanced := enhancedPolicy.MatchString(policy)
	switch {
	case policy == SecurityPolicyTls10:
		f.add("securityPolicy", "got %q, which admits TLS 1.0 and 1.1; expected TLS 1.2 at least: %s", policy, vocab.ExpectSecurityPolicy)
	case policy != SecurityPolicyTls12 && !enhanced:
		f.bad("securityPolicy", policy, vocab.ExpectSecurityPolicy)
	}
	switch {
	case mode != "" && mode != EndpointAccessStrict && mode != EndpointAccessBasic:
		f.bad("endpointAccessMode", mode, vocab.ExpectEndpointAccessMode)
	case enhanced && mode == "":
		f.add("endpointAccessMode", "missing; an enhanced security policy (%s) needs an endpoint access mode: %s or %s", policy, EndpointAccessStrict, EndpointAccessBasic)
	case !enhanced && mode != "":
		f.add("endpointAccessMode", "got %q with security policy %s; API Gateway takes an endpoint access mode with an enhanced (SecurityPolicy_…) policy only", mode, policy)
	}
	return f.err()
}
