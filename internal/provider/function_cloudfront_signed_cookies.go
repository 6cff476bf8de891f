package provider

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*cloudFrontSignedCookiesFunction)(nil)

// cloudFrontCookieExpiresName is the cookie of a canned policy that holds
// the expiry; the sign package names the other three (sign.Cookie*Name).
const cloudFrontCookieExpiresName = "CloudFront-Expires"

// NewCloudFrontSignedCookiesFunction returns the cloudfront_signed_cookies function.
func NewCloudFrontSignedCookiesFunction() function.Function {
	return &cloudFrontSignedCookiesFunction{}
}

// cloudFrontSignedCookiesFunction computes CloudFront signed cookies. It
// makes no AWS call.
type cloudFrontSignedCookiesFunction struct{}

func (f *cloudFrontSignedCookiesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "cloudfront_signed_cookies"
}

func (f *cloudFrontSignedCookiesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Computes the CloudFront signed cookies that grant access to a URL or URL pattern (canned or custom policy).",
		MarkdownDescription: "Returns the values of the CloudFront signed cookies that let a viewer fetch `resource` " +
			"through a CloudFront cache behaviour restricted to signed URLs and cookies (`trusted_key_groups`), until " +
			"`policy.expires_at`, as a map from cookie name to value.\n\n" +
			"**Canned or custom policy.** When `resource` is one exact URL (no `*`) and `policy` sets only `expires_at`, " +
			"the cookies use a *canned* policy: `CloudFront-Expires`, `CloudFront-Signature` and " +
			"`CloudFront-Key-Pair-Id`, valid for exactly that URL. A `*` in `resource` (such as " +
			"`https://media.example.com/videos/*`, the usual case for cookies), `starts_at` or `ip_range` makes it a " +
			"*custom* policy: `CloudFront-Policy`, `CloudFront-Signature` and `CloudFront-Key-Pair-Id`.\n\n" +
			"**Setting the cookies.** The application sends each entry as a `Set-Cookie` for the host viewers use to " +
			"reach CloudFront (the distribution's domain or an alternate domain name; `Domain=.example.com` when the " +
			"application runs on a sibling subdomain), with `Path=/`, `Secure` and `HttpOnly`. The values need no " +
			"further encoding: they use CloudFront's URL- and cookie-safe Base64.\n\n" + cloudFrontSigningMarkdown,
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "resource",
				MarkdownDescription: "URL or URL pattern the cookies grant, as viewers request it from CloudFront: " +
					"`http://`, `https://` or `http*://` (both), a host and a path, where `*` matches any characters and " +
					"`?` one character, for example `https://d111111abcdef8.cloudfront.net/videos/*`. ASCII only.",
			},
			cloudFrontKeyPairIDParameter(),
			cloudFrontPrivateKeyParameter(),
			cloudFrontPolicyParameter(false),
		},
		Return: function.MapReturn{ElementType: types.StringType},
	}
}

func (f *cloudFrontSignedCookiesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var resource, keyPairID, privateKeyPEM string
	var policyArg types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &resource, &keyPairID, &privateKeyPEM, &policyArg)
	if resp.Error != nil {
		return
	}

	if err := validateCloudFrontResource(resource); err != nil {
		resp.Error = function.NewArgumentFuncError(cloudFrontArgURL, "resource: "+err.Error())
		return
	}
	key, policy, known, funcErr := parseCloudFrontSigningArguments(keyPairID, privateKeyPEM, policyArg, false)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	if !known {
		resp.Error = resp.Result.Set(ctx, types.MapUnknown(types.StringType))
		return
	}

	cookies := map[string]string{sign.CookieKeyIDName: keyPairID}
	if policy.canned() && !strings.Contains(resource, "*") {
		// A canned policy travels as its expiry; CloudFront rebuilds it from
		// the request URL, exactly as for a canned signed URL.
		signature, _, err := sign.NewCannedPolicy(resource, policy.expiresAt).Sign(key)
		if err != nil {
			resp.Error = function.NewFuncError("Cannot sign the CloudFront cookies: " + err.Error())
			return
		}
		cookies[cloudFrontCookieExpiresName] = strconv.FormatInt(policy.expiresAt.UTC().Unix(), 10)
		cookies[sign.CookieSignatureName] = string(signature)
	} else {
		signed, err := sign.NewCookieSigner(keyPairID, key).SignWithPolicy(policy.customPolicy(resource))
		if err != nil {
			resp.Error = function.NewFuncError("Cannot sign the CloudFront cookies: " + err.Error())
			return
		}
		for _, c := range signed {
			cookies[c.Name] = c.Value
		}
	}
	resp.Error = resp.Result.Set(ctx, cookies)
}
