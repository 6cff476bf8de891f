package provider

// Pure logic of refarch_signed_url_keypair: key generation, the secret's
// format, and which public keys to keep, retire and remove at a given time.
// Nothing here calls AWS or knows about the plugin framework, so the rules
// are unit tested with an injected clock.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

const (
	// keypairRSABits is the key size CloudFront accepts for signed URLs and
	// cookies (RSA-2048 only).
	keypairRSABits = 2048
	// keypairMaxKeysPerGroup is CloudFront's quota of public keys per key
	// group.
	keypairMaxKeysPerGroup = 5
	// keypairNameMaxLen is the longest key group / public key name
	// CloudFront accepts.
	keypairNameMaxLen = 128
	// keypairSecretPrefix starts the name of every secret the resource
	// creates: refarch/signed-url-keypair/<name>/<random suffix>.
	keypairSecretPrefix = "refarch/signed-url-keypair/"
	// keypairTimeFormat is how created_at and retired_at are written.
	keypairTimeFormat = time.RFC3339
)

// keypairNameRE is CloudFront's rule for key group and public key names.
var keypairNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// validKeypairName reports why name is not a valid CloudFront key group or
// public key name, or nil.
func validKeypairName(name string) error {
	switch {
	case name == "":
		return errors.New("the name must not be empty")
	case len(name) > keypairNameMaxLen:
		return fmt.Errorf("the name is %d characters long; CloudFront allows at most %d", len(name), keypairNameMaxLen)
	case !keypairNameRE.MatchString(name):
		return errors.New("the name may contain only letters A-Z and a-z, digits 0-9, hyphens (-) and underscores (_)")
	}
	return nil
}

// generatedKey is an RSA key pair made by generateKeypair. The private key
// never leaves the provider process except as the Secrets Manager secret
// value; String and GoString hide it so that it cannot end up in a log line
// or a diagnostic through %v.
type generatedKey struct {
	private *rsa.PrivateKey
	// publicPEM is the PKIX ("BEGIN PUBLIC KEY") PEM that CloudFront wants as
	// a public key's EncodedKey.
	publicPEM string
	// fingerprint is the hex SHA-256 of the public key's DER encoding.
	fingerprint string
}

func (k *generatedKey) String() string   { return "generatedKey(" + k.fingerprint[:16] + "…)" }
func (k *generatedKey) GoString() string { return k.String() }

// privatePEM is the PKCS#1 ("BEGIN RSA PRIVATE KEY") PEM of the private key,
// the format of CloudFront's documentation, OpenSSL and the AWS SDK for Go's
// sign.LoadPEMPrivKey.
func (k *generatedKey) privatePEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.private)}))
}

// generateKeypair makes a fresh RSA-2048 key pair.
func generateKeypair() (*generatedKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, keypairRSABits)
	if err != nil {
		return nil, fmt.Errorf("generating an RSA-%d key: %w", keypairRSABits, err)
	}
	return newGeneratedKey(priv)
}

func newGeneratedKey(priv *rsa.PrivateKey) (*generatedKey, error) {
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encoding the public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return &generatedKey{
		private:     priv,
		publicPEM:   string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		fingerprint: hex.EncodeToString(sum[:]),
	}, nil
}

// parsePublicKeyPEM parses a PKIX or PKCS#1 RSA public key PEM.
func parsePublicKeyPEM(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	switch block.Type {
	case "PUBLIC KEY":
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		rsaPub, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("the public key is a %T, not an RSA key", pub)
		}
		return rsaPub, nil
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("unexpected PEM block type %q", block.Type)
	}
}

// samePublicKey reports whether two public key PEMs hold the same RSA key,
// whatever their encoding or line breaks.
func samePublicKey(a, b string) bool {
	ka, errA := parsePublicKeyPEM(a)
	kb, errB := parsePublicKeyPEM(b)
	return errA == nil && errB == nil && ka.Equal(kb)
}

// keypairSecret is the JSON document stored as the secret's SecretString.
// The private key and the id of the CloudFront public key it belongs to are
// kept in one secret version, so a signer that reads the current version
// always gets a matching Key-Pair-Id, also while a rotation is in progress.
type keypairSecret struct {
	KeyPairID     string `json:"key_pair_id"`
	PrivateKeyPEM string `json:"private_key_pem"`
}

// String hides the private key (see generatedKey.String).
func (s keypairSecret) String() string   { return "keypairSecret{key_pair_id:" + s.KeyPairID + "}" }
func (s keypairSecret) GoString() string { return s.String() }

func encodeKeypairSecret(keyPairID string, k *generatedKey) (string, error) {
	b, err := json.Marshal(keypairSecret{KeyPairID: keyPairID, PrivateKeyPEM: k.privatePEM()})
	return string(b), err
}

// decodeKeypairSecret parses a secret value written by this resource. A bare
// PEM (no JSON) is accepted too, for import of secrets written by hand. The
// errors never quote the value.
func decodeKeypairSecret(value string) (keyPairID string, key *generatedKey, err error) {
	var doc keypairSecret
	pemText := value
	if strings.HasPrefix(strings.TrimSpace(value), "{") {
		if json.Unmarshal([]byte(value), &doc) != nil {
			return "", nil, errors.New("the secret value is not valid JSON")
		}
		pemText = doc.PrivateKeyPEM
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return "", nil, errors.New("the secret value holds no PEM private key")
	}
	var priv *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		priv, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		var k any
		if k, err = x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
			var ok bool
			if priv, ok = k.(*rsa.PrivateKey); !ok {
				err = errors.New("the private key is not an RSA key")
			}
		}
	default:
		err = fmt.Errorf("unexpected PEM block type %q", block.Type)
	}
	if err != nil {
		// x509 errors describe the structure, never the key material.
		return "", nil, fmt.Errorf("the secret's private key cannot be parsed: %w", err)
	}
	key, err = newGeneratedKey(priv)
	return doc.KeyPairID, key, err
}

// publicKeyName is the CloudFront name of a public key of the key group
// `name`: the name (shortened if needed) plus the first 8 hex digits of the
// key's fingerprint, so that every key of every rotation has its own name.
func publicKeyName(name, fingerprint string) string {
	suffix := "-" + fingerprint[:8]
	if limit := keypairNameMaxLen - len(suffix); len(name) > limit {
		name = name[:limit]
	}
	return name + suffix
}

// newSecretName is the name of a new secret for the key group `name`. The
// random suffix keeps it free even while an earlier secret of the same key
// group is still scheduled for deletion (its name stays taken for the whole
// recovery window).
func newSecretName(name string) (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return keypairSecretPrefix + name + "/" + hex.EncodeToString(b), nil
}

// keyRecord is one public key of the key group as recorded in state.
type keyRecord struct {
	ID        string
	CreatedAt time.Time
	// RetiredAt is when the key stopped being the active one; zero for the
	// active key.
	RetiredAt time.Time
}

func (k keyRecord) retired() bool { return !k.RetiredAt.IsZero() }

// expiresAt is when a retired key's grace period ends.
func (k keyRecord) expiresAt(grace time.Duration) time.Time { return k.RetiredAt.Add(grace) }

// expiredKeys returns the retired keys whose grace period has ended at now
// (retired_at + grace <= now), in their order. The active key never expires.
func expiredKeys(keys []keyRecord, grace time.Duration, now time.Time) []keyRecord {
	var out []keyRecord
	for _, k := range keys {
		if k.retired() && !k.expiresAt(grace).After(now) {
			out = append(out, k)
		}
	}
	return out
}

// withoutKeys returns keys minus those whose id is in remove.
func withoutKeys(keys []keyRecord, remove []keyRecord) []keyRecord {
	out := make([]keyRecord, 0, len(keys))
	for _, k := range keys {
		if !slices.ContainsFunc(remove, func(r keyRecord) bool { return r.ID == k.ID }) {
			out = append(out, k)
		}
	}
	return out
}

// retireActive returns keys with every active key marked retired at now.
func retireActive(keys []keyRecord, now time.Time) []keyRecord {
	out := slices.Clone(keys)
	for i := range out {
		if !out[i].retired() {
			out[i].RetiredAt = now
		}
	}
	return out
}

// keyIDs returns the ids of keys, in order.
func keyIDs(keys []keyRecord) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID
	}
	return out
}

// sameIDSet reports whether a and b hold the same ids, in any order.
func sameIDSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// rotationCapacityError explains why a rotation at now would exceed the key
// group's quota of keypairMaxKeysPerGroup keys, or is nil. keys are the keys
// kept after removing the expired ones.
func rotationCapacityError(keys []keyRecord, grace time.Duration) error {
	if len(keys)+1 <= keypairMaxKeysPerGroup {
		return nil
	}
	var next time.Time
	for _, k := range keys {
		if k.retired() && (next.IsZero() || k.expiresAt(grace).Before(next)) {
			next = k.expiresAt(grace)
		}
	}
	msg := fmt.Sprintf("A rotation adds a public key to the CloudFront key group, which already holds %d keys "+
		"(CloudFront allows at most %d per key group) whose grace period has not ended yet.", len(keys), keypairMaxKeysPerGroup)
	if !next.IsZero() {
		msg += fmt.Sprintf(" The next retired key can be removed at %s; rotate after that, or shorten rotation_grace_period.",
			next.UTC().Format(keypairTimeFormat))
	}
	return errors.New(msg)
}

// parseGracePeriod parses rotation_grace_period.
func parseGracePeriod(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as \"24h\", \"90m\" or \"0s\": %w", s, err)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative; the grace period must be zero or more", s)
	}
	return d, nil
}
