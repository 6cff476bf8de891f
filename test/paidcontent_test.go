package test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/cognitouser"
)

// TestPaidContentSignedVideo deploys examples/paid-content and proves its promises: only a signed-in premium user
// gets a signed URL for a video; that URL fetches the video through CloudFront (in the sandbox, kumo's edge, which
// verifies the signature against the key group the distribution trusts); a URL with a changed signature or without
// one is refused; other users get 403, anonymous callers 401, a traversal id 400; a re-plan is empty and destroy is
// clean.
func TestPaidContentSignedVideo(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	// The test uploads a video; destroy must take the (versioned) bucket with it, here and on AWS.
	opts := stage(t, tg, "paid-content", map[string]any{"name": uniqueName("paid"), "bucket_force_destroy": true})
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, t.Context(), opts)

	ctx := context.Background()
	cfg := tg.awsConfig(t)

	// A video in the private bucket.
	video := []byte("not really an mp4 " + uniqueName("v"))
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = tg.sandbox() })
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(terraform.OutputContext(t, t.Context(), opts, "video_bucket_name")),
		Key:         aws.String("videos/intro.mp4"),
		Body:        bytes.NewReader(video),
		ContentType: aws.String("video/mp4"),
	}); err != nil {
		t.Fatal(err)
	}

	// Two users; Alice is premium.
	pool := cognitouser.Pool{
		API:      cip.NewFromConfig(cfg),
		PoolID:   terraform.OutputContext(t, t.Context(), opts, "user_pool_id"),
		ClientID: terraform.OutputContext(t, t.Context(), opts, "user_pool_client_id"),
		Sandbox:  tg.sandbox(),
	}
	alice, err := pool.SignUpAndSignIn(ctx, "alice-"+uniqueName("u")+"@example.com", "Correct-Horse-42!")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := pool.SignUpAndSignIn(ctx, "bob-"+uniqueName("u")+"@example.com", "Battery-Staple-42!")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dynamodb.NewFromConfig(cfg).PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(terraform.OutputContext(t, t.Context(), opts, "premium_table_name")),
		Item: map[string]types.AttributeValue{
			"user_id": &types.AttributeValueMemberS{Value: alice.Sub},
			"premium": &types.AttributeValueMemberBOOL{Value: true},
		},
	}); err != nil {
		t.Fatal(err)
	}

	tg.startFunction(t, terraform.OutputContext(t, t.Context(), opts, "function_name"), "premium")
	anon := tg.api(t, opts)
	asAlice, asBob := withToken(anon, alice.IDToken), withToken(anon, bob.IDToken)

	// Alice gets a short-lived signed URL...
	var got struct {
		URL       string `json:"url"`
		ExpiresAt string `json:"expires_at"`
	}
	decode(t, expect(t, asAlice, http.MethodGet, "/videos/intro.mp4/url", nil, http.StatusOK), &got)
	expires, err := time.Parse(time.RFC3339, got.ExpiresAt)
	if err != nil || time.Until(expires) <= 0 || time.Until(expires) > 6*time.Minute {
		t.Fatalf("expires_at %q, want within the next 5 minutes (%v)", got.ExpiresAt, err)
	}
	u, err := url.Parse(got.URL)
	if err != nil || !strings.HasSuffix(u.Path, "/videos/intro.mp4") || u.Query().Get("Signature") == "" || u.Query().Get("Key-Pair-Id") == "" {
		t.Fatalf("signed URL %q", got.URL)
	}
	if !tg.sandbox() && (u.Scheme != "https" || u.Host != terraform.OutputContext(t, t.Context(), opts, "distribution_domain_name")) {
		t.Fatalf("signed URL %q is not on the distribution", got.URL)
	}

	// ...that fetches the video through CloudFront.
	status, body := fetch(t, got.URL)
	if status != http.StatusOK || !bytes.Equal(body, video) {
		t.Fatalf("GET signed URL: HTTP %d %q, want 200 and the video", status, body)
	}
	tg.alive(t)

	// One changed byte of the signature, or no signature, and CloudFront refuses.
	if status, body := fetch(t, tamperSignature(t, got.URL)); status != http.StatusForbidden {
		t.Fatalf("GET with a changed signature: HTTP %d %q, want 403", status, body)
	}
	unsigned := *u
	unsigned.RawQuery = ""
	if status, body := fetch(t, unsigned.String()); status != http.StatusForbidden {
		t.Fatalf("GET unsigned: HTTP %d %q, want 403", status, body)
	}

	// Signed with the deployment's own key, as the function does: valid until a minute from now → 200; expired a
	// minute ago → 403 (so the refusal is the expiry, not the signature).
	secret, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(terraform.OutputContext(t, t.Context(), opts, "signing_secret_arn")),
	})
	if err != nil {
		t.Fatal(err)
	}
	var pair struct {
		KeyPairID     string `json:"key_pair_id"`
		PrivateKeyPEM string `json:"private_key_pem"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(secret.SecretString)), &pair); err != nil {
		t.Fatal(err)
	}
	key, err := sign.LoadPEMPrivKey(strings.NewReader(pair.PrivateKeyPEM))
	if err != nil {
		anyKey, err8 := sign.LoadPEMPrivKeyPKCS8(strings.NewReader(pair.PrivateKeyPEM))
		rsaKey, ok := anyKey.(*rsa.PrivateKey)
		if err8 != nil || !ok {
			t.Fatalf("signing key: %v / %v", err, err8)
		}
		key = rsaKey
	}
	signer := sign.NewURLSigner(pair.KeyPairID, key)
	for _, c := range []struct {
		expires time.Time
		want    int
	}{{time.Now().Add(time.Minute), http.StatusOK}, {time.Now().Add(-time.Minute), http.StatusForbidden}} {
		signed, err := signer.Sign(unsigned.String(), c.expires)
		if err != nil {
			t.Fatal(err)
		}
		if status, body := fetch(t, signed); status != c.want {
			t.Fatalf("GET a URL signed to expire at %s: HTTP %d %q, want %d", c.expires.Format(time.RFC3339), status, body, c.want)
		}
	}

	// Bob is not premium; nobody gets in without a token; ids cannot leave the video prefix.
	expect(t, asBob, http.MethodGet, "/videos/intro.mp4/url", nil, http.StatusForbidden)
	expect(t, anon, http.MethodGet, "/videos/intro.mp4/url", nil, http.StatusUnauthorized)
	expect(t, withToken(anon, forge(alice.IDToken)), http.MethodGet, "/videos/intro.mp4/url", nil, http.StatusUnauthorized)
	// "..%252Fx" reaches the function as the id "..%2Fx" (an encoded "../x"); a plain "..%2Fx" would be decoded by
	// kumo's API Gateway before routing and match no route ("Missing Authentication Token").
	expect(t, asAlice, http.MethodGet, "/videos/..%252Fx/url", nil, http.StatusBadRequest)
	expect(t, asAlice, http.MethodGet, "/videos/..x/url", nil, http.StatusBadRequest)
	tg.alive(t)

	// Re-applying changes nothing.
	if code := terraform.PlanExitCodeContext(t, t.Context(), opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// fetch GETs a URL as a viewer would, retrying failed requests for up to 2 minutes while a new distribution's DNS
// name propagates (real AWS); any HTTP answer is returned.
func fetch(t *testing.T, rawURL string) (status int, body []byte) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	eventually(t, 2*time.Minute, "GET "+rawURL, func() error {
		resp, err := client.Get(rawURL)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err != nil {
			return err
		}
		status = resp.StatusCode
		return nil
	})
	return status, body
}

// tamperSignature changes one character of the URL's Signature query parameter, keeping the URL well-formed.
func tamperSignature(t *testing.T, rawURL string) string {
	t.Helper()
	i := strings.Index(rawURL, "Signature=")
	if i < 0 {
		t.Fatalf("no Signature in %q", rawURL)
	}
	i += len("Signature=") + 10
	b := []byte(rawURL)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
