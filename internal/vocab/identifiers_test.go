package vocab

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidAccountIdBoundaries(t *testing.T) {
	for id, want := range map[string]bool{
		"111122223333": true, "000000000000": true,
		"11112222333": false, "1111222233334": false, "": false, " 111122223333": false,
		"111122223333 ": false, "111122223333\n": false, "1111-2222-333": false, "11112222333a": false,
		"١١١١٢٢٢٢٣٣٣٣": false, // Arabic-Indic digits are not account digits
	} {
		assert.Equalf(t, want, ValidAccountId(id), "%q", id)
	}
}

func TestValidConsumerNameBoundaries(t *testing.T) {
	for name, want := range map[string]bool{
		"a": true, "app-2": true, "abcdefghijklmnopqrstuvwxyz012345": true,
		"": false, "abcdefghijklmnopqrstuvwxyz0123456": false, "App": false, "my_app": false,
		"my app": false, " app": false, "app\n": false,
	} {
		assert.Equalf(t, want, ValidConsumerName(name), "%q", name)
	}
}

func TestPrincipalAccountAndOrgIdBoundaries(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::222222222222:role/app":    "222222222222",
		"arn:aws-cn:iam::222222222222:user/ci":  "222222222222",
		"arn:aws-us-gov:iam::222222222222:root": "222222222222",
		"arn:aws:iam::22222222222:role/app":     "",
		"arn:aws:iam::222222222222:group/devs":  "",
		"arn:aws-xx:iam::222222222222:role/app": "",
		"arn:aws:iam::222222222222:role/":       "",
		" arn:aws:iam::222222222222:role/app":   "",
	} {
		got, ok := PrincipalAccount(arn)
		assert.Equalf(t, want != "", ok, "%q", arn)
		assert.Equalf(t, want, got, "%q", arn)
	}
	for id, want := range map[string]bool{
		"o-abcdefghij": true, "o-abcdefghi": false, "o-" + "a123456789b123456789c123456789d12": false,
		"O-abcdefghij": false, "o-abcdefghij ": false, "": false,
	} {
		assert.Equalf(t, want, ValidOrgId(id), "%q", id)
	}
}

func TestRoleArnAccountBoundaries(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::222222222222:role/deployer":         "222222222222",
		"arn:aws-cn:iam::222222222222:role/path/deployer": "222222222222",
		"arn:aws:iam::22222222222:role/deployer":          "", // 11 digits
		"arn:aws:iam::2222222222222:role/deployer":        "", // 13 digits
		"arn:aws:iam::222222222222:user/deployer":         "", // a user is no role to assume
		"arn:aws:iam::222222222222:root":                  "",
		"":                                                "",
		"arn:aws:iam::222222222222:role/deployer ":        "",
	} {
		got, ok := RoleArnAccount(arn)
		assert.Equalf(t, want != "", ok, "%q", arn)
		assert.Equalf(t, want, got, "%q", arn)
	}
}

func TestValidRegionAndStageNameBoundaries(t *testing.T) {
	for region, want := range map[string]bool{
		"eu-west-1": true, "ap-southeast-12": true, "us-east-1": true,
		// Other partitions are refused: the URLs are built for amazonaws.com.
		"us-gov-west-1": false, "cn-north-1": false, "cn-northwest-1": false,
		"": false, "eu-west": false, "eu-west-1 ": false, " eu-west-1": false, "EU-WEST-1": false, "eu-west-123": false,
	} {
		assert.Equalf(t, want, ValidRegion(region), "%q", region)
	}
	for stage, want := range map[string]bool{
		"dev": true, "v1_prod": true, strings.Repeat("s", 128): true,
		"": false, strings.Repeat("s", 129): false, "my-stage": false, "dev ": false, " dev": false,
	} {
		assert.Equalf(t, want, ValidStageName(stage), "%q", stage)
	}
}
