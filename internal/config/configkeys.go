package config

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EngineConfigKeys lists every configuration key the engine handed this run,
// however the program was started, so that a misspelt key is reported
// instead of silently ignored.
//
// The Go SDK offers ctx.GetConfig(key) but no way to list keys. The Go
// language host hands the program its configuration in PULUMI_CONFIG; the
// Automation API's inline runtime does not set it and passes the map only
// into the context's RunInfo (sdk/go/auto/stack.go, languageRuntimeServer.Run).
// So the keys are read from the context's RunInfo.Config (by reflection, as
// the field is not exported) and from PULUMI_CONFIG, and merged. The engine
// tests prove both paths under the real engine, and TestEngineConfigKeys
// fails if an SDK upgrade moves the field.
func EngineConfigKeys(ctx *pulumi.Context) []string {
	seen := map[string]bool{}
	for _, k := range runInfoConfigKeys(ctx) {
		seen[k] = true
	}
	var env map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &env); err == nil {
		for k := range env {
			seen[k] = true
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runInfoConfigKeys reads the keys of ctx.state.info.Config; it returns nil
// when the SDK's layout differs from the one it was written against.
func runInfoConfigKeys(ctx *pulumi.Context) []string {
	if ctx == nil {
		return nil
	}
	v := reflect.ValueOf(ctx).Elem().FieldByName("state")
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	v = v.Elem().FieldByName("info")
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return nil
	}
	v = v.FieldByName("Config")
	if !v.IsValid() || v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
		return nil
	}
	keys := make([]string, 0, v.Len())
	for _, k := range v.MapKeys() {
		keys = append(keys, k.String())
	}
	return keys
}

// FromContext collects the raw configuration: every key the program
// reads, plus any other key of this namespace the engine passed (so that a
// misspelt key is reported instead of silently ignored).
func FromContext(ctx *pulumi.Context) (map[string]string, []string) {
	raw := map[string]string{}
	var secretKeys []string
	add := func(k string) {
		if v, ok := ctx.GetConfig(k); ok {
			raw[k] = v
			if ctx.IsConfigSecret(k) {
				secretKeys = append(secretKeys, k)
			}
		}
	}
	for _, name := range Keys {
		add(fullKey(name))
	}
	for _, k := range EngineConfigKeys(ctx) {
		if _, seen := raw[k]; !seen && strings.HasPrefix(k, Namespace+":") {
			add(k)
		}
	}
	return raw, secretKeys
}
