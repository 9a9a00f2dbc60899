package awsmock

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// UndecryptedSecret is what the offline plan passes for a secure config
// value it cannot decrypt (config.SecretPlaceholder).
const UndecryptedSecret = "[secret]"

// roleAccount reads the account out of an IAM role ARN.
var roleAccount = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/`)

// configureProvider does what the AWS provider does when it is configured:
// it finds the account its credentials reach (the assumed role's account,
// by assumeRole or assumeRoleWithWebIdentity, or the profile's through
// Profiles) and refuses it when allowedAccountIds does
// not list it, with the provider's own message. A provider with neither
// credential fails as the real one does without credentials.
func (m *Mocks) configureProvider(name string, inputs resource.PropertyMap) (providerInfo, error) {
	info := providerInfo{region: str(inputs, "region")}
	roleArn := ""
	for _, how := range []resource.PropertyKey{"assumeRole", "assumeRoleWithWebIdentity"} {
		if role := plain(inputs[how]); role.IsObject() && roleArn == "" {
			roleArn = str(role.ObjectValue(), "roleArn")
		}
	}
	profile := str(inputs, "profile")
	var allowed []string
	if ids := plain(inputs["allowedAccountIds"]); ids.IsArray() {
		for _, id := range ids.ArrayValue() {
			if id = plain(id); id.IsString() {
				allowed = append(allowed, id.StringValue())
			}
		}
	}
	switch {
	case roleArn == UndecryptedSecret:
		// A secure role ARN cannot be decrypted offline: the provider is
		// pinned to one account, which the real ARN must reach (else the
		// real provider fails with "AWS account ID not allowed").
		if len(allowed) != 1 {
			return info, fmt.Errorf("provider %s: the role ARN is a secret the offline plan cannot read, and allowedAccountIds does not name one account to stand in for it", name)
		}
		info.account = allowed[0]
	case roleArn != "":
		match := roleAccount.FindStringSubmatch(roleArn)
		if match == nil {
			return info, fmt.Errorf("provider %s: assume role: ValidationError: %q is not a valid role ARN", name, roleArn)
		}
		info.account = match[1]
	case profile != "":
		account, ok := m.profiles[profile]
		if !ok {
			return info, fmt.Errorf("provider %s: failed to get shared config profile, %s (tell the mocks its account with awsmock.Profiles)", name, profile)
		}
		info.account = account
	default:
		return info, fmt.Errorf("provider %s: No valid credential sources found: the mocks need assumeRole.roleArn or a profile", name)
	}
	if len(allowed) > 0 && !slices.Contains(allowed, info.account) {
		return info, fmt.Errorf("provider %s: AWS account ID not allowed: %s", name, info.account)
	}
	return info, nil
}
