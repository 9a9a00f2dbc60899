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

// DeployerPolicy is the identity policy a deployer role needs in the
// account a describes, to manage its resource types and read its data
// sources in region: the actions grouped by service, each scoped as far as
// the service allows before the resources exist (scopes.go). An unknown
// type or data source is an error, so a new one cannot be deployed with a
// policy that lacks it.
func DeployerPolicy(region string, a AccountInput) (Document, error) {
	return accountPolicy(region, a, "Deploy", func(string) bool { return true })
}

// PreviewPolicy is the identity policy of the preview role in the account a
// describes: the deployer's actions whose access level is only Read or List
// (AWS Service Authorization Reference, awsactions.tsv), enough for `pulumi
// preview --refresh` and the data sources and nothing that changes
// anything.
func PreviewPolicy(region string, a AccountInput) (Document, error) {
	return accountPolicy(region, a, "Preview", ReadOnly)
}

func accountPolicy(region string, a AccountInput, sid string, keep func(string) bool) (Document, error) {
	// origins are the types and data sources that need each action: where
	// an action applies can depend on who needs it (a share the account
	// owns, or one it joins).
	origins := map[string][]string{}
	var order []string
	add := func(origin string, actions []string) {
		for _, act := range actions {
			if !keep(act) {
				continue
			}
			if _, seen := origins[act]; !seen {
				order = append(order, act)
			}
			if !slices.Contains(origins[act], origin) {
				origins[act] = append(origins[act], origin)
			}
		}
	}
	for _, t := range a.Types {
		actions, ok := Actions[t]
		if !ok {
			return Document{}, fmt.Errorf("resource type %s has no entry in iampolicy.Actions: add the IAM actions it needs", t)
		}
		add(t, actions)
	}
	for _, tok := range a.Invokes {
		actions, ok := InvokeActions[tok]
		if !ok {
			return Document{}, fmt.Errorf("data source %s has no entry in iampolicy.InvokeActions: add the IAM actions it needs", tok)
		}
		add(tok, actions)
	}
	env := scopeEnv{partition: awspartition.Of(region), region: region, in: a}
	if slices.Contains(a.Types, recordType) && len(a.Records) == 0 {
		return Document{}, fmt.Errorf("account %s has %s but no record names: the deployer's record changes are scoped to them", a.Account, recordType)
	}
	if slices.Contains(a.Types, shareAccepterType) && len(a.ShareOwners) == 0 {
		return Document{}, fmt.Errorf("account %s has %s but no share owner: the deployer's invitations and leaving are scoped to its shares", a.Account, shareAccepterType)
	}
	if slices.Contains(a.Types, principalAssociationType) && len(a.SharePrincipals) == 0 {
		return Document{}, fmt.Errorf("account %s has %s but no principal: the deployer's sharing is scoped to the stack's principals", a.Account, principalAssociationType)
	}
	if slices.Contains(a.Types, domainAssociationType) && len(a.DomainOwners) == 0 {
		return Document{}, fmt.Errorf("account %s has %s but no domain owner: the deployer's access associations are scoped to its domains", a.Account, domainAssociationType)
	}
	type group struct {
		service string
		scope   scope
		actions []string
	}
	groups := map[string]*group{}
	var iamActions []string
	for _, act := range order {
		service, _, _ := strings.Cut(act, ":")
		if service == "iam" {
			iamActions = append(iamActions, act) // the stack's own roles only (boundary.go)
			continue
		}
		for _, sc := range env.scopesOf(service, act, origins[act]) {
			key := service + "/" + sc.name
			g, ok := groups[key]
			if !ok {
				g = &group{service: service, scope: sc}
				groups[key] = g
			}
			g.actions = append(g.actions, act)
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	doc := Document{Version: "2012-10-17"}
	for _, k := range keys {
		g := groups[k]
		if len(g.scope.resources) == 0 {
			// IAM refuses a statement without resources
			// (MalformedPolicyDocument: "Policy statement must contain
			// resources"), so the whole role could not be created.
			return Document{}, fmt.Errorf("account %s: no resource scopes %v; IAM refuses a statement without Resource", a.Account, g.actions)
		}
		sort.Strings(g.actions)
		doc.Statement = append(doc.Statement, Statement{
			Sid: sid + strings.ToUpper(g.service[:1]) + g.service[1:] + g.scope.name, Effect: "Allow",
			Action: g.actions, Resource: g.scope.resources, Condition: g.scope.condition,
		})
	}
	if len(iamActions) > 0 {
		if len(a.Roles) == 0 || a.BoundaryName == "" {
			return Document{}, fmt.Errorf("account %s needs %v but the stack creates no IAM role there (or names no permissions boundary): the deployer's IAM actions are scoped to the stack's own roles", a.Account, iamActions)
		}
		doc.Statement = append(doc.Statement, env.iamStatements(sid, iamActions)...)
	}
	return doc, nil
}
