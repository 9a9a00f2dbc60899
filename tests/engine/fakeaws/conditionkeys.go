package fakeaws

import (
	"fmt"
	"strings"
)

// requestContext is what IAM sees, besides action and resource, of one call:
// the service-specific condition keys AWS documents for its API, by
// lower-case name, each with its values. A call whose API has none of the
// keys below gets none, so a policy that requires them refuses it, as IAM
// does when a key is missing.
//
// Route 53 ("Using IAM policy conditions for fine-grained access control",
// Route 53 developer guide; "Actions, resources, and condition keys for
// Amazon Route 53"): ChangeResourceRecordSets carries the normalized record
// names, the record types and the change actions of its batch (the provider
// sends one change: CREATE on create, UPSERT on update, DELETE on delete;
// resourceRecordCreate, resourceRecordUpdate, resourceRecordDelete);
// CreateHostedZone carries route53:VPCs, "VPCId=<vpc-id>,VPCRegion=<region>"
// of the VPC a private zone is created with, and nothing for a public zone.
func requestContext(call Call, x callCtx) map[string][]string {
	switch {
	case call.Type == TypeRecord && call.Action == "route53:ChangeResourceRecordSets":
		action := map[string]string{"create": "CREATE", "update": "UPSERT", "delete": "DELETE"}[call.Op]
		return map[string][]string{
			"route53:changeresourcerecordsetsnormalizedrecordnames": {normalizedRecordName(x.In.str("name"))},
			"route53:changeresourcerecordsetsrecordtypes":           {strings.ToUpper(x.In.str("type"))},
			"route53:changeresourcerecordsetsactions":               {action},
		}
	case call.Type == TypeZone && call.Action == "route53:CreateHostedZone":
		vpcs := x.In.list("vpcs")
		if len(vpcs) == 0 {
			return nil // a public zone
		}
		first := props(vpcs[0])
		region := firstNonEmpty(first.str("vpcRegion"), x.Region)
		return map[string][]string{"route53:vpcs": {fmt.Sprintf("VPCId=%s,VPCRegion=%s", strings.ToLower(first.str("vpcId")), strings.ToLower(region))}}
	}
	return nil
}

// normalizedRecordName is a DNS name as Route 53's condition key holds it:
// lower case, without the trailing dot, every character other than a-z,
// 0-9, '-', '_' and '.' as a backslash and its three-digit octal code
// (\052 for *).
func normalizedRecordName(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimSuffix(strings.ToLower(name), ".") {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "\\%03o", c)
			}
		}
	}
	return b.String()
}
