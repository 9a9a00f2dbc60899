package awsmock

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// WithConfig hands configuration to a mocked program through the run info:
// values maps full keys to values as the engine passes them, secretKeys are
// the keys whose values are secret.
func WithConfig(values map[string]string, secretKeys []string) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Config = values
		info.ConfigSecretKeys = secretKeys
	}
}

// ConfigEnv returns the environment variables in which the engine hands a
// program its configuration (pulumi.EnvConfig, pulumi.EnvConfigSecretKeys), so
// a test can run the program exactly as pulumi up starts it.
func ConfigEnv(values map[string]string, secretKeys []string) (map[string]string, error) {
	encoded, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	secrets, err := json.Marshal(append([]string{}, secretKeys...))
	if err != nil {
		return nil, fmt.Errorf("encode secret keys: %w", err)
	}
	return map[string]string{pulumi.EnvConfig: string(encoded), pulumi.EnvConfigSecretKeys: string(secrets)}, nil
}
