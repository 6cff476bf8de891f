//go:build !aws

package test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// albPreviousModules is the last commit whose ecs-service and asg-rds-service built their load balancer themselves:
// the parent of 5f0da0c, which started modules/alb (1e4c097 then moved the services' load balancers into it, with
// `moved` blocks).
const albPreviousModules = "000879720ed8bae015628dd3a3739eb1329d63ee"

// albMovedFrom maps each moved resource of a service module, as the previous modules addressed it, to its address
// now (the services' `moved` blocks). aws_lb_listener.https has no instance without a certificate (count = 0), so
// nothing of it is in the state to move.
var albMovedFrom = map[string]string{
	"aws_security_group.alb":   "module.alb.aws_security_group.this",
	"aws_lb.this":              "module.alb.aws_lb.this",
	"aws_lb_target_group.this": "module.alb.aws_lb_target_group.this",
	"aws_lb_listener.http":     "module.alb.aws_lb_listener.http",
}

// albUpgradeOverride is what the root must now say to keep serving plain HTTP (the current modules refuse a load
// balancer without a certificate unless allow_plain_http is true), plus the sandbox's alarm setting
// (alarm_treat_missing_data, see kumoAlarms); with protect false it also keeps deletion protection off, the previous
// modules' default. The previous modules have none of these variables, so the test writes this file only after the
// swap (the harness's staging drops *_override.tf files from fixtures).
func albUpgradeOverride(protect bool) string {
	var b strings.Builder
	b.WriteString("# Written by TestALBMovedStatePlansNoReplacement: the root's side of the upgrade to modules/alb.\n")
	for _, m := range []string{"service_a", "service_c"} {
		fmt.Fprintf(&b, "module %q {\n  allow_plain_http         = true\n  alarm_treat_missing_data = \"missing\"\n", m)
		if !protect {
			b.WriteString("  deletion_protection      = false\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// TestALBMovedStatePlansNoReplacement proves that an existing state plans no replacement after the load balancer
// moved into modules/alb. It applies test/fixtures/alb-moved-state (service A, modules/ecs-service, and service C,
// modules/asg-rds-service, in a plain VPC) in the sandbox with the modules of albPreviousModules, taken from this
// clone's history (`git archive`; a shallow clone fetches that commit from origin, or fails the test), then swaps in
// the current modules in the same directory, with the same state, adds what the root must now say
// (albUpgradeOverride), re-inits and plans twice: with deletion protection left at its new default and with
// deletion_protection = false. Each plan must have
//   - no delete and no replace anywhere;
//   - every moved resource of both services at its new address under module.alb, with the old one as
//     previous_address (albMovedFrom), and no other move;
//   - as additions only what the old modules did not have: modules/alb's three alarms per service;
//   - exactly these in-place updates (the failure message lists what the plan moves, updates and adds):
//     service A's load balancer security group, whose egress rule description changes ("To the tasks …" → "To the
//     targets …", as service C's already said); and without deletion_protection = false (default true now, false
//     before) also enable_deletion_protection on both load balancers and deletion_protection_enabled on service A's
//     DynamoDB table.
//
// Destroy (deferred) runs with the current modules on the unchanged state, deletion protection off.
func TestALBMovedStatePlansNoReplacement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		t.Skip("TF_CLI_CONFIG_FILE is not set: run these tests with `make test`, which points OpenTofu at the provider mirror")
	}
	root, err := sandbox.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	previous := previousModules(t, root, albPreviousModules, "modules/ecs-service", "modules/asg-rds-service")

	tg := newTarget(t)
	name := uniqueName("mv")
	opts := stageFixture(t, tg, "alb-moved-state", map[string]any{"name": name})

	// The staged layout is <tmp>/modules and <tmp>/test/fixtures/alb-moved-state: keep the current modules aside and
	// put the previous ones where the fixture's sources point.
	modules := filepath.Join(opts.TerraformDir, "..", "..", "..", "modules")
	current := modules + ".current"
	if err := os.Rename(modules, current); err != nil {
		t.Fatal(err)
	}
	if err := extractTar(previous, filepath.Dir(modules)); err != nil {
		t.Fatalf("extract the modules of %s: %v", albPreviousModules, err)
	}

	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, ctx, opts)

	if err := os.Rename(modules, modules+".previous"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(current, modules); err != nil {
		t.Fatal(err)
	}
	override := filepath.Join(opts.TerraformDir, "alb_upgrade_override.tf")

	// Deletion protection at its new default first, then kept off: the last override stays for destroy.
	for _, protect := range []bool{true, false} {
		if err := os.WriteFile(override, []byte(albUpgradeOverride(protect)), 0o644); err != nil {
			t.Fatal(err)
		}
		planOpts, err := opts.Clone()
		if err != nil {
			t.Fatal(err)
		}
		planOpts.PlanFilePath = filepath.Join(t.TempDir(), "plan")
		plan := terraform.InitAndPlanAndShowWithStructContext(t, ctx, planOpts)

		updates := map[string][]string{"module.service_a.module.alb.aws_security_group.this": {"egress"}}
		if protect {
			updates["module.service_a.module.alb.aws_lb.this"] = []string{"enable_deletion_protection"}
			updates["module.service_c.module.alb.aws_lb.this"] = []string{"enable_deletion_protection"}
			updates["module.service_a.aws_dynamodb_table.this"] = []string{"deletion_protection_enabled"}
		}
		label := "deletion_protection = false"
		if protect {
			label = "deletion_protection unset: true now, false before"
		}
		checkMovedPlan(t, label, plan, updates)
	}
}

// checkMovedPlan asserts what TestALBMovedStatePlansNoReplacement wants of a plan: no delete or replace, every
// albMovedFrom resource moved (and nothing else), modules/alb's alarms as the only additions, and exactly updates
// (address → changed top-level attributes) in place. One error per plan lists what is wrong and what the plan does.
func checkMovedPlan(t *testing.T, label string, plan *terraform.PlanStruct, updates map[string][]string) {
	t.Helper()
	var destroyed, created, problems []string
	updated := map[string][]string{}
	moved := map[string]string{}
	for addr, rc := range plan.ResourceChangesMap {
		if rc.Change == nil {
			continue
		}
		switch a := rc.Change.Actions; {
		case a.Delete(), a.Replace(), a.DestroyBeforeCreate(), a.CreateBeforeDestroy():
			destroyed = append(destroyed, fmt.Sprintf("%s %v", addr, a))
		case a.Create():
			created = append(created, addr)
		case a.Update():
			updated[addr] = changedAttributes(rc.Change)
		}
		if rc.PreviousAddress != "" {
			moved[addr] = rc.PreviousAddress
		}
	}
	sort.Strings(destroyed)
	sort.Strings(created)
	summary := fmt.Sprintf("the plan (%s)\n  moves:             %s\n  updates in place:  %s\n  adds:              %s\n  deletes/replaces:  %s",
		label, listOf(moved), listOf(updated), strings.Join(created, " "), strings.Join(destroyed, " "))
	t.Log(summary)

	if len(destroyed) > 0 {
		problems = append(problems, fmt.Sprintf("deletes or replaces %v: an existing state must keep every resource", destroyed))
	}
	for _, svc := range []string{"module.service_a.", "module.service_c."} {
		for from, to := range albMovedFrom {
			if got := moved[svc+to]; got != svc+from {
				problems = append(problems, fmt.Sprintf("%s has previous_address %q, want %s (its moved block)", svc+to, got, svc+from))
			}
			delete(moved, svc+to)
		}
	}
	if len(moved) > 0 {
		problems = append(problems, fmt.Sprintf("moves what no moved block of the services names: %s", listOf(moved)))
	}
	var wantCreated []string
	for _, svc := range []string{"module.service_a", "module.service_c"} {
		for _, alarm := range []string{"elb-5xx", "target-5xx", "unhealthy-targets"} {
			wantCreated = append(wantCreated, fmt.Sprintf("%s.module.alb.aws_cloudwatch_metric_alarm.this[%q]", svc, alarm))
		}
	}
	sort.Strings(wantCreated)
	if !slices.Equal(created, wantCreated) {
		problems = append(problems, fmt.Sprintf("adds %v, want only modules/alb's new alarms %v", created, wantCreated))
	}
	if !reflect.DeepEqual(updated, updates) {
		problems = append(problems, fmt.Sprintf("updates in place %s, want %s", listOf(updated), listOf(updates)))
	}
	if len(problems) > 0 {
		t.Errorf("after the move to modules/alb the plan (%s):\n  - %s\n%s", label, strings.Join(problems, "\n  - "), summary)
	}
}

// listOf formats a map as "key: value" pairs in key order.
func listOf[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %v", k, m[k])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// changedAttributes lists the top-level attributes a change sets to another value (or to one known only after apply).
func changedAttributes(c *tfjson.Change) []string {
	before, _ := c.Before.(map[string]any)
	after, _ := c.After.(map[string]any)
	unknown, _ := c.AfterUnknown.(map[string]any)
	var out []string
	for k, v := range after {
		if u, ok := unknown[k].(bool); (ok && u) || !reflect.DeepEqual(before[k], v) {
			out = append(out, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// previousModules is `git archive` of paths at commit (a full object id) in the clone at root. A shallow clone (CI
// checkouts often are) lacks the commit: it is fetched from origin (one commit, depth 1); if that fails too, the test
// fails rather than proving nothing.
func previousModules(t *testing.T, root, commit string, paths ...string) []byte {
	t.Helper()
	present := func() error { return exec.Command("git", "-C", root, "cat-file", "-e", commit+"^{commit}").Run() }
	if err := present(); err != nil {
		fetch, fetchErr := exec.Command("git", "-C", root, "fetch", "--quiet", "--depth=1", "origin", commit).CombinedOutput()
		if err := present(); err != nil {
			shallow, _ := exec.Command("git", "-C", root, "rev-parse", "--is-shallow-repository").Output()
			t.Fatalf("commit %s (the modules before modules/alb) is not in the clone at %s (git: %v; shallow: %s) and "+
				"fetching it from origin failed (%v: %s): this test applies those modules from the history; clone with "+
				"full history or run `git fetch --unshallow`",
				commit, root, err, strings.TrimSpace(string(shallow)), fetchErr, strings.TrimSpace(string(fetch)))
		}
	}
	cmd := exec.Command("git", append([]string{"-C", root, "archive", "--format=tar", commit}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git archive %s %v: %v\n%s", commit, paths, err, stderr.String())
	}
	return out
}

// extractTar writes a tar archive's directories and regular files into dest.
func extractTar(archive []byte, dest string) error {
	r := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dest, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(target, filepath.Clean(dest)+string(filepath.Separator)) {
			return fmt.Errorf("%s: outside %s", h.Name, dest)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			b, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, b, 0o644); err != nil {
				return err
			}
		}
	}
}
