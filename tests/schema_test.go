package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// crossFieldMark marks a bad file whose problem JSON Schema cannot express
// (it compares two values): the schema accepts it, the program refuses it.
const crossFieldMark = "# schema: cross-field"

// TestSchemaAndValidatorAgree runs every committed, good and bad stack file
// through schema/stack.schema.json and through the program's validator and
// requires the same verdict, except for files marked cross-field, which the
// schema must accept and the validator refuse. Every committed stack file
// names the schema for editors.
func TestSchemaAndValidatorAgree(t *testing.T) {
	compiler := jsonschema.NewCompiler()
	schemaPath := filepath.Join(projectRoot, "schema", "stack.schema.json")
	sch, err := compiler.Compile(schemaPath)
	require.NoError(t, err)

	files := stackFiles(t)
	for _, dir := range []string{"good", "bad", "split", "hubsplit"} {
		more, err := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		require.NoError(t, err)
		files = append(files, more...)
	}
	crossField := 0
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			schemaOK := validates(sch, b)
			programOK := programAccepts(t, file)
			if strings.Contains(string(b), crossFieldMark) {
				crossField++
				assert.True(t, schemaOK, "a cross-field file is valid to the schema")
				assert.False(t, programOK, "and refused by the program")
				return
			}
			assert.Equalf(t, programOK, schemaOK, "schema and validator disagree on %s (program accepts: %v)", file, programOK)
		})
	}
	assert.Positive(t, crossField, "the cross-field rules are exercised")
	for _, file := range stackFiles(t) {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Truef(t, strings.HasPrefix(string(b), "# yaml-language-server: $schema=schema/stack.schema.json\n"),
			"%s names the schema on its first line", filepath.Base(file))
	}
}

// validates says whether a YAML stack file validates against the schema.
func validates(sch *jsonschema.Schema, yamlBytes []byte) bool {
	var doc any
	if err := yaml.Unmarshal(yamlBytes, &doc); err != nil {
		return false
	}
	encoded, err := json.Marshal(doc)
	if err != nil {
		return false // YAML that has no JSON form (e.g. non-string keys)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(encoded))
	if err != nil {
		return false
	}
	return sch.Validate(inst) == nil
}

// programAccepts says whether the program's validator accepts the file.
func programAccepts(t *testing.T, file string) bool {
	t.Helper()
	raw, err := plan.ReadConfigFile(file)
	if err != nil {
		return false
	}
	_, err = config.Load(raw.Values, raw.SecretKeys, plan.StackNameOf(file))
	return err == nil
}
