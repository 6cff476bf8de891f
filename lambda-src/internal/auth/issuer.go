// Package auth decides who is calling the MyTodoList API: the Cognito user
// pool "sub" of the caller, taken from the claims API Gateway's Cognito
// authorizer verified, or else from an ID token in the Authorization header
// that this package verifies itself (RS256, the pool's JWKS, issuer, audience,
// expiry, token_use). It fails closed: anything else is an error.
package auth

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// userPoolIDPattern is the shape of a Cognito user pool id, "<region>_<id>"
// (the AWS API's own pattern, [\w-]+_[0-9a-zA-Z]+).
var userPoolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

// IssuerURL returns the issuer ("iss") of the tokens a Cognito user pool signs.
// The pool's JWKS lives at <issuer>/.well-known/jwks.json.
//
//   - On AWS it is https://cognito-idp.<region>.amazonaws.com/<userPoolID>,
//     where region is the pool's own: the prefix of its id ("eu-west-1_AbC123"
//     → eu-west-1). That equals AWS_REGION for a pool beside the function, and
//     stays right for a pool in another region.
//   - When the Cognito endpoint is overridden the way the AWS SDKs read it —
//     AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, else AWS_ENDPOINT_URL, both
//     ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true — it is
//     <endpoint>/<userPoolID>. That is what a local emulator issues: kumo signs
//     tokens with iss = http://<host it was called on>/<poolId> and serves the
//     JWKS at /<poolId>/.well-known/jwks.json. The sandbox sets
//     AWS_ENDPOINT_URL=http://127.0.0.1:<port> for every function it runs, the
//     same base URL its clients call Cognito on.
//
// getenv is os.Getenv in production.
func IssuerURL(userPoolID string, getenv func(string) string) (string, error) {
	if !userPoolIDPattern.MatchString(userPoolID) {
		return "", fmt.Errorf("auth: %q is not a Cognito user pool id (want <region>_<id>)", userPoolID)
	}
	if !strings.EqualFold(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		for _, name := range []string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL"} {
			endpoint := strings.TrimSpace(getenv(name))
			if endpoint == "" {
				continue
			}
			u, err := url.Parse(endpoint)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return "", fmt.Errorf("auth: %s=%q is not an http(s) base URL", name, endpoint)
			}
			return strings.TrimRight(endpoint, "/") + "/" + userPoolID, nil
		}
	}
	region, _, _ := strings.Cut(userPoolID, "_") // non-empty: the pattern requires it
	return "https://cognito-idp." + region + ".amazonaws.com/" + userPoolID, nil
}
