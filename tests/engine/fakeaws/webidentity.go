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
// guide, "Create a role for OpenID Connect federation"). The error is STS's.
func assumeRoleWithWebIdentity(c *Cloud, role, token string) error {
	claims, err := tokenClaims(token)
	if err != nil {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, api error InvalidIdentityToken: %w", err)
	}
	r, ok := c.AssumableRoles[role]
	if !ok {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity (the role %s does not exist)", role)
	}
	iss, err := url.Parse(claims.Iss)
	if err != nil || iss.Host == "" {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 400, api error InvalidIdentityToken: issuer %q is not a URL", claims.Iss)
	}
	issuer := iss.Host + strings.TrimSuffix(iss.Path, "/")
	provider := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", r.Account, issuer)
	ok, err = EvaluateTrust(r.Trust, "sts:AssumeRoleWithWebIdentity", provider, map[string]string{issuer + ":sub": claims.Sub, issuer + ":aud": claims.Aud})
	if err != nil {
		return fmt.Errorf("fakeaws: trust policy of %s: %w", role, err)
	}
	if !ok {
		return fmt.Errorf("operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	return nil
}

// webIdentityClaims are the token claims the trust is evaluated on.
type webIdentityClaims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Aud string `json:"aud"`
}

// tokenClaims reads a JWT's payload.
func tokenClaims(token string) (webIdentityClaims, error) {
	var c webIdentityClaims
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return c, fmt.Errorf("the token is not a JWT (header.payload.signature)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, fmt.Errorf("the token's payload is not base64url: %w", err)
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, fmt.Errorf("the token's payload is not JSON: %w", err)
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
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "none"}) + "." + enc(webIdentityClaims{Iss: iss, Sub: sub, Aud: aud}) + ".sig"
}
