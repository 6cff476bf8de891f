package provider

// Acceptance tests of refarch_signed_url_keypair against the local AWS
// sandbox (kumo). They skip without the sandbox unless TF_ACC is set (see
// sandboxtest.Start).
//
// Rotation and cleanup change a key group's members with CloudFront
// UpdateKeyGroup and look up the distributions that trust it with
// ListDistributionsByKeyGroup. kumo v0.33.1 has neither; the sandbox's kumo
// is built with tools/patches/kumo, which adds both (see KUMO_PATCHES in
// tools/versions.env). startKeypairSandbox fails every test here, naming the
// missing operation, when the sandbox runs a kumo without them. kumo ignores
// IfMatch on DeleteKeyGroup and DeletePublicKey, so stale ETags on deletes
// are covered by the strict fake (TestAccSignedURLKeypair_rotationWithFakeAWS,
// TestSignedURLKeypairRotationLifecycle and its siblings).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

const testAccKeypairAddr = "refarch_signed_url_keypair.test"

var rfc3339RE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// keypairSandbox is the sandbox plus SDK clients for checks.
type keypairSandbox struct {
	sb *sandbox.Sandbox
	cf *cloudfront.Client
	sm *secretsmanager.Client
}

func startKeypairSandbox(t *testing.T) *keypairSandbox {
	t.Helper()
	isolateAWSEnv(t)
	sb := sandboxtest.Start(t)
	cfg, err := sb.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	k := &keypairSandbox{sb: sb, cf: cloudfront.NewFromConfig(cfg), sm: secretsmanager.NewFromConfig(cfg)}
	k.requireKeyGroupAPIs(t)
	return k
}

// requireKeyGroupAPIs fails the test unless the sandbox implements the
// CloudFront operations that rotation needs. Both answer a missing key group
// with NoSuchResource (UpdateKeyGroup as on AWS; ListDistributionsByKeyGroup
// has it among its errors in the SDK); any other answer (kumo without
// tools/patches/kumo: HTTP 405 or 404 without a CloudFront error code) means
// the operation is missing.
func (k *keypairSandbox) requireKeyGroupAPIs(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	_, err := k.cf.UpdateKeyGroup(ctx, &cloudfront.UpdateKeyGroupInput{
		Id: aws.String("refarch-probe"), IfMatch: aws.String("E0"),
		KeyGroupConfig: &cftypes.KeyGroupConfig{Name: aws.String("refarch-probe"), Items: []string{"K0"}},
	})
	if !errors.As(err, new(*cftypes.NoSuchResource)) {
		t.Fatalf("the sandbox does not implement CloudFront UpdateKeyGroup (PUT /2020-05-31/key-group/{Id}), "+
			"which rotation needs (probe: %v); is REFARCH_KUMO a kumo built with tools/patches/kumo (tools/tool.sh build kumo)?", err)
	}
	_, err = k.cf.ListDistributionsByKeyGroup(ctx, &cloudfront.ListDistributionsByKeyGroupInput{KeyGroupId: aws.String("refarch-probe")})
	if !errors.As(err, new(*cftypes.NoSuchResource)) {
		t.Fatalf("the sandbox does not implement CloudFront ListDistributionsByKeyGroup (GET /2020-05-31/distributionsByKeyGroupId/{KeyGroupId}), "+
			"which rotation needs (probe: %v); is REFARCH_KUMO a kumo built with tools/patches/kumo (tools/tool.sh build kumo)?", err)
	}
}

func (k *keypairSandbox) config(name, extra string) string {
	return testAccConfig(k.sb.ProviderBlock("refarch") + fmt.Sprintf(`
resource "refarch_signed_url_keypair" "test" {
  name    = %q
  comment = "refarch acceptance test"
%s}
`, name, extra))
}

// attrs returns the state attributes of the resource.
func keypairAttrs(s *terraform.State) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[testAccKeypairAddr]
	if !ok {
		return nil, fmt.Errorf("%s not in state", testAccKeypairAddr)
	}
	return rs.Primary.Attributes, nil
}

func stateKeyIDs(a map[string]string) []string {
	n, _ := strconv.Atoi(a["public_keys.#"])
	ids := make([]string, n)
	for i := range ids {
		ids[i] = a[fmt.Sprintf("public_keys.%d.id", i)]
	}
	return ids
}

// checkInAWS checks with the SDK that the key group holds exactly the state's
// public keys, that public_key_pem is what CloudFront holds for the active
// key, and that the secret's current value is the matching private key with
// the active key's id.
func (k *keypairSandbox) checkInAWS(wantKeys int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		a, err := keypairAttrs(s)
		if err != nil {
			return err
		}
		ids := stateKeyIDs(a)
		if len(ids) != wantKeys {
			return fmt.Errorf("public_keys has %d keys, want %d", len(ids), wantKeys)
		}
		group, err := findKeyGroupByID(ctx, k.cf, a["key_group_id"])
		if err != nil {
			return err
		}
		if items := group.KeyGroup.KeyGroupConfig.Items; !sameIDSet(items, ids) {
			return fmt.Errorf("key group %s holds %v, state has %v", a["key_group_id"], items, ids)
		}
		if name := aws.ToString(group.KeyGroup.KeyGroupConfig.Name); name != a["name"] {
			return fmt.Errorf("key group name %q", name)
		}
		if !slices.Contains(ids, a["public_key_id"]) || ids[len(ids)-1] != a["public_key_id"] {
			return fmt.Errorf("public_key_id %s is not the last of public_keys %v", a["public_key_id"], ids)
		}
		pk, err := findPublicKeyByID(ctx, k.cf, a["public_key_id"])
		if err != nil {
			return err
		}
		if !samePublicKey(aws.ToString(pk.PublicKey.PublicKeyConfig.EncodedKey), a["public_key_pem"]) {
			return errors.New("public_key_pem differs from the CloudFront public key")
		}

		val, err := k.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(a["secret_arn"])})
		if err != nil {
			return fmt.Errorf("GetSecretValue: %w", err)
		}
		keyPairID, key, err := decodeKeypairSecret(aws.ToString(val.SecretString))
		if err != nil {
			return err
		}
		if keyPairID != a["public_key_id"] {
			return fmt.Errorf("secret key_pair_id %q, want public_key_id %q", keyPairID, a["public_key_id"])
		}
		if !samePublicKey(key.publicPEM, a["public_key_pem"]) {
			return errors.New("the secret's private key does not belong to public_key_pem")
		}
		for attr, v := range a {
			if strings.Contains(v, "PRIVATE KEY") {
				return fmt.Errorf("state attribute %s holds a private key", attr)
			}
		}
		return nil
	}
}

// checkDestroyed checks that the key group, its public keys and the secret
// are gone (the secret deleted at once when forceDeleted, else scheduled for
// deletion).
func (k *keypairSandbox) checkDestroyed(forceDeleted bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "refarch_signed_url_keypair" {
				continue
			}
			a := rs.Primary.Attributes
			if _, err := findKeyGroupByID(ctx, k.cf, a["id"]); !errors.Is(err, errKeypairNotFound) {
				return fmt.Errorf("key group %s still exists (%v)", a["id"], err)
			}
			for _, id := range stateKeyIDs(a) {
				if _, err := findPublicKeyByID(ctx, k.cf, id); !errors.Is(err, errKeypairNotFound) {
					return fmt.Errorf("public key %s still exists (%v)", id, err)
				}
			}
			_, err := k.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(a["secret_arn"])})
			if forceDeleted && !errors.As(err, new(*smtypes.ResourceNotFoundException)) {
				return fmt.Errorf("secret %s was not deleted without recovery (%v)", a["secret_arn"], err)
			}
			if _, err := findSecretByID(ctx, k.sm, a["secret_arn"]); !errors.Is(err, errKeypairNotFound) {
				return fmt.Errorf("secret %s still exists (%v)", a["secret_arn"], err)
			}
		}
		return nil
	}
}

func TestAccSignedURLKeypair_basic(t *testing.T) {
	k := startKeypairSandbox(t)
	name := "refarch-acc-basic"
	cfg := func(rotation, grace string) string {
		return k.config(name, fmt.Sprintf("  rotation                    = %q\n  rotation_grace_period       = %q\n  secret_recovery_window_days = 0\n", rotation, grace))
	}
	sameKeyGroup := statecheck.CompareValue(compare.ValuesSame())
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	activeKey := statecheck.CompareValue(compare.ValuesSame())
	rotatedKey := statecheck.CompareValue(compare.ValuesDiffer())
	var firstKeyID string

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             k.checkDestroyed(true),
		Steps: []resource.TestStep{
			{
				Config: cfg("v1", "1h"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("comment"), knownvalue.StringExact("refarch acceptance test")),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("kms_key_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("secret_recovery_window_days"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("key_group_id"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("public_key_id"), knownvalue.StringRegexp(regexp.MustCompile(`^K\w+$`))),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("public_key_pem"),
						knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN PUBLIC KEY-----\n`))),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("secret_arn"),
						knownvalue.StringRegexp(regexp.MustCompile(`^arn:aws:secretsmanager:us-east-1:\d*:secret:refarch/signed-url-keypair/`+name+`/`))),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("pending_cleanup"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("public_keys"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":         knownvalue.StringRegexp(regexp.MustCompile(`^K\w+$`)),
							"created_at": knownvalue.StringRegexp(rfc3339RE),
							"retired_at": knownvalue.Null(),
						}),
					})),
					statecheck.CompareValuePairs(testAccKeypairAddr, tfjsonpath.New("public_keys").AtSliceIndex(0).AtMapKey("id"),
						testAccKeypairAddr, tfjsonpath.New("public_key_id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(testAccKeypairAddr, tfjsonpath.New("id"),
						testAccKeypairAddr, tfjsonpath.New("key_group_id"), compare.ValuesSame()),
					sameKeyGroup.AddStateValue(testAccKeypairAddr, tfjsonpath.New("key_group_id")),
					sameSecret.AddStateValue(testAccKeypairAddr, tfjsonpath.New("secret_arn")),
					activeKey.AddStateValue(testAccKeypairAddr, tfjsonpath.New("public_key_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						firstKeyID = a["public_key_id"]
						return err
					},
				),
			},
			{
				// Re-applying the same configuration changes nothing.
				Config: cfg("v1", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A longer grace period is recorded in place, with no AWS change.
				Config: cfg("v1", "2h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccKeypairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("public_key_id"), knownvalue.NotNull()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("rotation_grace_period"), knownvalue.StringExact("2h")),
					sameKeyGroup.AddStateValue(testAccKeypairAddr, tfjsonpath.New("key_group_id")),
					activeKey.AddStateValue(testAccKeypairAddr, tfjsonpath.New("public_key_id")),
					rotatedKey.AddStateValue(testAccKeypairAddr, tfjsonpath.New("public_key_id")),
				},
				Check: k.checkInAWS(1),
			},
			{
				// Rotation: a second key in the same key group; the new key is
				// active, the old one retired but still trusted.
				Config: cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccKeypairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(testAccKeypairAddr, tfjsonpath.New("public_key_id")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameKeyGroup.AddStateValue(testAccKeypairAddr, tfjsonpath.New("key_group_id")),
					sameSecret.AddStateValue(testAccKeypairAddr, tfjsonpath.New("secret_arn")),
					rotatedKey.AddStateValue(testAccKeypairAddr, tfjsonpath.New("public_key_id")),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("public_keys"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":         knownvalue.StringFunc(func(v string) error { return expectEqual(v, firstKeyID) }),
							"created_at": knownvalue.StringRegexp(rfc3339RE),
							"retired_at": knownvalue.StringRegexp(rfc3339RE),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":         knownvalue.StringRegexp(regexp.MustCompile(`^K\w+$`)),
							"created_at": knownvalue.StringRegexp(rfc3339RE),
							"retired_at": knownvalue.Null(),
						}),
					})),
				},
				Check: k.checkInAWS(2),
			},
			{
				// Within the grace period a re-apply changes nothing.
				Config: cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A zero grace period ends it: the old key leaves the group and
				// is deleted.
				Config: cfg("v2", "0s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccKeypairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("public_keys"), knownvalue.ListSizeExact(1)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameKeyGroup.AddStateValue(testAccKeypairAddr, tfjsonpath.New("key_group_id")),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("pending_cleanup"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					func(*terraform.State) error {
						if _, err := findPublicKeyByID(context.Background(), k.cf, firstKeyID); !errors.Is(err, errKeypairNotFound) {
							return fmt.Errorf("the retired public key %s was not deleted (%v)", firstKeyID, err)
						}
						return nil
					},
				),
			},
			{
				Config: cfg("v2", "0s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func expectEqual(got, want string) error {
	if got != want {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

// TestAccSignedURLKeypair_disappears deletes the key group behind OpenTofu's
// back: the plan replaces the resource, and the apply deletes the old public
// key and secret before creating new ones.
func TestAccSignedURLKeypair_disappears(t *testing.T) {
	k := startKeypairSandbox(t)
	cfg := k.config("refarch-acc-disappears", "")
	var old map[string]string

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             k.checkDestroyed(false),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					func(s *terraform.State) (err error) {
						old, err = keypairAttrs(s)
						if err != nil {
							return err
						}
						ctx := context.Background()
						group, err := findKeyGroupByID(ctx, k.cf, old["key_group_id"])
						if err != nil {
							return err
						}
						_, err = k.cf.DeleteKeyGroup(ctx, &cloudfront.DeleteKeyGroupInput{Id: aws.String(old["key_group_id"]), IfMatch: group.ETag})
						return err
					},
				),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccKeypairAddr, plancheck.ResourceActionReplace),
					},
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testAccKeypairAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						if a["key_group_id"] == old["key_group_id"] || a["secret_arn"] == old["secret_arn"] {
							return errors.New("the replacement reused the old key group or secret")
						}
						ctx := context.Background()
						if _, err := findPublicKeyByID(ctx, k.cf, old["public_key_id"]); !errors.Is(err, errKeypairNotFound) {
							return fmt.Errorf("the old public key %s was left behind (%v)", old["public_key_id"], err)
						}
						if _, err := findSecretByID(ctx, k.sm, old["secret_arn"]); !errors.Is(err, errKeypairNotFound) {
							return fmt.Errorf("the old secret %s was left behind (%v)", old["secret_arn"], err)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccSignedURLKeypair_import(t *testing.T) {
	k := startKeypairSandbox(t)
	// kumo does not check that the KMS key exists.
	cfg := k.config("refarch-acc-import", "  kms_key_id = \"alias/refarch-acc\"\n")
	var imported map[string]string

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             k.checkDestroyed(false),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("rotation_grace_period"), knownvalue.StringExact("24h")),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("secret_recovery_window_days"), knownvalue.Int64Exact(7)),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("rotation"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccKeypairAddr, tfjsonpath.New("kms_key_id"), knownvalue.StringExact("alias/refarch-acc")),
				},
				Check: func(s *terraform.State) (err error) {
					imported, err = keypairAttrs(s)
					return err
				},
			},
			{
				ResourceName:      testAccKeypairAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					a, err := keypairAttrs(s)
					return a["key_group_id"] + "," + a["secret_arn"], err
				},
			},
			{
				ResourceName:  testAccKeypairAddr,
				ImportState:   true,
				ImportStateId: "only-a-key-group-id",
				ExpectError:   regexp.MustCompile(`<key_group_id>,<secret_arn>`),
			},
			{
				// A new name replaces everything; the old key group, key and
				// secret are deleted first.
				Config: k.config("refarch-acc-renamed", "  kms_key_id = \"alias/refarch-acc\"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccKeypairAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					resource.TestCheckResourceAttr(testAccKeypairAddr, "name", "refarch-acc-renamed"),
					func(s *terraform.State) error {
						a, _ := keypairAttrs(s)
						if a["key_group_id"] == imported["key_group_id"] {
							return errors.New("the key group was not replaced")
						}
						old := &terraform.State{Modules: []*terraform.ModuleState{{Path: []string{"root"}, Resources: map[string]*terraform.ResourceState{
							testAccKeypairAddr: {Type: "refarch_signed_url_keypair", Primary: &terraform.InstanceState{ID: imported["id"], Attributes: imported}},
						}}}}
						return k.checkDestroyed(false)(old)
					},
				),
			},
		},
	})
}

// edgeFixture is an S3 bucket with one object behind a sandbox CloudFront
// distribution whose default cache behaviour trusts one key group, so that
// URLs signed by the keypair's signers can be tried at kumo's edge
// (/kumo/cdn/{distributionId}/{path}).
type edgeFixture struct {
	k    *keypairSandbox
	dist *cloudfront.CreateDistributionOutput
	url  string // the object's unsigned URL at the edge
}

const edgeObjectBody = "video a"

// putEdgeObject creates the bucket with videos/a.mp4 in it.
func (k *keypairSandbox) putEdgeObject(t *testing.T, bucket string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := k.sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("videos/a.mp4"),
		Body: strings.NewReader(edgeObjectBody)}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
}

// createEdgeDistribution puts a distribution in front of bucket whose
// default cache behaviour trusts keyGroupID.
func (k *keypairSandbox) createEdgeDistribution(bucket, keyGroupID string) (*edgeFixture, error) {
	dist, err := k.cf.CreateDistribution(context.Background(), &cloudfront.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String(bucket),
		Comment:         aws.String("refarch_signed_url_keypair test"),
		Enabled:         aws.Bool(true),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{
			Id: aws.String("media"), DomainName: aws.String(bucket + ".s3.us-east-1.amazonaws.com"),
			S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")},
		}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{
			TargetOriginId: aws.String("media"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyAllowAll,
			TrustedKeyGroups: &cftypes.TrustedKeyGroups{Enabled: aws.Bool(true), Quantity: aws.Int32(1), Items: []string{keyGroupID}},
		},
	}})
	if err != nil {
		return nil, fmt.Errorf("CreateDistribution: %w", err)
	}
	return &edgeFixture{k: k, dist: dist, url: k.sb.Endpoint + "/kumo/cdn/" + aws.ToString(dist.Distribution.Id) + "/videos/a.mp4"}, nil
}

// delete deletes the distribution, which must be gone before the key group
// can be destroyed.
func (e *edgeFixture) delete() error {
	ctx := context.Background()
	got, err := e.k.cf.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: e.dist.Distribution.Id})
	if err != nil {
		return fmt.Errorf("GetDistribution: %w", err)
	}
	_, err = e.k.cf.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: e.dist.Distribution.Id, IfMatch: got.ETag})
	return err
}

// get fetches url from the sandbox.
func (e *edgeFixture) get(url string) (int, string, error) {
	resp, err := e.k.sb.HTTPClient().Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// expect checks that the edge answers a GET of url with want (and, for 200,
// with the object).
func (e *edgeFixture) expect(what, url string, want int) error {
	status, body, err := e.get(url)
	if err != nil {
		return fmt.Errorf("GET %s: %w", what, err)
	}
	if status != want || (want == http.StatusOK && body != edgeObjectBody) {
		return fmt.Errorf("GET %s: %d %q, want %d", what, status, body, want)
	}
	return nil
}

// signWithSecret signs url the way a signer does: key pair id and private
// key from the secret's current value. The URL is valid for six hours, far
// beyond the test.
func (k *keypairSandbox) signWithSecret(secretARN, url string) (keyPairID, signed string, err error) {
	val, err := k.sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
	if err != nil {
		return "", "", fmt.Errorf("GetSecretValue: %w", err)
	}
	keyPairID, key, err := decodeKeypairSecret(aws.ToString(val.SecretString))
	if err != nil {
		return "", "", err
	}
	signed, err = sign.NewURLSigner(keyPairID, key.private).Sign(url, time.Now().Add(6*time.Hour))
	return keyPairID, signed, err
}

// TestAccSignedURLKeypair_signsURLs signs a URL the way a signer does — key
// pair id and private key from the secret — and has the sandbox's CloudFront
// edge verify it against the key group.
func TestAccSignedURLKeypair_signsURLs(t *testing.T) {
	k := startKeypairSandbox(t)
	const bucket = "refarch-keypair-media"
	k.putEdgeObject(t, bucket)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             k.checkDestroyed(true),
		Steps: []resource.TestStep{{
			Config: k.config("refarch-acc-sign", "  secret_recovery_window_days = 0\n"),
			Check: func(s *terraform.State) (err error) {
				a, err := keypairAttrs(s)
				if err != nil {
					return err
				}
				edge, err := k.createEdgeDistribution(bucket, a["key_group_id"])
				if err != nil {
					return err
				}
				defer func() { err = errors.Join(err, edge.delete()) }()

				keyPairID, signed, err := k.signWithSecret(a["secret_arn"], edge.url)
				if err != nil {
					return err
				}
				if err := edge.expect("signed with the secret's key", signed, http.StatusOK); err != nil {
					return err
				}
				if err := edge.expect("unsigned", edge.url, http.StatusForbidden); err != nil {
					return err
				}
				other, _ := generateKeypair()
				forged, _ := sign.NewURLSigner(keyPairID, other.private).Sign(edge.url, time.Now().Add(6*time.Hour))
				if err := edge.expect("signed with another key", forged, http.StatusForbidden); err != nil {
					return err
				}
				t.Logf("URL signed with the secret's key (Key-Pair-Id %s): 200; unsigned and forged: 403", keyPairID)
				return nil
			},
		}},
	})
}

// TestAccSignedURLKeypair_rotationAtTheEdge follows a signer through a
// rotation at the sandbox's CloudFront edge: a URL signed with the old key
// (from the secret before the rotation) keeps working during the grace
// period, one signed with the new key (from the secret after it) works at
// once, and once the grace period is over the cleanup apply takes the old
// key out of the key group, after which only the new key's URL works. The
// distribution trusts the key group throughout, so the rotation finds it
// with ListDistributionsByKeyGroup.
func TestAccSignedURLKeypair_rotationAtTheEdge(t *testing.T) {
	k := startKeypairSandbox(t)
	const bucket = "refarch-keypair-rotation"
	const name = "refarch-acc-rotation-edge"
	k.putEdgeObject(t, bucket)
	cfg := func(rotation, grace string) string {
		return k.config(name, fmt.Sprintf("  rotation                    = %q\n  rotation_grace_period       = %q\n  secret_recovery_window_days = 0\n", rotation, grace))
	}
	var (
		edge                 *edgeFixture
		oldKeyID, newKeyID   string
		oldSigned, newSigned string
	)
	// trustedBy checks with ListDistributionsByKeyGroup which distributions
	// trust the key group.
	trustedBy := func(keyGroupID string, want ...string) error {
		out, err := k.cf.ListDistributionsByKeyGroup(context.Background(), &cloudfront.ListDistributionsByKeyGroupInput{KeyGroupId: aws.String(keyGroupID)})
		if err != nil {
			return fmt.Errorf("ListDistributionsByKeyGroup: %w", err)
		}
		var got []string
		if out.DistributionIdList != nil {
			got = out.DistributionIdList.Items
			if int(aws.ToInt32(out.DistributionIdList.Quantity)) != len(got) || aws.ToBool(out.DistributionIdList.IsTruncated) {
				return fmt.Errorf("ListDistributionsByKeyGroup: Quantity %d, IsTruncated %v for %v",
					aws.ToInt32(out.DistributionIdList.Quantity), aws.ToBool(out.DistributionIdList.IsTruncated), got)
			}
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("ListDistributionsByKeyGroup(%s) = %v, want %v", keyGroupID, got, want)
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             k.checkDestroyed(true),
		Steps: []resource.TestStep{
			{
				// One key; a signer signs with it.
				Config: cfg("v1", "1h"),
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					func(s *terraform.State) (err error) {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						if edge, err = k.createEdgeDistribution(bucket, a["key_group_id"]); err != nil {
							return err
						}
						if err := trustedBy(a["key_group_id"], aws.ToString(edge.dist.Distribution.Id)); err != nil {
							return err
						}
						if oldKeyID, oldSigned, err = k.signWithSecret(a["secret_arn"], edge.url); err != nil {
							return err
						}
						if oldKeyID != a["public_key_id"] {
							return fmt.Errorf("the secret holds key %s, the active key is %s", oldKeyID, a["public_key_id"])
						}
						return edge.expect("signed with the first key", oldSigned, http.StatusOK)
					},
				),
			},
			{
				// Rotation: the old key's URL still works during the grace
				// period, and the new key's URL works at once.
				Config: cfg("v2", "1h"),
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(2),
					func(s *terraform.State) (err error) {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						if newKeyID, newSigned, err = k.signWithSecret(a["secret_arn"], edge.url); err != nil {
							return err
						}
						if newKeyID == oldKeyID || newKeyID != a["public_key_id"] {
							return fmt.Errorf("after the rotation the secret holds key %s (old %s, active %s)", newKeyID, oldKeyID, a["public_key_id"])
						}
						return errors.Join(
							edge.expect("signed with the old key during the grace period", oldSigned, http.StatusOK),
							edge.expect("signed with the new key", newSigned, http.StatusOK),
						)
					},
				),
			},
			{
				// The grace period is over: the cleanup apply takes the old
				// key out of the key group and deletes it. Its URLs fail, the
				// new key's still work.
				Config: cfg("v2", "0s"),
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					resource.TestCheckResourceAttr(testAccKeypairAddr, "pending_cleanup", "false"),
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						if err := errors.Join(
							edge.expect("signed with the old key after the cleanup", oldSigned, http.StatusForbidden),
							edge.expect("signed with the new key after the cleanup", newSigned, http.StatusOK),
						); err != nil {
							return err
						}
						t.Logf("Key-Pair-Id %s: 200 before and during the grace period, 403 after the cleanup; Key-Pair-Id %s: 200 from the rotation on",
							oldKeyID, newKeyID)
						// The distribution must be gone before the key group
						// can be destroyed.
						if err := edge.delete(); err != nil {
							return err
						}
						return trustedBy(a["key_group_id"])
					},
				),
			},
		},
	})
}
