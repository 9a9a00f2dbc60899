package fakeaws

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"math/big"
)

// unknown is the engine's marker for a value not known during preview.
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// secretSig marks a secret value in the engine's wire format:
// {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": v}.
const (
	sigKey    = "4dabf18193072939515e22adb298388d"
	secretSig = "1b47061264138c4ac30d75fd1eb44270"
)

// plain replaces every secret wrapper in v by the value it wraps: AWS sees
// plain values; the engine keeps them secret in its state.
func plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t[sigKey] == secretSig {
			return plain(t["value"])
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// props are resource properties as the engine sends them, decoded from
// protobuf structs: strings, float64s, bools, nested maps and lists.
type props map[string]any

func (p props) str(k string) string {
	s, _ := p[k].(string)
	return s
}

func (p props) obj(k string) props {
	switch v := p[k].(type) {
	case map[string]any:
		return v
	case []any: // a max-items-1 block may arrive as a one-element list
		if len(v) == 1 {
			if m, ok := v[0].(map[string]any); ok {
				return m
			}
		}
	}
	return props{}
}

func (p props) strs(k string) []string {
	switch v := p[k].(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		if v != "" {
			return []string{v}
		}
	}
	return nil
}

func (p props) list(k string) []map[string]any {
	var out []map[string]any
	if l, ok := p[k].([]any); ok {
		for _, e := range l {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// num is a number property, 0 when absent.
func (p props) num(k string) float64 {
	f, _ := p[k].(float64)
	return f
}

func (p props) boolOr(k string, def bool) bool {
	if b, ok := p[k].(bool); ok {
		return b
	}
	return def
}

func (p props) clone() props {
	out := props{}
	maps.Copy(out, p)
	return out
}

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

// newId is n random lowercase letters and digits, as API Gateway IDs are.
func newId(n int) string {
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(lowerAlnum))))
		if err != nil {
			panic(err) // crypto/rand does not fail on Linux
		}
		b[i] = lowerAlnum[k.Int64()]
	}
	return string(b)
}

// newHex is n random lowercase hex digits, as EC2 IDs are.
func newHex(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)[:n]
}
