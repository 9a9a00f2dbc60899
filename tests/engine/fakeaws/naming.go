package fakeaws

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"google.golang.org/protobuf/types/known/structpb"
)

// nameRule is how a type's name is generated and how long AWS lets it be.
type nameRule struct {
	// max is AWS's limit on the name's length.
	max int
	// op, code and field make the service's validation error.
	op, code, field string
}

// nameRules are the auto-named types the program registers. pulumi-aws
// names a resource whose name is not given "<logical name>-<7 random hex>"
// (pulumi-terraform-bridge AutoName with the type's maximum length, through
// resource.NewUniqueName, which refuses a name that cannot fit: "name 'x-'
// plus 7 random chars is longer than maximum length 64"). The limits:
// Lambda CreateFunction FunctionName 64 (Lambda quotas), IAM CreateRole
// RoleName 64 (IAM quotas), EC2 CreateSecurityGroup GroupName 255, CloudWatch
// Logs CreateLogGroup logGroupName 512 (each API reference).
var nameRules = map[string]nameRule{
	TypeFunction:      {max: 64, op: "CreateFunction", code: "ValidationException", field: "functionName"},
	TypeRole:          {max: 64, op: "CreateRole", code: "ValidationError", field: "roleName"},
	TypeSecurityGroup: {max: 255, op: "CreateSecurityGroup", code: "InvalidParameterValue", field: "groupName"},
	TypeLogGroup:      {max: 512, op: "CreateLogGroup", code: "InvalidParameterException", field: "logGroupName"},
}

// autoName gives news the name pulumi-aws would: the one given, else the
// old one (an update keeps its generated name), else a new one from the
// URN's logical name and the engine's random seed.
func autoName(typ, urn string, olds, news props, seed []byte) (props, error) {
	rule, ok := nameRules[typ]
	if !ok || news.str("name") != "" {
		return news, nil
	}
	out := news.clone()
	if old := olds.str("name"); old != "" {
		out["name"] = old
		return out, nil
	}
	logical := urn[strings.LastIndex(urn, "::")+2:]
	name, err := resource.NewUniqueName(seed, logical+"-", 7, rule.max, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", logical, err)
	}
	out["name"] = name
	return out, nil
}

// checkNameLength refuses a name longer than AWS allows, with the
// service's own validation error.
func checkNameLength(typ string, in props) error {
	rule, ok := nameRules[typ]
	if !ok {
		return nil
	}
	if name := in.str("name"); len(name) > rule.max {
		return awsError(rule.op, rule.code, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", name, rule.field, rule.max)
	}
	return nil
}

// structOf converts props back to the wire.
func structOf(p props) (*structpb.Struct, error) {
	s, err := structpb.NewStruct(p)
	if err != nil {
		return nil, fmt.Errorf("fakeaws: inputs: %w", err)
	}
	return s, nil
}
