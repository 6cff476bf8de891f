package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/refarch/terraform-provider-refarch/pkg/refarch"
)

// A running `sandbox up` leaves a record in <cache>/sandboxes/<architecture>.json for `status` and `down`.
type upRecord struct {
	Architecture string         `json:"architecture"`
	PID          int            `json:"pid"`
	Endpoint     string         `json:"endpoint"`
	Dir          string         `json:"dir"`
	LogDir       string         `json:"log_dir"`
	Started      time.Time      `json:"started"`
	Outputs      map[string]any `json:"outputs,omitempty"`
	Curl         string         `json:"curl,omitempty"`
}

func cacheDir() string {
	if d := os.Getenv("REFARCH_CACHE"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "refarch")
	}
	return filepath.Join(home, ".cache", "refarch")
}

func recordPath(arch string) string { return filepath.Join(cacheDir(), "sandboxes", arch+".json") }

func readRecords() []upRecord {
	files, _ := filepath.Glob(filepath.Join(cacheDir(), "sandboxes", "*.json"))
	var recs []upRecord
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var r upRecord
		if json.Unmarshal(b, &r) == nil && r.Architecture != "" {
			recs = append(recs, r)
		}
	}
	return recs
}

func alive(pid int) bool { return pid > 0 && syscall.Kill(pid, 0) == nil }

// curlHints are ready-to-paste first requests per architecture.
var curlHints = map[string]func(out map[string]any, endpoint, region string) string{
	"mytodolist": func(out map[string]any, endpoint, region string) string {
		return fmt.Sprintf("curl -H 'Host: %v.execute-api.%s.amazonaws.com' -H 'Authorization: <Cognito ID token>' %s/%v/todos",
			out["rest_api_id"], region, endpoint, out["stage_name"])
	},
	"paid-content": func(out map[string]any, endpoint, region string) string {
		return fmt.Sprintf("curl -H 'Host: %v.execute-api.%s.amazonaws.com' -H 'Authorization: <Cognito ID token>' %s/%v/videos/intro.mp4/url",
			out["rest_api_id"], region, endpoint, out["stage_name"])
	},
	"myblog": func(out map[string]any, endpoint, _ string) string {
		return fmt.Sprintf("curl %s/kumo/cdn/%v/api/posts", endpoint, out["distribution_id"])
	},
	"microservices": func(out map[string]any, endpoint, region string) string {
		return fmt.Sprintf("curl -X PUT -d '{\"name\":\"pen\",\"price_cents\":150}' -H 'Host: %v.execute-api.%s.amazonaws.com' %s/%v/items/pen",
			out["service_b_rest_api_id"], region, endpoint, out["service_b_stage_name"])
	},
}

// sandboxUp deploys an architecture to a new local sandbox, runs its functions and stays in the foreground until
// interrupted (Ctrl-C, SIGTERM or `refarch sandbox down`); then it destroys the deployment and stops the sandbox.
func sandboxUp(ctx context.Context, f flags) error {
	r := newReporter(f.json)
	arch, err := refarch.New(f.arch, withDefaultName(f.arch, f.vars))
	if err != nil {
		return err
	}
	if err := arch.Validate(); err != nil {
		return err
	}
	if old, err := os.ReadFile(recordPath(f.arch)); err == nil {
		var rec upRecord
		if json.Unmarshal(old, &rec) == nil && alive(rec.PID) {
			return fmt.Errorf("%s is already up in this sandbox (pid %d, %s); `refarch sandbox down %s` first", f.arch, rec.PID, rec.Endpoint, f.arch)
		}
	}
	dir := filepath.Join(cacheDir(), "sandboxes", f.arch)
	if err := os.RemoveAll(dir); err != nil { // a fresh sandbox has none of an earlier run's resources
		return err
	}

	r.step("starting the local AWS sandbox (kumo)")
	sb, err := refarch.StartSandbox(ctx, refarch.SandboxOptions{Port: f.port, LogDir: filepath.Join(dir, "logs")})
	if err != nil {
		return err
	}
	defer sb.Stop()
	r.step("sandbox at %s (logs in %s)", sb.Endpoint(), sb.LogDir())

	stack := &refarch.Stack{Architecture: arch, Target: sb, Dir: dir}
	deployed := false
	defer func() {
		os.Remove(recordPath(f.arch))
		if !deployed {
			return
		}
		dctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := r.long("tofu destroy "+f.arch, func() error { return stack.Destroy(dctx) }); err != nil {
			r.warn("destroy failed (%v); the sandbox stops anyway, so nothing is left running", err)
		}
	}()
	deployed = true
	if err := r.long("tofu apply examples/"+f.arch, func() error { return stack.Apply(ctx) }); err != nil {
		return err
	}
	fns, err := sb.RunFunctions(ctx, stack)
	if err != nil {
		return err
	}
	for _, fn := range fns {
		r.step("function %s running natively against the sandbox", fn)
	}
	out := map[string]any{}
	if err := stack.Outputs(ctx, &out); err != nil {
		return err
	}
	rec := upRecord{Architecture: f.arch, PID: os.Getpid(), Endpoint: sb.Endpoint(), Dir: dir, LogDir: sb.LogDir(), Started: time.Now().UTC(), Outputs: out}
	if hint, ok := curlHints[f.arch]; ok {
		rec.Curl = hint(out, sb.Endpoint(), sb.Region())
	}
	b, _ := json.MarshalIndent(rec, "", "  ")
	if err := os.MkdirAll(filepath.Dir(recordPath(f.arch)), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(recordPath(f.arch), b, 0o644); err != nil {
		return err
	}
	fields := map[string]any{"endpoint": sb.Endpoint(), "curl": rec.Curl, "logs": sb.LogDir()}
	for k, v := range out {
		if v != nil {
			fields[k] = v
		}
	}
	r.result(f.arch+" is up (Ctrl-C or `refarch sandbox down "+f.arch+"` tears it down)", fields)

	select {
	case <-ctx.Done():
	case <-sb.Exited(): // only kumo dying on its own gets here: Stop comes after
		return fmt.Errorf("the sandbox died: %w", sb.Err())
	}
	r.step("tearing %s down", f.arch)
	return nil
}

// sandboxDefaults are the variables a sandbox deployment gets when the command line does not set them.
var sandboxDefaults = map[string]map[string]string{
	"myblog": {"sender_address": "blog@example.com"},
	// The sandbox runs neither ECS tasks nor EC2 instances (see its profile), so the image and the program are
	// never fetched; real AWS needs both published first.
	"microservices": {
		"service_a_image":           "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:sandbox",
		"service_c_artifact_s3_uri": "s3://refarch-sandbox-artifacts/orders/orders-arm64",
		"final_snapshot":            "false",
	},
	// The sandbox has no certificate for the origin's HTTPS listener (kumo's ELBv2 keeps none), so CloudFront reaches
	// the origin over plain HTTP there; on AWS the example requires alb_certificate_arn.
	"software-updates": {"allow_plain_http": "true"},
}

// withDefaultName gives a sandbox deployment a name (and the architecture's sandboxDefaults) where the command line
// has none; what the command line sets wins.
func withDefaultName(arch string, vars map[string]string) map[string]string {
	out := map[string]string{"name": arch + "-local"}
	for k, v := range sandboxDefaults[arch] {
		out[k] = v
	}
	for k, v := range vars {
		out[k] = v
	}
	return out
}

func sandboxStatus(r *reporter) error {
	recs := readRecords()
	if len(recs) == 0 {
		r.result("no sandbox is up", map[string]any{})
		return nil
	}
	client := &http.Client{Timeout: 3 * time.Second}
	for _, rec := range recs {
		state := "running"
		switch {
		case !alive(rec.PID):
			state = "stale (its process is gone; `refarch sandbox down " + rec.Architecture + "` clears it)"
		default:
			if resp, err := client.Get(rec.Endpoint + "/health"); err != nil || resp.StatusCode != http.StatusOK {
				state = "not answering"
			} else {
				resp.Body.Close()
			}
		}
		r.result(rec.Architecture, map[string]any{"state": state, "pid": rec.PID, "endpoint": rec.Endpoint,
			"up_since": rec.Started.Format(time.RFC3339), "curl": rec.Curl, "logs": rec.LogDir})
	}
	return nil
}

// sandboxDown asks running `sandbox up` processes to tear down (SIGTERM) and waits for them.
func sandboxDown(ctx context.Context, f flags) error {
	r := newReporter(f.json)
	recs := readRecords()
	var errs []error
	found := false
	for _, rec := range recs {
		if f.arch != "" && rec.Architecture != f.arch {
			continue
		}
		found = true
		if !alive(rec.PID) {
			os.Remove(recordPath(rec.Architecture))
			r.result(rec.Architecture, map[string]any{"state": "stale record removed (its process was gone; so is its sandbox)"})
			continue
		}
		if err := syscall.Kill(rec.PID, syscall.SIGTERM); err != nil {
			errs = append(errs, fmt.Errorf("%s: signal pid %d: %w", rec.Architecture, rec.PID, err))
			continue
		}
		err := r.long("waiting for "+rec.Architecture+" (pid "+fmt.Sprint(rec.PID)+") to destroy and stop", func() error {
			deadline := time.Now().Add(12 * time.Minute)
			for alive(rec.PID) {
				if time.Now().After(deadline) {
					return fmt.Errorf("%s (pid %d) is still running after 12 minutes; see %s", rec.Architecture, rec.PID, rec.LogDir)
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(500 * time.Millisecond):
				}
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.result(rec.Architecture, map[string]any{"state": "down"})
	}
	if !found {
		if f.arch != "" {
			return fmt.Errorf("%s is not up (refarch sandbox status lists what is)", f.arch)
		}
		r.result("no sandbox is up", map[string]any{})
	}
	return errors.Join(errs...)
}
