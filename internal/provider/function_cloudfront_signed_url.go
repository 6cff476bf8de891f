package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

var _ function.Function = (*cloudFrontSignedURLFunction)(nil)

// Argument positions shared by cloudfront_signed_url and
// cloudfront_signed_cookies (FuncError argument indexes are zero-based).
const (
	cloudFrontArgURL int64 = iota
	cloudFrontArgKeyPairID
	cloudFrontArgPrivateKey
	cloudFrontArgPolicy
)

// Attributes of the `policy` argument.
const (
	cloudFrontPolicyExpiresAt = "expires_at"
	cloudFrontPolicyStartsAt  = "starts_at"
	cloudFrontPolicyIPRange   = "ip_range"
	cloudFrontPolicyResource  = "resource"
)

// cloudFrontSigningMarkdown is the part of both functions' documentation
// about keys, determinism and secrets.
const cloudFrontSigningMarkdown = "**Key.** `key_pair_id` is the ID of a CloudFront public key (`aws_cloudfront_public_key`'s `id`, " +
	"such as `K2JCJMDEHXQW5F`) that is in a key group the distribution's cache behaviour trusts (`trusted_key_groups`), and " +
	"`private_key_pem` is the matching RSA private key in PEM form, PKCS #1 (`-----BEGIN RSA PRIVATE KEY-----`, as " +
	"`openssl genrsa 2048` writes) or PKCS #8 (`-----BEGIN PRIVATE KEY-----`), unencrypted. The signature is RSA-SHA1 " +
	"PKCS #1 v1.5 over the policy, computed by the AWS SDK for Go v2 (`feature/cloudfront/sign`).\n\n" +
	"**Pure: no clock, no network.** Like every provider function, it runs during plan (and again during apply), " +
	"and Terraform and OpenTofu require the same arguments to give the same result every time. The function makes no " +
	"network call and never reads the clock, and RSA PKCS #1 v1.5 signatures are deterministic, so the result depends " +
	"on the arguments alone. In particular an `expires_at` in the past is accepted: the function returns the same " +
	"credentials as ever, which CloudFront simply refuses because they have expired, so a configuration with a fixed " +
	"`expires_at` keeps planning, applying and destroying after that time. For an expiry that moves forward, derive " +
	"it from a value that changes when you want new credentials (for example " +
	"`timeadd(time_rotating.links.rfc3339, \"168h\")` with the `hashicorp/time` provider) rather than from " +
	"`plantimestamp()`, which changes on every plan and so produces a new value every time.\n\n" +
	"**Secrets.** The private key is never logged or returned by the provider. Pass it from a sensitive variable or a " +
	"secret store; when an argument is sensitive, OpenTofu and Terraform mark the result sensitive too, which is right: " +
	"the result is a bearer credential until it expires. Per-viewer credentials with short lifetimes belong in the " +
	"application, signed at request time; this function suits credentials whose lifetime follows your deployments " +
	"(preview links, smoke tests, demos)."

// NewCloudFrontSignedURLFunction returns the cloudfront_signed_url function.
func NewCloudFrontSignedURLFunction() function.Function {
	return &cloudFrontSignedURLFunction{}
}

// cloudFrontSignedURLFunction signs a URL for a CloudFront behaviour with
// trusted key groups. It makes no AWS call.
type cloudFrontSignedURLFunction struct{}

func (f *cloudFrontSignedURLFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "cloudfront_signed_url"
}

func (f *cloudFrontSignedURLFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Signs a URL for a CloudFront cache behaviour that trusts a key group (canned or custom policy).",
		MarkdownDescription: "Returns `url` with the query parameters that let a viewer fetch it through a CloudFront cache " +
			"behaviour restricted to signed URLs (`trusted_key_groups`), until `policy.expires_at`.\n\n" +
			"**Canned or custom policy.** When `policy` sets only `expires_at`, the URL is signed with a *canned* policy: it " +
			"gets the `Expires`, `Signature` and `Key-Pair-Id` query parameters and is valid for exactly this URL. Setting " +
			"any of `starts_at`, `ip_range` or `resource` makes it a *custom* policy: the URL gets `Policy`, `Signature` and " +
			"`Key-Pair-Id`, and CloudFront also enforces the start time, the viewer address range and the resource pattern.\n\n" +
			"**Which URL.** Sign the URL exactly as viewers request it from CloudFront, " +
			"`https://<distribution domain or alternate domain name>/<path>[?<query>]`, not the origin's URL. Query " +
			"parameters in `url` are kept and covered by the signature, so viewers must send them unchanged and in the " +
			"same order.\n\n" + cloudFrontSigningMarkdown,
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "url",
				MarkdownDescription: "Absolute `http://` or `https://` URL to sign, as viewers request it from CloudFront, for " +
					"example `https://d111111abcdef8.cloudfront.net/videos/a.mp4`. ASCII only (percent-encode the path and " +
					"query, use Punycode for an internationalised host); no fragment, no user information, and none of the " +
					"query parameters the signature adds (`Expires`, `Policy`, `Signature`, `Key-Pair-Id`).",
			},
			cloudFrontKeyPairIDParameter(),
			cloudFrontPrivateKeyParameter(),
			cloudFrontPolicyParameter(true),
		},
		Return: function.StringReturn{},
	}
}

func (f *cloudFrontSignedURLFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var rawURL, keyPairID, privateKeyPEM string
	var policyArg types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &rawURL, &keyPairID, &privateKeyPEM, &policyArg)
	if resp.Error != nil {
		return
	}

	if err := validateCloudFrontSignURL(rawURL); err != nil {
		resp.Error = function.NewArgumentFuncError(cloudFrontArgURL, "url: "+err.Error())
		return
	}
	key, policy, known, funcErr := parseCloudFrontSigningArguments(keyPairID, privateKeyPEM, policyArg, true)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	if !known {
		resp.Error = resp.Result.Set(ctx, types.StringUnknown())
		return
	}
	if policy.resource != "" && !cloudFrontWildcardMatch(policy.resource, rawURL) {
		resp.Error = function.NewArgumentFuncError(cloudFrontArgPolicy, fmt.Sprintf(
			"policy.resource %q does not match url %q, so CloudFront would refuse the signed URL; use a pattern "+
				"that covers the URL (\"*\" matches any characters, \"?\" one character), or leave resource unset to "+
				"grant exactly the URL", policy.resource, rawURL))
		return
	}

	signer := sign.NewURLSigner(keyPairID, key)
	var signed string
	var err error
	if policy.canned() {
		signed, err = signer.Sign(rawURL, policy.expiresAt)
	} else {
		resource := policy.resource
		if resource == "" {
			resource = rawURL
		}
		signed, err = signer.SignWithPolicy(rawURL, policy.customPolicy(resource))
	}
	if err != nil {
		// The SDK's errors name the URL or the policy, never the key.
		resp.Error = function.NewFuncError("Cannot sign the CloudFront URL: " + err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, signed)
}

func cloudFrontKeyPairIDParameter() function.StringParameter {
	return function.StringParameter{
		Name: "key_pair_id",
		MarkdownDescription: "ID of the CloudFront public key whose private key is `private_key_pem`, for example " +
			"`K2JCJMDEHXQW5F` (`aws_cloudfront_public_key.<name>.id`). The key must be in a key group that the cache " +
			"behaviour serving the URL trusts. Letters and digits only.",
	}
}

func cloudFrontPrivateKeyParameter() function.StringParameter {
	return function.StringParameter{
		Name: "private_key_pem",
		MarkdownDescription: "Unencrypted RSA private key in PEM form, PKCS #1 (`-----BEGIN RSA PRIVATE KEY-----`) or " +
			"PKCS #8 (`-----BEGIN PRIVATE KEY-----`), whose public key is the CloudFront public key `key_pair_id`. " +
			"Pass it from a sensitive variable or a secret store; it is never logged.",
	}
}

func cloudFrontPolicyParameter(withResource bool) function.DynamicParameter {
	desc := "Object with the policy's conditions:\n\n" +
		"  - `expires_at` (required): RFC 3339 timestamp after which CloudFront refuses the credentials, for example " +
		"`2030-01-01T00:00:00Z`; CloudFront compares whole seconds. A time in the past is accepted (the function " +
		"never reads the clock): the credentials are then already expired and CloudFront refuses them.\n" +
		"  - `starts_at` (optional): RFC 3339 timestamp before which CloudFront refuses the credentials; must be before " +
		"`expires_at`. Makes the policy custom.\n" +
		"  - `ip_range` (optional): the viewer addresses allowed, as an IPv4 or IPv6 CIDR block such as `192.0.2.0/24` " +
		"(one address is `192.0.2.1/32`). Makes the policy custom.\n"
	if withResource {
		desc += "  - `resource` (optional): the URL pattern the policy grants, with `*` matching any characters and `?` one " +
			"character, for example `https://d111111abcdef8.cloudfront.net/videos/*`; it must match `url`. Viewers can then " +
			"append the same `Policy`, `Signature` and `Key-Pair-Id` parameters to every URL the pattern matches (such as " +
			"the segments of a video stream). Defaults to `url` itself. Makes the policy custom.\n"
	}
	desc += "\nWith `expires_at` alone the policy is canned. Other attribute names are rejected, so a typo does not " +
		"silently drop a condition."
	return function.DynamicParameter{
		Name:                "policy",
		MarkdownDescription: desc,
	}
}

// cloudFrontPolicy is the parsed `policy` argument.
type cloudFrontPolicy struct {
	expiresAt time.Time
	startsAt  *time.Time
	ipRange   string
	resource  string // cloudfront_signed_url only
}

// canned reports whether the policy only limits the expiry.
func (p cloudFrontPolicy) canned() bool {
	return p.startsAt == nil && p.ipRange == "" && p.resource == ""
}

// customPolicy builds the policy with the sign package's types.
func (p cloudFrontPolicy) customPolicy(resource string) *sign.Policy {
	cond := sign.Condition{DateLessThan: sign.NewAWSEpochTime(p.expiresAt)}
	if p.startsAt != nil {
		cond.DateGreaterThan = sign.NewAWSEpochTime(*p.startsAt)
	}
	if p.ipRange != "" {
		cond.IPAddress = &sign.IPAddress{SourceIP: p.ipRange}
	}
	return &sign.Policy{Statements: []sign.Statement{{Resource: resource, Condition: cond}}}
}

// parseCloudFrontPolicyArgument reads the `policy` argument, an object (or a
// map of strings) with the attributes documented in cloudFrontPolicyParameter.
// known is false when a value in it is not known yet (the result is then
// unknown too).
// parseCloudFrontSigningArguments checks the arguments both signing functions share: key pair id, private key and
// policy. known is false while the policy is not known yet (plan time).
func parseCloudFrontSigningArguments(keyPairID, privateKeyPEM string, policyArg types.Dynamic, withResource bool) (*rsa.PrivateKey, cloudFrontPolicy, bool, *function.FuncError) {
	if err := validateCloudFrontKeyPairID(keyPairID); err != nil {
		return nil, cloudFrontPolicy{}, false, function.NewArgumentFuncError(cloudFrontArgKeyPairID, "key_pair_id: "+err.Error())
	}
	key, err := parseCloudFrontPrivateKey(privateKeyPEM)
	if err != nil {
		return nil, cloudFrontPolicy{}, false, function.NewArgumentFuncError(cloudFrontArgPrivateKey, "private_key_pem: "+err.Error())
	}
	policy, known, funcErr := parseCloudFrontPolicyArgument(policyArg, withResource)
	return key, policy, known, funcErr
}

func parseCloudFrontPolicyArgument(arg types.Dynamic, withResource bool) (p cloudFrontPolicy, known bool, funcErr *function.FuncError) {
	argErr := func(format string, a ...any) *function.FuncError {
		return function.NewArgumentFuncError(cloudFrontArgPolicy, "policy: "+fmt.Sprintf(format, a...))
	}
	allowed := []string{cloudFrontPolicyExpiresAt, cloudFrontPolicyStartsAt, cloudFrontPolicyIPRange}
	if withResource {
		allowed = append(allowed, cloudFrontPolicyResource)
	}
	example := `{ expires_at = "2030-01-01T00:00:00Z" }`

	if arg.IsNull() || arg.IsUnderlyingValueNull() {
		return p, true, argErr("must be an object such as %s, not null", example)
	}
	if arg.IsUnknown() || arg.IsUnderlyingValueUnknown() {
		return p, false, nil
	}
	var attrs map[string]attr.Value
	switch v := arg.UnderlyingValue().(type) {
	case basetypes.ObjectValue:
		attrs = v.Attributes()
	case basetypes.MapValue:
		attrs = v.Elements()
	default:
		return p, true, argErr("must be an object such as %s, got %s", example, cloudFrontValueKind(arg.UnderlyingValue()))
	}

	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	values := map[string]string{}
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			return p, true, argErr("unsupported attribute %q; the policy takes %s", name, strings.Join(allowed, ", "))
		}
		v := attrs[name]
		if v.IsUnknown() {
			return p, false, nil
		}
		if v.IsNull() {
			continue
		}
		s, ok := v.(basetypes.StringValue)
		if !ok {
			if dv, isDynamic := v.(basetypes.DynamicValue); isDynamic {
				if dv.IsUnderlyingValueNull() {
					continue
				}
				if dv.IsUnderlyingValueUnknown() {
					return p, false, nil
				}
				s, ok = dv.UnderlyingValue().(basetypes.StringValue)
			}
		}
		if !ok {
			return p, true, argErr("%s must be a string, got %s", name, cloudFrontValueKind(v))
		}
		values[name] = s.ValueString()
	}

	expires, ok := values[cloudFrontPolicyExpiresAt]
	if !ok || expires == "" {
		return p, true, argErr("expires_at is required: set it to the RFC 3339 time the credentials stop working, as in %s", example)
	}
	t, err := time.Parse(time.RFC3339, expires)
	if err != nil {
		return p, true, argErr("expires_at %q is not an RFC 3339 timestamp; write it like 2030-01-01T00:00:00Z "+
			"(or with an offset, 2030-01-01T01:00:00+01:00)", expires)
	}
	// No comparison with the clock: a provider function must be pure. An
	// expires_at in the past signs credentials that are already expired.
	p.expiresAt = t

	if starts, ok := values[cloudFrontPolicyStartsAt]; ok && starts != "" {
		st, err := time.Parse(time.RFC3339, starts)
		if err != nil {
			return p, true, argErr("starts_at %q is not an RFC 3339 timestamp; write it like 2030-01-01T00:00:00Z", starts)
		}
		if !st.Before(t) {
			return p, true, argErr("starts_at %s is not before expires_at %s, so the credentials would never be valid; "+
				"set starts_at earlier or expires_at later", starts, expires)
		}
		p.startsAt = &st
	}

	if ipRange, ok := values[cloudFrontPolicyIPRange]; ok && ipRange != "" {
		prefix, err := netip.ParsePrefix(ipRange)
		if err != nil {
			if addr, addrErr := netip.ParseAddr(ipRange); addrErr == nil {
				return p, true, argErr("ip_range %q is an address, not a CIDR block; write %s/%d for that one address",
					ipRange, addr, addr.BitLen())
			}
			return p, true, argErr("ip_range %q is not an IPv4 or IPv6 CIDR block such as 192.0.2.0/24", ipRange)
		}
		if prefix != prefix.Masked() {
			return p, true, argErr("ip_range %q has bits set after the prefix length; write %s", ipRange, prefix.Masked())
		}
		p.ipRange = prefix.String()
	}

	if resource, ok := values[cloudFrontPolicyResource]; ok && resource != "" {
		if err := validateCloudFrontResource(resource); err != nil {
			return p, true, argErr("resource: %s", err.Error())
		}
		p.resource = resource
	}
	return p, true, nil
}

// cloudFrontSignedQueryParams are the query parameters CloudFront reads the
// signature from; a URL to sign must not have them already.
var cloudFrontSignedQueryParams = []string{"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"}

// validateCloudFrontSignURL checks a URL to be signed.
func validateCloudFrontSignURL(raw string) error {
	const fix = "pass the URL viewers request from CloudFront, such as https://d111111abcdef8.cloudfront.net/videos/a.mp4"
	if raw == "" {
		return errors.New("must not be empty; " + fix)
	}
	if !cloudFrontIsASCII(raw) {
		return fmt.Errorf("%q contains non-ASCII characters, which CloudFront cannot sign; percent-encode the path "+
			"and query and use the Punycode form of the host", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a valid URL (%v); %s", raw, err, fix)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%q is not an absolute http:// or https:// URL; %s", raw, fix)
	}
	if u.User != nil {
		return fmt.Errorf("%q contains user information, which browsers do not send to CloudFront; remove it", raw)
	}
	if strings.Contains(raw, "#") {
		return fmt.Errorf("%q has a fragment (#...), which is never sent to CloudFront and would break the signature; remove it", raw)
	}
	q := u.Query()
	for _, name := range cloudFrontSignedQueryParams {
		if q.Has(name) {
			return fmt.Errorf("%q already has the query parameter %s, which the signature adds; pass the URL without it", raw, name)
		}
	}
	return nil
}

// validateCloudFrontResource checks a policy resource: a URL pattern with
// wildcards, whose scheme is http, https or http*.
func validateCloudFrontResource(resource string) error {
	if !cloudFrontIsASCII(resource) {
		return fmt.Errorf("%q contains non-ASCII characters, which CloudFront cannot sign; percent-encode them", resource)
	}
	scheme, rest, ok := strings.Cut(resource, "://")
	if !ok || (scheme != "http" && scheme != "https" && scheme != "http*") || rest == "" || strings.HasPrefix(rest, "/") {
		return fmt.Errorf("%q is not a URL pattern starting with http://, https:// or http*:// and a host, such as "+
			"https://d111111abcdef8.cloudfront.net/videos/*", resource)
	}
	return nil
}

var cloudFrontKeyPairIDPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

func validateCloudFrontKeyPairID(id string) error {
	if id == "" {
		return errors.New("must not be empty; pass the ID of the CloudFront public key, such as aws_cloudfront_public_key.<name>.id")
	}
	if !cloudFrontKeyPairIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not a CloudFront public key ID (letters and digits, such as K2JCJMDEHXQW5F); pass "+
			"aws_cloudfront_public_key.<name>.id, not the key's name, ARN or key group ID", id)
	}
	return nil
}

// parseCloudFrontPrivateKey parses an unencrypted RSA private key in PKCS #1
// or PKCS #8 PEM form. Errors never contain key material.
func parseCloudFrontPrivateKey(pemText string) (*rsa.PrivateKey, error) {
	const want = "an unencrypted RSA private key in PEM form, starting with -----BEGIN RSA PRIVATE KEY----- (PKCS #1, " +
		"as `openssl genrsa 2048` writes) or -----BEGIN PRIVATE KEY----- (PKCS #8)"
	if strings.TrimSpace(pemText) == "" {
		return nil, errors.New("must not be empty; pass " + want)
	}
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("is not PEM; pass " + want + " (for a key file, use file(\"private_key.pem\"))")
	}
	if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, errors.New("is encrypted; pass " + want + ", for example decrypted with `openssl pkey -in key.pem -out plain.pem`")
	}
	notRSA := func(kind string) error {
		return fmt.Errorf("is %s key, but CloudFront signed URLs and cookies here need an RSA key (the key group's "+
			"public key must be RSA 2048-bit); create one with `openssl genrsa -out private_key.pem 2048`", kind)
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := sign.LoadPEMPrivKey(strings.NewReader(pemText))
		if err != nil {
			return nil, fmt.Errorf("is not a valid PKCS #1 RSA private key (%v); pass %s", err, want)
		}
		return key, nil
	case "PRIVATE KEY":
		key, err := sign.LoadPEMPrivKeyPKCS8(strings.NewReader(pemText))
		if err != nil {
			return nil, fmt.Errorf("is not a valid PKCS #8 private key (%v); pass %s", err, want)
		}
		switch k := key.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case *ecdsa.PrivateKey:
			return nil, notRSA("an ECDSA")
		case ed25519.PrivateKey:
			return nil, notRSA("an Ed25519")
		default:
			return nil, notRSA(fmt.Sprintf("a %T", key))
		}
	case "EC PRIVATE KEY", "EC PARAMETERS":
		return nil, notRSA("an EC")
	case "OPENSSH PRIVATE KEY":
		return nil, errors.New("is in OpenSSH format; pass " + want + ", for example converted with `ssh-keygen -p -m PEM -f key`")
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("holds a %s, not a private key; CloudFront keeps the public key, pass the private key that "+
			"belongs to it", strings.ToLower(block.Type))
	default:
		return nil, fmt.Errorf("holds a PEM block of type %q; pass %s", block.Type, want)
	}
}

// cloudFrontWildcardMatch reports whether s matches pattern, where `*`
// matches any run of characters (also none) and `?` exactly one, as in the
// Resource of a CloudFront policy. Both are ASCII (checked before).
func cloudFrontWildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			starP, starI = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case starP >= 0:
			starI++
			p, i = starP+1, starI
		default:
			return false
		}
	}
	return strings.TrimLeft(pattern[p:], "*") == ""
}

func cloudFrontIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > 0x7f {
			return false
		}
	}
	return true
}

// cloudFrontValueKind names the type of v for error messages, as a
// configuration author would write it.
func cloudFrontValueKind(v attr.Value) string {
	switch v := v.(type) {
	case basetypes.StringValue:
		return "a string"
	case basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value, basetypes.Int32Value, basetypes.Float32Value:
		return "a number"
	case basetypes.BoolValue:
		return "a bool"
	case basetypes.ListValue, basetypes.TupleValue, basetypes.SetValue:
		return "a list"
	case basetypes.ObjectValue, basetypes.MapValue:
		return "an object"
	case basetypes.DynamicValue:
		if !v.IsNull() && !v.IsUnknown() {
			return cloudFrontValueKind(v.UnderlyingValue())
		}
	}
	return "a value of another type"
}
