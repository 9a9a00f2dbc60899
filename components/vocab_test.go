package components

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// TestExpectationsNameEveryAllowedValue: the errors' "expected …" texts live
// in internal/vocab with the allowed words written out; each must name every
// value this package accepts, or an error would hide one.
func TestExpectationsNameEveryAllowedValue(t *testing.T) {
	for expect, values := range map[string][]string{
		vocab.ExpectAuthorization:            {AuthorizationNone, AuthorizationIam},
		vocab.ExpectEndpointPolicy:           {EndpointPolicyRestricted, EndpointPolicyFull},
		vocab.ExpectExecuteApiEndpointPolicy: {EndpointPolicyRestricted, EndpointPolicyFull, EndpointPolicySeparate},
		vocab.ExpectIntegrationType:          {IntegrationMock, IntegrationHTTPProxy, IntegrationVpcLink, IntegrationLambda},
		vocab.ExpectEndpointAccessMode:       {EndpointAccessStrict, EndpointAccessBasic},
		vocab.ExpectSecurityPolicy:           {SecurityPolicyTls12},
		vocab.ExpectVia:                      {ViaOwn, ViaHub},
		vocab.ExpectHubDns:                   {HubDnsNone, HubDnsPhz, HubDnsProfile},
	} {
		for _, v := range values {
			assert.Containsf(t, expect, v, "%q names %s", expect, v)
		}
	}
}
