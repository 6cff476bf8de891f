//go:build aws

package provider

// The rotation and cleanup of refarch_signed_url_keypair against real AWS
// (see acc_aws_test.go). Locally they run against kumo only with
// tools/patches/kumo, which adds the CloudFront UpdateKeyGroup and
// ListDistributionsByKeyGroup that kumo lacks
// (signed_url_keypair_resource_sandbox_test.go), and against the strict fake
// (TestAccSignedURLKeypair_rotationWithFakeAWS).

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/refarch/terraform-provider-refarch/internal/sweep"
)

func TestAccAWSSignedURLKeypair_rotation(t *testing.T) {
	e := newAWSAcc(t)
	name := awsAccName()
	// checkInAWS and the helpers of the sandbox test need only the clients.
	k := &keypairSandbox{cf: cloudfront.NewFromConfig(e.cfg), sm: secretsmanager.NewFromConfig(e.cfg)}
	cfg := func(rotation, grace string) string {
		return e.config(fmt.Sprintf(`
resource "refarch_signed_url_keypair" "test" {
  name                        = %q
  comment                     = "refarch real-AWS acceptance test"
  rotation                    = %q
  rotation_grace_period       = %q
  secret_recovery_window_days = 0
}
`, name, rotation, grace))
	}
	addr := testAccKeypairAddr
	sameKeyGroup := statecheck.CompareValue(compare.ValuesSame())
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	rotatedKey := statecheck.CompareValue(compare.ValuesDiffer())
	// Every public key the test saw, for CheckDestroy.
	var firstKeyID, secondKeyID string

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { awsAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			return awsKeypairDestroyed(k, s, firstKeyID, secondKeyID)
		},
		Steps: []resource.TestStep{
			{
				// Create: one public key in a new key group, the private key
				// in a new secret.
				Config: cfg("v1", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("key_group_id"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_key_id"), knownvalue.StringRegexp(regexp.MustCompile(`^K\w+$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_key_pem"),
						knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN PUBLIC KEY-----\n`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_arn"), knownvalue.StringRegexp(regexp.MustCompile(
						`^arn:aws[a-z-]*:secretsmanager:`+regexp.QuoteMeta(e.region)+`:\d{12}:secret:refarch/signed-url-keypair/`+name+`/`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_cleanup"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_keys"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":         knownvalue.StringRegexp(regexp.MustCompile(`^K\w+$`)),
							"created_at": knownvalue.StringRegexp(rfc3339RE),
							"retired_at": knownvalue.Null(),
						}),
					})),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), addr, tfjsonpath.New("key_group_id"), compare.ValuesSame()),
					sameKeyGroup.AddStateValue(addr, tfjsonpath.New("key_group_id")),
					sameSecret.AddStateValue(addr, tfjsonpath.New("secret_arn")),
					rotatedKey.AddStateValue(addr, tfjsonpath.New("public_key_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The key group holds exactly the one key; the secret's
					// current version is its private key and key pair id.
					k.checkInAWS(1),
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						firstKeyID = a["public_key_id"]
						return err
					},
					// The provider's default_tags (providerBlock: the run
					// tag) are on the secret, beside its own tag.
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						out, err := k.sm.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(a["secret_arn"])})
						if err != nil {
							return err
						}
						tags := map[string]string{}
						for _, t := range out.Tags {
							tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
						}
						if tags[sweep.TagKey] != awsAccRun() || tags[keypairSecretTagKey] != name {
							return fmt.Errorf("secret tags %v, want %s = %s and %s = %s", tags, sweep.TagKey, awsAccRun(), keypairSecretTagKey, name)
						}
						return nil
					},
				),
			},
			{
				Config:           cfg("v1", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Rotation: a second public key in the SAME key group, the
				// secret's new current version holds the new pair, the old
				// key stays trusted (and AWSPREVIOUS) during the grace period.
				Config: cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("public_key_id")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("key_group_id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("secret_arn"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameKeyGroup.AddStateValue(addr, tfjsonpath.New("key_group_id")),
					sameSecret.AddStateValue(addr, tfjsonpath.New("secret_arn")),
					rotatedKey.AddStateValue(addr, tfjsonpath.New("public_key_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_cleanup"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_keys"), knownvalue.ListExact([]knownvalue.Check{
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
					statecheck.CompareValuePairs(addr, tfjsonpath.New("public_keys").AtSliceIndex(1).AtMapKey("id"),
						addr, tfjsonpath.New("public_key_id"), compare.ValuesSame()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Key group = both keys; AWSCURRENT = the new pair.
					k.checkInAWS(2),
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						secondKeyID = a["public_key_id"]
						if secondKeyID == firstKeyID {
							return fmt.Errorf("public_key_id %s did not change with the rotation", secondKeyID)
						}
						ctx := context.Background()
						group, err := findKeyGroupByID(ctx, k.cf, a["key_group_id"])
						if err != nil {
							return err
						}
						if items := group.KeyGroup.KeyGroupConfig.Items; len(items) != 2 ||
							!slices.Contains(items, firstKeyID) || !slices.Contains(items, secondKeyID) {
							return fmt.Errorf("key group %s holds %v, want the old key %s and the new key %s",
								a["key_group_id"], items, firstKeyID, secondKeyID)
						}
						// The previous version still holds the old pair.
						prev, err := k.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
							SecretId: aws.String(a["secret_arn"]), VersionStage: aws.String("AWSPREVIOUS"),
						})
						if err != nil {
							return fmt.Errorf("GetSecretValue AWSPREVIOUS: %w", err)
						}
						prevKeyID, _, err := decodeKeypairSecret(aws.ToString(prev.SecretString))
						if err != nil {
							return fmt.Errorf("AWSPREVIOUS version: %w", err)
						}
						return expectEqual(prevKeyID, firstKeyID)
					},
				),
			},
			{
				// Within the grace period nothing is left to do.
				Config:           cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A zero grace period ends it: the old key leaves the key
				// group and is deleted.
				Config: cfg("v2", "0s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("public_keys"), knownvalue.ListSizeExact(1)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("public_key_id"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameKeyGroup.AddStateValue(addr, tfjsonpath.New("key_group_id")),
					sameSecret.AddStateValue(addr, tfjsonpath.New("secret_arn")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_cleanup"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_keys"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":         knownvalue.StringFunc(func(v string) error { return expectEqual(v, secondKeyID) }),
							"created_at": knownvalue.StringRegexp(rfc3339RE),
							"retired_at": knownvalue.Null(),
						}),
					})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					k.checkInAWS(1),
					func(s *terraform.State) error {
						a, err := keypairAttrs(s)
						if err != nil {
							return err
						}
						ctx := context.Background()
						group, err := findKeyGroupByID(ctx, k.cf, a["key_group_id"])
						if err != nil {
							return err
						}
						if items := group.KeyGroup.KeyGroupConfig.Items; slices.Contains(items, firstKeyID) {
							return fmt.Errorf("key group %s still holds the retired key %s: %v", a["key_group_id"], firstKeyID, items)
						}
						_, err = k.cf.GetPublicKey(ctx, &cloudfront.GetPublicKeyInput{Id: aws.String(firstKeyID)})
						if !errors.As(err, new(*cftypes.NoSuchPublicKey)) {
							return fmt.Errorf("GetPublicKey of the retired key %s: %v, want NoSuchPublicKey", firstKeyID, err)
						}
						return nil
					},
				),
			},
			{
				Config:           cfg("v2", "0s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Import by <key_group_id>,<secret_arn>. What the import
				// cannot know (see the resource's description): `rotation`
				// is null after an import, and rotation_grace_period and
				// secret_recovery_window_days, which only the configuration
				// holds, take their defaults (24h, 7). With one key left,
				// no key is recorded as retired at import time.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					a, err := keypairAttrs(s)
					return a["key_group_id"] + "," + a["secret_arn"], err
				},
				ImportStateVerifyIgnore: []string{"rotation", "rotation_grace_period", "secret_recovery_window_days"},
			},
		},
	})
}

// awsKeypairDestroyed checks that the key group and every public key the
// test saw are gone, and that the secret (secret_recovery_window_days = 0)
// is deleted, or at least being deleted: AWS removes a force-deleted secret
// asynchronously, so DescribeSecret may still answer with a DeletedDate for
// a moment.
func awsKeypairDestroyed(k *keypairSandbox, s *terraform.State, seenKeys ...string) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "refarch_signed_url_keypair" {
			continue
		}
		a := rs.Primary.Attributes
		keys := append(stateKeyIDs(a), seenKeys...)
		err := awsAccEventually(2*time.Minute, 5*time.Second, func(ctx context.Context) (bool, error) {
			if _, err := findKeyGroupByID(ctx, k.cf, a["id"]); !errors.Is(err, errKeypairNotFound) {
				return false, fmt.Errorf("%w: key group %s still exists (%v)", errAWSAccRetry, a["id"], err)
			}
			for _, id := range keys {
				if id == "" {
					continue
				}
				if _, err := findPublicKeyByID(ctx, k.cf, id); !errors.Is(err, errKeypairNotFound) {
					return false, fmt.Errorf("%w: public key %s still exists (%v)", errAWSAccRetry, id, err)
				}
			}
			out, err := k.sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(a["secret_arn"])})
			switch {
			case errors.As(err, new(*smtypes.ResourceNotFoundException)):
				return true, nil
			case err == nil && out.DeletedDate != nil:
				return true, nil
			default:
				return false, fmt.Errorf("%w: secret %s is not deleted (%v)", errAWSAccRetry, a["secret_arn"], err)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}
