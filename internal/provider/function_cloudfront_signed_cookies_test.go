package provider

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// testSignCloudFrontCookies runs cloudfront_signed_cookies and fails the test on an error.
func testSignCloudFrontCookies(t *testing.T, resource, keyPairID, keyPEM string, policy map[string]string) map[string]string {
	t.Helper()
	v, funcErr := runCloudFrontFunction(t, NewCloudFrontSignedCookiesFunction(), types.StringValue(resource), types.StringValue(keyPairID),
		types.StringValue(keyPEM), testPolicyArg(policy))
	if funcErr != nil {
		t.Fatalf("cloudfront_signed_cookies: %v", funcErr)
	}
	m, ok := v.(types.Map)
	if !ok {
		t.Fatalf("cloudfront_signed_cookies returned %T, want a map", v)
	}
	out := map[string]string{}
	for name, value := range m.Elements() {
		s, ok := value.(types.String)
		if !ok {
			t.Fatalf("cloudfront_signed_cookies: cookie %q is %T, want a string", name, value)
		}
		out[name] = s.ValueString()
	}
	return out
}

func testCloudFrontCookieNames(cookies map[string]string) string {
	return fmt.Sprint(slices.Sorted(maps.Keys(cookies)))
}

func TestCloudFrontSignedCookiesFunction_canned(t *testing.T) {
	k := testCloudFrontKey(t)
	const resourceURL = "https://d111111abcdef8.cloudfront.net/videos/a.mp4"
	expires := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

	cookies := testSignCloudFrontCookies(t, resourceURL, "K2JCJMDEHXQW5F", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-01T00:00:00Z"})
	if got := testCloudFrontCookieNames(cookies); got != "[CloudFront-Expires CloudFront-Key-Pair-Id CloudFront-Signature]" {
		t.Fatalf("cookies %s, want the canned policy's three", got)
	}
	if cookies["CloudFront-Expires"] != "4102444800" || cookies["CloudFront-Key-Pair-Id"] != "K2JCJMDEHXQW5F" {
		t.Errorf("cookies = %v", cookies)
	}
	verifyCloudFrontSignature(t, &k.key.PublicKey, testCloudFrontCannedPolicyJSON(resourceURL, expires.Unix()), cookies["CloudFront-Signature"])

	// The canned cookie signature is the canned URL signature of the same URL and expiry.
	signed, err := sign.NewURLSigner("K2JCJMDEHXQW5F", k.key).Sign(resourceURL, expires)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signed)
	if u.Query().Get("Signature") != cookies["CloudFront-Signature"] {
		t.Error("canned cookie signature differs from the AWS SDK's canned URL signature")
	}
}

func TestCloudFrontSignedCookiesFunction_custom(t *testing.T) {
	k := testCloudFrontKey(t)
	for name, tc := range map[string]struct {
		resource string
		policy   map[string]string
		wantCond string
	}{
		"wildcard": {
			"https://d111111abcdef8.cloudfront.net/videos/*",
			map[string]string{"expires_at": "2100-01-01T00:00:00Z"},
			"map[DateLessThan:map[AWS:EpochTime:4.1024448e+09]]",
		},
		"any scheme": {
			"http*://d111111abcdef8.cloudfront.net/*",
			map[string]string{"expires_at": "2100-01-01T00:00:00Z"},
			"map[DateLessThan:map[AWS:EpochTime:4.1024448e+09]]",
		},
		"exact URL with conditions": {
			"https://d111111abcdef8.cloudfront.net/videos/a.mp4",
			map[string]string{"expires_at": "2100-01-01T00:00:00Z", "starts_at": "2099-01-01T00:00:00Z", "ip_range": "2001:db8::/32"},
			"map[DateGreaterThan:map[AWS:EpochTime:4.0709088e+09] DateLessThan:map[AWS:EpochTime:4.1024448e+09] IpAddress:map[AWS:SourceIp:2001:db8::/32]]",
		},
	} {
		t.Run(name, func(t *testing.T) {
			cookies := testSignCloudFrontCookies(t, tc.resource, "K2JCJMDEHXQW5F", k.pkcs8PEM, tc.policy)
			if got := testCloudFrontCookieNames(cookies); got != "[CloudFront-Key-Pair-Id CloudFront-Policy CloudFront-Signature]" {
				t.Fatalf("cookies %s, want the custom policy's three", got)
			}
			raw, p := testDecodeCloudFrontPolicy(t, cookies["CloudFront-Policy"])
			verifyCloudFrontSignature(t, &k.key.PublicKey, raw, cookies["CloudFront-Signature"])
			if p.Statement[0].Resource != tc.resource {
				t.Errorf("Resource = %q, want %q", p.Statement[0].Resource, tc.resource)
			}
			if got := fmt.Sprint(p.Statement[0].Condition); got != tc.wantCond {
				t.Errorf("Condition = %s, want %s", got, tc.wantCond)
			}
			if again := testSignCloudFrontCookies(t, tc.resource, "K2JCJMDEHXQW5F", k.pkcs1PEM, tc.policy); fmt.Sprint(again) != fmt.Sprint(cookies) {
				t.Error("same arguments gave different cookies")
			}
		})
	}
}

func TestCloudFrontSignedCookiesFunction_errors(t *testing.T) {
	k := testCloudFrontKey(t)
	cases := testCloudFrontBadInputs(t)
	for name, tc := range map[string]cloudFrontBadInput{
		"empty resource":     {0, "", "K1", k.pkcs1PEM, nil, `resource: "" is not a URL pattern`},
		"relative resource":  {0, "/videos/*", "K1", k.pkcs1PEM, nil, `resource: "/videos/*" is not a URL pattern starting with http://, https:// or http*://`},
		"ftp resource":       {0, "ftp://example.com/*", "K1", k.pkcs1PEM, nil, `is not a URL pattern`},
		"no host":            {0, "https:///videos/*", "K1", k.pkcs1PEM, nil, `is not a URL pattern`},
		"non-ASCII resource": {0, "https://example.com/vidéos/*", "K1", k.pkcs1PEM, nil, `non-ASCII`},
		"resource in policy": {3, "https://example.com/*", "K1", k.pkcs1PEM,
			map[string]string{"expires_at": "2100-01-01T00:00:00Z", "resource": "https://example.com/*"},
			`unsupported attribute "resource"; the policy takes expires_at, starts_at, ip_range`},
	} {
		cases[name] = tc
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			policy := tc.policy
			if policy == nil {
				policy = map[string]string{"expires_at": "2100-01-01T00:00:00Z"}
			}
			_, funcErr := runCloudFrontFunction(t, NewCloudFrontSignedCookiesFunction(), types.StringValue(tc.target), types.StringValue(tc.kid),
				types.StringValue(tc.keyPEM), testPolicyArg(policy))
			if funcErr == nil {
				t.Fatal("no error")
			}
			if funcErr.FunctionArgument == nil || *funcErr.FunctionArgument != tc.arg {
				t.Errorf("error on argument %v, want %d: %s", funcErr.FunctionArgument, tc.arg, funcErr.Text)
			}
			if !strings.Contains(funcErr.Text, tc.want) {
				t.Errorf("error %q does not contain %q", funcErr.Text, tc.want)
			}
		})
	}
}

func TestAccCloudFrontSignedCookiesFunction(t *testing.T) {
	isolateAWSEnv(t)
	k := testCloudFrontKey(t)
	const base = "https://d111111abcdef8.cloudfront.net"
	canned := testSignCloudFrontCookies(t, base+"/videos/a.mp4", "K2JCJMDEHXQW5F", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-01T00:00:00Z"})

	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccConfig(fmt.Sprintf(`
locals {
  key = %s
}

output "canned" {
  value = provider::refarch::cloudfront_signed_cookies("%s/videos/a.mp4", "K2JCJMDEHXQW5F", local.key, { expires_at = "2100-01-01T00:00:00Z" })
}

output "custom" {
  value = provider::refarch::cloudfront_signed_cookies("%s/videos/*", "K2JCJMDEHXQW5F", local.key, { expires_at = "2100-01-01T00:00:00Z" })
}

output "cookie_header" {
  value = join("; ", [for name, value in provider::refarch::cloudfront_signed_cookies("%s/videos/*", "K2JCJMDEHXQW5F", local.key, { expires_at = "2100-01-01T00:00:00Z" }) : "${name}=${value}"])
}
`, testAccCloudFrontKeyHCL(k.pkcs1PEM), base, base, base)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("canned", knownvalue.MapExact(map[string]knownvalue.Check{
						"CloudFront-Expires":     knownvalue.StringExact("4102444800"),
						"CloudFront-Signature":   knownvalue.StringExact(canned["CloudFront-Signature"]),
						"CloudFront-Key-Pair-Id": knownvalue.StringExact("K2JCJMDEHXQW5F"),
					})),
					statecheck.ExpectKnownOutputValue("custom", knownvalue.MapExact(map[string]knownvalue.Check{
						"CloudFront-Policy": knownvalue.StringFunc(func(v string) error {
							if _, p := testDecodeCloudFrontPolicy(t, v); p.Statement[0].Resource != base+"/videos/*" {
								return fmt.Errorf("resource %q", p.Statement[0].Resource)
							}
							return nil
						}),
						"CloudFront-Signature":   knownvalue.NotNull(),
						"CloudFront-Key-Pair-Id": knownvalue.StringExact("K2JCJMDEHXQW5F"),
					})),
					statecheck.ExpectKnownOutputValue("cookie_header", knownvalue.StringRegexp(
						regexp.MustCompile(`^CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; CloudFront-Policy=[A-Za-z0-9~_-]+; CloudFront-Signature=[A-Za-z0-9~_-]+$`))),
				},
			},
			{
				// Pure: an expires_at in the past gives cookies that are
				// already expired, not an error, so the configuration still
				// plans, applies, re-plans empty and destroys.
				Config: testAccConfig(fmt.Sprintf(`
locals {
  key = %s
}

output "cookies" {
  value = provider::refarch::cloudfront_signed_cookies("%s/videos/*", "K2JCJMDEHXQW5F", local.key, { expires_at = "2001-01-01T00:00:00Z" })
}
`, testAccCloudFrontKeyHCL(k.pkcs1PEM), base)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("cookies", knownvalue.MapPartial(map[string]knownvalue.Check{
						"CloudFront-Key-Pair-Id": knownvalue.StringExact("K2JCJMDEHXQW5F"),
						"CloudFront-Signature":   knownvalue.NotNull(),
					})),
				},
			},
		},
	})
}
