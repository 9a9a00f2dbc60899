// Package plan runs the program under the mock engine and renders what each
// account would get, as a text tree or as JSON, with no cloud and no credentials.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/internal/config"
)

// DefaultStack is the stack planned when none is named.
const DefaultStack = "dev"

// FallbackStackName is the stack name of a config file not named Pulumi.<stack>.yaml.
const FallbackStackName = "plan"

var stackFilePattern = regexp.MustCompile(`^Pulumi\.([^.]+)\.ya?ml$`)

// StackFile is the path of a stack's config file in the project root.
func StackFile(root, name string) string {
	return filepath.Join(root, "Pulumi."+name+".yaml")
}

// StackNameOf is NAME for a file called Pulumi.NAME.yaml, else FallbackStackName.
func StackNameOf(path string) string {
	if m := stackFilePattern.FindStringSubmatch(filepath.Base(path)); m != nil {
		return m[1]
	}
	return FallbackStackName
}

// RawConfig is a stack's configuration as the engine passes it to a program.
type RawConfig struct {
	// Values maps full keys to values: strings as they are, other values as JSON.
	Values map[string]string
	// SecretKeys are the keys whose values hold a secure: value.
	SecretKeys []string
}

// ReadConfigFile reads a file in the format of Pulumi.<stack>.yaml: a top-level
// config: map of namespaced keys. Secure values cannot be decrypted offline and
// become config.SecretPlaceholder. Keys without a namespace belong to the project.
func ReadConfigFile(path string) (RawConfig, error) {
	data, err := os.ReadFile(path) //nolint:gosec // reading the file the user named is the point

	if err != nil {
		return RawConfig{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(data)
}

// ParseConfig is ReadConfigFile for the file's bytes.
func ParseConfig(data []byte) (RawConfig, error) {
	raw := RawConfig{Values: map[string]string{}}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return raw, fmt.Errorf("config file is not valid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc == nil {
		return raw, nil
	}
	top, ok := normalize(doc).(map[string]any)
	if !ok {
		return raw, errors.New("config file: expected a mapping with a config: key at the top")
	}
	cfgNode, present := top["config"]
	if !present || cfgNode == nil {
		return raw, nil
	}
	cfg, ok := cfgNode.(map[string]any)
	if !ok {
		return raw, errors.New("config file: config: expected a mapping of namespaced keys such as xaccount-api:region")
	}
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		full := k
		if !strings.Contains(k, ":") {
			full = config.Namespace + ":" + k
		}
		if _, dup := raw.Values[full]; dup {
			return raw, fmt.Errorf("config file: %s is set twice (with and without its namespace)", full)
		}
		value, secret := redactSecrets(cfg[k])
		if secret {
			raw.SecretKeys = append(raw.SecretKeys, full)
		}
		switch v := value.(type) {
		case string:
			raw.Values[full] = v
		case nil:
			raw.Values[full] = ""
		case bool, int, int64, uint64, float64:
			raw.Values[full] = fmt.Sprint(v)
		default:
			b, err := json.Marshal(v)
			if err != nil {
				return raw, fmt.Errorf("config file: %s: %w", full, err)
			}
			raw.Values[full] = string(b)
		}
	}
	return raw, nil
}

// normalize turns YAML maps with non-string keys into map[string]any.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalize(e)
		}
		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	case []any:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	default:
		return v
	}
}

// isSecure says whether v is a {secure: <ciphertext>} value.
func isSecure(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	_, ok = m["secure"].(string)
	return ok
}

// redactSecrets replaces every secure value with the placeholder and says
// whether there was one.
func redactSecrets(v any) (any, bool) {
	if isSecure(v) {
		return config.SecretPlaceholder, true
	}
	found := false
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			var s bool
			t[k], s = redactSecrets(e)
			found = found || s
		}
	case []any:
		for i, e := range t {
			var s bool
			t[i], s = redactSecrets(e)
			found = found || s
		}
	}
	return v, found
}
