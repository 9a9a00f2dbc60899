// Command xaccount-api is the Pulumi program: a PRIVATE REST API in the
// producer account that only the consumers' execute-api VPC endpoints may call.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/stack"
)

func main() {
	pulumi.Run(stack.Program)
}
