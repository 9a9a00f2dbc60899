package engine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDevPreviewAsCommitted(t *testing.T) {
	s := newEngineStack(t, "dev")
	r := s.preview()
	require.NoErrorf(t, r.err, "preview failed:\n%s\n%s", r.out, r.errOut)
	t.Log(r.out)
}
