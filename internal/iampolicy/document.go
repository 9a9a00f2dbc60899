package iampolicy

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/xaccount/xaccount-api/internal/awspartition"
)

// Statement is one IAM policy statement.
type Statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal map[string]string         `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// JSON renders the document indented, for people to read and paste.
func (d Document) JSON() (string, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return "", fmt.Errorf("render IAM policy: %w", err)
	}
	return string(b), nil
}

// DeployerPolicy is the identity policy a deployer role in account needs to
// manage resources of the given types and read the given data sources in
// region: one statement per service, each scoped as far as the service
// allows before the resources exist. An unknown type or data source is an
// error, so a new one cannot be deployed with a policy that lacks it.
func DeployerPolicy(account, region string, types, invokes []string) (Document, error) {
	return accountPolicy(account, region, types, invokes, "Deploy", func(string) bool { return true })
}

// PreviewPolicy is the identity policy of the preview role in account: the
// deployer's actions whose access level is only Read or List (AWS Service
// Authorization Reference, awsactions.tsv), enough for `pulumi preview
// --refresh` and the data sources and nothing that changes anything.
func PreviewPolicy(account, region string, types, invokes []string) (Document, error) {
	return accountPolicy(account, region, types, invokes, "Preview", ReadOnly)
}

func accountPolicy(account, region string, types, invokes []string, sid string, keep func(string) bool) (Document, error) {
	byService := map[string][]string{}
	add := func(actions []string) {
		for _, a := range actions {
			service, _, _ := strings.Cut(a, ":")
			if keep(a) && !slices.Contains(byService[service], a) {
				byService[service] = append(byService[service], a)
			}
		}
	}
	for _, t := range types {
		actions, ok := Actions[t]
		if !ok {
			return Document{}, fmt.Errorf("resource type %s has no entry in iampolicy.Actions: add the IAM actions it needs", t)
		}
		add(actions)
	}
	for _, tok := range invokes {
		actions, ok := InvokeActions[tok]
		if !ok {
			return Document{}, fmt.Errorf("data source %s has no entry in iampolicy.InvokeActions: add the IAM actions it needs", tok)
		}
		add(actions)
	}
	resources := serviceResources(account, region)
	p := awspartition.Of(region)
	if slices.Contains(types, vpcLinkType) {
		// VPC links live outside /restapis; only a stack that creates one
		// gets them.
		resources["apigateway"] = append(resources["apigateway"],
			fmt.Sprintf("arn:%s:apigateway:%s::/vpclinks", p, region), fmt.Sprintf("arn:%s:apigateway:%s::/vpclinks/*", p, region))
	}
	if slices.Contains(types, domainType) {
		// A private domain's ARNs carry the account; /domainnames for creates.
		resources["apigateway"] = append(resources["apigateway"],
			fmt.Sprintf("arn:%s:apigateway:%s::/domainnames", p, region), fmt.Sprintf("arn:%s:apigateway:%s::/domainnames/*", p, region),
			fmt.Sprintf("arn:%s:apigateway:%s:%s:/domainnames/*", p, region, account))
	}
	if slices.Contains(types, domainAssociationType) {
		// The association is the consumer's; the domain it names is the
		// producer's, another account.
		resources["apigateway"] = append(resources["apigateway"],
			fmt.Sprintf("arn:%s:apigateway:%s:%s:/domainnameaccessassociations", p, region, account),
			fmt.Sprintf("arn:%s:apigateway:%s:%s:/domainnameaccessassociations/*", p, region, account),
			fmt.Sprintf("arn:%s:apigateway:%s:*:/domainnames/*", p, region))
	}
	services := make([]string, 0, len(byService))
	for s := range byService {
		services = append(services, s)
	}
	sort.Strings(services)
	doc := Document{Version: "2012-10-17"}
	for _, s := range services {
		actions := byService[s]
		sort.Strings(actions)
		doc.Statement = append(doc.Statement, Statement{
			Sid: sid + strings.ToUpper(s[:1]) + s[1:], Effect: "Allow", Action: actions, Resource: resources[s],
		})
	}
	return doc, nil
}

// serviceResources are the resource ARNs each service's statement is
// scoped to: the account and region, as far as each service allows.
func serviceResources(account, region string) map[string][]string {
	p := awspartition.Of(region)
	return map[string][]string{
		"apigateway": {
			fmt.Sprintf("arn:%s:apigateway:%s::/restapis", p, region),
			fmt.Sprintf("arn:%s:apigateway:%s::/restapis/*", p, region),
			fmt.Sprintf("arn:%s:apigateway:%s::/tags/*", p, region),
			fmt.Sprintf("arn:%s:apigateway:%s::/account", p, region),
		},
		"iam":  {fmt.Sprintf("arn:%s:iam::%s:role/*", p, account)},
		"logs": {fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", p, region, account)},
		// Alarms are regional, dashboards global (no region in the ARN).
		"cloudwatch": {
			fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", p, region, account),
			fmt.Sprintf("arn:%s:cloudwatch::%s:dashboard/*", p, account),
		},
		"lambda": {fmt.Sprintf("arn:%s:lambda:%s:%s:function:*", p, region, account)},
		// EC2 creates and describes cannot be scoped to ARNs that do not
		// exist yet; the region is pinned by the provider.
		"ec2":     {"*"},
		"route53": {"*"},
		// DescribeLoadBalancers (a VPC link's target) has no resource scope.
		"elasticloadbalancing": {"*"},
		// Cloud Control API (service prefix cloudformation) defines no
		// resource types ("Actions, resources, and condition keys for AWS
		// Cloud Control API"): GetResource takes "*".
		"cloudformation": {"*"},
		// CreateResourceShare, GetResourceShares, GetResourceShareInvitations
		// and GetResourceShareAssociations support no resource-level
		// permissions, and the accepter's share is another account's.
		"ram": {"*"},
	}
}

// vpcLinkType is the resource type whose actions need the /vpclinks paths;
// domainType and domainAssociationType need the domain paths.
const (
	vpcLinkType           = "aws:apigateway/vpcLink:VpcLink"
	domainType            = "aws:apigateway/domainName:DomainName"
	domainAssociationType = "aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation"
)
