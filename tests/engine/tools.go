//go:build tools

// This file pins the Pulumi CLI the engine tests build from source, at the
// same version as the Pulumi SDK the program uses (see cli_test.go).
package engine

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
