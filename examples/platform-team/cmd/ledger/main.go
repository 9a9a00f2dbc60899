// Command ledger is the platform team's Pulumi program: it runs
// platform.Ledger with the team's accounts and exports what consumers need.
package main

import (
	platform "example.com/platform-team"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		api, err := platform.Ledger(ctx, platform.Accounts{
			Region: "eu-west-1", Producer: "111111111111", Payments: "222222222222",
			PartnerAccount: "444444444444", PartnerEndpoint: "vpce-0123456789abcdef0",
		})
		if err != nil {
			return err
		}
		ctx.Export("restApiId", api.RestApiId)
		ctx.Export("paymentsUrls", api.Consumers["payments"].InvokeUrls)
		return nil
	})
}
