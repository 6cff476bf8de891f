package provider

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSignedURLKeypairGenerateKey(t *testing.T) {
	k, err := generateKeypair()
	if err != nil {
		t.Fatal(err)
	}
	if bits := k.private.N.BitLen(); bits != 2048 {
		t.Errorf("key size %d bits, want 2048", bits)
	}

	// The private PEM round-trips to the same key, in the PKCS#1 form
	// CloudFront's docs and sign.LoadPEMPrivKey use.
	block, rest := pem.Decode([]byte(k.privatePEM()))
	if block == nil || block.Type != "RSA PRIVATE KEY" || len(strings.TrimSpace(string(rest))) != 0 {
		t.Fatalf("private PEM block = %v, rest %q", block, rest)
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil || !priv.Equal(k.private) {
		t.Fatalf("private key round trip: %v", err)
	}

	// The public PEM is PKIX, as CloudFront's EncodedKey wants, and holds the
	// private key's public half.
	if !strings.HasPrefix(k.publicPEM, "-----BEGIN PUBLIC KEY-----\n") {
		t.Errorf("public PEM starts %q", k.publicPEM[:30])
	}
	pub, err := parsePublicKeyPEM(k.publicPEM)
	if err != nil || !pub.Equal(&priv.PublicKey) {
		t.Fatalf("public key round trip: %v", err)
	}
	if len(k.fingerprint) != 64 {
		t.Errorf("fingerprint %q", k.fingerprint)
	}

	// Formatting the key never prints the private key.
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k)} {
		if strings.Contains(s, "PRIVATE") || strings.Contains(s, priv.D.String()) {
			t.Errorf("formatting a generatedKey leaks the private key: %q", s)
		}
	}

	other, _ := generateKeypair()
	if samePublicKey(k.publicPEM, other.publicPEM) || !samePublicKey(k.publicPEM, k.publicPEM+"\n") {
		t.Error("samePublicKey compares wrongly")
	}
}

func TestSignedURLKeypairSecretFormat(t *testing.T) {
	k, err := generateKeypair()
	if err != nil {
		t.Fatal(err)
	}
	value, err := encodeKeypairSecret("K2JCJMDEHXQW5F", k)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(value), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc) != 2 || doc["key_pair_id"] != "K2JCJMDEHXQW5F" || doc["private_key_pem"] != k.privatePEM() {
		t.Errorf("secret document has keys %v", slices.Sorted(func(yield func(string) bool) {
			for k := range doc {
				if !yield(k) {
					return
				}
			}
		}))
	}

	id, got, err := decodeKeypairSecret(value)
	if err != nil || id != "K2JCJMDEHXQW5F" || !got.private.Equal(k.private) {
		t.Fatalf("decode = %q, %v", id, err)
	}

	// A bare PEM, PKCS#1 or PKCS#8, is accepted (secrets written by hand).
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(k.private)
	for _, bare := range []string{k.privatePEM(), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))} {
		id, got, err := decodeKeypairSecret(bare)
		if err != nil || id != "" || !got.private.Equal(k.private) {
			t.Errorf("bare PEM: %q, %v", id, err)
		}
	}

	// Errors never quote the value.
	broken := strings.Replace(value, "MII", "XXX", 1)
	for _, bad := range []string{"{not json " + k.privatePEM(), broken, "no pem here"} {
		_, _, err := decodeKeypairSecret(bad)
		if err == nil {
			t.Errorf("decoding %.20q succeeded", bad)
			continue
		}
		if strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), "XXX") {
			t.Errorf("error quotes the secret: %v", err)
		}
	}
	if s := fmt.Sprintf("%v %+v", keypairSecret{KeyPairID: "K1", PrivateKeyPEM: k.privatePEM()}, keypairSecret{PrivateKeyPEM: "x"}); strings.Contains(s, "PRIVATE") {
		t.Errorf("formatting keypairSecret leaks the key: %q", s)
	}
}

func TestSignedURLKeypairNames(t *testing.T) {
	for name, want := range map[string]bool{
		"a":                          true,
		"media-signing_key-2026":     true,
		strings.Repeat("x", 128):     true,
		"":                           false,
		strings.Repeat("x", 129):     false,
		"has space":                  false,
		"dot.ted":                    false,
		"slash/y":                    false,
		"ümlaut":                     false,
		"refarch-signed-url-keypair": true,
	} {
		var resp validator.StringResponse
		keypairNameValidator{}.ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("name"), ConfigValue: types.StringValue(name)}, &resp)
		if ok := !resp.Diagnostics.HasError(); ok != want {
			t.Errorf("name %q: valid = %v, want %v (%v)", name, ok, want, resp.Diagnostics)
		}
	}
	var resp validator.StringResponse
	keypairNameValidator{}.ValidateString(context.Background(),
		validator.StringRequest{Path: path.Root("name"), ConfigValue: types.StringUnknown()}, &resp)
	if resp.Diagnostics.HasError() {
		t.Error("unknown name rejected")
	}

	fp := strings.Repeat("ab", 32)
	if got := publicKeyName("media", fp); got != "media-abababab" {
		t.Errorf("publicKeyName = %q", got)
	}
	long := publicKeyName(strings.Repeat("n", 128), fp)
	if len(long) != 128 || validKeypairName(long) != nil || !strings.HasSuffix(long, "-abababab") {
		t.Errorf("long publicKeyName = %q (%d)", long, len(long))
	}
	s1, _ := newSecretName("media")
	s2, _ := newSecretName("media")
	if !strings.HasPrefix(s1, "refarch/signed-url-keypair/media/") || s1 == s2 {
		t.Errorf("secret names %q, %q", s1, s2)
	}
}

func TestSignedURLKeypairArgumentValidators(t *testing.T) {
	attrs := signedURLKeypairSchema(t).Attributes
	validateString := func(attr, v string) bool {
		a, ok := attrs[attr].(schema.StringAttribute)
		if !ok {
			t.Fatalf("attribute %q is %T, want schema.StringAttribute", attr, attrs[attr])
		}
		var resp validator.StringResponse
		for _, val := range a.Validators {
			val.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(attr), ConfigValue: types.StringValue(v)}, &resp)
		}
		return !resp.Diagnostics.HasError()
	}
	for v, want := range map[string]bool{"24h": true, "0s": true, "90m": true, "1h30m": true, "0": true,
		"-1h": false, "1d": false, "": false, "soon": false} {
		if got := validateString("rotation_grace_period", v); got != want {
			t.Errorf("rotation_grace_period %q: valid = %v, want %v", v, got, want)
		}
	}
	for v, want := range map[string]bool{"a": true, strings.Repeat("c", 128): true, "": false, strings.Repeat("c", 129): false} {
		if got := validateString("comment", v); got != want {
			t.Errorf("comment of %d characters: valid = %v, want %v", len(v), got, want)
		}
	}
	window, ok := attrs["secret_recovery_window_days"].(schema.Int64Attribute)
	if !ok {
		t.Fatalf("secret_recovery_window_days is %T, want schema.Int64Attribute", attrs["secret_recovery_window_days"])
	}
	for v, want := range map[int64]bool{0: true, 7: true, 15: true, 30: true, 1: false, 6: false, 31: false, -1: false} {
		var resp validator.Int64Response
		for _, val := range window.Validators {
			val.ValidateInt64(context.Background(), validator.Int64Request{Path: path.Root("secret_recovery_window_days"), ConfigValue: types.Int64Value(v)}, &resp)
		}
		if got := !resp.Diagnostics.HasError(); got != want {
			t.Errorf("secret_recovery_window_days %d: valid = %v, want %v", v, got, want)
		}
	}
}

func signedURLKeypairSchema(t *testing.T) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	NewSignedURLKeypairResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

func TestSignedURLKeypairResourceSchema(t *testing.T) {
	s := signedURLKeypairSchema(t)
	if diags := s.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatal(diags)
	}
	check := func(name string, a schema.Attribute) {
		if d := a.GetMarkdownDescription(); !strings.HasSuffix(d, ".") || d[0] < 'A' || d[0] > 'Z' {
			t.Errorf("%s: MarkdownDescription is not a full sentence: %q", name, d)
		}
		if a.IsSensitive() {
			t.Errorf("%s is sensitive: nothing in this schema is a secret (the private key is not in the state)", name)
		}
	}
	for name, a := range s.Attributes {
		check(name, a)
		if n, ok := a.(schema.ListNestedAttribute); ok {
			for sub, sa := range n.NestedObject.Attributes {
				check(name+"."+sub, sa)
			}
		}
	}
	for _, name := range []string{"rotation_grace_period", "secret_recovery_window_days"} {
		if d := s.Attributes[name].GetMarkdownDescription(); !strings.Contains(d, "Defaults to") {
			t.Errorf("%s does not state its default", name)
		}
	}
	for name := range s.Attributes {
		if strings.Contains(strings.ToLower(name), "private") {
			t.Errorf("attribute %s: the private key must stay out of the schema", name)
		}
	}
}

// keys builds keyRecords: "K1" active, "K0@-2h" retired 2 hours before now.
func testKeys(now time.Time, specs ...string) []keyRecord {
	var out []keyRecord
	for i, s := range specs {
		id, retired, ok := strings.Cut(s, "@")
		k := keyRecord{ID: id, CreatedAt: now.Add(time.Duration(i-len(specs)) * 24 * time.Hour)}
		if ok {
			d, err := time.ParseDuration(retired)
			if err != nil {
				panic(err)
			}
			k.RetiredAt = now.Add(d)
		}
		out = append(out, k)
	}
	return out
}

func TestSignedURLKeypairExpiredKeys(t *testing.T) {
	clock := newFakeClock()
	t0 := clock.now()
	keys := testKeys(t0, "K1@-48h", "K2@-1h", "K3@0s", "K4")

	for _, tc := range []struct {
		grace time.Duration
		at    time.Duration // offset from t0
		want  []string
	}{
		{24 * time.Hour, 0, []string{"K1"}},
		{24 * time.Hour, 23*time.Hour - time.Second, []string{"K1"}},
		{24 * time.Hour, 23 * time.Hour, []string{"K1", "K2"}}, // K2 retired at -1h: expires exactly at +23h
		{24 * time.Hour, 24 * time.Hour, []string{"K1", "K2", "K3"}},
		{time.Hour, 0, []string{"K1", "K2"}},
		{0, 0, []string{"K1", "K2", "K3"}}, // zero grace: retired keys expire at once
		{0, -time.Hour, []string{"K1", "K2"}},
		{72 * time.Hour, 0, nil},
	} {
		got := keyIDs(expiredKeys(keys, tc.grace, t0.Add(tc.at)))
		if !slices.Equal(got, tc.want) && (len(got) != 0 || len(tc.want) != 0) {
			t.Errorf("grace %s at t0%+v: expired %v, want %v", tc.grace, tc.at, got, tc.want)
		}
	}
	if got := keyIDs(withoutKeys(keys, expiredKeys(keys, time.Hour, t0))); !slices.Equal(got, []string{"K3", "K4"}) {
		t.Errorf("kept %v", got)
	}
	retired := retireActive(keys, t0.Add(time.Minute))
	if !retired[3].RetiredAt.Equal(t0.Add(time.Minute)) || !retired[0].RetiredAt.Equal(keys[0].RetiredAt) || keys[3].retired() {
		t.Errorf("retireActive = %+v", retired)
	}

	// The quota: 5 keys per group, so 4 retired keys plus the active one
	// leave no room for a rotation.
	full := testKeys(t0, "K1@-4h", "K2@-3h", "K3@-2h", "K4@-1h", "K5")
	if err := rotationCapacityError(full[1:], 24*time.Hour); err != nil {
		t.Errorf("4 keys: %v", err)
	}
	err := rotationCapacityError(full, 24*time.Hour)
	if err == nil || !strings.Contains(err.Error(), t0.Add(20*time.Hour).Format(time.RFC3339)) {
		t.Errorf("5 keys: %v (want the time the oldest retired key expires)", err)
	}
}

func TestSignedURLKeypairDecidePlan(t *testing.T) {
	now := newFakeClock().now()
	day := 24 * time.Hour
	hour := time.Hour
	base := keypairState{KeyGroupID: "G1", ActiveKeyID: "K3", SecretARN: "arn:s", Keys: testKeys(now, "K1@-20h", "K2@-30m", "K3")}

	for name, tc := range map[string]struct {
		st              keypairState
		rotationChanged bool
		grace           *time.Duration
		want            keypairPlanDecision
		wantErr         bool
	}{
		"nothing to do":            {st: base, grace: &day, want: keypairPlanDecision{}},
		"expired key removed":      {st: base, grace: &hour, want: keypairPlanDecision{cleanup: true, keep: base.Keys[1:]}},
		"two expired keys removed": {st: base, grace: new(time.Duration), want: keypairPlanDecision{cleanup: true, keep: base.Keys[2:]}},
		"drift reconciled": {st: func() keypairState { s := base; s.PendingCleanup = true; return s }(), grace: &(day),
			want: keypairPlanDecision{cleanup: true, keep: base.Keys}},
		"rotation":               {st: base, rotationChanged: true, grace: &day, want: keypairPlanDecision{rotate: true}},
		"rotation grace unknown": {st: base, rotationChanged: true, want: keypairPlanDecision{rotate: true}},
		"grace unknown":          {st: base, want: keypairPlanDecision{keysUnknown: true}},
		"active key deleted": {st: func() keypairState { s := base; s.ActiveKeyID = ""; return s }(), grace: &day,
			want: keypairPlanDecision{rotate: true}},
		"secret deleted": {st: func() keypairState { s := base; s.SecretARN = ""; return s }(), grace: &day,
			want: keypairPlanDecision{rotate: true}},
		"key group deleted": {st: func() keypairState { s := base; s.GroupMissing = true; return s }(), rotationChanged: true, grace: &day,
			want: keypairPlanDecision{replace: true}},
		"group full": {st: keypairState{KeyGroupID: "G1", ActiveKeyID: "K5", SecretARN: "arn:s",
			Keys: testKeys(now, "K1@-4h", "K2@-3h", "K3@-2h", "K4@-1h", "K5")}, rotationChanged: true, grace: &day,
			want: keypairPlanDecision{rotate: true}, wantErr: true},
		"group full but one key expires": {st: keypairState{KeyGroupID: "G1", ActiveKeyID: "K5", SecretARN: "arn:s",
			Keys: testKeys(now, "K1@-4h", "K2@-3h", "K3@-2h", "K4@-1h", "K5")}, rotationChanged: true, grace: &hour,
			want: keypairPlanDecision{rotate: true}},
	} {
		t.Run(name, func(t *testing.T) {
			got := decideKeypairPlan(tc.st, tc.rotationChanged, tc.grace, now)
			if (got.err != nil) != tc.wantErr {
				t.Fatalf("err = %v", got.err)
			}
			got.err = nil
			if got.replace != tc.want.replace || got.rotate != tc.want.rotate || got.keysUnknown != tc.want.keysUnknown ||
				got.cleanup != tc.want.cleanup || !slices.Equal(keyIDs(got.keep), keyIDs(tc.want.keep)) {
				t.Errorf("decision = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestSignedURLKeypairRotationLifecycle drives create → rotate → wait →
// clean up → destroy against the strict fake, checking the order of the
// calls and the ETags sent.
func TestSignedURLKeypairRotationLifecycle(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	f := newFakeAWS(clock)
	m := f.manager()

	st, err := m.create(ctx, "media", "signing key", "alias/media")
	if err != nil {
		t.Fatal(err)
	}
	k1 := st.ActiveKeyID
	if got := f.items(st.KeyGroupID); !slices.Equal(got, []string{k1}) {
		t.Fatalf("group holds %v, want [%s]", got, k1)
	}
	assertSecretMatches(t, f, st)
	if s := f.secrets[st.SecretARN]; s.kmsKeyID != "alias/media" || !strings.HasPrefix(s.name, "refarch/signed-url-keypair/media/") {
		t.Errorf("secret %q encrypted with %q", s.name, s.kmsKeyID)
	}
	if len(st.Keys) != 1 || st.Keys[0].retired() || !st.Keys[0].CreatedAt.Equal(clock.now()) {
		t.Errorf("keys = %+v", st.Keys)
	}

	// Nothing to do on a refresh.
	if st, err = m.read(ctx, st, 24*time.Hour); err != nil || st.PendingCleanup || st.GroupMissing {
		t.Fatalf("read: %+v, %v", st, err)
	}

	// Rotate with a one hour grace period.
	clock.advance(10 * time.Minute)
	rotatedAt := clock.now()
	etagBefore := f.groups[st.KeyGroupID].etag
	f.calls = nil
	st, err = m.update(ctx, st, keypairChange{Name: "media", Comment: "signing key", Grace: time.Hour, Rotate: true})
	if err != nil {
		t.Fatal(err)
	}
	k2 := st.ActiveKeyID
	if k2 == k1 || k2 == "" {
		t.Fatalf("active key after rotation = %q (was %q)", k2, k1)
	}
	if got := f.items(st.KeyGroupID); !slices.Equal(got, []string{k1, k2}) {
		t.Errorf("group holds %v, want both keys", got)
	}
	wantCalls := []string{"CreatePublicKey " + k2, fmt.Sprintf("UpdateKeyGroup %s [%s %s]", st.KeyGroupID, k1, k2), "PutSecretValue " + f.secrets[st.SecretARN].name}
	if !slices.Equal(f.calls, wantCalls) {
		t.Errorf("rotation calls\n got %q\nwant %q (new key in the group before the secret changes)", f.calls, wantCalls)
	}
	if in := f.updateInputs[len(f.updateInputs)-1]; aws.ToString(in.IfMatch) != etagBefore {
		t.Errorf("UpdateKeyGroup IfMatch = %q, want the ETag %q of GetKeyGroup", aws.ToString(in.IfMatch), etagBefore)
	}
	assertSecretMatches(t, f, st)
	if len(f.secrets[st.SecretARN].versions) != 2 {
		t.Error("the rotation did not add a secret version")
	}
	if len(st.Keys) != 2 || st.Keys[0].ID != k1 || !st.Keys[0].RetiredAt.Equal(rotatedAt) || st.Keys[1].ID != k2 || st.Keys[1].retired() {
		t.Errorf("keys after rotation = %+v", st.Keys)
	}

	// Within the grace period nothing is pending.
	clock.advance(59 * time.Minute)
	if st, err = m.read(ctx, st, time.Hour); err != nil || st.PendingCleanup {
		t.Fatalf("read within the grace period: pending %v, %v", st.PendingCleanup, err)
	}
	if d := decideKeypairPlan(st, false, ptr(time.Hour), clock.now()); d.cleanup || d.rotate {
		t.Errorf("plan within the grace period: %+v", d)
	}

	// After it, the refresh reports pending cleanup and the plan keeps only K2.
	clock.advance(time.Minute)
	if st, err = m.read(ctx, st, time.Hour); err != nil || !st.PendingCleanup {
		t.Fatalf("read after the grace period: pending %v, %v", st.PendingCleanup, err)
	}
	d := decideKeypairPlan(st, false, ptr(time.Hour), clock.now())
	if !d.cleanup || !slices.Equal(keyIDs(d.keep), []string{k2}) {
		t.Fatalf("plan after the grace period: %+v", d)
	}
	f.calls = nil
	st, err = m.update(ctx, st, keypairChange{Name: "media", Comment: "signing key", Grace: time.Hour, Keep: keyIDs(d.keep)})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls = []string{fmt.Sprintf("UpdateKeyGroup %s [%s]", st.KeyGroupID, k2), "DeletePublicKey " + k1}
	if !slices.Equal(f.calls, wantCalls) {
		t.Errorf("cleanup calls\n got %q\nwant %q (out of the group first, then deleted)", f.calls, wantCalls)
	}
	if st.PendingCleanup || !slices.Equal(keyIDs(st.Keys), []string{k2}) || f.keys[k1] != nil {
		t.Errorf("after cleanup: %+v", st)
	}
	if st, err = m.read(ctx, st, time.Hour); err != nil || st.PendingCleanup {
		t.Fatalf("read after cleanup: %+v, %v", st, err)
	}

	// Destroy: key group, then keys, then the secret.
	f.calls = nil
	if err := m.delete(ctx, st, 7); err != nil {
		t.Fatal(err)
	}
	wantCalls = []string{"DeleteKeyGroup " + st.KeyGroupID, "DeletePublicKey " + k2, fmt.Sprintf("DeleteSecret %s window=7", f.secrets[st.SecretARN].name)}
	if !slices.Equal(f.calls, wantCalls) {
		t.Errorf("delete calls\n got %q\nwant %q", f.calls, wantCalls)
	}
	// Deleting again finds nothing and succeeds.
	if err := m.delete(ctx, st, 7); err != nil {
		t.Errorf("second delete: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// assertSecretMatches checks that the secret's current value is the private
// key of st's active public key, with its id.
func assertSecretMatches(t *testing.T, f *fakeAWS, st keypairState) {
	t.Helper()
	id, key, err := decodeKeypairSecret(f.currentSecret(st.SecretARN))
	if err != nil {
		t.Fatalf("secret: %v", err)
	}
	if id != st.ActiveKeyID {
		t.Errorf("secret key_pair_id = %q, want %q", id, st.ActiveKeyID)
	}
	if !samePublicKey(key.publicPEM, st.PublicKeyPEM) || !samePublicKey(aws.ToString(f.keys[st.ActiveKeyID].cfg.EncodedKey), st.PublicKeyPEM) {
		t.Error("the secret's private key does not belong to the active public key")
	}
}

func TestSignedURLKeypairRotationWithZeroGrace(t *testing.T) {
	ctx := context.Background()
	f := newFakeAWS(newFakeClock())
	f.inUseAfterRemoval = 2 // CloudFront takes a moment to notice the key left the group
	m := f.manager()
	st, err := m.create(ctx, "media", "", "")
	if err != nil {
		t.Fatal(err)
	}
	k1 := st.ActiveKeyID
	f.calls = nil
	st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: 0, Rotate: true})
	if err != nil {
		t.Fatal(err)
	}
	k2 := st.ActiveKeyID
	g := st.KeyGroupID
	want := []string{
		"CreatePublicKey " + k2,
		fmt.Sprintf("UpdateKeyGroup %s [%s %s]", g, k1, k2),
		"PutSecretValue " + f.secrets[st.SecretARN].name,
		fmt.Sprintf("UpdateKeyGroup %s [%s]", g, k2),
		"DeletePublicKey " + k1 + " -> PublicKeyInUse (propagating)",
		"DeletePublicKey " + k1 + " -> PublicKeyInUse (propagating)",
		"DeletePublicKey " + k1,
	}
	if !slices.Equal(f.calls, want) {
		t.Errorf("calls\n got %q\nwant %q", f.calls, want)
	}
	if !slices.Equal(keyIDs(st.Keys), []string{k2}) || st.Keys[0].retired() {
		t.Errorf("keys = %+v", st.Keys)
	}
	assertSecretMatches(t, f, st)
}

func TestSignedURLKeypairRotationFailures(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	f := newFakeAWS(clock)
	m := f.manager()
	st, err := m.create(ctx, "media", "", "")
	if err != nil {
		t.Fatal(err)
	}
	k1 := st.ActiveKeyID

	// The secret cannot be written: the new key is in the group but not
	// used; it is recorded as pending (retired, its grace period already
	// over: nothing was signed with it) and K1 stays active.
	f.fail["PutSecretValue"] = errors.New("AccessDenied")
	clock.advance(time.Minute)
	st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err = %v", err)
	}
	if st.ActiveKeyID != k1 || len(st.Keys) != 2 || st.Keys[0].retired() || !st.Keys[1].retired() ||
		len(expiredKeys(st.Keys, time.Hour, clock.now())) != 1 || !st.PendingCleanup {
		t.Fatalf("state after a failed secret write = %+v", st)
	}
	orphan := st.Keys[1].ID
	assertSecretMatches(t, f, st)

	// The next apply retries and succeeds; the orphan, whose private key was
	// never stored, leaves the group in the UpdateKeyGroup that adds the new
	// key and is deleted.
	st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	if err != nil {
		t.Fatal(err)
	}
	assertSecretMatches(t, f, st)
	if len(st.Keys) != 2 || st.Keys[0].ID != k1 || st.ActiveKeyID != st.Keys[1].ID || f.keys[orphan] != nil {
		t.Fatalf("keys = %+v (orphan %s)", st.Keys, orphan)
	}
	clock.advance(time.Hour)
	st, _ = m.read(ctx, st, time.Hour)
	d := decideKeypairPlan(st, false, ptr(time.Hour), clock.now())
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Keep: keyIDs(d.keep)}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.items(st.KeyGroupID), []string{st.ActiveKeyID}) || len(f.keys) != 1 {
		t.Errorf("after cleanup: group %v, %d keys", f.items(st.KeyGroupID), len(f.keys))
	}

	// The key group cannot be updated: the new public key is deleted again
	// and nothing changes.
	f.fail["UpdateKeyGroup"] = &cftypes.TooManyPublicKeysInKeyGroup{Message: aws.String("quota")}
	before := st
	st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	if err == nil || st.ActiveKeyID != before.ActiveKeyID || len(st.Keys) != 1 || len(f.keys) != 1 {
		t.Errorf("failed UpdateKeyGroup: err %v, state %+v, %d keys in CloudFront", err, st, len(f.keys))
	}

	// A stale ETag (the group changed since it was read) is refreshed.
	f.fail["UpdateKeyGroup"] = &cftypes.PreconditionFailed{Message: aws.String("stale")}
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Comment: "new comment", Grace: time.Hour, Keep: keyIDs(st.Keys)}); err != nil {
		t.Fatal(err)
	}
	if g := f.groups[st.KeyGroupID]; aws.ToString(g.cfg.Comment) != "new comment" || st.Comment != "new comment" {
		t.Errorf("comment = %q / %q", aws.ToString(g.cfg.Comment), st.Comment)
	}

	// Five keys is CloudFront's limit: the fifth rotation within the grace
	// period fails before changing anything.
	for i := 0; i < 4; i++ {
		if st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true}); err != nil {
			t.Fatalf("rotation %d: %v", i+1, err)
		}
	}
	calls := len(f.calls)
	if _, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true}); err == nil || !strings.Contains(err.Error(), "at most 5") {
		t.Errorf("sixth key: %v", err)
	}
	if len(f.calls) != calls {
		t.Errorf("a refused rotation called %q", f.calls[calls:])
	}
}

func TestSignedURLKeypairUpdateKeyGroupRequest(t *testing.T) {
	ctx := context.Background()
	f := newFakeAWS(newFakeClock())
	m := f.manager()
	st, err := m.create(ctx, "media", "old", "")
	if err != nil {
		t.Fatal(err)
	}
	etag := f.groups[st.KeyGroupID].etag
	f.updateInputs = nil
	if _, err := m.update(ctx, st, keypairChange{Name: "media", Comment: "new", Grace: time.Hour, Keep: keyIDs(st.Keys)}); err != nil {
		t.Fatal(err)
	}
	if len(f.updateInputs) != 1 {
		t.Fatalf("%d UpdateKeyGroup calls", len(f.updateInputs))
	}
	in := f.updateInputs[0]
	if aws.ToString(in.Id) != st.KeyGroupID || aws.ToString(in.IfMatch) != etag ||
		aws.ToString(in.KeyGroupConfig.Name) != "media" || aws.ToString(in.KeyGroupConfig.Comment) != "new" ||
		!slices.Equal(in.KeyGroupConfig.Items, []string{st.ActiveKeyID}) {
		t.Errorf("UpdateKeyGroupInput = Id %q IfMatch %q Name %q Comment %q Items %v",
			aws.ToString(in.Id), aws.ToString(in.IfMatch), aws.ToString(in.KeyGroupConfig.Name),
			aws.ToString(in.KeyGroupConfig.Comment), in.KeyGroupConfig.Items)
	}

	// An update with nothing to change calls nothing.
	f.updateInputs = nil
	st.Comment = "new"
	if _, err := m.update(ctx, st, keypairChange{Name: "media", Comment: "new", Grace: 2 * time.Hour, Keep: keyIDs(st.Keys)}); err != nil || len(f.updateInputs) != 0 {
		t.Errorf("no-op update: %v, %d UpdateKeyGroup calls", err, len(f.updateInputs))
	}
}

func TestSignedURLKeypairDrift(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	f := newFakeAWS(clock)
	m := f.manager()
	st, err := m.create(ctx, "media", "", "")
	if err != nil {
		t.Fatal(err)
	}
	st, _ = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	k1, k2 := st.Keys[0].ID, st.Keys[1].ID

	// A foreign key added to the group and a key removed from it.
	foreign, _ := generateKeypair()
	out, err := f.CreatePublicKey(ctx, publicKeyInput("foreign", foreign))
	if err != nil {
		t.Fatal(err)
	}
	g := f.groups[st.KeyGroupID]
	g.cfg.Items = []string{k2, aws.ToString(out.PublicKey.Id)}
	st, err = m.read(ctx, st, time.Hour)
	if err != nil || !st.PendingCleanup {
		t.Fatalf("read after membership drift: pending %v, %v", st.PendingCleanup, err)
	}
	d := decideKeypairPlan(st, false, ptr(time.Hour), clock.now())
	if !d.cleanup || !slices.Equal(keyIDs(d.keep), []string{k1, k2}) {
		t.Fatalf("plan = %+v", d)
	}
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Keep: keyIDs(d.keep)}); err != nil {
		t.Fatal(err)
	}
	if got := f.items(st.KeyGroupID); !slices.Equal(got, []string{k1, k2}) || f.keys[aws.ToString(out.PublicKey.Id)] == nil {
		t.Errorf("after repair the group holds %v (the foreign key itself must not be deleted)", got)
	}

	// The active key deleted out of band (it has to leave the group first).
	g.cfg.Items = []string{k1}
	delete(f.keys, k2)
	st, err = m.read(ctx, st, time.Hour)
	if err != nil || st.ActiveKeyID != "" || st.PublicKeyPEM != "" || !slices.Equal(keyIDs(st.Keys), []string{k1}) {
		t.Fatalf("read after the active key was deleted: %+v, %v", st, err)
	}
	if d := decideKeypairPlan(st, false, ptr(time.Hour), clock.now()); !d.rotate {
		t.Fatalf("plan = %+v, want a rotation", d)
	}
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true}); err != nil {
		t.Fatal(err)
	}
	assertSecretMatches(t, f, st)
	if got := f.items(st.KeyGroupID); !slices.Equal(got, []string{k1, st.ActiveKeyID}) {
		t.Errorf("group after repair %v", got)
	}

	// The secret deleted out of band: a rotation into a new secret.
	oldARN := st.SecretARN
	if _, err := f.DeleteSecret(ctx, deleteSecretInput(oldARN)); err != nil {
		t.Fatal(err)
	}
	if st, err = m.read(ctx, st, time.Hour); err != nil || st.SecretARN != "" {
		t.Fatalf("read after the secret was deleted: %q, %v", st.SecretARN, err)
	}
	if d := decideKeypairPlan(st, false, ptr(time.Hour), clock.now()); !d.rotate {
		t.Fatalf("plan = %+v, want a rotation", d)
	}
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true}); err != nil {
		t.Fatal(err)
	}
	if st.SecretARN == "" || st.SecretARN == oldARN {
		t.Errorf("secret after repair %q", st.SecretARN)
	}
	assertSecretMatches(t, f, st)

	// The key group deleted out of band: the read reports it; the delete of
	// the replacement cleans up keys and secret.
	delete(f.groups, st.KeyGroupID)
	if st, err = m.read(ctx, st, time.Hour); err != nil || !st.GroupMissing {
		t.Fatalf("read after the key group was deleted: %+v, %v", st, err)
	}
	if d := decideKeypairPlan(st, false, ptr(time.Hour), clock.now()); !d.replace {
		t.Fatalf("plan = %+v, want a replacement", d)
	}
	if err := m.delete(ctx, st, 0); err != nil {
		t.Fatal(err)
	}
	for _, k := range st.Keys {
		if f.keys[k.ID] != nil {
			t.Errorf("public key %s left behind", k.ID)
		}
	}
	if f.secrets[st.SecretARN] != nil {
		t.Error("secret left behind (recovery window 0 deletes at once)")
	}
}

func TestSignedURLKeypairImport(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	f := newFakeAWS(clock)
	m := f.manager()
	created, err := m.create(ctx, "media", "c", "alias/k")
	if err != nil {
		t.Fatal(err)
	}
	created, _ = m.update(ctx, created, keypairChange{Name: "media", Comment: "c", Grace: time.Hour, Rotate: true})
	clock.advance(time.Minute)

	st, err := m.importState(ctx, created.KeyGroupID, created.SecretARN)
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "media" || st.Comment != "c" || st.KMSKeyID != "alias/k" || st.SecretARN != created.SecretARN ||
		st.ActiveKeyID != created.ActiveKeyID || !samePublicKey(st.PublicKeyPEM, created.PublicKeyPEM) {
		t.Errorf("imported %+v", st)
	}
	if len(st.Keys) != 2 || st.Keys[0].ID != created.Keys[0].ID || !st.Keys[0].RetiredAt.Equal(clock.now()) || st.Keys[1].retired() {
		t.Errorf("imported keys %+v (other keys retired at the import)", st.Keys)
	}

	// A secret whose key is not in the group.
	other, _ := generateKeypair()
	value, _ := encodeKeypairSecret("KOTHER", other)
	sec, _ := f.CreateSecret(ctx, createSecretInput("other", value))
	if _, err := m.importState(ctx, created.KeyGroupID, aws.ToString(sec.ARN)); err == nil || !strings.Contains(err.Error(), "none of the public keys") {
		t.Errorf("import with a foreign secret: %v", err)
	}
	if _, err := m.importState(ctx, "nope", created.SecretARN); !errors.Is(err, errKeypairNotFound) {
		t.Errorf("import of a missing key group: %v", err)
	}
}

func TestSignedURLKeypairCreateFailures(t *testing.T) {
	ctx := context.Background()
	f := newFakeAWS(newFakeClock())
	m := f.manager()

	// The key group cannot be created: the public key is deleted again.
	f.fail["CreateKeyGroup"] = &cftypes.KeyGroupAlreadyExists{Message: aws.String("exists")}
	if _, err := m.create(ctx, "media", "", ""); err == nil || !strings.Contains(err.Error(), "import") {
		t.Errorf("err = %v", err)
	}
	if len(f.keys) != 0 {
		t.Errorf("%d public keys left behind", len(f.keys))
	}

	// The secret cannot be created: the partial state comes back for taint.
	f.fail["CreateSecret"] = errors.New("AccessDenied")
	st, err := m.create(ctx, "media", "", "")
	if err == nil || st.KeyGroupID == "" || st.SecretARN != "" {
		t.Fatalf("partial create: %+v, %v", st, err)
	}
	if err := m.delete(ctx, st, 7); err != nil || len(f.groups) != 0 || len(f.keys) != 0 {
		t.Errorf("delete of a partial create: %v, %d groups, %d keys", err, len(f.groups), len(f.keys))
	}
}

// keyPool returns a newKey that hands out keys generated in advance, so
// that a test's deadline measures the provider's waiting, not RSA key
// generation.
func keyPool(t *testing.T, n int) func() (*generatedKey, error) {
	t.Helper()
	keys := make([]*generatedKey, n)
	for i := range keys {
		k, err := generateKeypair()
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	return func() (*generatedKey, error) {
		if len(keys) == 0 {
			return nil, errors.New("key pool exhausted")
		}
		k := keys[0]
		keys = keys[1:]
		return k, nil
	}
}

// secretKeyPairID returns the key_pair_id of the secret's current value.
func secretKeyPairID(t *testing.T, f *fakeAWS, arn string) string {
	t.Helper()
	id, _, err := decodeKeypairSecret(f.currentSecret(arn))
	if err != nil {
		t.Fatalf("secret: %v", err)
	}
	return id
}

// assertMatchesAWS checks that st is what the fake holds: the key group
// holds exactly st's keys, no other public key of the key pair exists, the
// secret holds the active key, and the group is within CloudFront's quota.
func assertMatchesAWS(t *testing.T, f *fakeAWS, st keypairState) {
	t.Helper()
	ids := keyIDs(st.Keys)
	if got := f.items(st.KeyGroupID); !slices.Equal(got, ids) {
		t.Errorf("key group holds %v, state %v", got, ids)
	}
	f.mu.Lock()
	var all []string
	for id := range f.keys {
		all = append(all, id)
	}
	f.mu.Unlock()
	if !sameIDSet(all, ids) {
		t.Errorf("CloudFront holds the public keys %v, state %v (leftovers)", all, ids)
	}
	if len(ids) > keypairMaxKeysPerGroup {
		t.Errorf("%d keys, CloudFront allows %d", len(ids), keypairMaxKeysPerGroup)
	}
	if st.ActiveKeyID == "" || st.Keys[len(st.Keys)-1].ID != st.ActiveKeyID {
		t.Errorf("active key %q is not the last of %+v", st.ActiveKeyID, st.Keys)
	}
	assertSecretMatches(t, f, st)
}

// TestSignedURLKeypairRotationWaitsForDeployed: the secret changes only once
// every distribution that trusts the key group (found on every page of
// ListDistributionsByKeyGroup) is Deployed; a distribution that stays
// InProgress past the deadline fails the update with the old key still in
// the secret, and the next apply completes the rotation.
func TestSignedURLKeypairRotationWaitsForDeployed(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	f := newFakeAWS(clock)
	f.distPageSize = 1
	m := f.manager()
	m.newKey = keyPool(t, 4)
	st, err := m.create(ctx, "media", "", "")
	if err != nil {
		t.Fatal(err)
	}
	k1, g := st.ActiveKeyID, st.KeyGroupID
	d1, d2 := f.addDistribution(g), f.addDistribution("GOTHER", g)
	f.addDistribution("GOTHER") // trusts another key group: not waited for
	f.deployCalls = 3

	inProgress := map[string]int{}
	oldKey := k1 // the key signers must keep using while a distribution is InProgress
	f.onGetDistribution = func(id, status string) {
		if status == "InProgress" {
			inProgress[id]++
			if got := secretKeyPairID(t, f, st.SecretARN); got != oldKey {
				t.Errorf("%s is InProgress but the secret already holds key %s", id, got)
			}
		}
	}
	f.calls = nil
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	st, err = m.update(tctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	k2 := st.ActiveKeyID
	if inProgress[d1] != 3 || inProgress[d2] != 3 || len(inProgress) != 2 {
		t.Errorf("InProgress answers %v, want 3 for each of %s and %s", inProgress, d1, d2)
	}
	want := []string{"CreatePublicKey " + k2, fmt.Sprintf("UpdateKeyGroup %s [%s %s]", g, k1, k2)}
	for _, d := range []string{d1, d2} {
		for range 3 {
			want = append(want, "GetDistribution "+d+" InProgress")
		}
		want = append(want, "GetDistribution "+d+" Deployed")
	}
	want = append(want, "PutSecretValue "+f.secrets[st.SecretARN].name)
	if !slices.Equal(f.calls, want) {
		t.Errorf("calls\n got %q\nwant %q", f.calls, want)
	}
	assertMatchesAWS(t, f, st)

	// A distribution that stays InProgress: the update gives up at the
	// deadline; the secret keeps k2 and the new key is pending.
	f.deployCalls = -1
	oldKey = k2
	clock.advance(time.Minute)
	prior := st
	tctx, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
	st, err = m.update(tctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	cancel()
	if err == nil {
		t.Fatal("the update succeeded while a distribution was InProgress")
	}
	for _, s := range []string{"distribution " + d1, "not Deployed yet", "next apply continues"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	if got := secretKeyPairID(t, f, st.SecretARN); got != k2 || st.ActiveKeyID != k2 {
		t.Fatalf("after the timeout the secret holds %s and the state's active key is %s, want %s", got, st.ActiveKeyID, k2)
	}
	if len(st.Keys) != 3 || !slices.Equal(keyIDs(st.Keys[:2]), keyIDs(prior.Keys)) || !st.PendingCleanup {
		t.Fatalf("state after the timeout: %+v", st)
	}
	pending := st.Keys[2]
	if got := f.items(g); !slices.Equal(got, keyIDs(st.Keys)) {
		t.Errorf("key group %v, state %v", got, keyIDs(st.Keys))
	}
	if exp := expiredKeys(st.Keys, time.Hour, clock.now()); !slices.Equal(keyIDs(exp), []string{pending.ID}) {
		t.Errorf("expired %v: the pending key %s, never used, must be removable at once", keyIDs(exp), pending.ID)
	}

	// The next apply: the distributions deploy again; the rotation happens
	// with yet another key, the pending one is removed.
	f.deployCalls = 1
	f.mu.Lock()
	for _, d := range f.distributions {
		d.inProgress = 0
	}
	f.mu.Unlock()
	st, err = m.read(ctx, st, time.Hour)
	if err != nil || !st.PendingCleanup {
		t.Fatalf("read after the timeout: pending %v, %v", st.PendingCleanup, err)
	}
	if d := decideKeypairPlan(st, true, ptr(time.Hour), clock.now()); !d.rotate || d.err != nil {
		t.Fatalf("plan = %+v", d)
	}
	tctx, cancel = context.WithTimeout(ctx, 10*time.Second)
	st, err = m.update(tctx, st, keypairChange{Name: "media", Grace: time.Hour, Rotate: true})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	if st.ActiveKeyID == k2 || st.ActiveKeyID == pending.ID || !slices.Equal(keyIDs(st.Keys[:2]), []string{k1, k2}) || len(st.Keys) != 3 {
		t.Errorf("keys after the retry %+v", st.Keys)
	}
	assertMatchesAWS(t, f, st)
}

// TestSignedURLKeypairRotationWithoutDistributions: when no distribution
// trusts the key group, the rotation checks once and does not wait; only a
// rotation asks CloudFront for distributions (the sandbox, without
// ListDistributionsByKeyGroup, runs everything else).
func TestSignedURLKeypairRotationWithoutDistributions(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	f := newFakeAWS(clock)
	m := f.manager()
	st, err := m.create(ctx, "media", "", "")
	if err != nil {
		t.Fatal(err)
	}
	f.addDistribution("GOTHER") // another key group's distribution, InProgress for ever
	f.mu.Lock()
	for _, d := range f.distributions {
		d.inProgress = -1
	}
	f.mu.Unlock()

	// Read, an update without rotation, import: no ListDistributionsByKeyGroup.
	if st, err = m.read(ctx, st, time.Hour); err != nil {
		t.Fatal(err)
	}
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Comment: "c", Grace: time.Hour, Keep: keyIDs(st.Keys)}); err != nil {
		t.Fatal(err)
	}
	if _, err = m.importState(ctx, st.KeyGroupID, st.SecretARN); err != nil {
		t.Fatal(err)
	}
	if f.listDistCalls != 0 {
		t.Errorf("%d ListDistributionsByKeyGroup calls without a rotation", f.listDistCalls)
	}

	k1 := st.ActiveKeyID
	f.calls = nil
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Comment: "c", Grace: time.Hour, Rotate: true}); err != nil {
		t.Fatal(err)
	}
	want := []string{"CreatePublicKey " + st.ActiveKeyID, fmt.Sprintf("UpdateKeyGroup %s [%s %s]", st.KeyGroupID, k1, st.ActiveKeyID),
		"PutSecretValue " + f.secrets[st.SecretARN].name}
	if !slices.Equal(f.calls, want) || f.listDistCalls != 1 {
		t.Errorf("calls %q and %d ListDistributionsByKeyGroup, want %q and 1", f.calls, f.listDistCalls, want)
	}
	assertMatchesAWS(t, f, st)

	// A distribution deleted between the listing and GetDistribution
	// trusts nothing any more: the rotation goes on.
	f.addDistribution(st.KeyGroupID)
	f.fail["GetDistribution"] = &cftypes.NoSuchDistribution{Message: aws.String("deleted")}
	if st, err = m.update(ctx, st, keypairChange{Name: "media", Comment: "c", Grace: time.Hour, Rotate: true}); err != nil {
		t.Fatalf("rotation with a deleted distribution: %v", err)
	}
	assertMatchesAWS(t, f, st)

	if err := m.delete(ctx, st, 0); err != nil || f.listDistCalls != 2 {
		t.Errorf("delete: %v, %d ListDistributionsByKeyGroup calls (want the 2 of the rotations)", err, f.listDistCalls)
	}
}

// TestSignedURLKeypairInterruptedRotationConverges stops a rotation after
// each of its steps and runs the next apply as OpenTofu would (refresh,
// plan, update; the rotation trigger kept its old value when the rotation
// did not happen): the key group, the state and the secret then agree, with
// no public key left behind and no more than 5 keys.
func TestSignedURLKeypairInterruptedRotationConverges(t *testing.T) {
	type failure struct {
		name string
		op   string
		skip int // calls of op that succeed first
		err  error
		// rotated: the rotation itself is complete when this step fails.
		rotated bool
		// zeroGraceOnly: the step happens only when the previous key goes
		// in the same apply.
		zeroGraceOnly bool
	}
	denied := errors.New("AccessDenied")
	failures := []failure{
		{name: "CreatePublicKey", op: "CreatePublicKey", err: denied},
		{name: "UpdateKeyGroup adding the key", op: "UpdateKeyGroup", err: denied},
		{name: "listing distributions", op: "ListDistributionsByKeyGroup", err: denied},
		{name: "waiting for Deployed", op: "GetDistribution", err: denied},
		{name: "PutSecretValue", op: "PutSecretValue", err: denied},
		{name: "UpdateKeyGroup pruning", op: "UpdateKeyGroup", skip: 1, err: denied, rotated: true, zeroGraceOnly: true},
		{name: "DeletePublicKey", op: "DeletePublicKey", err: denied, rotated: true},
	}
	scenarios := []struct {
		name  string
		grace time.Duration
		// rotations before the interrupted one, with the clock advanced
		// by step before each.
		rotations int
		step      time.Duration
	}{
		// The previous key leaves in the same apply.
		{name: "zero grace", grace: 0},
		// The group is full after the rotation: four keys within their
		// grace period and the new one (an expired key leaves in the same
		// UpdateKeyGroup). A pending key that held a place for a grace
		// period would make the next apply's rotation overflow.
		{name: "full group", grace: time.Hour, rotations: 4, step: 15 * time.Minute},
	}
	for _, sc := range scenarios {
		for _, fl := range failures {
			if fl.zeroGraceOnly && sc.grace != 0 {
				continue
			}
			t.Run(sc.name+"/"+fl.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				clock := newFakeClock()
				f := newFakeAWS(clock)
				m := f.manager()
				m.newKey = keyPool(t, sc.rotations+4)
				st, err := m.create(ctx, "media", "", "")
				if err != nil {
					t.Fatal(err)
				}
				f.addDistribution(st.KeyGroupID)
				f.deployCalls = 2
				for range sc.rotations {
					clock.advance(sc.step)
					if st, err = m.update(ctx, st, keypairChange{Name: "media", Grace: sc.grace, Rotate: true}); err != nil {
						t.Fatal(err)
					}
				}
				clock.advance(sc.step)
				if sc.grace != 0 {
					kept := withoutKeys(st.Keys, expiredKeys(st.Keys, sc.grace, clock.now()))
					if len(kept) != keypairMaxKeysPerGroup-1 || len(kept) == len(st.Keys) {
						t.Fatalf("setup: %d keys kept of %+v, want %d and an expired one", len(kept), st.Keys, keypairMaxKeysPerGroup-1)
					}
				}

				// apply runs refresh, plan and update like OpenTofu.
				apply := func(st keypairState, rotationChanged bool) (keypairState, error) {
					st, err := m.read(ctx, st, sc.grace)
					if err != nil {
						return st, err
					}
					d := decideKeypairPlan(st, rotationChanged, &sc.grace, clock.now())
					if d.err != nil {
						return st, d.err
					}
					ch := keypairChange{Name: "media", Grace: sc.grace, Rotate: d.rotate}
					switch {
					case d.rotate:
					case d.cleanup:
						ch.Keep = keyIDs(d.keep)
					default:
						return st, nil
					}
					tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
					defer cancel()
					return m.update(tctx, st, ch)
				}

				prior := st
				f.fail[fl.op], f.failSkip[fl.op] = fl.err, fl.skip
				st, err = apply(st, true)
				if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
					t.Fatalf("interrupted apply: %v", err)
				}
				if _, left := f.fail[fl.op]; left {
					t.Fatalf("%s was not called", fl.op)
				}
				rotated := st.ActiveKeyID != prior.ActiveKeyID
				if rotated != fl.rotated {
					t.Fatalf("rotated = %v after a failed %s: %+v", rotated, fl.name, st)
				}
				// Signers use the key the state calls active, and it is
				// in the key group.
				if got := secretKeyPairID(t, f, st.SecretARN); got != st.ActiveKeyID || !slices.Contains(f.items(st.KeyGroupID), got) {
					t.Fatalf("the secret holds %s, the state's active key is %s, the group %v", got, st.ActiveKeyID, f.items(st.KeyGroupID))
				}

				// The next apply; the rotation trigger changed in state
				// only if the rotation happened. A second apply finds
				// nothing to do.
				clock.advance(time.Minute)
				if st, err = apply(st, !rotated); err != nil {
					t.Fatalf("next apply: %v", err)
				}
				if st.ActiveKeyID == prior.ActiveKeyID {
					t.Fatal("the next apply did not rotate")
				}
				assertMatchesAWS(t, f, st)
				calls := len(f.calls)
				if st, err = apply(st, false); err != nil || len(f.calls) != calls {
					t.Errorf("a further apply: %v, calls %q", err, f.calls[calls:])
				}
				// Left: the keys within their grace period and the active key.
				if exp := expiredKeys(st.Keys, sc.grace, clock.now()); len(exp) != 0 || sc.grace == 0 && len(st.Keys) != 1 {
					t.Errorf("keys after converging %+v, expired %v", st.Keys, keyIDs(exp))
				}
			})
		}
	}
}
