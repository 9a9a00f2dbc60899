package components

import "regexp"

// The identifier rules, written once: the config layer uses them too.
var (
	accountIDPattern    = regexp.MustCompile(`^\d{12}$`)
	consumerNamePattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
)

// ValidAccountID reports whether id is an AWS account ID: exactly 12 ASCII digits.
func ValidAccountID(id string) bool { return accountIDPattern.MatchString(id) }

// ValidConsumerName reports whether name may name a consumer: 1 to 32 of
// [a-z0-9-], as it becomes part of resource names and the provider's name.
func ValidConsumerName(name string) bool { return consumerNamePattern.MatchString(name) }
