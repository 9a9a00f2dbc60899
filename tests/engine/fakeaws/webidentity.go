package fakeaws

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// assumeRoleWithWebIdentity is sts:AssumeRoleWithWebIdentity: the token (a
// JWT; its signature is not checked here) names its issuer, subject and
// audience; the role must exist and trust the issuer's OIDC provider in the
// role's account with conditions on <issuer>:sub and <issuer>:aud (IAM user
// guide, "Create a role for OpenID Connect federation"), and, for GitHub's
// issuer, on the claims IAM offers as condition keys (githubClaimKeys). The
// error is STS's.
func assumeRoleWithWebIdentity(c *Cloud, role, token string) error {
	claims, err := tokenClaims(token)
	if err != nil {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, api error InvalidIdentityToken: %w", err)
	}
	r, ok := c.AssumableRoles[role]
	if !ok {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity (the role %s does not exist)", role)
	}
	iss, err := url.Parse(claims["iss"])
	if err != nil || iss.Host == "" {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, api error InvalidIdentityToken: issuer %q is not a URL", claims["iss"])
	}
	issuer := iss.Host + strings.TrimSuffix(iss.Path, "/")
	provider := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", r.Account, issuer)
	ok, err = EvaluateTrust(r.Trust, "sts:AssumeRoleWithWebIdentity", provider, WebIdentityContext(issuer, claims))
	if err != nil {
		return fmt.Errorf("fakeaws: trust policy of %s: %w", role, err)
	}
	if !ok {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	return nil
}

// githubIssuer is GitHub Actions' OIDC issuer (without https://).
const githubIssuer = "token.actions.githubusercontent.com"

// githubClaimKeys are the claims of GitHub's tokens IAM offers as condition
// keys, <issuer>:<claim>, beside sub and aud (IAM user guide, "IAM and AWS
// STS condition context keys", the keys of GitHub's OIDC provider, since
// January 2026): no other claim (workflow_ref, event_name, ref_protected,
// ...) reaches a trust policy, so a condition on one never holds.
var githubClaimKeys = []string{"actor", "actor_id", "job_workflow_ref", "repository", "repository_id", "workflow", "ref", "environment", "enterprise_id"}

// WebIdentityContext is the request context of an AssumeRoleWithWebIdentity
// with a token of issuer (host and path) and these claims: <issuer>:sub and
// <issuer>:aud, and for GitHub's issuer the claims of githubClaimKeys the
// token has. Exported for the trust-chain tests.
func WebIdentityContext(issuer string, claims map[string]string) map[string]string {
	out := map[string]string{issuer + ":sub": claims["sub"], issuer + ":aud": claims["aud"]}
	if issuer == githubIssuer {
		for _, k := range githubClaimKeys {
			if v, ok := claims[k]; ok {
				out[issuer+":"+k] = v
			}
		}
	}
	return out
}

// tokenClaims reads a JWT's payload: its string claims by name.
func tokenClaims(token string) (map[string]string, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("the token is not a JWT (header.payload.signature)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("the token's payload is not base64url: %w", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, fmt.Errorf("the token's payload is not JSON: %w", err)
	}
	c := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			c[k] = s
		}
	}
	return c, nil
}

// webIdentityToken is the token a provider's assumeRoleWithWebIdentity
// block gives, inline or in a file.
func webIdentityToken(block props) (string, error) {
	if t := block.str("webIdentityToken"); t != "" {
		return t, nil
	}
	file := block.str("webIdentityTokenFile")
	if file == "" {
		return "", fmt.Errorf("assumeRoleWithWebIdentity needs webIdentityToken or webIdentityTokenFile")
	}
	b, err := os.ReadFile(file) //nolint:gosec // the provider's configured token file
	if err != nil {
		return "", fmt.Errorf("reading the web identity token file: %w", err)
	}
	return string(b), nil
}

// Token makes a JWT with the given claims (unsigned), for tests.
func Token(iss, sub, aud string) string {
	return TokenWithClaims(map[string]string{"iss": iss, "sub": sub, "aud": aud})
}

// TokenWithClaims makes a JWT with these string claims (unsigned), for
// tests.
func TokenWithClaims(claims map[string]string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "none"}) + "." + enc(claims) + ".sig"
}
