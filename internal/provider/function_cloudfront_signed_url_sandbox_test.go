package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

// Bodies of the objects the signed distribution serves under /videos/.
const (
	sandboxVideoA = "fake mp4 bytes: a"
	sandboxVideoB = "fake mp4 bytes: b"
)

// sandboxSignedDistribution is a CloudFront distribution in the sandbox whose
// `/videos/*` behaviour trusts a key group with the test's public key, in
// front of an S3 bucket holding videos/a.mp4 and videos/b.mp4.
type sandboxSignedDistribution struct {
	sb *sandbox.Sandbox
	// base is the edge URL of the distribution, the scheme and host viewers
	// use: http://127.0.0.1:<port>/kumo/cdn/<distribution id>.
	base      string
	keyPairID string
	key       testCloudFrontKeyPair
}

// startSandboxSignedDistribution starts the sandbox and creates the distribution
// with the AWS SDK. Like resource.Test it skips unless TF_ACC is set, before
// starting anything, and sandboxtest.Start skips when kumo is not built.
func startSandboxSignedDistribution(t *testing.T) sandboxSignedDistribution {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test against the local AWS sandbox: set TF_ACC=1 (see provider_test.go)")
	}
	testAccPreCheck(t)
	sb := sandboxtest.Start(t)
	ctx := context.Background()
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k := testCloudFrontKey(t)

	const bucket = "refarch-signed-media"
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	for key, body := range map[string]string{"videos/a.mp4": sandboxVideoA, "videos/b.mp4": sandboxVideoB, "index.html": "public"} {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body), ContentType: aws.String("video/mp4"),
		}); err != nil {
			t.Fatalf("PutObject %s: %v", key, err)
		}
	}

	cf := cloudfront.NewFromConfig(cfg)
	pk, err := cf.CreatePublicKey(ctx, &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &cftypes.PublicKeyConfig{
		CallerReference: aws.String("refarch-signed-media"),
		Name:            aws.String("refarch-signed-media"),
		EncodedKey:      aws.String(k.publicPEM),
	}})
	if err != nil {
		t.Fatalf("CreatePublicKey: %v", err)
	}
	kg, err := cf.CreateKeyGroup(ctx, &cloudfront.CreateKeyGroupInput{KeyGroupConfig: &cftypes.KeyGroupConfig{
		Name:  aws.String("refarch-signed-media"),
		Items: []string{aws.ToString(pk.PublicKey.Id)},
	}})
	if err != nil {
		t.Fatalf("CreateKeyGroup: %v", err)
	}
	const originID = "media"
	dist, err := cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String("refarch-signed-media"),
		Comment:         aws.String("signed URL and cookie tests"),
		Enabled:         aws.Bool(true),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{
			Id:             aws.String(originID),
			DomainName:     aws.String(bucket + ".s3.us-east-1.amazonaws.com"),
			S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")},
		}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{
			TargetOriginId:       aws.String(originID),
			ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyAllowAll,
		},
		CacheBehaviors: &cftypes.CacheBehaviors{Quantity: aws.Int32(1), Items: []cftypes.CacheBehavior{{
			PathPattern:          aws.String("/videos/*"),
			TargetOriginId:       aws.String(originID),
			ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyAllowAll,
			TrustedKeyGroups: &cftypes.TrustedKeyGroups{
				Enabled: aws.Bool(true), Quantity: aws.Int32(1), Items: []string{aws.ToString(kg.KeyGroup.Id)},
			},
		}}},
	}})
	if err != nil {
		t.Fatalf("CreateDistribution: %v", err)
	}
	d := sandboxSignedDistribution{
		sb:        sb,
		base:      sb.Endpoint + "/kumo/cdn/" + aws.ToString(dist.Distribution.Id),
		keyPairID: aws.ToString(pk.PublicKey.Id),
		key:       k,
	}
	// The default behaviour is public: the distribution serves the bucket.
	if status, body := d.get(t, d.base+"/index.html", ""); status != http.StatusOK || body != "public" {
		t.Fatalf("GET /index.html through the distribution: %d %q", status, body)
	}
	return d
}

// get fetches rawURL through the edge, with cookie as the Cookie header.
func (d sandboxSignedDistribution) get(t *testing.T, rawURL, cookie string) (int, string) {
	t.Helper()
	sandboxtest.Alive(t, d.sb)
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := d.sb.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// expect fetches rawURL and checks the status (and, for 200, the body).
func (d sandboxSignedDistribution) expect(t *testing.T, what, rawURL, cookie string, wantStatus int, wantBody string) error {
	t.Helper()
	status, body := d.get(t, rawURL, cookie)
	if status != wantStatus {
		return fmt.Errorf("%s: GET %s: status %d (%s), want %d", what, rawURL, status, strings.TrimSpace(body), wantStatus)
	}
	if wantStatus == http.StatusOK && body != wantBody {
		return fmt.Errorf("%s: GET %s: body %q, want %q", what, rawURL, body, wantBody)
	}
	if status == http.StatusOK {
		t.Logf("%s: %d", what, status)
	} else {
		t.Logf("%s: %d %s", what, status, strings.TrimSpace(body))
	}
	return nil
}

// testTamperCloudFrontSignature changes one character in the middle of the signature
// (query parameter or cookie value) and keeps it valid CloudFront Base64.
func testTamperCloudFrontSignature(sig string) string {
	i := len(sig) / 2
	c := byte('A')
	if sig[i] == 'A' {
		c = 'B'
	}
	return sig[:i] + string(c) + sig[i+1:]
}

func TestAccCloudFrontSignedURLFunction_sandbox(t *testing.T) {
	d := startSandboxSignedDistribution(t)
	videoA, videoB := d.base+"/videos/a.mp4", d.base+"/videos/b.mp4"
	expiresAt := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	later := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)

	if err := d.expect(t, "unsigned", videoA, "", http.StatusForbidden, ""); err != nil {
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
  video_a    = %q
  expires_at = %q
}

output "canned" {
  value = provider::refarch::cloudfront_signed_url(local.video_a, local.key_pair, local.key, { expires_at = local.expires_at })
}

output "prefix" {
  value = provider::refarch::cloudfront_signed_url(local.video_a, local.key_pair, local.key, {
    expires_at = local.expires_at
    resource   = "%s/videos/*"
    ip_range   = "127.0.0.1/32"
  })
}

output "other_network" {
  value = provider::refarch::cloudfront_signed_url(local.video_a, local.key_pair, local.key, {
    expires_at = local.expires_at
    ip_range   = "192.0.2.0/24"
  })
}

output "not_yet" {
  value = provider::refarch::cloudfront_signed_url(local.video_a, local.key_pair, local.key, {
    starts_at  = local.expires_at
    expires_at = %q
  })
}
`, testAccCloudFrontKeyHCL(d.key.pkcs1PEM), d.keyPairID, videoA, expiresAt, d.base, later)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("canned", knownvalue.StringFunc(func(signed string) error {
					if err := d.expect(t, "canned policy URL", signed, "", http.StatusOK, sandboxVideoA); err != nil {
						return err
					}
					tampered, err := url.Parse(signed)
					if err != nil {
						return err
					}
					q := tampered.Query()
					q.Set("Signature", testTamperCloudFrontSignature(q.Get("Signature")))
					tampered.RawQuery = q.Encode()
					if err := d.expect(t, "one signature byte changed", tampered.String(), "", http.StatusForbidden, ""); err != nil {
						return err
					}
					extended, _ := url.Parse(signed)
					q = extended.Query()
					q.Set("Expires", fmt.Sprint(time.Now().Add(48*time.Hour).Unix()))
					extended.RawQuery = q.Encode()
					return d.expect(t, "expiry changed", extended.String(), "", http.StatusForbidden, "")
				})),
				statecheck.ExpectKnownOutputValue("prefix", knownvalue.StringFunc(func(signed string) error {
					if err := d.expect(t, "custom policy URL", signed, "", http.StatusOK, sandboxVideoA); err != nil {
						return err
					}
					// The same policy and signature grant every URL the resource pattern matches.
					_, query, _ := strings.Cut(signed, "?")
					return d.expect(t, "custom policy reused for another file", videoB+"?"+query, "", http.StatusOK, sandboxVideoB)
				})),
				statecheck.ExpectKnownOutputValue("other_network", knownvalue.StringFunc(func(signed string) error {
					return d.expect(t, "ip_range excluding the viewer", signed, "", http.StatusForbidden, "")
				})),
				statecheck.ExpectKnownOutputValue("not_yet", knownvalue.StringFunc(func(signed string) error {
					return d.expect(t, "starts_at in the future", signed, "", http.StatusForbidden, "")
				})),
			},
		}},
	})

	// Expiry, without waiting for the clock: the function is pure, so an
	// expires_at in the past signs a URL that is already expired. The edge
	// refuses it; the same URL with a later expiry is served.
	valid := testSignCloudFrontURL(t, videoA, d.keyPairID, d.key.pkcs8PEM, map[string]string{"expires_at": "2100-01-01T00:00:00Z"})
	if err := d.expect(t, "URL before its expiry", valid, "", http.StatusOK, sandboxVideoA); err != nil {
		t.Fatal(err)
	}
	shortLived := testSignCloudFrontURL(t, videoA, d.keyPairID, d.key.pkcs8PEM, map[string]string{"expires_at": "2001-01-01T00:00:00Z"})
	if err := d.expect(t, "URL after its expiry", shortLived, "", http.StatusForbidden, ""); err != nil {
		t.Fatal(err)
	}
}
