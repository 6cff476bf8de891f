package provider

// TestAccSignedURLKeypair_rotationWithFakeAWS drives OpenTofu through the
// rotation and cleanup lifecycle with a clock the test moves and with the
// ETag checks that the sandbox's kumo skips on deletes (the sandbox runs
// rotation in real time, with UpdateKeyGroup from tools/patches/kumo): the
// provider runs in this process as in every acceptance test, but its
// refarch_signed_url_keypair talks to the strict in-memory fake
// (signed_url_keypair_resource_fake_test.go) and reads the fake clock, so
// the test moves time past grace periods. It checks what only
// the CLI checks: plans (unknown and known values, empty plans), that every
// apply matches its plan, and state after refreshes.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccSignedURLKeypair_rotationWithFakeAWS(t *testing.T) {
	// Its own provider instance, fake and clock, explicit Region and keys: no
	// environment to isolate, so it runs beside the other tests.
	t.Parallel()
	clock := newFakeClock()
	f := newFakeAWS(clock)

	// cfg's extra goes into the resource block (a timeouts block).
	cfg := func(rotation, grace string, extra ...string) string {
		return testAccConfig(fmt.Sprintf(`
provider "refarch" {
  region     = "us-east-1"
  access_key = "fake"
  secret_key = "fake"
}

resource "refarch_signed_url_keypair" "test" {
  name                        = "media"
  rotation                    = %q
  rotation_grace_period       = %q
  secret_recovery_window_days = 0
  %s
}
`, rotation, grace, strings.Join(extra, "\n")))
	}
	sameGroup := statecheck.CompareValue(compare.ValuesSame())
	var st map[string]string // state after the last step that saved it
	var dist string          // the distribution that trusts the key group
	save := func(s *terraform.State) (err error) { st, err = keypairAttrs(s); return err }
	// inFake checks the fake's key group against the state.
	inFake := func(wantKeys int) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			a, err := keypairAttrs(s)
			if err != nil {
				return err
			}
			ids := stateKeyIDs(a)
			if got := f.items(a["key_group_id"]); len(ids) != wantKeys || !slices.Equal(got, ids) {
				return fmt.Errorf("state keys %v, key group %v, want %d keys", ids, got, wantKeys)
			}
			id, key, err := decodeKeypairSecret(f.currentSecret(a["secret_arn"]))
			if err != nil || id != a["public_key_id"] || !samePublicKey(key.publicPEM, a["public_key_pem"]) {
				return fmt.Errorf("the secret does not hold the active key (%q, %v)", id, err)
			}
			return nil
		}
	}
	addr := testAccKeypairAddr

	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProviderFactories(withKeypairManager(f.manager())),
		CheckDestroy: func(*terraform.State) error {
			live := 0
			for _, s := range f.secrets {
				if !s.deleted { // the secret deleted "outside of OpenTofu" below stays scheduled
					live++
				}
			}
			if len(f.groups) != 0 || len(f.keys) != 0 || live != 0 {
				return fmt.Errorf("left behind: %d key groups, %d public keys, %d secrets", len(f.groups), len(f.keys), live)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:            cfg("v1", "1h"),
				ConfigStateChecks: []statecheck.StateCheck{sameGroup.AddStateValue(addr, tfjsonpath.New("key_group_id"))},
				Check:             resource.ComposeAggregateTestCheckFunc(inFake(1), save),
			},
			{
				Config:           cfg("v1", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Rotation: the plan leaves the new key unknown, the apply
				// adds it to the same key group and keeps the old one.
				PreConfig: func() { clock.advance(10 * time.Minute) },
				Config:    cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("public_key_id")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("public_keys")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("secret_arn"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameGroup.AddStateValue(addr, tfjsonpath.New("key_group_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_keys").AtSliceIndex(0).AtMapKey("retired_at"),
						knownvalue.StringExact(clock.now().Add(10*time.Minute).Format(time.RFC3339))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("public_keys").AtSliceIndex(1).AtMapKey("retired_at"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						a, _ := keypairAttrs(s)
						if a["public_key_id"] == st["public_key_id"] || a["public_keys.0.id"] != st["public_key_id"] || a["secret_arn"] != st["secret_arn"] {
							return fmt.Errorf("rotation: public_key_id %s → %s, keys %v, secret %s → %s",
								st["public_key_id"], a["public_key_id"], stateKeyIDs(a), st["secret_arn"], a["secret_arn"])
						}
						return nil
					},
					inFake(2), save,
				),
			},
			{
				// Within the grace period: nothing to do.
				PreConfig:        func() { clock.advance(59 * time.Minute) },
				Config:           cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// After it, a refresh reports pending cleanup and the plan
				// shows the update.
				PreConfig:          func() { clock.advance(time.Minute) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr(addr, "pending_cleanup", "true"),
			},
			{
				// The cleanup: exactly the old key leaves the group and is deleted.
				Config: cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("public_keys"), knownvalue.ListSizeExact(1)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("pending_cleanup"), knownvalue.Bool(false)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("public_key_id"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameGroup.AddStateValue(addr, tfjsonpath.New("key_group_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					inFake(1),
					func(*terraform.State) error {
						if f.keys[st["public_keys.0.id"]] != nil {
							return fmt.Errorf("the retired key %s was not deleted", st["public_keys.0.id"])
						}
						return nil
					},
					save,
				),
			},
			{
				Config:           cfg("v2", "1h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Rotation with a zero grace period: the old key goes in the
				// same apply.
				Config:            cfg("v3", "0s"),
				ConfigStateChecks: []statecheck.StateCheck{sameGroup.AddStateValue(addr, tfjsonpath.New("key_group_id"))},
				Check:             resource.ComposeAggregateTestCheckFunc(inFake(1), save),
			},
			{
				// The secret deleted outside of OpenTofu: a rotation into a new secret.
				PreConfig: func() {
					if _, err := f.DeleteSecret(context.Background(), deleteSecretInput(st["secret_arn"])); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("v3", "0s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("secret_arn")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("public_key_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameGroup.AddStateValue(addr, tfjsonpath.New("key_group_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(inFake(1), func(s *terraform.State) error {
					a, _ := keypairAttrs(s)
					if a["secret_arn"] == st["secret_arn"] {
						return fmt.Errorf("still the deleted secret %s", a["secret_arn"])
					}
					return nil
				}, save),
			},
			{
				// A foreign key added to the key group outside of OpenTofu: removed again.
				PreConfig: func() {
					k, _ := generateKeypair()
					out, err := f.CreatePublicKey(context.Background(), publicKeyInput("foreign", k))
					if err != nil {
						t.Fatal(err)
					}
					f.mu.Lock()
					g := f.groups[st["key_group_id"]]
					g.cfg.Items = append(g.cfg.Items, *out.PublicKey.Id)
					f.mu.Unlock()
				},
				Config: cfg("v3", "0s"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("pending_cleanup"), knownvalue.Bool(false)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(inFake(1), func(*terraform.State) error {
					// The foreign public key is not ours to delete.
					for id, k := range f.keys {
						if *k.cfg.Name == "foreign" {
							delete(f.keys, id) // clean up for CheckDestroy
							return nil
						}
					}
					return fmt.Errorf("the foreign public key was deleted")
				}),
			},
			{
				// Four more rotations fit in the key group within a day's
				// grace period; the fifth is refused at plan time.
				Config: cfg("v4", "24h"),
			},
			{Config: cfg("v5", "24h")},
			{Config: cfg("v6", "24h")},
			{Config: cfg("v7", "24h"), Check: resource.ComposeAggregateTestCheckFunc(inFake(5), save)},
			{
				Config:      cfg("v8", "24h"),
				ExpectError: regexp.MustCompile(`Too many public keys`),
			},
			{
				// A day later the retired keys have expired, but a
				// distribution that trusts the key group stays InProgress
				// past timeouts.update: the apply fails and the secret
				// keeps the active key.
				PreConfig: func() {
					clock.advance(25 * time.Hour)
					dist = f.addDistribution(st["key_group_id"])
					f.deployCalls = -1
				},
				// The distribution never deploys, so the update fails
				// however its time is spent; under load the time may be
				// over before the first GetDistribution ("not known to be
				// Deployed"), which is the same outcome and is accepted.
				Config:      cfg("v8", "24h", `timeouts { update = "5s" }`),
				ExpectError: regexp.MustCompile(`(?s)distribution D\d+.*is not (known to be )?Deployed yet.*next apply continues`),
			},
			{
				// The next apply: the distribution deploys after two
				// GetDistribution calls; only then does the secret change.
				// The key added by the failed apply is gone.
				PreConfig: func() {
					if id, _, err := decodeKeypairSecret(f.currentSecret(st["secret_arn"])); err != nil || id != st["public_key_id"] {
						t.Fatalf("after the failed apply the secret holds key %q (%v), want the active key %s", id, err, st["public_key_id"])
					}
					f.mu.Lock()
					f.deployCalls = 2
					f.distributions[dist].inProgress = 0
					f.mu.Unlock()
					f.calls = nil
				},
				Config: cfg("v8", "24h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("public_key_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("rotation"), knownvalue.StringExact("v8")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(inFake(2), func(s *terraform.State) error {
					a, _ := keypairAttrs(s)
					if a["public_keys.0.id"] != st["public_key_id"] || len(f.keys) != 2 {
						return fmt.Errorf("keys %v (was active: %s), %d public keys in CloudFront", stateKeyIDs(a), st["public_key_id"], len(f.keys))
					}
					var order []string // the calls without their ids
					for _, c := range f.calls {
						switch w := strings.Fields(c); w[0] {
						case "GetDistribution":
							order = append(order, w[0]+" "+w[2])
						case "PutSecretValue":
							order = append(order, w[0])
						}
					}
					want := []string{"GetDistribution InProgress", "GetDistribution InProgress", "GetDistribution Deployed", "PutSecretValue"}
					if !slices.Equal(order, want) {
						return fmt.Errorf("calls %q, want %q", order, want)
					}
					return nil
				}, save),
			},
			{
				// Import: the model it builds (with a null timeouts block)
				// is the state.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return st["key_group_id"] + "," + st["secret_arn"], nil },
				ImportStateVerify: true,
				// rotation is unknown after an import; the recovery window
				// takes its default.
				ImportStateVerifyIgnore: []string{"rotation", "secret_recovery_window_days"},
			},
		},
	})
}
