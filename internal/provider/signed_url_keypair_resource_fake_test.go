package provider

// A strict in-memory CloudFront and Secrets Manager for the unit tests of
// keypairManager. It behaves like AWS where kumo does not: every
// UpdateKeyGroup, DeleteKeyGroup and DeletePublicKey needs the current ETag
// as IfMatch, every change makes a new ETag, a key group holds at most 5
// keys, and a public key in a group cannot be deleted.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// fakeClock is the injected clock: time only moves when a test says so.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fakePublicKey struct {
	cfg     cftypes.PublicKeyConfig
	etag    string
	created time.Time
}

type fakeKeyGroup struct {
	cfg  cftypes.KeyGroupConfig
	etag string
}

// fakeDistribution is a CloudFront distribution whose cache behaviors trust
// keyGroups.
type fakeDistribution struct {
	keyGroups []string
	// inProgress is how many more GetDistribution calls report InProgress
	// before Deployed; negative: InProgress for ever.
	inProgress int
}

type fakeSecret struct {
	arn, name, kmsKeyID string
	versions            []string // oldest first; the last is AWSCURRENT
	deleted             bool
	recoveryWindow      int64
	// tags are the secret's tags; createTags the Tags of its CreateSecret,
	// as sent.
	tags       map[string]string
	createTags []smtypes.Tag
}

// checkSecretTags refuses what Secrets Manager refuses: more than 50 tags,
// a repeated or empty key, a key or value over its length limit, and keys
// with the reserved aws: prefix.
func checkSecretTags(tags []smtypes.Tag) error {
	if len(tags) > 50 {
		return &smtypes.InvalidParameterException{Message: aws.String("too many tags")}
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k, v := aws.ToString(t.Key), aws.ToString(t.Value)
		if k == "" || len(k) > 128 || len(v) > 256 || seen[k] || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return &smtypes.InvalidParameterException{Message: aws.String(fmt.Sprintf("invalid tag %q=%q", k, v))}
		}
		seen[k] = true
	}
	return nil
}

// fakeAWS implements keypairCloudFront and keypairSecrets.
type fakeAWS struct {
	mu      sync.Mutex
	clock   *fakeClock
	seq     int
	keys    map[string]*fakePublicKey
	groups  map[string]*fakeKeyGroup
	secrets map[string]*fakeSecret // by ARN

	// calls logs every mutating call, e.g. "UpdateKeyGroup G1 [K1 K2]".
	calls []string
	// updateInputs are the UpdateKeyGroup requests, as sent.
	updateInputs []cloudfront.UpdateKeyGroupInput
	// fail makes the next call of the named operation fail with the error
	// (after skipping failSkip[op] calls).
	fail     map[string]error
	failSkip map[string]int
	// distributions by id; deployCalls is what an UpdateKeyGroup sets the
	// inProgress of every distribution that trusts the group to (0: the
	// change is Deployed at once). distPageSize is the page size of
	// ListDistributionsByKeyGroup (0: 100).
	distributions map[string]*fakeDistribution
	deployCalls   int
	distPageSize  int
	// listDistCalls counts the ListDistributionsByKeyGroup calls.
	listDistCalls int
	// onGetDistribution, when set, is called (without the lock held) with
	// the status each GetDistribution reports.
	onGetDistribution func(id, status string)
	// inUseAfterRemoval makes DeletePublicKey answer PublicKeyInUse that
	// many times for a key that has just left its group (CloudFront's
	// eventual consistency).
	inUseAfterRemoval int
	inUseLeft         map[string]int
}

func newFakeAWS(clock *fakeClock) *fakeAWS {
	return &fakeAWS{
		clock:         clock,
		keys:          map[string]*fakePublicKey{},
		groups:        map[string]*fakeKeyGroup{},
		secrets:       map[string]*fakeSecret{},
		fail:          map[string]error{},
		failSkip:      map[string]int{},
		inUseLeft:     map[string]int{},
		distributions: map[string]*fakeDistribution{},
	}
}

func (f *fakeAWS) manager() *keypairManager {
	return &keypairManager{cf: f, sm: f, now: f.clock.now, newKey: generateKeypair, pollInterval: time.Millisecond, waitTimeout: 5 * time.Second,
		deployMinDelay: time.Millisecond, deployMaxDelay: time.Millisecond}
}

func (f *fakeAWS) next(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s%d", prefix, f.seq)
}

func (f *fakeAWS) injected(op string) error {
	if err, ok := f.fail[op]; ok {
		if f.failSkip[op] > 0 {
			f.failSkip[op]--
			return nil
		}
		delete(f.fail, op)
		return err
	}
	return nil
}

func (f *fakeAWS) log(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// groupOf returns the id of the key group holding key id, or "".
func (f *fakeAWS) groupOf(id string) string {
	for gid, g := range f.groups {
		if slices.Contains(g.cfg.Items, id) {
			return gid
		}
	}
	return ""
}

func (f *fakeAWS) CreatePublicKey(_ context.Context, in *cloudfront.CreatePublicKeyInput, _ ...func(*cloudfront.Options)) (*cloudfront.CreatePublicKeyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("CreatePublicKey"); err != nil {
		return nil, err
	}
	for _, k := range f.keys {
		if aws.ToString(k.cfg.CallerReference) == aws.ToString(in.PublicKeyConfig.CallerReference) ||
			aws.ToString(k.cfg.Name) == aws.ToString(in.PublicKeyConfig.Name) {
			return nil, &cftypes.PublicKeyAlreadyExists{Message: aws.String("exists")}
		}
	}
	if _, err := parsePublicKeyPEM(aws.ToString(in.PublicKeyConfig.EncodedKey)); err != nil {
		return nil, &cftypes.InvalidArgument{Message: aws.String(err.Error())}
	}
	id := f.next("K")
	k := &fakePublicKey{cfg: *in.PublicKeyConfig, etag: f.next("E"), created: f.clock.now()}
	f.keys[id] = k
	f.log("CreatePublicKey %s", id)
	return &cloudfront.CreatePublicKeyOutput{ETag: aws.String(k.etag), PublicKey: f.publicKey(id, k)}, nil
}

func (f *fakeAWS) publicKey(id string, k *fakePublicKey) *cftypes.PublicKey {
	cfg := k.cfg
	return &cftypes.PublicKey{Id: aws.String(id), CreatedTime: aws.Time(k.created), PublicKeyConfig: &cfg}
}

func (f *fakeAWS) GetPublicKey(_ context.Context, in *cloudfront.GetPublicKeyInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetPublicKeyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.keys[aws.ToString(in.Id)]
	if !ok {
		return nil, &cftypes.NoSuchPublicKey{Message: aws.String("no such key")}
	}
	return &cloudfront.GetPublicKeyOutput{ETag: aws.String(k.etag), PublicKey: f.publicKey(aws.ToString(in.Id), k)}, nil
}

func (f *fakeAWS) ListPublicKeys(_ context.Context, _ *cloudfront.ListPublicKeysInput, _ ...func(*cloudfront.Options)) (*cloudfront.ListPublicKeysOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := &cftypes.PublicKeyList{}
	for id, k := range f.keys {
		list.Items = append(list.Items, cftypes.PublicKeySummary{Id: aws.String(id), EncodedKey: k.cfg.EncodedKey, CreatedTime: aws.Time(k.created)})
	}
	return &cloudfront.ListPublicKeysOutput{PublicKeyList: list}, nil
}

func (f *fakeAWS) DeletePublicKey(_ context.Context, in *cloudfront.DeletePublicKeyInput, _ ...func(*cloudfront.Options)) (*cloudfront.DeletePublicKeyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.Id)
	if err := f.injected("DeletePublicKey"); err != nil {
		return nil, err
	}
	k, ok := f.keys[id]
	switch {
	case !ok:
		return nil, &cftypes.NoSuchPublicKey{Message: aws.String("no such key")}
	case in.IfMatch == nil:
		return nil, &cftypes.InvalidIfMatchVersion{Message: aws.String("IfMatch missing")}
	case aws.ToString(in.IfMatch) != k.etag:
		return nil, &cftypes.PreconditionFailed{Message: aws.String("stale ETag")}
	case f.groupOf(id) != "":
		f.log("DeletePublicKey %s -> PublicKeyInUse", id)
		return nil, &cftypes.PublicKeyInUse{Message: aws.String("in use by " + f.groupOf(id))}
	case f.inUseLeft[id] > 0:
		f.inUseLeft[id]--
		f.log("DeletePublicKey %s -> PublicKeyInUse (propagating)", id)
		return nil, &cftypes.PublicKeyInUse{Message: aws.String("propagating")}
	}
	delete(f.keys, id)
	f.log("DeletePublicKey %s", id)
	return &cloudfront.DeletePublicKeyOutput{}, nil
}

func (f *fakeAWS) checkItems(items []string) error {
	if len(items) == 0 {
		return &cftypes.InvalidArgument{Message: aws.String("a key group needs at least one key")}
	}
	if len(items) > keypairMaxKeysPerGroup {
		return &cftypes.TooManyPublicKeysInKeyGroup{Message: aws.String("too many keys")}
	}
	for _, id := range items {
		if _, ok := f.keys[id]; !ok {
			return &cftypes.NoSuchPublicKey{Message: aws.String("no such key " + id)}
		}
	}
	return nil
}

func (f *fakeAWS) CreateKeyGroup(_ context.Context, in *cloudfront.CreateKeyGroupInput, _ ...func(*cloudfront.Options)) (*cloudfront.CreateKeyGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("CreateKeyGroup"); err != nil {
		return nil, err
	}
	for _, g := range f.groups {
		if aws.ToString(g.cfg.Name) == aws.ToString(in.KeyGroupConfig.Name) {
			return nil, &cftypes.KeyGroupAlreadyExists{Message: aws.String("exists")}
		}
	}
	if err := f.checkItems(in.KeyGroupConfig.Items); err != nil {
		return nil, err
	}
	id := f.next("G")
	g := &fakeKeyGroup{cfg: *in.KeyGroupConfig, etag: f.next("E")}
	g.cfg.Items = slices.Clone(g.cfg.Items)
	f.groups[id] = g
	f.log("CreateKeyGroup %s %v", id, g.cfg.Items)
	return &cloudfront.CreateKeyGroupOutput{ETag: aws.String(g.etag), KeyGroup: f.keyGroup(id, g)}, nil
}

func (f *fakeAWS) keyGroup(id string, g *fakeKeyGroup) *cftypes.KeyGroup {
	cfg := g.cfg
	cfg.Items = slices.Clone(cfg.Items)
	return &cftypes.KeyGroup{Id: aws.String(id), KeyGroupConfig: &cfg, LastModifiedTime: aws.Time(f.clock.now())}
}

func (f *fakeAWS) GetKeyGroup(_ context.Context, in *cloudfront.GetKeyGroupInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetKeyGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.groups[aws.ToString(in.Id)]
	if !ok {
		return nil, &cftypes.NoSuchResource{Message: aws.String("no such key group")}
	}
	return &cloudfront.GetKeyGroupOutput{ETag: aws.String(g.etag), KeyGroup: f.keyGroup(aws.ToString(in.Id), g)}, nil
}

func (f *fakeAWS) UpdateKeyGroup(_ context.Context, in *cloudfront.UpdateKeyGroupInput, _ ...func(*cloudfront.Options)) (*cloudfront.UpdateKeyGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updateInputs = append(f.updateInputs, *in)
	if err := f.injected("UpdateKeyGroup"); err != nil {
		return nil, err
	}
	id := aws.ToString(in.Id)
	g, ok := f.groups[id]
	switch {
	case !ok:
		return nil, &cftypes.NoSuchResource{Message: aws.String("no such key group")}
	case in.IfMatch == nil:
		return nil, &cftypes.InvalidIfMatchVersion{Message: aws.String("IfMatch missing")}
	case aws.ToString(in.IfMatch) != g.etag:
		f.log("UpdateKeyGroup %s -> PreconditionFailed", id)
		return nil, &cftypes.PreconditionFailed{Message: aws.String("stale ETag")}
	}
	if err := f.checkItems(in.KeyGroupConfig.Items); err != nil {
		return nil, err
	}
	for _, old := range g.cfg.Items {
		if !slices.Contains(in.KeyGroupConfig.Items, old) && f.inUseAfterRemoval > 0 {
			f.inUseLeft[old] = f.inUseAfterRemoval
		}
	}
	g.cfg = *in.KeyGroupConfig
	g.cfg.Items = slices.Clone(g.cfg.Items)
	g.etag = f.next("E")
	for _, d := range f.distributions {
		if slices.Contains(d.keyGroups, id) && d.inProgress >= 0 {
			d.inProgress = f.deployCalls
		}
	}
	f.log("UpdateKeyGroup %s %v", id, g.cfg.Items)
	return &cloudfront.UpdateKeyGroupOutput{ETag: aws.String(g.etag), KeyGroup: f.keyGroup(id, g)}, nil
}

func (f *fakeAWS) DeleteKeyGroup(_ context.Context, in *cloudfront.DeleteKeyGroupInput, _ ...func(*cloudfront.Options)) (*cloudfront.DeleteKeyGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.Id)
	g, ok := f.groups[id]
	switch {
	case !ok:
		return nil, &cftypes.NoSuchResource{Message: aws.String("no such key group")}
	case in.IfMatch == nil:
		return nil, &cftypes.InvalidIfMatchVersion{Message: aws.String("IfMatch missing")}
	case aws.ToString(in.IfMatch) != g.etag:
		return nil, &cftypes.PreconditionFailed{Message: aws.String("stale ETag")}
	}
	delete(f.groups, id)
	f.log("DeleteKeyGroup %s", id)
	return &cloudfront.DeleteKeyGroupOutput{}, nil
}

// addDistribution adds a distribution that trusts the key groups; it is
// Deployed.
func (f *fakeAWS) addDistribution(keyGroups ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.next("D")
	f.distributions[id] = &fakeDistribution{keyGroups: keyGroups}
	return id
}

func (f *fakeAWS) ListDistributionsByKeyGroup(_ context.Context, in *cloudfront.ListDistributionsByKeyGroupInput, _ ...func(*cloudfront.Options)) (*cloudfront.ListDistributionsByKeyGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listDistCalls++
	if err := f.injected("ListDistributionsByKeyGroup"); err != nil {
		return nil, err
	}
	group := aws.ToString(in.KeyGroupId)
	if _, ok := f.groups[group]; !ok {
		return nil, &cftypes.NoSuchResource{Message: aws.String("no such key group")}
	}
	var ids []string
	for id, d := range f.distributions {
		if slices.Contains(d.keyGroups, group) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	start := 0
	if m := aws.ToString(in.Marker); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n <= 0 || n > len(ids) {
			return nil, &cftypes.InvalidArgument{Message: aws.String("invalid marker " + m)}
		}
		start = n
	}
	size := f.distPageSize
	if size <= 0 {
		size = 100
	}
	end := min(start+size, len(ids))
	list := &cftypes.DistributionIdList{
		Items:       slices.Clone(ids[start:end]),
		Marker:      aws.String(aws.ToString(in.Marker)),
		MaxItems:    aws.Int32(int32(size)),
		Quantity:    aws.Int32(int32(end - start)),
		IsTruncated: aws.Bool(end < len(ids)),
	}
	if end < len(ids) {
		list.NextMarker = aws.String(strconv.Itoa(end))
	}
	return &cloudfront.ListDistributionsByKeyGroupOutput{DistributionIdList: list}, nil
}

func (f *fakeAWS) GetDistribution(_ context.Context, in *cloudfront.GetDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	status, out, err := func() (string, *cloudfront.GetDistributionOutput, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if err := f.injected("GetDistribution"); err != nil {
			return "", nil, err
		}
		id := aws.ToString(in.Id)
		d, ok := f.distributions[id]
		if !ok {
			return "", nil, &cftypes.NoSuchDistribution{Message: aws.String("no such distribution")}
		}
		status := "Deployed"
		if d.inProgress != 0 {
			status = "InProgress"
			if d.inProgress > 0 {
				d.inProgress--
			}
		}
		f.log("GetDistribution %s %s", id, status)
		return status, &cloudfront.GetDistributionOutput{
			ETag:         aws.String("E" + id),
			Distribution: &cftypes.Distribution{Id: aws.String(id), Status: aws.String(status)},
		}, nil
	}()
	if err == nil && f.onGetDistribution != nil {
		f.onGetDistribution(aws.ToString(in.Id), status)
	}
	return out, err
}

func (f *fakeAWS) findSecret(id string) *fakeSecret {
	if s, ok := f.secrets[id]; ok {
		return s
	}
	for _, s := range f.secrets {
		if s.name == id {
			return s
		}
	}
	return nil
}

func (f *fakeAWS) CreateSecret(_ context.Context, in *secretsmanager.CreateSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("CreateSecret"); err != nil {
		return nil, err
	}
	if f.findSecret(aws.ToString(in.Name)) != nil {
		return nil, &smtypes.ResourceExistsException{Message: aws.String("exists")}
	}
	s := &fakeSecret{
		arn:      "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + aws.ToString(in.Name) + "-AbCdEf",
		name:     aws.ToString(in.Name),
		kmsKeyID: aws.ToString(in.KmsKeyId),
		versions: []string{aws.ToString(in.SecretString)},
		tags:     map[string]string{},
	}
	if err := checkSecretTags(in.Tags); err != nil {
		return nil, err
	}
	s.createTags = slices.Clone(in.Tags)
	for _, t := range in.Tags {
		s.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.secrets[s.arn] = s
	f.log("CreateSecret %s", s.name)
	return &secretsmanager.CreateSecretOutput{ARN: aws.String(s.arn), Name: aws.String(s.name)}, nil
}

func (f *fakeAWS) PutSecretValue(_ context.Context, in *secretsmanager.PutSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("PutSecretValue"); err != nil {
		return nil, err
	}
	s := f.findSecret(aws.ToString(in.SecretId))
	if s == nil {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("not found")}
	}
	if s.deleted {
		return nil, &smtypes.InvalidRequestException{Message: aws.String("scheduled for deletion")}
	}
	s.versions = append(s.versions, aws.ToString(in.SecretString))
	f.log("PutSecretValue %s", s.name)
	return &secretsmanager.PutSecretValueOutput{ARN: aws.String(s.arn)}, nil
}

func (f *fakeAWS) DescribeSecret(_ context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.findSecret(aws.ToString(in.SecretId))
	if s == nil {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("not found")}
	}
	out := &secretsmanager.DescribeSecretOutput{ARN: aws.String(s.arn), Name: aws.String(s.name), KmsKeyId: optionalString(s.kmsKeyID)}
	if s.deleted {
		out.DeletedDate = aws.Time(f.clock.now())
	}
	return out, nil
}

func (f *fakeAWS) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.findSecret(aws.ToString(in.SecretId))
	if s == nil {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("not found")}
	}
	if s.deleted {
		return nil, &smtypes.InvalidRequestException{Message: aws.String("scheduled for deletion")}
	}
	return &secretsmanager.GetSecretValueOutput{ARN: aws.String(s.arn), SecretString: aws.String(s.versions[len(s.versions)-1])}, nil
}

func (f *fakeAWS) DeleteSecret(_ context.Context, in *secretsmanager.DeleteSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.findSecret(aws.ToString(in.SecretId))
	if s == nil {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("not found")}
	}
	if aws.ToBool(in.ForceDeleteWithoutRecovery) {
		if in.RecoveryWindowInDays != nil {
			return nil, &smtypes.InvalidParameterException{Message: aws.String("both set")}
		}
		delete(f.secrets, s.arn)
		f.log("DeleteSecret %s force", s.name)
		return &secretsmanager.DeleteSecretOutput{ARN: aws.String(s.arn)}, nil
	}
	if s.deleted {
		return nil, &smtypes.InvalidRequestException{Message: aws.String("already scheduled for deletion")}
	}
	s.deleted, s.recoveryWindow = true, aws.ToInt64(in.RecoveryWindowInDays)
	f.log("DeleteSecret %s window=%d", s.name, s.recoveryWindow)
	return &secretsmanager.DeleteSecretOutput{ARN: aws.String(s.arn)}, nil
}

func (f *fakeAWS) TagResource(_ context.Context, in *secretsmanager.TagResourceInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.TagResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.injected("TagResource"); err != nil {
		return nil, err
	}
	s := f.findSecret(aws.ToString(in.SecretId))
	if s == nil {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("not found")}
	}
	if err := checkSecretTags(in.Tags); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(in.Tags))
	for _, t := range in.Tags {
		s.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		keys = append(keys, aws.ToString(t.Key))
	}
	f.log("TagResource %s %v", s.name, keys)
	return &secretsmanager.TagResourceOutput{}, nil
}

// secretTags returns the tags of the secret arn, and the Tags its
// CreateSecret sent.
func (f *fakeAWS) secretTags(arn string) (map[string]string, []smtypes.Tag) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.secrets[arn]
	if s == nil {
		return nil, nil
	}
	return maps.Clone(s.tags), slices.Clone(s.createTags)
}

// currentSecret returns the current value of the secret arn.
func (f *fakeAWS) currentSecret(arn string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.secrets[arn]
	if s == nil {
		return ""
	}
	return s.versions[len(s.versions)-1]
}

// items returns the key ids of key group id.
func (f *fakeAWS) items(id string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.groups[id]; g != nil {
		return slices.Clone(g.cfg.Items)
	}
	return nil
}

func publicKeyInput(name string, k *generatedKey) *cloudfront.CreatePublicKeyInput {
	return &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &cftypes.PublicKeyConfig{
		CallerReference: aws.String(name), Name: aws.String(name), EncodedKey: aws.String(k.publicPEM),
	}}
}

func createSecretInput(name, value string) *secretsmanager.CreateSecretInput {
	return &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)}
}

func deleteSecretInput(arn string) *secretsmanager.DeleteSecretInput {
	return &secretsmanager.DeleteSecretInput{SecretId: aws.String(arn), RecoveryWindowInDays: aws.Int64(7)}
}
