package provider

// The AWS side of refarch_signed_url_keypair: keypairManager creates, reads,
// rotates, cleans up, imports and deletes the CloudFront public keys, the key
// group and the Secrets Manager secret. It works on plain Go values
// (keypairState) and narrow client interfaces, so the whole lifecycle is unit
// tested against a strict fake (signed_url_keypair_resource_fake_test.go) as
// well as against the sandbox.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// keypairCloudFront is the part of the CloudFront API the resource uses;
// *cloudfront.Client implements it.
type keypairCloudFront interface {
	CreatePublicKey(context.Context, *cloudfront.CreatePublicKeyInput, ...func(*cloudfront.Options)) (*cloudfront.CreatePublicKeyOutput, error)
	GetPublicKey(context.Context, *cloudfront.GetPublicKeyInput, ...func(*cloudfront.Options)) (*cloudfront.GetPublicKeyOutput, error)
	ListPublicKeys(context.Context, *cloudfront.ListPublicKeysInput, ...func(*cloudfront.Options)) (*cloudfront.ListPublicKeysOutput, error)
	DeletePublicKey(context.Context, *cloudfront.DeletePublicKeyInput, ...func(*cloudfront.Options)) (*cloudfront.DeletePublicKeyOutput, error)
	CreateKeyGroup(context.Context, *cloudfront.CreateKeyGroupInput, ...func(*cloudfront.Options)) (*cloudfront.CreateKeyGroupOutput, error)
	GetKeyGroup(context.Context, *cloudfront.GetKeyGroupInput, ...func(*cloudfront.Options)) (*cloudfront.GetKeyGroupOutput, error)
	UpdateKeyGroup(context.Context, *cloudfront.UpdateKeyGroupInput, ...func(*cloudfront.Options)) (*cloudfront.UpdateKeyGroupOutput, error)
	DeleteKeyGroup(context.Context, *cloudfront.DeleteKeyGroupInput, ...func(*cloudfront.Options)) (*cloudfront.DeleteKeyGroupOutput, error)
	// ListDistributionsByKeyGroup and GetDistribution serve only a rotation:
	// it waits until every distribution that trusts the key group is
	// Deployed before signers get the new key.
	ListDistributionsByKeyGroup(context.Context, *cloudfront.ListDistributionsByKeyGroupInput, ...func(*cloudfront.Options)) (*cloudfront.ListDistributionsByKeyGroupOutput, error)
	cloudfront.GetDistributionAPIClient
}

// keypairSecrets is the part of the Secrets Manager API the resource uses;
// *secretsmanager.Client implements it.
type keypairSecrets interface {
	CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error)
	// TagResource adds the provider's default tags to an existing secret
	// when the resource is updated (tagSecret).
	TagResource(context.Context, *secretsmanager.TagResourceInput, ...func(*secretsmanager.Options)) (*secretsmanager.TagResourceOutput, error)
}

var (
	_ keypairCloudFront = (*cloudfront.Client)(nil)
	_ keypairSecrets    = (*secretsmanager.Client)(nil)
)

// errKeypairNotFound is the sentinel the find* helpers wrap when the AWS
// object does not exist (or, for a secret, is scheduled for deletion).
var errKeypairNotFound = errors.New("not found")

const (
	// keypairDefaultPollInterval is the pause between two attempts of a
	// call that waits for CloudFront to catch up (PublicKeyInUse right after
	// a key left its group, a stale ETag).
	keypairDefaultPollInterval = 2 * time.Second
	// keypairDefaultWaitTimeout bounds every such wait.
	keypairDefaultWaitTimeout = 3 * time.Minute
	// keypairDefaultDeployMinDelay and keypairDefaultDeployMaxDelay bound
	// the pause between two GetDistribution calls of the
	// DistributionDeployed waiter (the SDK's defaults, 60s to 35m, would
	// overshoot a deployment by many minutes).
	keypairDefaultDeployMinDelay = 10 * time.Second
	keypairDefaultDeployMaxDelay = time.Minute
)

// keypairState is the resource's state as plain Go values. Empty strings
// stand for null attributes.
type keypairState struct {
	Name     string
	Comment  string
	KMSKeyID string
	// KeyGroupID is the id of the key group (also the resource id).
	KeyGroupID string
	// GroupMissing is set by read when the key group no longer exists.
	GroupMissing bool
	// ActiveKeyID is the public key signers use; empty when it was deleted
	// outside of OpenTofu/Terraform.
	ActiveKeyID  string
	PublicKeyPEM string
	// SecretARN is empty when the secret is gone or scheduled for deletion.
	SecretARN string
	// Keys are the public keys of the group in creation order: retired keys
	// first, the active key last.
	Keys           []keyRecord
	PendingCleanup bool
}

// keypairChange is what an update must do.
type keypairChange struct {
	Name    string
	Comment string
	Grace   time.Duration
	// Rotate makes a new key the active one.
	Rotate bool
	// Keep, when not nil, lists the ids of the keys the plan keeps; every
	// other key is removed from the group and deleted. Nil: remove the keys
	// whose grace period has ended at the time of the update.
	Keep []string
	// KMSKeyID encrypts a secret the update has to create anew.
	KMSKeyID string
}

// keypairManager does the AWS work of the resource.
type keypairManager struct {
	cf           keypairCloudFront
	sm           keypairSecrets
	now          func() time.Time
	newKey       func() (*generatedKey, error)
	pollInterval time.Duration
	waitTimeout  time.Duration
	// deployMinDelay and deployMaxDelay are the DistributionDeployed
	// waiter's MinDelay and MaxDelay; zero means
	// keypairDefaultDeployMinDelay and keypairDefaultDeployMaxDelay.
	deployMinDelay time.Duration
	deployMaxDelay time.Duration
	// defaultTags are the provider's default_tags, put on the secret
	// under its own tag (keypairSecretTagKey).
	defaultTags map[string]string
}

// keypairSecretTagKey is the secret's own tag; its value is the key group's
// name. It wins over a default tag with the same key.
const keypairSecretTagKey = "refarch:signed-url-keypair"

// secretTags are the tags of the secret of key group name: the provider's
// default tags and the secret's own tag.
func (m *keypairManager) secretTags(name string) map[string]string {
	return mergeTags(m.defaultTags, map[string]string{keypairSecretTagKey: name})
}

// groupSnapshot is the key group as last seen, with the ETag that the next
// UpdateKeyGroup or DeleteKeyGroup must send as IfMatch.
type groupSnapshot struct {
	etag    string
	name    string
	comment string
	items   []string
}

func snapshotOf(out *cloudfront.GetKeyGroupOutput) groupSnapshot {
	cfg := out.KeyGroup.KeyGroupConfig
	return groupSnapshot{
		etag:    aws.ToString(out.ETag),
		name:    aws.ToString(cfg.Name),
		comment: aws.ToString(cfg.Comment),
		items:   slices.Clone(cfg.Items),
	}
}

// findKeyGroupByID returns the key group, or an error wrapping
// errKeypairNotFound when there is none.
func findKeyGroupByID(ctx context.Context, cf keypairCloudFront, id string) (*cloudfront.GetKeyGroupOutput, error) {
	out, err := cf.GetKeyGroup(ctx, &cloudfront.GetKeyGroupInput{Id: aws.String(id)})
	if errors.As(err, new(*cftypes.NoSuchResource)) {
		return nil, fmt.Errorf("CloudFront key group %s: %w", id, errKeypairNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading CloudFront key group %s: %w", id, err)
	}
	if out == nil || out.KeyGroup == nil || out.KeyGroup.KeyGroupConfig == nil {
		return nil, fmt.Errorf("reading CloudFront key group %s: empty response", id)
	}
	return out, nil
}

// findPublicKeyByID returns the public key, or an error wrapping
// errKeypairNotFound when there is none.
func findPublicKeyByID(ctx context.Context, cf keypairCloudFront, id string) (*cloudfront.GetPublicKeyOutput, error) {
	out, err := cf.GetPublicKey(ctx, &cloudfront.GetPublicKeyInput{Id: aws.String(id)})
	if errors.As(err, new(*cftypes.NoSuchPublicKey)) {
		return nil, fmt.Errorf("CloudFront public key %s: %w", id, errKeypairNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading CloudFront public key %s: %w", id, err)
	}
	if out == nil || out.PublicKey == nil || out.PublicKey.PublicKeyConfig == nil {
		return nil, fmt.Errorf("reading CloudFront public key %s: empty response", id)
	}
	return out, nil
}

// findSecretByID describes the secret, or returns an error wrapping
// errKeypairNotFound when it does not exist or is scheduled for deletion
// (such a secret can no longer be read by signers).
func findSecretByID(ctx context.Context, sm keypairSecrets, id string) (*secretsmanager.DescribeSecretOutput, error) {
	out, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
	if errors.As(err, new(*smtypes.ResourceNotFoundException)) {
		return nil, fmt.Errorf("secret %s: %w", id, errKeypairNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("describing secret %s: %w", id, err)
	}
	if out.DeletedDate != nil {
		return nil, fmt.Errorf("secret %s is scheduled for deletion: %w", id, errKeypairNotFound)
	}
	return out, nil
}

// poll calls attempt until it reports done or fails, pausing pollInterval
// between attempts, for at most waitTimeout (and never past ctx's deadline).
func (m *keypairManager) poll(ctx context.Context, what string, attempt func(context.Context) (done bool, err error)) error {
	ctx, cancel := context.WithTimeout(ctx, m.waitTimeout)
	defer cancel()
	for {
		done, err := attempt(ctx)
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: gave up after %s: %w", what, m.waitTimeout, ctx.Err())
		case <-time.After(m.pollInterval):
		}
	}
}

// create makes the key pair, its public key, the key group and the secret.
// When it fails after the key group exists, it returns the partial state
// with the error, so that the resource is saved as tainted and the next apply
// deletes and recreates it.
func (m *keypairManager) create(ctx context.Context, name, comment, kmsKeyID string) (keypairState, error) {
	key, err := m.newKey()
	if err != nil {
		return keypairState{}, err
	}
	pk, err := m.createPublicKey(ctx, name, comment, key)
	if err != nil {
		return keypairState{}, err
	}

	group, err := m.cf.CreateKeyGroup(ctx, &cloudfront.CreateKeyGroupInput{KeyGroupConfig: &cftypes.KeyGroupConfig{
		Name:    aws.String(name),
		Items:   []string{pk.ID},
		Comment: optionalString(comment),
	}})
	if err != nil {
		if _, delErr := m.deletePublicKeys(ctx, []keyRecord{pk}); delErr != nil {
			tflog.Warn(ctx, "could not delete the public key of a key group that failed to be created",
				map[string]any{"public_key_id": pk.ID, "error": delErr.Error()})
		}
		if errors.As(err, new(*cftypes.KeyGroupAlreadyExists)) {
			return keypairState{}, fmt.Errorf("a CloudFront key group named %q already exists in this account: "+
				"choose another name, or import the existing key group: %w", name, err)
		}
		return keypairState{}, fmt.Errorf("creating CloudFront key group %q: %w", name, err)
	}

	st := keypairState{
		Name:         name,
		Comment:      comment,
		KMSKeyID:     kmsKeyID,
		KeyGroupID:   aws.ToString(group.KeyGroup.Id),
		ActiveKeyID:  pk.ID,
		PublicKeyPEM: key.publicPEM,
		Keys:         []keyRecord{pk},
	}
	tflog.Debug(ctx, "created CloudFront key group", map[string]any{"key_group_id": st.KeyGroupID, "public_key_id": pk.ID})

	arn, err := m.createSecret(ctx, name, kmsKeyID, pk.ID, key)
	if err != nil {
		return st, err
	}
	st.SecretARN = arn
	return st, nil
}

// createPublicKey registers key as a CloudFront public key. The caller
// reference is derived from the key, so an SDK retry of a request that did
// succeed finds the key instead of creating a second one.
func (m *keypairManager) createPublicKey(ctx context.Context, name, comment string, key *generatedKey) (keyRecord, error) {
	out, err := m.cf.CreatePublicKey(ctx, &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &cftypes.PublicKeyConfig{
		CallerReference: aws.String("refarch-" + key.fingerprint[:32]),
		Name:            aws.String(publicKeyName(name, key.fingerprint)),
		EncodedKey:      aws.String(key.publicPEM),
		Comment:         optionalString(comment),
	}})
	if errors.As(err, new(*cftypes.PublicKeyAlreadyExists)) {
		if rec, found, listErr := m.findPublicKeyByEncodedKey(ctx, key.publicPEM); listErr == nil && found {
			return rec, nil
		}
	}
	if err != nil {
		return keyRecord{}, fmt.Errorf("creating CloudFront public key for %q: %w", name, err)
	}
	if out.PublicKey == nil || out.PublicKey.Id == nil {
		return keyRecord{}, fmt.Errorf("creating CloudFront public key for %q: empty response", name)
	}
	return keyRecord{ID: aws.ToString(out.PublicKey.Id), CreatedAt: createdAt(out.PublicKey.CreatedTime, m.now())}, nil
}

func (m *keypairManager) findPublicKeyByEncodedKey(ctx context.Context, publicPEM string) (keyRecord, bool, error) {
	var marker *string
	for {
		out, err := m.cf.ListPublicKeys(ctx, &cloudfront.ListPublicKeysInput{Marker: marker})
		if err != nil {
			return keyRecord{}, false, err
		}
		if out.PublicKeyList == nil {
			return keyRecord{}, false, nil
		}
		for _, s := range out.PublicKeyList.Items {
			if samePublicKey(aws.ToString(s.EncodedKey), publicPEM) {
				return keyRecord{ID: aws.ToString(s.Id), CreatedAt: createdAt(s.CreatedTime, m.now())}, true, nil
			}
		}
		if marker = out.PublicKeyList.NextMarker; aws.ToString(marker) == "" {
			return keyRecord{}, false, nil
		}
	}
}

func createdAt(t *time.Time, fallback time.Time) time.Time {
	if t == nil {
		return fallback.UTC().Truncate(time.Second)
	}
	return t.UTC().Truncate(time.Second)
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// createSecret stores the private key in a new secret and returns its ARN.
func (m *keypairManager) createSecret(ctx context.Context, name, kmsKeyID, keyID string, key *generatedKey) (string, error) {
	value, err := encodeKeypairSecret(keyID, key)
	if err != nil {
		return "", fmt.Errorf("encoding the secret value: %w", err)
	}
	secretName, err := newSecretName(name)
	if err != nil {
		return "", err
	}
	out, err := m.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:         aws.String(secretName),
		SecretString: aws.String(value),
		KmsKeyId:     optionalString(kmsKeyID),
		Description: aws.String(fmt.Sprintf("Private key of the CloudFront key group %s, managed by the refarch provider "+
			"(refarch_signed_url_keypair). JSON: key_pair_id (CloudFront public key id) and private_key_pem (PKCS#1).", name)),
		Tags: secretsManagerTags(m.secretTags(name)),
	})
	if err != nil {
		return "", fmt.Errorf("creating the Secrets Manager secret %s for the private key: %w", secretName, err)
	}
	tflog.Debug(ctx, "created the secret holding the private key", map[string]any{"secret_arn": aws.ToString(out.ARN)})
	return aws.ToString(out.ARN), nil
}

// read refreshes st from AWS. A missing key group sets GroupMissing; a
// missing public key is dropped (clearing ActiveKeyID if it was the active
// one); a missing secret clears SecretARN. PendingCleanup reports retired
// keys whose grace period has ended and key group changes made outside of
// OpenTofu/Terraform.
func (m *keypairManager) read(ctx context.Context, st keypairState, grace time.Duration) (keypairState, error) {
	group, err := findKeyGroupByID(ctx, m.cf, st.KeyGroupID)
	if errors.Is(err, errKeypairNotFound) {
		tflog.Warn(ctx, "CloudFront key group not found", map[string]any{"key_group_id": st.KeyGroupID})
		st.GroupMissing = true
		return st, nil
	}
	if err != nil {
		return st, err
	}
	snap := snapshotOf(group)
	st.GroupMissing = false
	st.Comment = snap.comment

	keys := make([]keyRecord, 0, len(st.Keys))
	for _, k := range st.Keys {
		pk, err := findPublicKeyByID(ctx, m.cf, k.ID)
		if errors.Is(err, errKeypairNotFound) {
			tflog.Warn(ctx, "CloudFront public key of the key group not found", map[string]any{"public_key_id": k.ID})
			continue
		}
		if err != nil {
			return st, err
		}
		if pk.PublicKey.CreatedTime != nil {
			k.CreatedAt = createdAt(pk.PublicKey.CreatedTime, k.CreatedAt)
		}
		if k.ID == st.ActiveKeyID && st.PublicKeyPEM == "" {
			st.PublicKeyPEM = aws.ToString(pk.PublicKey.PublicKeyConfig.EncodedKey)
		}
		keys = append(keys, k)
	}
	st.Keys = keys
	if !slices.ContainsFunc(keys, func(k keyRecord) bool { return k.ID == st.ActiveKeyID && !k.retired() }) {
		st.ActiveKeyID, st.PublicKeyPEM = "", ""
	}

	if st.SecretARN != "" {
		if _, err := findSecretByID(ctx, m.sm, st.SecretARN); errors.Is(err, errKeypairNotFound) {
			tflog.Warn(ctx, "secret holding the private key not found", map[string]any{"secret_arn": st.SecretARN})
			st.SecretARN = ""
		} else if err != nil {
			return st, err
		}
	}

	expired := expiredKeys(keys, grace, m.now())
	wantItems := keyIDs(withoutKeys(keys, expired))
	st.PendingCleanup = len(expired) > 0 || !sameIDSet(snap.items, wantItems) || snap.name != st.Name
	return st, nil
}

// update applies ch to the key pair described by prior. It always returns
// the state that matches AWS afterwards, also with an error, so that partial
// progress is recorded.
//
// A rotation happens in an order that keeps every signer working: the new
// public key is created and added to the key group first (together with the
// removal of keys whose grace period had already ended), then update waits
// until every CloudFront distribution that trusts the key group is Deployed
// (the edges trust the new key), then the secret gets the new private key as
// its new current version, and only then is the previous key marked retired.
// Keys leave the group before they are deleted.
//
// A rotation that stops after the new key joined the group and before the
// secret got its private key (the wait timed out, PutSecretValue failed)
// leaves the previous key active in the secret, so signers are unaffected.
// The new key is recorded as pending: see pendingKey. The next apply cannot
// reuse it, as its private key was never stored; it rotates to yet another
// key and removes the pending one from the group in the same UpdateKeyGroup.
func (m *keypairManager) update(ctx context.Context, prior keypairState, ch keypairChange) (keypairState, error) {
	st := prior
	st.Keys = slices.Clone(prior.Keys)
	st.PendingCleanup = false

	group, err := findKeyGroupByID(ctx, m.cf, st.KeyGroupID)
	if errors.Is(err, errKeypairNotFound) {
		st.GroupMissing = true
		return st, fmt.Errorf("the CloudFront key group %s no longer exists; run plan again to recreate the resource", st.KeyGroupID)
	}
	if err != nil {
		return st, err
	}
	snap := snapshotOf(group)
	now := m.now()

	var remove []keyRecord
	if ch.Keep != nil {
		for _, k := range st.Keys {
			if !slices.Contains(ch.Keep, k.ID) {
				remove = append(remove, k)
			}
		}
	} else {
		remove = expiredKeys(st.Keys, ch.Grace, now)
	}

	if ch.Rotate {
		keep := withoutKeys(st.Keys, remove)
		if err := rotationCapacityError(keep, ch.Grace); err != nil {
			return st, err
		}
		key, err := m.newKey()
		if err != nil {
			return st, err
		}
		pk, err := m.createPublicKey(ctx, ch.Name, ch.Comment, key)
		if err != nil {
			return st, err
		}
		if err := m.putGroup(ctx, st.KeyGroupID, &snap, ch.Name, ch.Comment, append(keyIDs(keep), pk.ID)); err != nil {
			if _, delErr := m.deletePublicKeys(ctx, []keyRecord{pk}); delErr != nil {
				tflog.Warn(ctx, "could not delete a new public key that could not be added to the key group",
					map[string]any{"public_key_id": pk.ID, "error": delErr.Error()})
			}
			return st, err
		}
		st.Comment = ch.Comment
		// Until the secret holds its private key, the new key is pending:
		// if the apply stops here, the previous key stays the active one.
		st.Keys = append(st.Keys, pendingKey(pk, now, ch.Grace))

		if err := m.waitDeployed(ctx, st.KeyGroupID); err != nil {
			st.PendingCleanup = true
			return st, fmt.Errorf("%w. The new public key %s is in the key group, but the secret still holds the "+
				"previous key, so signers are unaffected. The next apply continues the rotation: it adds another new "+
				"key and removes %s, whose private key was never stored", err, pk.ID, pk.ID)
		}
		if err := m.writeSecret(ctx, &st, ch.KMSKeyID, pk.ID, key); err != nil {
			st.PendingCleanup = true
			return st, err
		}

		// The secret now holds the new key: make it the active one.
		st.Keys = retireActive(st.Keys[:len(st.Keys)-1], now)
		pk.RetiredAt = time.Time{}
		st.Keys = append(st.Keys, pk)
		st.ActiveKeyID, st.PublicKeyPEM = pk.ID, key.publicPEM
		tflog.Info(ctx, "rotated the signing key", map[string]any{"key_group_id": st.KeyGroupID, "public_key_id": pk.ID})

		// With a zero grace period the previous key expires right away.
		remove = expiredKeys(st.Keys, ch.Grace, now)
	}

	return st, m.prune(ctx, &st, &snap, ch.Name, ch.Comment, remove)
}

// pendingKey records pk, a new key in the key group whose private key is not
// in the secret yet. Nothing can have been signed with it, and a later apply
// cannot make it the active key (the private key exists only in this
// process), so it must not hold a place in the key group for a grace period:
// it is recorded as retired grace before now, that is with its grace period
// already over. If the rotation stops before the secret is written, the next
// apply removes it like any expired key (a rotation in the UpdateKeyGroup
// that adds its own new key), and the plan's check of CloudFront's quota of
// keys per group does not count it.
func pendingKey(pk keyRecord, now time.Time, grace time.Duration) keyRecord {
	pk.RetiredAt = now.Add(-grace)
	return pk
}

// distributionsTrusting returns the ids of the CloudFront distributions
// that trust key group id (in a cache behavior's trusted_key_groups).
func (m *keypairManager) distributionsTrusting(ctx context.Context, id string) ([]string, error) {
	var ids []string
	var marker *string
	for {
		out, err := m.cf.ListDistributionsByKeyGroup(ctx, &cloudfront.ListDistributionsByKeyGroupInput{
			KeyGroupId: aws.String(id),
			Marker:     marker,
		})
		if err != nil {
			return nil, fmt.Errorf("listing the CloudFront distributions that trust key group %s: %w", id, err)
		}
		if out == nil || out.DistributionIdList == nil {
			return ids, nil
		}
		ids = append(ids, out.DistributionIdList.Items...)
		next := out.DistributionIdList.NextMarker
		if aws.ToString(next) == "" || aws.ToString(next) == aws.ToString(marker) {
			return ids, nil
		}
		marker = next
	}
}

// waitDeployed waits, with the SDK's DistributionDeployed waiter, until
// every CloudFront distribution that trusts key group id reports the status
// Deployed: only then do all edges know the key group's current keys. It
// waits until ctx's deadline (the timeouts block), or for
// keypairDefaultUpdateTimeout when ctx has none. A distribution deleted
// meanwhile trusts nothing and is not waited for.
func (m *keypairManager) waitDeployed(ctx context.Context, id string) error {
	dists, err := m.distributionsTrusting(ctx, id)
	if err != nil {
		return fmt.Errorf("cannot tell whether CloudFront trusts the new public key yet: %w", err)
	}
	minDelay, maxDelay := m.deployMinDelay, m.deployMaxDelay
	if minDelay <= 0 {
		minDelay = keypairDefaultDeployMinDelay
	}
	if maxDelay < minDelay {
		maxDelay = max(minDelay, keypairDefaultDeployMaxDelay)
	}
	waiter := cloudfront.NewDistributionDeployedWaiter(m.cf, func(o *cloudfront.DistributionDeployedWaiterOptions) {
		o.MinDelay, o.MaxDelay = minDelay, maxDelay
		deployed := o.Retryable
		o.Retryable = func(ctx context.Context, in *cloudfront.GetDistributionInput, out *cloudfront.GetDistributionOutput, err error) (bool, error) {
			if errors.As(err, new(*cftypes.NoSuchDistribution)) {
				return false, nil
			}
			return deployed(ctx, in, out, err)
		}
	})
	for _, dist := range dists {
		maxWait := keypairDefaultUpdateTimeout
		if deadline, ok := ctx.Deadline(); ok {
			maxWait = time.Until(deadline)
		}
		if maxWait <= 0 {
			return fmt.Errorf("CloudFront distribution %s, which trusts key group %s, is not known to be Deployed yet: "+
				"the update's time (timeouts.update) is over", dist, id)
		}
		tflog.Info(ctx, "waiting for CloudFront distribution to be Deployed", map[string]any{
			"distribution_id": dist, "key_group_id": id, "max_wait": maxWait.String()})
		if err := waiter.Wait(ctx, &cloudfront.GetDistributionInput{Id: aws.String(dist)}, maxWait); err != nil {
			return fmt.Errorf("CloudFront distribution %s, which trusts key group %s, is not Deployed yet (raise "+
				"timeouts.update if its deployments take longer): %w", dist, id, err)
		}
	}
	return nil
}

// prune makes the key group hold exactly st.Keys minus remove (and the
// wanted name and comment), then deletes the removed public keys. Keys whose
// deletion fails stay in st.Keys (they are retired and out of the group, so
// the next apply deletes them).
func (m *keypairManager) prune(ctx context.Context, st *keypairState, snap *groupSnapshot, name, comment string, remove []keyRecord) error {
	if err := m.putGroup(ctx, st.KeyGroupID, snap, name, comment, keyIDs(withoutKeys(st.Keys, remove))); err != nil {
		return err
	}
	st.Comment = comment
	failed, err := m.deletePublicKeys(ctx, remove)
	// Keep the order of st.Keys: the plan promised exactly this list.
	st.Keys = slices.DeleteFunc(st.Keys, func(k keyRecord) bool {
		return slices.ContainsFunc(remove, sameID(k)) && !slices.ContainsFunc(failed, sameID(k))
	})
	return err
}

func sameID(k keyRecord) func(keyRecord) bool { return func(o keyRecord) bool { return o.ID == k.ID } }

// putGroup sets the key group's configuration with UpdateKeyGroup, sending
// the last seen ETag as IfMatch, unless the group already has it. A stale
// ETag (the group changed since it was read) is refreshed and the update
// retried until the wait deadline.
func (m *keypairManager) putGroup(ctx context.Context, id string, snap *groupSnapshot, name, comment string, items []string) error {
	if slices.Equal(snap.items, items) && snap.name == name && snap.comment == comment {
		return nil
	}
	return m.poll(ctx, "updating CloudFront key group "+id, func(ctx context.Context) (bool, error) {
		out, err := m.cf.UpdateKeyGroup(ctx, &cloudfront.UpdateKeyGroupInput{
			Id:      aws.String(id),
			IfMatch: aws.String(snap.etag),
			KeyGroupConfig: &cftypes.KeyGroupConfig{
				Name:    aws.String(name),
				Items:   items,
				Comment: optionalString(comment),
			},
		})
		if errors.As(err, new(*cftypes.PreconditionFailed)) || errors.As(err, new(*cftypes.InvalidIfMatchVersion)) {
			fresh, getErr := findKeyGroupByID(ctx, m.cf, id)
			if getErr != nil {
				return false, getErr
			}
			*snap = snapshotOf(fresh)
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("updating CloudFront key group %s: %w", id, err)
		}
		*snap = groupSnapshot{etag: aws.ToString(out.ETag), name: name, comment: comment, items: slices.Clone(items)}
		return true, nil
	})
}

// tagSecret adds the provider's default tags (and the secret's own tag) to
// the secret of st; the resource's Update calls it after update, so that an
// update brings default tags added since the secret was created. Nothing is
// called without default tags or secret; tags the secret has beyond these
// are left alone (default tags are not tracked, so one removed from the
// provider's configuration stays).
func (m *keypairManager) tagSecret(ctx context.Context, st keypairState) error {
	if len(m.defaultTags) == 0 || st.SecretARN == "" {
		return nil
	}
	if _, err := m.sm.TagResource(ctx, &secretsmanager.TagResourceInput{
		SecretId: aws.String(st.SecretARN),
		Tags:     secretsManagerTags(m.secretTags(st.Name)),
	}); err != nil {
		return fmt.Errorf("adding the provider's default_tags to secret %s: %w", st.SecretARN, err)
	}
	return nil
}

// writeSecret stores the new private key: as the secret's new current
// version, or in a new secret when the previous one is gone.
func (m *keypairManager) writeSecret(ctx context.Context, st *keypairState, kmsKeyID, keyID string, key *generatedKey) error {
	if st.SecretARN == "" {
		arn, err := m.createSecret(ctx, st.Name, kmsKeyID, keyID, key)
		if err != nil {
			return err
		}
		st.SecretARN = arn
		return nil
	}
	value, err := encodeKeypairSecret(keyID, key)
	if err != nil {
		return fmt.Errorf("encoding the secret value: %w", err)
	}
	if _, err := m.sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId:     aws.String(st.SecretARN),
		SecretString: aws.String(value),
	}); err != nil {
		return fmt.Errorf("writing the new private key to secret %s: %w", st.SecretARN, err)
	}
	return nil
}

// deletePublicKeys deletes keys, each with the ETag of a fresh GetPublicKey
// as IfMatch. A key that is already gone counts as deleted. PublicKeyInUse
// (CloudFront not yet aware that the key left its group) and stale ETags are
// retried until the wait deadline. It returns the keys it could not delete.
func (m *keypairManager) deletePublicKeys(ctx context.Context, keys []keyRecord) ([]keyRecord, error) {
	var failed []keyRecord
	var errs []error
	for _, k := range keys {
		err := m.poll(ctx, "deleting CloudFront public key "+k.ID, func(ctx context.Context) (bool, error) {
			pk, err := findPublicKeyByID(ctx, m.cf, k.ID)
			if errors.Is(err, errKeypairNotFound) {
				return true, nil
			}
			if err != nil {
				return false, err
			}
			_, err = m.cf.DeletePublicKey(ctx, &cloudfront.DeletePublicKeyInput{Id: aws.String(k.ID), IfMatch: pk.ETag})
			switch {
			case err == nil, errors.As(err, new(*cftypes.NoSuchPublicKey)):
				return true, nil
			case errors.As(err, new(*cftypes.PublicKeyInUse)),
				errors.As(err, new(*cftypes.PreconditionFailed)),
				errors.As(err, new(*cftypes.InvalidIfMatchVersion)):
				return false, nil
			default:
				return false, fmt.Errorf("deleting CloudFront public key %s: %w", k.ID, err)
			}
		})
		if err != nil {
			failed = append(failed, k)
			errs = append(errs, err)
			continue
		}
		tflog.Debug(ctx, "deleted CloudFront public key", map[string]any{"public_key_id": k.ID})
	}
	return failed, errors.Join(errs...)
}

// delete removes the key group, then its public keys, then the secret (after
// recoveryWindowDays, or at once when it is 0). Objects that are already gone
// are skipped.
func (m *keypairManager) delete(ctx context.Context, st keypairState, recoveryWindowDays int64) error {
	if st.KeyGroupID != "" {
		err := m.poll(ctx, "deleting CloudFront key group "+st.KeyGroupID, func(ctx context.Context) (bool, error) {
			group, err := findKeyGroupByID(ctx, m.cf, st.KeyGroupID)
			if errors.Is(err, errKeypairNotFound) {
				return true, nil
			}
			if err != nil {
				return false, err
			}
			_, err = m.cf.DeleteKeyGroup(ctx, &cloudfront.DeleteKeyGroupInput{Id: aws.String(st.KeyGroupID), IfMatch: group.ETag})
			switch {
			case err == nil, errors.As(err, new(*cftypes.NoSuchResource)):
				return true, nil
			case errors.As(err, new(*cftypes.PreconditionFailed)), errors.As(err, new(*cftypes.InvalidIfMatchVersion)):
				return false, nil
			case errors.As(err, new(*cftypes.ResourceInUse)):
				// A distribution still trusts the key group. When that
				// distribution is being changed in the same apply,
				// CloudFront may need a moment; otherwise this times out
				// with the explanation below.
				tflog.Debug(ctx, "key group still in use, retrying", map[string]any{"key_group_id": st.KeyGroupID})
				return false, nil
			default:
				return false, fmt.Errorf("deleting CloudFront key group %s: %w", st.KeyGroupID, err)
			}
		})
		if err != nil {
			return fmt.Errorf("%w (a CloudFront distribution that still lists the key group in trusted_key_groups "+
				"keeps it from being deleted: remove it from the distribution first)", err)
		}
	}

	if _, err := m.deletePublicKeys(ctx, st.Keys); err != nil {
		return err
	}

	if st.SecretARN == "" {
		return nil
	}
	in := &secretsmanager.DeleteSecretInput{SecretId: aws.String(st.SecretARN)}
	if recoveryWindowDays == 0 {
		in.ForceDeleteWithoutRecovery = aws.Bool(true)
	} else {
		in.RecoveryWindowInDays = aws.Int64(recoveryWindowDays)
	}
	_, err := m.sm.DeleteSecret(ctx, in)
	if errors.As(err, new(*smtypes.ResourceNotFoundException)) {
		return nil
	}
	if errors.As(err, new(*smtypes.InvalidRequestException)) {
		// Already scheduled for deletion (outside of OpenTofu/Terraform).
		if _, findErr := findSecretByID(ctx, m.sm, st.SecretARN); errors.Is(findErr, errKeypairNotFound) {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("deleting secret %s: %w", st.SecretARN, err)
	}
	return nil
}

// importState builds the state of an existing key group whose private key is
// in secretID. The private key cannot be recovered from CloudFront, which
// only keeps public keys; the secret tells which of the group's keys is the
// active one (its private key is read to derive the public key and is never
// stored). The other keys of the group are recorded as retired at the time of
// the import, so they are removed once the grace period has passed.
func (m *keypairManager) importState(ctx context.Context, keyGroupID, secretID string) (keypairState, error) {
	group, err := findKeyGroupByID(ctx, m.cf, keyGroupID)
	if err != nil {
		return keypairState{}, err
	}
	desc, err := findSecretByID(ctx, m.sm, secretID)
	if err != nil {
		return keypairState{}, err
	}
	val, err := m.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: desc.ARN})
	if err != nil {
		return keypairState{}, fmt.Errorf("reading secret %s: %w", aws.ToString(desc.ARN), err)
	}
	keyPairID, key, err := decodeKeypairSecret(aws.ToString(val.SecretString))
	if err != nil {
		return keypairState{}, fmt.Errorf("secret %s: %w", aws.ToString(desc.ARN), err)
	}

	now := m.now()
	snap := snapshotOf(group)
	st := keypairState{
		Name:       snap.name,
		Comment:    snap.comment,
		KMSKeyID:   aws.ToString(desc.KmsKeyId),
		KeyGroupID: keyGroupID,
		SecretARN:  aws.ToString(desc.ARN),
	}
	for _, id := range snap.items {
		pk, err := findPublicKeyByID(ctx, m.cf, id)
		if err != nil {
			return keypairState{}, err
		}
		rec := keyRecord{ID: id, CreatedAt: createdAt(pk.PublicKey.CreatedTime, now)}
		encoded := aws.ToString(pk.PublicKey.PublicKeyConfig.EncodedKey)
		if st.ActiveKeyID == "" && samePublicKey(encoded, key.publicPEM) {
			st.ActiveKeyID, st.PublicKeyPEM = id, encoded
		} else {
			rec.RetiredAt = now
		}
		st.Keys = append(st.Keys, rec)
	}
	if st.ActiveKeyID == "" {
		return keypairState{}, fmt.Errorf("the private key in secret %s belongs to none of the public keys of key group %s (%s)",
			st.SecretARN, keyGroupID, strings.Join(snap.items, ", "))
	}
	if keyPairID != "" && keyPairID != st.ActiveKeyID {
		return keypairState{}, fmt.Errorf("secret %s names key_pair_id %s, but its private key belongs to public key %s",
			st.SecretARN, keyPairID, st.ActiveKeyID)
	}
	sort.SliceStable(st.Keys, func(i, j int) bool {
		// Retired keys first, then by age; the active key last.
		if st.Keys[i].retired() != st.Keys[j].retired() {
			return st.Keys[i].retired()
		}
		return st.Keys[i].CreatedAt.Before(st.Keys[j].CreatedAt)
	})
	return st, nil
}
