// Command bench-cdn-offload measures how much of the update traffic CloudFront keeps away from the origin, using
// the local sandbox's CloudFront edge (kumo) in front of a local origin process:
//
//	go run ./tools/bench-cdn-offload [-clients 10,100,1000] [-files 5] [-size 262144] [-concurrency 16]
//
// (tools/bench-cdn-offload.sh sets up the environment and runs it.) It starts kumo, applies
// test/fixtures/software-updates-origin — modules/software-updates with the origin pointed at an HTTP server in
// this process that counts the requests reaching it — and for each client count downloads every versioned file
// once per client, first straight from the origin ("without CDN"), then through the distribution's edge ("with
// CDN"), each time on fresh paths so the edge starts cold. It prints one Markdown table row per client count, plus
// one for the manifest (short TTL), then destroys the deployment and stops kumo.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-cdn-offload:", err)
		os.Exit(1)
	}
}

type config struct {
	clients     []int
	files       int
	size        int
	concurrency int
	manifestTTL int
}

func parseFlags() (config, error) {
	var c config
	clients := flag.String("clients", "10,100,1000", "comma-separated client counts, one table row each")
	flag.IntVar(&c.files, "files", 5, "versioned update files every client downloads")
	flag.IntVar(&c.size, "size", 256<<10, "bytes per update file")
	flag.IntVar(&c.concurrency, "concurrency", 16, "downloads in flight at the same time")
	flag.IntVar(&c.manifestTTL, "manifest-ttl", 60, "manifest_ttl_seconds of the module and max-age the origin sends")
	flag.Parse()
	for _, s := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return c, fmt.Errorf("-clients: %q is not a positive number", s)
		}
		c.clients = append(c.clients, n)
	}
	if c.files < 1 || c.size < 1 || c.concurrency < 1 || c.manifestTTL < 1 {
		return c, errors.New("-files, -size, -concurrency and -manifest-ttl must be positive")
	}
	return c, nil
}

// origin serves deterministic content for any /updates/ path (immutable, a year of max-age) and a manifest, and
// counts requests per path.
type origin struct {
	size, manifestTTL int
	mu                sync.Mutex
	hits              map[string]int
}

func content(path string, size int) []byte {
	sum := sha256.Sum256([]byte(path))
	return bytes.Repeat(sum[:], size/len(sum)+1)[:size]
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.hits[r.URL.Path]++
	o.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/updates/"):
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(content(r.URL.Path, o.size))
	case r.URL.Path == "/manifest.json":
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", o.manifestTTL))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"version":"1.0.0"}`)
	default:
		http.NotFound(w, r)
	}
}

func (o *origin) hitsUnder(prefix string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for p, c := range o.hits {
		if strings.HasPrefix(p, prefix) {
			n += c
		}
	}
	return n
}

func run() error {
	cfg, err := parseFlags()
	if err != nil {
		return err
	}
	ctx := context.Background()
	tofu, err := sandbox.ToolPath("REFARCH_TOFU", "tofu")
	if err != nil {
		return err
	}
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		return errors.New("TF_CLI_CONFIG_FILE is not set: run tools/bench-cdn-offload.sh (it loads `make -s env`)")
	}

	o := &origin{size: cfg.size, manifestTTL: cfg.manifestTTL, hits: map[string]int{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: o, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return fmt.Errorf("listener address %v is not TCP", l.Addr())
	}
	originURL := "http://" + addr.String()

	work, err := os.MkdirTemp("", "bench-cdn-offload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	sb, err := sandbox.Start(ctx, sandbox.Options{LogDir: filepath.Join(work, "logs")})
	if err != nil {
		return err
	}
	defer sb.Stop()

	dir, err := stage(work)
	if err != nil {
		return err
	}
	profile, err := sb.Prepare(ctx, dir, "software-updates-origin")
	if err != nil {
		return err
	}
	vars := []string{
		"-var", "name=bench-" + strconv.FormatInt(time.Now().Unix()%1e6, 36),
		"-var", "origin_http_port=" + strconv.Itoa(addr.Port),
		"-var", "manifest_ttl_seconds=" + strconv.Itoa(cfg.manifestTTL),
	}
	for k, v := range profile {
		vars = append(vars, "-var", fmt.Sprintf("%s=%v", k, v))
	}
	fmt.Fprintln(os.Stderr, "==> tofu apply test/fixtures/software-updates-origin (modules/software-updates) against kumo")
	if err := tf(dir, tofu, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	if err := tf(dir, tofu, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...); err != nil {
		return err
	}
	defer func() {
		fmt.Fprintln(os.Stderr, "==> tofu destroy")
		if err := tf(dir, tofu, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...); err != nil {
			fmt.Fprintln(os.Stderr, "bench-cdn-offload: destroy:", err)
		}
	}()
	domain, err := output(dir, tofu, "distribution_domain_name")
	if err != nil {
		return err
	}
	edge := sandbox.EdgeURL(sb.Endpoint, "https://"+domain)

	fmt.Printf("Origin offload through CloudFront (kumo v0.33.1 edge, modules/software-updates), %d files of %d KiB per client, %d downloads in flight at a time, %s\n\n",
		cfg.files, cfg.size>>10, cfg.concurrency, time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| clients | files | origin fetches without CDN | origin fetches with CDN | offload |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.concurrency}}
	for _, n := range cfg.clients {
		direct := fmt.Sprintf("/updates/direct-%d/", n)
		viaCDN := fmt.Sprintf("/updates/cdn-%d/", n)
		if err := download(ctx, client, originURL, direct, n, cfg); err != nil {
			return err
		}
		if err := download(ctx, client, edge, viaCDN, n, cfg); err != nil {
			return err
		}
		row(n, strconv.Itoa(cfg.files), o.hitsUnder(direct), o.hitsUnder(viaCDN))
	}

	// The manifest: every client polls it once, all within one TTL.
	n := cfg.clients[len(cfg.clients)-1]
	before := o.hitsUnder("/manifest.json")
	if err := fetchAll(ctx, client, cfg.concurrency, n, func(int) string { return edge + "/manifest.json" }, nil); err != nil {
		return err
	}
	row(n, "manifest", n, o.hitsUnder("/manifest.json")-before)
	return nil
}

func row(clients int, files string, without, with int) {
	fmt.Printf("| %d | %s | %d | %d | %.1f %% |\n", clients, files, without, with, 100*(1-float64(with)/float64(without)))
}

// download has n clients fetch cfg.files files under prefix from base, cfg.concurrency at a time, and checks every
// body.
func download(ctx context.Context, client *http.Client, base, prefix string, n int, cfg config) error {
	urls := func(i int) string { return base + prefix + fmt.Sprintf("app-%d.bin", i%cfg.files) }
	check := func(i int, body []byte) error {
		want := content(prefix+fmt.Sprintf("app-%d.bin", i%cfg.files), cfg.size)
		if !bytes.Equal(body, want) {
			return fmt.Errorf("%s: corrupt body (%d bytes)", urls(i), len(body))
		}
		return nil
	}
	return fetchAll(ctx, client, cfg.concurrency, n*cfg.files, urls, check)
}

func fetchAll(ctx context.Context, client *http.Client, workers, total int, url func(int) string, check func(int, []byte) error) error {
	jobs := make(chan int)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, url(i), nil)
				if err != nil {
					errc <- err
					return
				}
				resp, err := client.Do(req)
				if err != nil {
					errc <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("GET %s: HTTP %d", url(i), resp.StatusCode)
				}
				if err == nil && check != nil {
					err = check(i, body)
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := 0; i < total; i++ {
		select {
		case jobs <- i:
		case err = <-errc:
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return err
}

// stage copies the fixture and the module it uses into work, keeping the relative module source.
func stage(work string) (string, error) {
	root, err := sandbox.RepoRoot()
	if err != nil {
		return "", err
	}
	for _, sub := range []string{filepath.Join("test", "fixtures", "software-updates-origin"), filepath.Join("modules", "software-updates")} {
		entries, err := os.ReadDir(filepath.Join(root, sub))
		if err != nil {
			return "", err
		}
		if err := os.MkdirAll(filepath.Join(work, sub), 0o755); err != nil {
			return "", err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") || strings.HasSuffix(e.Name(), "_override.tf") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(root, sub, e.Name()))
			if err != nil {
				return "", err
			}
			if err := os.WriteFile(filepath.Join(work, sub, e.Name()), b, 0o644); err != nil {
				return "", err
			}
		}
	}
	return filepath.Join(work, "test", "fixtures", "software-updates-origin"), nil
}

func tf(dir, tofu string, args ...string) error {
	cmd := exec.Command(tofu, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("tofu %s: %w\n%s", args[0], err, out.String())
	}
	return nil
}

func output(dir, tofu, name string) (string, error) {
	cmd := exec.Command(tofu, "output", "-json", name)
	cmd.Dir = dir
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("tofu output %s: %w", name, err)
	}
	var s string
	return s, json.Unmarshal(b, &s)
}
