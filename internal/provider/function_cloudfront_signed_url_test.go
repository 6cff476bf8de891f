package provider

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // CloudFront signatures are RSA-SHA1; the tests verify them independently.
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// testCloudFrontKeyPair is an RSA-2048 key in the encodings the tests need.
type testCloudFrontKeyPair struct {
	key       *rsa.PrivateKey
	pkcs1PEM  string
	pkcs8PEM  string
	publicPEM string // PKIX, as CloudFront's public key EncodedKey
}

var (
	testCloudFrontKeyOnce sync.Once
	testCloudFrontKeyVal  testCloudFrontKeyPair
)

// testCloudFrontKey returns one RSA-2048 key per test binary (generating it
// takes a noticeable fraction of a second on a busy machine).
func testCloudFrontKey(t *testing.T) testCloudFrontKeyPair {
	t.Helper()
	testCloudFrontKeyOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			panic(err)
		}
		pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			panic(err)
		}
		testCloudFrontKeyVal = testCloudFrontKeyPair{
			key:       key,
			pkcs1PEM:  string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
			pkcs8PEM:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
			publicPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		}
	})
	return testCloudFrontKeyVal
}

// testPolicyArg is a `policy` argument as OpenTofu passes an object literal.
func testPolicyArg(attrs map[string]string) types.Dynamic {
	types_ := map[string]attr.Type{}
	values := map[string]attr.Value{}
	for k, v := range attrs {
		types_[k] = types.StringType
		values[k] = types.StringValue(v)
	}
	return types.DynamicValue(types.ObjectValueMust(types_, values))
}

// runCloudFrontFunction calls f like the framework does and returns its result.
func runCloudFrontFunction(t *testing.T, f function.Function, args ...attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	result, funcErr := def.Definition.Return.NewResultData(ctx)
	if funcErr != nil {
		t.Fatal(funcErr)
	}
	resp := &function.RunResponse{Result: result}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(args)}, resp)
	return resp.Result.Value(), resp.Error
}

// testSignCloudFrontURL runs cloudfront_signed_url and fails the test on an error.
func testSignCloudFrontURL(t *testing.T, rawURL, keyPairID, keyPEM string, policy map[string]string) string {
	t.Helper()
	v, funcErr := runCloudFrontFunction(t, NewCloudFrontSignedURLFunction(), types.StringValue(rawURL), types.StringValue(keyPairID),
		types.StringValue(keyPEM), testPolicyArg(policy))
	if funcErr != nil {
		t.Fatalf("cloudfront_signed_url: %v", funcErr)
	}
	s, ok := v.(types.String)
	if !ok {
		t.Fatalf("cloudfront_signed_url returned %T, want a string", v)
	}
	return s.ValueString()
}

// testCloudFrontBase64Decode decodes CloudFront's URL-safe Base64 (+ → -, = → _, / → ~).
func testCloudFrontBase64Decode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(s))
	if err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return b
}

// verifyCloudFrontSignature checks signature over policyJSON the way
// CloudFront does, independently of the sign package.
func verifyCloudFrontSignature(t *testing.T, pub *rsa.PublicKey, policyJSON []byte, signature string) {
	t.Helper()
	sum := sha1.Sum(policyJSON) //nolint:gosec // CloudFront's algorithm.
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], testCloudFrontBase64Decode(t, signature)); err != nil {
		t.Fatalf("signature does not verify over %s: %v", policyJSON, err)
	}
}

// testCloudFrontCannedPolicyJSON is the policy CloudFront rebuilds for a canned signature.
func testCloudFrontCannedPolicyJSON(resource string, expires int64) []byte {
	return fmt.Appendf(nil, `{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, resource, expires)
}

// testCloudFrontCustomPolicy is the decoded JSON of a custom policy.
type testCloudFrontCustomPolicy struct {
	Statement []struct {
		Resource  string
		Condition map[string]map[string]any
	}
}

func testDecodeCloudFrontPolicy(t *testing.T, b64 string) ([]byte, testCloudFrontCustomPolicy) {
	t.Helper()
	raw := testCloudFrontBase64Decode(t, b64)
	var p testCloudFrontCustomPolicy
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("policy %s: %v", raw, err)
	}
	if len(p.Statement) != 1 {
		t.Fatalf("policy %s: want one statement", raw)
	}
	return raw, p
}

func TestCloudFrontFunctionDefinitions(t *testing.T) {
	ctx := context.Background()
	for _, f := range []function.Function{NewCloudFrontSignedURLFunction(), NewCloudFrontSignedCookiesFunction()} {
		var meta function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &meta)
		var def function.DefinitionResponse
		f.Definition(ctx, function.DefinitionRequest{}, &def)
		var v function.DefinitionValidateResponse
		def.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: meta.Name}, &v)
		if v.Diagnostics.HasError() {
			t.Errorf("%s: %v", meta.Name, v.Diagnostics)
		}
		if !strings.HasSuffix(def.Definition.Summary, ".") || def.Definition.MarkdownDescription == "" {
			t.Errorf("%s: summary or description missing", meta.Name)
		}
		for _, p := range def.Definition.Parameters {
			if !strings.HasSuffix(p.GetMarkdownDescription(), ".") {
				t.Errorf("%s: parameter %s: MarkdownDescription is not a full sentence", meta.Name, p.GetName())
			}
		}
	}
}

func TestCloudFrontSignedURLFunction_canned(t *testing.T) {
	k := testCloudFrontKey(t)
	const rawURL = "https://d111111abcdef8.cloudfront.net/videos/a.mp4"
	expires := time.Date(2100, 1, 2, 3, 4, 5, 0, time.UTC)

	got := testSignCloudFrontURL(t, rawURL, "K2JCJMDEHXQW5F", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-02T03:04:05Z"})

	want, err := sign.NewURLSigner("K2JCJMDEHXQW5F", k.key).Sign(rawURL, expires)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got  %s\nwant %s (the AWS SDK's canned URL)", got, want)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("Expires") != "4102542245" || q.Get("Key-Pair-Id") != "K2JCJMDEHXQW5F" || q.Has("Policy") {
		t.Errorf("query = %v, want Expires=4102542245, Key-Pair-Id, no Policy", q)
	}
	verifyCloudFrontSignature(t, &k.key.PublicKey, testCloudFrontCannedPolicyJSON(rawURL, expires.Unix()), q.Get("Signature"))

	// Deterministic, and PKCS #8 gives the same result as PKCS #1.
	if again := testSignCloudFrontURL(t, rawURL, "K2JCJMDEHXQW5F", k.pkcs8PEM, map[string]string{"expires_at": "2100-01-02T04:04:05+01:00"}); again != got {
		t.Errorf("same key (PKCS #8) and instant gave a different URL:\n%s\n%s", again, got)
	}

	// An existing query string is kept and signed.
	withQuery := testSignCloudFrontURL(t, rawURL+"?quality=hd", "K2JCJMDEHXQW5F", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-02T03:04:05Z"})
	if !strings.HasPrefix(withQuery, rawURL+"?quality=hd&Expires=4102542245&Signature=") {
		t.Errorf("URL with a query: %s", withQuery)
	}
	u, _ = url.Parse(withQuery)
	verifyCloudFrontSignature(t, &k.key.PublicKey, testCloudFrontCannedPolicyJSON(rawURL+"?quality=hd", expires.Unix()), u.Query().Get("Signature"))
}

// TestCloudFrontSignedURLFunction_pastExpiry: the function is pure. An
// expires_at in the past signs credentials that are already expired (the same
// string every time), instead of failing once the clock has passed it, which
// would stop every plan (destroy included) of a configuration that calls it.
func TestCloudFrontSignedURLFunction_pastExpiry(t *testing.T) {
	k := testCloudFrontKey(t)
	const rawURL = "https://d111111abcdef8.cloudfront.net/videos/a.mp4"
	expires := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, policy := range []map[string]string{
		{"expires_at": "2001-01-01T00:00:00Z"},
		{"expires_at": "2001-01-01T00:00:00Z", "starts_at": "2000-12-01T00:00:00Z", "ip_range": "192.0.2.0/24"},
	} {
		first := testSignCloudFrontURL(t, rawURL, "K2JCJMDEHXQW5F", k.pkcs1PEM, policy)
		if again := testSignCloudFrontURL(t, rawURL, "K2JCJMDEHXQW5F", k.pkcs1PEM, policy); again != first {
			t.Errorf("policy %v: two calls gave different URLs:\n%s\n%s", policy, first, again)
		}
		if len(policy) == 1 {
			want, err := sign.NewURLSigner("K2JCJMDEHXQW5F", k.key).Sign(rawURL, expires)
			if err != nil {
				t.Fatal(err)
			}
			if first != want {
				t.Errorf("got  %s\nwant %s (the AWS SDK's canned URL, already expired)", first, want)
			}
		}
	}
	cookies := testSignCloudFrontCookies(t, "https://d111111abcdef8.cloudfront.net/videos/*", "K2JCJMDEHXQW5F", k.pkcs1PEM,
		map[string]string{"expires_at": "2001-01-01T00:00:00Z"})
	again := testSignCloudFrontCookies(t, "https://d111111abcdef8.cloudfront.net/videos/*", "K2JCJMDEHXQW5F", k.pkcs1PEM,
		map[string]string{"expires_at": "2001-01-01T00:00:00Z"})
	if fmt.Sprint(cookies) != fmt.Sprint(again) || cookies["CloudFront-Signature"] == "" {
		t.Errorf("cookies with a past expiry: %v, then %v", cookies, again)
	}
}

func TestCloudFrontSignedURLFunction_custom(t *testing.T) {
	k := testCloudFrontKey(t)
	const rawURL = "https://media.example.com/videos/a.mp4"

	got := testSignCloudFrontURL(t, rawURL, "K2JCJMDEHXQW5F", k.pkcs1PEM, map[string]string{
		"expires_at": "2100-01-01T00:00:00Z",
		"starts_at":  "2099-12-31T00:00:00Z",
		"ip_range":   "192.0.2.0/24",
		"resource":   "https://media.example.com/videos/*",
	})
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Has("Expires") || q.Get("Key-Pair-Id") != "K2JCJMDEHXQW5F" {
		t.Errorf("query = %v, want Policy and Key-Pair-Id, no Expires", q)
	}
	raw, p := testDecodeCloudFrontPolicy(t, q.Get("Policy"))
	verifyCloudFrontSignature(t, &k.key.PublicKey, raw, q.Get("Signature"))
	st := p.Statement[0]
	if st.Resource != "https://media.example.com/videos/*" {
		t.Errorf("Resource = %q", st.Resource)
	}
	wantCond := map[string]map[string]any{
		"DateLessThan":    {"AWS:EpochTime": float64(4102444800)},
		"DateGreaterThan": {"AWS:EpochTime": float64(4102358400)},
		"IpAddress":       {"AWS:SourceIp": "192.0.2.0/24"},
	}
	if fmt.Sprint(st.Condition) != fmt.Sprint(wantCond) {
		t.Errorf("Condition = %v, want %v", st.Condition, wantCond)
	}

	// Only starts_at: custom policy whose resource is the URL itself.
	got = testSignCloudFrontURL(t, rawURL, "K2JCJMDEHXQW5F", k.pkcs1PEM, map[string]string{
		"expires_at": "2100-01-01T00:00:00Z", "starts_at": "2099-12-31T00:00:00Z",
	})
	u, _ = url.Parse(got)
	_, p = testDecodeCloudFrontPolicy(t, u.Query().Get("Policy"))
	if p.Statement[0].Resource != rawURL || p.Statement[0].Condition["IpAddress"] != nil {
		t.Errorf("policy = %+v", p)
	}
}

func TestCloudFrontSignedURLFunction_policyArgument(t *testing.T) {
	k := testCloudFrontKey(t)
	run := func(policy types.Dynamic) (attr.Value, *function.FuncError) {
		return runCloudFrontFunction(t, NewCloudFrontSignedURLFunction(), types.StringValue("https://d111111abcdef8.cloudfront.net/a"),
			types.StringValue("K2JCJMDEHXQW5F"), types.StringValue(k.pkcs1PEM), policy)
	}

	// signedURL is the function's result as a string ("" when it is not one).
	signedURL := func(v attr.Value) string {
		s, _ := v.(types.String)
		return s.ValueString()
	}

	// A map of strings works like an object; null attributes are unset.
	m := types.DynamicValue(types.MapValueMust(types.StringType, map[string]attr.Value{
		"expires_at": types.StringValue("2100-01-01T00:00:00Z"), "ip_range": types.StringNull(),
	}))
	if v, err := run(m); err != nil || !strings.Contains(signedURL(v), "Expires=4102444800") {
		t.Errorf("map policy: %v, %v", v, err)
	}
	nullAttr := types.DynamicValue(types.ObjectValueMust(
		map[string]attr.Type{"expires_at": types.StringType, "starts_at": types.DynamicType},
		map[string]attr.Value{"expires_at": types.StringValue("2100-01-01T00:00:00Z"), "starts_at": types.DynamicNull()}))
	if v, err := run(nullAttr); err != nil || !strings.Contains(signedURL(v), "Expires=") {
		t.Errorf("policy with a null attribute: %v, %v", v, err)
	}

	// A value not known yet gives an unknown result, not an error.
	unknown := types.DynamicValue(types.ObjectValueMust(
		map[string]attr.Type{"expires_at": types.StringType},
		map[string]attr.Value{"expires_at": types.StringUnknown()}))
	if v, err := run(unknown); err != nil || !v.IsUnknown() {
		t.Errorf("unknown expires_at: %v, %v", v, err)
	}
}

// cloudFrontBadInput is a call that must fail on argument arg with want in
// the error text.
type cloudFrontBadInput struct {
	arg         int64
	target, kid string
	keyPEM      string
	policy      map[string]string
	want        string
}

// testCloudFrontBadInputs are the argument errors both functions share:
// argument index, the argument values (url/resource, key_pair_id,
// private_key_pem, policy) and the expected error text.
func testCloudFrontBadInputs(t *testing.T) map[string]cloudFrontBadInput {
	k := testCloudFrontKey(t)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPKCS8, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	ecSEC1, _ := x509.MarshalECPrivateKey(ecKey)
	encrypted := "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
	const target = "https://d111111abcdef8.cloudfront.net/videos/a.mp4"
	future := map[string]string{"expires_at": "2100-01-01T00:00:00Z"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"expires_at": "2100-01-01T00:00:00Z"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	return map[string]cloudFrontBadInput{
		"empty key pair id":   {1, target, "", k.pkcs1PEM, future, `key_pair_id: must not be empty`},
		"key pair id is name": {1, target, "my key", k.pkcs1PEM, future, `not a CloudFront public key ID`},
		"empty key":           {2, target, "K1", "", future, `private_key_pem: must not be empty`},
		"not PEM":             {2, target, "K1", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", future, `private_key_pem: is not PEM`},
		"malformed PKCS #1":   {2, target, "K1", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", future, `not a valid PKCS #1 RSA private key`},
		"malformed PKCS #8":   {2, target, "K1", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", future, `not a valid PKCS #8 private key`},
		"ECDSA PKCS #8":       {2, target, "K1", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecPKCS8})), future, `is an ECDSA key, but CloudFront signed URLs and cookies here need an RSA key`},
		"EC SEC 1":            {2, target, "K1", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecSEC1})), future, `is an EC key`},
		"public key":          {2, target, "K1", k.publicPEM, future, `holds a public key, not a private key`},
		"encrypted":           {2, target, "K1", encrypted, future, `is encrypted`},
		"no expiry":           {3, target, "K1", k.pkcs1PEM, map[string]string{"ip_range": "192.0.2.0/24"}, `policy: expires_at is required`},
		"unparsable expiry":   {3, target, "K1", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-01 00:00"}, `expires_at "2100-01-01 00:00" is not an RFC 3339 timestamp`},
		"start after expiry":  {3, target, "K1", k.pkcs1PEM, with("starts_at", "2100-01-02T00:00:00Z"), `starts_at 2100-01-02T00:00:00Z is not before expires_at`},
		"unparsable start":    {3, target, "K1", k.pkcs1PEM, with("starts_at", "tomorrow"), `starts_at "tomorrow" is not an RFC 3339 timestamp`},
		"bare IP":             {3, target, "K1", k.pkcs1PEM, with("ip_range", "192.0.2.1"), `write 192.0.2.1/32`},
		"bad CIDR":            {3, target, "K1", k.pkcs1PEM, with("ip_range", "192.0.2.0/33"), `not an IPv4 or IPv6 CIDR block`},
		"host bits":           {3, target, "K1", k.pkcs1PEM, with("ip_range", "192.0.2.1/24"), `write 192.0.2.0/24`},
		"typo attribute":      {3, target, "K1", k.pkcs1PEM, with("expires", "2100-01-01T00:00:00Z"), `unsupported attribute "expires"`},
	}
}

func TestCloudFrontSignedURLFunction_errors(t *testing.T) {
	k := testCloudFrontKey(t)
	cases := testCloudFrontBadInputs(t)
	for name, tc := range map[string]cloudFrontBadInput{
		"empty URL":       {0, "", "K1", k.pkcs1PEM, nil, `url: must not be empty`},
		"relative URL":    {0, "/videos/a.mp4", "K1", k.pkcs1PEM, nil, `url: "/videos/a.mp4" is not an absolute http:// or https:// URL`},
		"ftp URL":         {0, "ftp://example.com/a", "K1", k.pkcs1PEM, nil, `is not an absolute http:// or https:// URL`},
		"no host":         {0, "https:///a", "K1", k.pkcs1PEM, nil, `is not an absolute http:// or https:// URL`},
		"non-ASCII":       {0, "https://example.com/vidéo.mp4", "K1", k.pkcs1PEM, nil, `non-ASCII`},
		"fragment":        {0, "https://example.com/a#t=10", "K1", k.pkcs1PEM, nil, `has a fragment`},
		"user info":       {0, "https://u:p@example.com/a", "K1", k.pkcs1PEM, nil, `user information`},
		"already signed":  {0, "https://example.com/a?Expires=1", "K1", k.pkcs1PEM, nil, `already has the query parameter Expires`},
		"resource no URL": {3, "https://example.com/a", "K1", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-01T00:00:00Z", "resource": "videos/*"}, `policy: resource: "videos/*" is not a URL pattern`},
		"resource no hit": {3, "https://example.com/a", "K1", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-01T00:00:00Z", "resource": "https://example.com/videos/*"}, `does not match url`},
		"resource typo":   {3, "https://example.com/a", "K1", k.pkcs1PEM, map[string]string{"expires_at": "2100-01-01T00:00:00Z", "resourc": "x"}, `the policy takes expires_at, starts_at, ip_range, resource`},
	} {
		cases[name] = tc
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			policy := tc.policy
			if policy == nil {
				policy = map[string]string{"expires_at": "2100-01-01T00:00:00Z"}
			}
			_, funcErr := runCloudFrontFunction(t, NewCloudFrontSignedURLFunction(), types.StringValue(tc.target), types.StringValue(tc.kid),
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
			if strings.Contains(funcErr.Text, "MII") || strings.Contains(funcErr.Text, k.pkcs1PEM[40:80]) {
				t.Errorf("error %q shows key material", funcErr.Text)
			}
		})
	}
}

// testAccCloudFrontKeyHCL is a heredoc with keyPEM for a test configuration.
func testAccCloudFrontKeyHCL(keyPEM string) string {
	return "<<-EOT\n" + keyPEM + "EOT\n"
}

func TestAccCloudFrontSignedURLFunction(t *testing.T) {
	isolateAWSEnv(t) // no Region: the function makes no AWS call and must not need one
	k := testCloudFrontKey(t)
	const rawURL = "https://d111111abcdef8.cloudfront.net/videos/a.mp4"
	canned, err := sign.NewURLSigner("K2JCJMDEHXQW5F", k.key).Sign(rawURL, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}

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
  value = provider::refarch::cloudfront_signed_url(%q, "K2JCJMDEHXQW5F", local.key, { expires_at = "2100-01-01T00:00:00Z" })
}

# A null condition is the same as none: still a canned policy.
output "canned_null_ip_range" {
  value = provider::refarch::cloudfront_signed_url(%q, "K2JCJMDEHXQW5F", local.key, { expires_at = "2100-01-01T00:00:00Z", ip_range = null })
}

output "custom" {
  value = provider::refarch::cloudfront_signed_url(%q, "K2JCJMDEHXQW5F", local.key, {
    expires_at = "2100-01-01T00:00:00Z"
    ip_range   = "192.0.2.0/24"
  })
}
`, testAccCloudFrontKeyHCL(k.pkcs8PEM), rawURL, rawURL, rawURL)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("canned", knownvalue.StringExact(canned)),
					statecheck.ExpectKnownOutputValue("canned_null_ip_range", knownvalue.StringExact(canned)),
					statecheck.ExpectKnownOutputValue("custom", knownvalue.StringFunc(func(v string) error {
						u, err := url.Parse(v)
						if err != nil {
							return err
						}
						raw, p := testDecodeCloudFrontPolicy(t, u.Query().Get("Policy"))
						verifyCloudFrontSignature(t, &k.key.PublicKey, raw, u.Query().Get("Signature"))
						if p.Statement[0].Condition["IpAddress"]["AWS:SourceIp"] != "192.0.2.0/24" {
							return fmt.Errorf("policy %s has no ip_range", raw)
						}
						return nil
					})),
				},
			},
			{
				// A sensitive key makes the result sensitive: an output must say so.
				Config: testAccConfig(fmt.Sprintf(`
variable "key" {
  type      = string
  sensitive = true
  default   = %s
}

output "url" {
  value = provider::refarch::cloudfront_signed_url(%q, "K2JCJMDEHXQW5F", var.key, { expires_at = "2100-01-01T00:00:00Z" })
}
`, testAccCloudFrontKeyHCL(k.pkcs1PEM), rawURL)),
				ExpectError: testAccCLIErrorText("Output refers to sensitive values"),
			},
		},
	})
}

func TestAccCloudFrontSignedURLFunction_errors(t *testing.T) {
	isolateAWSEnv(t)
	k := testCloudFrontKey(t)
	for name, tc := range map[string]struct {
		args string
		want string
	}{
		"relative URL": {`"/a", "K1", local.key, { expires_at = "2100-01-01T00:00:00Z" }`,
			`not an absolute http:// or https:// URL`},
		"malformed PEM": {`"https://d111111abcdef8.cloudfront.net/a", "K1", "not a key", { expires_at = "2100-01-01T00:00:00Z" }`,
			`private_key_pem: is not PEM`},
		"policy not an object": {`"https://d111111abcdef8.cloudfront.net/a", "K1", local.key, "2100-01-01T00:00:00Z"`,
			`policy: must be an object such as`},
		"number in policy": {`"https://d111111abcdef8.cloudfront.net/a", "K1", local.key, { expires_at = 4102444800 }`,
			`expires_at must be a string, got a number`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: testAccConfig(fmt.Sprintf(`
locals {
  key = %s
}

output "url" {
  value = provider::refarch::cloudfront_signed_url(%s)
}
`, testAccCloudFrontKeyHCL(k.pkcs1PEM), tc.args)),
					ExpectError: testAccCLIErrorText(tc.want),
				}},
			})
		})
	}
}

// testAccCLIErrorText matches text in the CLI's output, where long diagnostics
// are wrapped: every space may be any run of white space.
func testAccCLIErrorText(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}
