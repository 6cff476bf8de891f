package provider

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// testCloudFrontCookieHeader is the Cookie request header a browser sends for cookies.
func testCloudFrontCookieHeader(cookies map[string]string) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(cookies)) {
		parts = append(parts, name+"="+cookies[name])
	}
	return strings.Join(parts, "; ")
}

func TestAccCloudFrontSignedCookiesFunction_sandbox(t *testing.T) {
	d := startSandboxSignedDistribution(t)
	videoA, videoB := d.base+"/videos/a.mp4", d.base+"/videos/b.mp4"
	expiresAt := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)

	if err := d.expect(t, "no cookies", videoA, "", http.StatusForbidden, ""); err != nil {
		t.Fatal(err)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccConfig(fmt.Sprintf(`
locals {
  key        = %s
  key_pair   = %q
  videos     = "%s/videos/*"
  expires_at = %q
}

# What an application would send back as Set-Cookie headers, here as one Cookie header.
output "cookie_header" {
  value = join("; ", [
    for name, value in provider::refarch::cloudfront_signed_cookies(local.videos, local.key_pair, local.key, { expires_at = local.expires_at }) :
    "${name}=${value}"
  ])
}

output "other_network_cookie_header" {
  value = join("; ", [
    for name, value in provider::refarch::cloudfront_signed_cookies(local.videos, local.key_pair, local.key, {
      expires_at = local.expires_at
      ip_range   = "192.0.2.0/24"
    }) : "${name}=${value}"
  ])
}
`, testAccCloudFrontKeyHCL(d.key.pkcs1PEM), d.keyPairID, d.base, expiresAt)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("cookie_header", knownvalue.StringFunc(func(header string) error {
					if err := d.expect(t, "custom policy cookies, first file", videoA, header, http.StatusOK, sandboxVideoA); err != nil {
						return err
					}
					if err := d.expect(t, "custom policy cookies, second file", videoB, header, http.StatusOK, sandboxVideoB); err != nil {
						return err
					}
					name, value, _ := strings.Cut(header[strings.Index(header, "CloudFront-Signature="):], "=")
					tampered := strings.Replace(header, name+"="+value, name+"="+testTamperCloudFrontSignature(value), 1)
					return d.expect(t, "one signature byte changed", videoA, tampered, http.StatusForbidden, "")
				})),
				statecheck.ExpectKnownOutputValue("other_network_cookie_header", knownvalue.StringFunc(func(header string) error {
					return d.expect(t, "ip_range excluding the viewer", videoA, header, http.StatusForbidden, "")
				})),
			},
		}},
	})

	// Expiry, without waiting for the clock: the function is pure, so an
	// expires_at in the past signs cookies that are already expired, which
	// the edge refuses (the same cookies with a later expiry are served above).
	shortLived := testCloudFrontCookieHeader(testSignCloudFrontCookies(t, d.base+"/videos/*", d.keyPairID, d.key.pkcs8PEM,
		map[string]string{"expires_at": "2001-01-01T00:00:00Z"}))
	if err := d.expect(t, "cookies after their expiry", videoA, shortLived, http.StatusForbidden, ""); err != nil {
		t.Fatal(err)
	}

	// Canned-policy cookies (CloudFront-Expires) for one URL. kumo v0.33.1
	// reads only CloudFront-Policy from cookies and answers 403 "no policy or
	// expires provided", so their validity is shown here through the
	// signature: it must be the one of the canned signed URL for the same
	// URL and expiry, which the edge accepts.
	canned := testSignCloudFrontCookies(t, videoA, d.keyPairID, d.key.pkcs1PEM, map[string]string{"expires_at": expiresAt})
	cannedURL := testSignCloudFrontURL(t, videoA, d.keyPairID, d.key.pkcs1PEM, map[string]string{"expires_at": expiresAt})
	if err := d.expect(t, "canned URL with the same policy", cannedURL, "", http.StatusOK, sandboxVideoA); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cannedURL, "&Signature="+canned["CloudFront-Signature"]+"&") {
		t.Errorf("canned cookie signature %q is not the canned URL's signature (%s)", canned["CloudFront-Signature"], cannedURL)
	}
	status, body := d.get(t, videoA, testCloudFrontCookieHeader(canned))
	t.Logf("canned-policy cookies sent to kumo: %d %s (kumo does not read CloudFront-Expires; CloudFront does)", status, strings.TrimSpace(body))
}
