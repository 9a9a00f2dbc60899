package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidAccountIDBoundaries(t *testing.T) {
	for id, want := range map[string]bool{
		"111122223333": true, "000000000000": true,
		"11112222333": false, "1111222233334": false, "": false, " 111122223333": false,
		"111122223333 ": false, "111122223333\n": false, "1111-2222-333": false, "11112222333a": false,
		"١١١١٢٢٢٢٣٣٣٣": false, // Arabic-Indic digits are not account digits
	} {
		assert.Equalf(t, want, ValidAccountID(id), "%q", id)
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
