package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateExtraStatement(t *testing.T) {
	allowGet := map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/*"}
	require.NoError(t, ValidateExtraStatement(allowGet))
	require.NoError(t, ValidateExtraStatement(map[string]any{"Effect": "Deny", "Principal": "*", "Action": "*", "NotResource": "x"}), "a Deny only narrows")
	refused := map[string]struct {
		stmt map[string]any
		says string
	}{
		"NotResource":        {map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "NotResource": "execute-api:/*/DELETE/*"}, "NotResource in an Allow"},
		"NotPrincipal":       {map[string]any{"Effect": "Allow", "NotPrincipal": map[string]any{"AWS": "arn:aws:iam::1:root"}, "Action": "execute-api:Invoke", "Resource": "*"}, "NotPrincipal in an Allow"},
		"NotAction":          {map[string]any{"Effect": "Allow", "Principal": "*", "NotAction": "execute-api:ManageConnections", "Resource": "*"}, "NotAction in an Allow"},
		"any action":         {map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}, `Action "*"`},
		"all of execute-api": {map[string]any{"Effect": "Allow", "Principal": "*", "Action": []any{"execute-api:Invoke", "execute-api:*"}, "Resource": "*"}, `Action "execute-api:*"`},
		"another service":    {map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "arn:aws:s3:::bucket/*"}, "Resource"},
		"no principal":       {map[string]any{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}, "Principal is required"},
		"bad effect":         {map[string]any{"Effect": "Maybe", "Principal": "*"}, "expected Allow or Deny"},
		"unknown field":      {map[string]any{"Effect": "Deny", "Principal": "*", "Actions": "x"}, "unknown field Actions"},
	}
	for name, tc := range refused {
		err := ValidateExtraStatement(tc.stmt)
		if assert.Errorf(t, err, name) {
			assert.Containsf(t, err.Error(), tc.says, name)
		}
	}
}
