package plan

import (
	"fmt"
	"io"
	"slices"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
)

// WriteIam prints, for each account of the plan, the IAM policy its deployer
// role needs (exactly the actions of the resource types and data sources the
// plan has there) and the trust policy of the pipeline role that assumes it.
func (p *Plan) WriteIam(w io.Writer, repo string) error {
	for _, account := range p.sortedAccounts() {
		var types []string
		for _, r := range p.Resources {
			if r.Account == account && r.Provider != "" && r.Type != awsmock.ProviderType && !slices.Contains(types, r.Type) {
				types = append(types, r.Type)
			}
		}
		if len(types) == 0 {
			if _, err := fmt.Fprintf(w, "# Account %s (%s): nothing is deployed there, no role needed\n\n", account, p.Accounts[account]); err != nil {
				return err
			}
			continue
		}
		policy, err := iampolicy.DeployerPolicy(account, p.Region, types, p.Invokes[account])
		if err != nil {
			return err
		}
		policyJson, err := policy.JSON()
		if err != nil {
			return err
		}
		trustJson, err := iampolicy.PipelineTrustPolicy(account, p.Region, repo).JSON()
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "# Account %s (%s): policy of the deployer role the stack assumes\n%s\n\n"+
			"# Account %s: trust policy of the pipeline role (OIDC); the deployer role's trust policy names that role\n%s\n\n",
			account, p.Accounts[account], policyJson, account, trustJson); err != nil {
			return err
		}
	}
	return nil
}
