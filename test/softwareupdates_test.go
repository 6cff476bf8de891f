package test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// updateOrigin stands in for the application behind the ALB: it serves versioned update files (immutable, a year
// of max-age) and a manifest (max-age manifestTTL) and counts the requests that reach it, per path. The manifest's
// Age header is the test's clock: it says how long the copy has already spent in caches upstream, which the edge
// adds to the time it holds it (RFC 9111 §4.2.3), so the test can hand the edge a copy of any age instead of
// waiting for one to grow old.
type updateOrigin struct {
	srv         *http.Server
	port        int
	manifestTTL int

	mu          sync.Mutex
	files       map[string][]byte // path → body
	manifest    []byte
	manifestAge int // seconds, sent as Age when positive
	hits        map[string]int
}

func startUpdateOrigin(t *testing.T, files []string, size, manifestTTL int) *updateOrigin {
	t.Helper()
	o := &updateOrigin{files: map[string][]byte{}, hits: map[string]int{}, manifestTTL: manifestTTL}
	for _, p := range files {
		b := make([]byte, size)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		o.files[p] = b
	}
	o.publish("1.0.0")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", l.Addr())
	}
	o.port = addr.Port
	o.srv = &http.Server{Handler: o, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = o.srv.Serve(l) }()
	t.Cleanup(func() { _ = o.srv.Close() })
	return o
}

// ageManifest makes the manifest's next answers report they are already the given seconds old.
func (o *updateOrigin) ageManifest(seconds int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.manifestAge = seconds
}

// publish replaces the manifest with one announcing version v.
func (o *updateOrigin) publish(v string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var paths []string
	for p := range o.files {
		paths = append(paths, fmt.Sprintf("%q", p))
	}
	o.manifest = []byte(fmt.Sprintf(`{"version":%q,"files":[%s]}`, v, strings.Join(paths, ",")))
}

func (o *updateOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.hits[r.URL.Path]++
	body, isFile := o.files[r.URL.Path]
	manifest, age := o.manifest, o.manifestAge
	o.mu.Unlock()

	switch {
	case isFile:
		sum := sha256.Sum256(body)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(body)
	case r.URL.Path == "/manifest.json":
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", o.manifestTTL))
		if age > 0 {
			w.Header().Set("Age", strconv.Itoa(age))
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(manifest)
	default:
		http.NotFound(w, r)
	}
}

func (o *updateOrigin) hitCount(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[path]
}

// edgeGet downloads one URL through the distribution and returns status, body and the X-Cache header.
func edgeGet(ctx context.Context, client *http.Client, url string) (int, []byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header, err
}

// TestSoftwareUpdatesOriginOffload proves the point of architecture 175 in the sandbox: modules/software-updates in
// front of an origin (the test's own HTTP server standing in for the ALB app, since kumo's ALB has no data plane)
// answers N clients' downloads with about one origin fetch per versioned file; the manifest is refetched once its
// copy is as old as its TTL, and not before, so a release shows up within it; Cache-Control reaches the clients; a
// re-plan is empty; destroy is clean.
func TestSoftwareUpdatesOriginOffload(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	if !tg.sandbox() {
		t.Skip("on AWS, CloudFront cannot reach an origin inside the test process; TestSoftwareUpdatesExample covers the deployed app")
	}

	const (
		clients     = 50
		workers     = 8
		fileSize    = 256 << 10
		manifestTTL = 60 // seconds, the module's manifest_ttl_seconds and the origin's max-age
		// How much of the TTL a copy the edge must still serve has left: it bounds the time between storing it and
		// the request that checks it is served (local requests, milliseconds).
		margin = 10
	)
	files := []string{"/updates/app-1.0.0.bin", "/updates/app-1.0.1.bin", "/updates/delta-1.0.0-1.0.1.bin"}
	origin := startUpdateOrigin(t, files, fileSize, manifestTTL)

	opts := stageFixture(t, tg, "software-updates-origin", map[string]any{
		"name":                 uniqueName("upd"),
		"origin_http_port":     origin.port,
		"manifest_ttl_seconds": manifestTTL,
	})
	defer tg.destroy(t, opts)
	ctx := context.Background()
	terraform.InitAndApplyContext(t, ctx, opts)

	distID := terraform.OutputContext(t, ctx, opts, "distribution_id")
	if got, want := terraform.OutputContext(t, ctx, opts, "invalidation_command"), "aws cloudfront create-invalidation --distribution-id "+distID+" --paths '/manifest.json'"; got != want {
		t.Fatalf("invalidation_command = %q, want %q", got, want)
	}
	cfg := tg.awsConfig(t)
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).HeadBucket(ctx, &s3.HeadBucketInput{
		Bucket: aws.String(terraform.OutputContext(t, ctx, opts, "access_logs_bucket_name")),
	}); err != nil {
		t.Fatalf("access-log bucket: %v", err)
	}

	// kumo names the distribution <id>.cloudfront.net, which does not resolve; its edge serves it under the endpoint.
	base := sandbox.EdgeURL(aws.ToString(cfg.BaseEndpoint), "https://"+terraform.OutputContext(t, ctx, opts, "distribution_domain_name"))
	client := &http.Client{Timeout: 30 * time.Second}

	// Manifest: cached for its TTL, so a new release is visible to clients within manifest_ttl_seconds. The origin's
	// Age header stands in for the time a copy spends at the edge (see updateOrigin): no waiting for the TTL.
	getManifest := func(step string) (string, http.Header) {
		t.Helper()
		status, body, hdr, err := edgeGet(ctx, client, base+"/manifest.json")
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s: GET /manifest.json: %d %q %v", step, status, body, err)
		}
		if cc := hdr.Get("Cache-Control"); cc != fmt.Sprintf("public, max-age=%d", manifestTTL) {
			t.Fatalf("%s: manifest Cache-Control %q", step, cc)
		}
		return string(body), hdr
	}
	// A copy that has already spent the whole TTL in caches...
	origin.ageManifest(manifestTTL)
	if body, hdr := getManifest("first GET"); !strings.Contains(body, `"1.0.0"`) || !strings.HasPrefix(hdr.Get("X-Cache"), "Miss") {
		t.Fatalf("first GET: %q X-Cache %q, want 1.0.0 from the origin", body, hdr.Get("X-Cache"))
	}
	// ...is expired at the edge: the next client's request fetches the new release from the origin.
	origin.publish("1.0.1")
	origin.ageManifest(manifestTTL - margin)
	if body, hdr := getManifest("GET once the copy is as old as the TTL"); !strings.Contains(body, `"1.0.1"`) || !strings.HasPrefix(hdr.Get("X-Cache"), "Miss") {
		t.Fatalf("GET once the copy is as old as the TTL: %q X-Cache %q, want the new release 1.0.1 from the origin", body, hdr.Get("X-Cache"))
	}
	if n := origin.hitCount("/manifest.json"); n != 2 {
		t.Fatalf("origin saw %d manifest requests, want 2", n)
	}
	// A copy with time left of its TTL is served from the edge: a release published meanwhile is not visible yet,
	// and the client learns the copy's age.
	origin.publish("1.0.2")
	body, hdr := getManifest("GET within the TTL")
	if !strings.Contains(body, `"1.0.1"`) || !strings.HasPrefix(hdr.Get("X-Cache"), "Hit") {
		t.Fatalf("GET within the TTL: %q X-Cache %q, want 1.0.1 from the edge cache", body, hdr.Get("X-Cache"))
	}
	if age, err := strconv.Atoi(hdr.Get("Age")); err != nil || age < manifestTTL-margin || age >= manifestTTL {
		t.Fatalf("GET within the TTL: Age %q, want the copy's age, from %d to below the %d s TTL", hdr.Get("Age"), manifestTTL-margin, manifestTTL)
	}
	if n := origin.hitCount("/manifest.json"); n != 2 {
		t.Fatalf("origin saw %d manifest requests within the TTL, want 2", n)
	}

	// Versioned files: the first client fills the edge cache, the other N-1 are served from it.
	for _, p := range files {
		status, body, hdr, err := edgeGet(ctx, client, base+p)
		if err != nil || status != http.StatusOK || !bytes.Equal(body, origin.files[p]) {
			t.Fatalf("first GET %s: %d, %d bytes, %v", p, status, len(body), err)
		}
		if !strings.HasPrefix(hdr.Get("X-Cache"), "Miss") || hdr.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Fatalf("first GET %s: X-Cache %q Cache-Control %q", p, hdr.Get("X-Cache"), hdr.Get("Cache-Control"))
		}
	}
	jobs := make(chan string)
	errs := make(chan error, clients*len(files))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				status, body, hdr, err := edgeGet(ctx, client, base+p)
				switch {
				case err != nil:
					errs <- fmt.Errorf("GET %s: %w", p, err)
				case status != http.StatusOK || !bytes.Equal(body, origin.files[p]):
					errs <- fmt.Errorf("GET %s: HTTP %d, %d bytes (corrupt or missing)", p, status, len(body))
				case !strings.HasPrefix(hdr.Get("X-Cache"), "Hit"):
					errs <- fmt.Errorf("GET %s: X-Cache %q, want a hit", p, hdr.Get("X-Cache"))
				}
			}
		}()
	}
	for c := 1; c < clients; c++ {
		for _, p := range files {
			jobs <- p
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, p := range files {
		if n := origin.hitCount(p); n != 1 {
			t.Errorf("%d clients downloading %s caused %d origin fetches, want 1", clients, p, n)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d clients x %d files: %d origin fetches for the files (%d client downloads)", clients, len(files), len(files), clients*len(files))
	tg.alive(t)

	// A file the origin does not have stays a 404 (nothing invents content).
	if status, _, _, err := edgeGet(ctx, client, base+"/updates/app-9.9.9.bin"); err != nil || status != http.StatusNotFound {
		t.Fatalf("GET missing version: %d %v, want 404", status, err)
	}

	if code := terraform.PlanExitCodeContext(t, ctx, opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// TestSoftwareUpdatesExample deploys examples/software-updates whole — VPC, ALB, Auto Scaling group of nginx
// instances with the files on EFS, CloudFront in front — and checks through CloudFront: the seeded manifest and
// versioned file arrive with their Cache-Control, a second download of the versioned file is an edge hit, and
// the ALB refuses direct requests. Real AWS only (-tags aws): kumo cannot build the example (see the skip).
func TestSoftwareUpdatesExample(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	if tg.sandbox() {
		t.Skip("kumo v0.33.1 cannot build the example: for modules/vpc its EC2 service has no DescribeAvailabilityZones, " +
			"AllocateAddress, CreateVpcEndpoint, CreateFlowLogs, DeleteRoute, DisassociateRouteTable or DeleteRouteTable, " +
			"CreateVpc makes no default security group, and route-table associations never settle; the example also needs " +
			"DescribeManagedPrefixLists, CreateLaunchTemplate, Auto Scaling and EFS, none of which kumo offers " +
			"TestSoftwareUpdatesOriginOffload covers " +
			"modules/software-updates in the sandbox, examples/software-updates/tests the rest with mocks")
	}
	opts := stage(t, tg, "software-updates", map[string]any{"name": uniqueName("swu"), "access_logs_force_destroy": true})
	defer tg.destroy(t, opts)
	ctx := context.Background()
	terraform.InitAndApplyContext(t, ctx, opts)

	base := terraform.OutputContext(t, ctx, opts, "base_url")
	client := &http.Client{Timeout: 30 * time.Second}

	// The instances need a few minutes to boot, mount EFS and pass the ALB health check.
	var body []byte
	var hdr http.Header
	eventually(t, 15*time.Minute, "GET "+base+"/manifest.json answering 200", func() error {
		status, b, h, err := edgeGet(ctx, client, base+"/manifest.json")
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("HTTP %d", status)
		}
		body, hdr = b, h
		return nil
	})
	if !bytes.Contains(body, []byte(`"version"`)) || hdr.Get("Cache-Control") != "public, max-age=60" {
		t.Fatalf("manifest %q with Cache-Control %q", body, hdr.Get("Cache-Control"))
	}

	file := base + "/updates/0.0.1/example.txt"
	var last http.Header
	for i := 0; i < 3; i++ {
		status, body, h, err := edgeGet(ctx, client, file)
		if err != nil || status != http.StatusOK || !bytes.Contains(body, []byte("0.0.1")) {
			t.Fatalf("GET %s: %d %q %v", file, status, body, err)
		}
		if h.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Fatalf("versioned file Cache-Control %q", h.Get("Cache-Control"))
		}
		last = h
	}
	if !strings.HasPrefix(last.Get("X-Cache"), "Hit") {
		t.Fatalf("third download of a versioned file: X-Cache %q, want a hit from cloudfront", last.Get("X-Cache"))
	}

	// Directly, the ALB is closed to everyone but CloudFront (security group) and answers 403 without the header.
	direct := &http.Client{Timeout: 10 * time.Second}
	if resp, err := direct.Get("http://" + terraform.OutputContext(t, ctx, opts, "alb_dns_name") + "/manifest.json"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("direct request to the ALB: HTTP %d, want no connection or 403", resp.StatusCode)
		}
	}

	if code := terraform.PlanExitCodeContext(t, ctx, opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}
