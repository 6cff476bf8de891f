package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// function is one running bootstrap plus the Runtime API relay in front of kumo.
type function struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{}
	relay  *http.Server
}

func (f *function) stop() {
	terminate(f.cmd, f.exited)
	_ = f.relay.Close()
}

// StartFunction runs a deployed function's bootstrap natively, as the Lambda service would: with the function's
// configured environment, the sandbox's AWS settings and AWS_LAMBDA_RUNTIME_API pointing at kumo. It returns once
// the runtime has polled for its first invocation, so calls made afterwards reach it.
func (s *Sandbox) StartFunction(ctx context.Context, name, bootstrap string) error {
	if err := s.Err(); err != nil {
		return err
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return err
	}
	conf, err := lambda.NewFromConfig(cfg).GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &name})
	if err != nil {
		return fmt.Errorf("sandbox: function %q is not deployed in the sandbox: %w", name, err)
	}

	// The relay forwards the Runtime API to kumo and tells us when the runtime first asks for work: from then on
	// kumo routes invocations to it instead of failing them for want of a handler.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("sandbox: relay for %s: %w", name, err)
	}
	target, _ := url.Parse(s.Endpoint)
	polled := make(chan struct{})
	var once sync.Once
	proxy := httputil.NewSingleHostReverseProxy(target)
	// A runtime's long poll is cut when the sandbox stops; that is not worth a log line.
	proxy.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	relay := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/invocation/next") {
				once.Do(func() { time.AfterFunc(100*time.Millisecond, func() { close(polled) }) })
			}
			proxy.ServeHTTP(w, r)
		}),
	}
	go func() { _ = relay.Serve(ln) }()

	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String() + "/_runtime/" + name,
		"AWS_LAMBDA_FUNCTION_NAME=" + name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"_HANDLER=" + aws.ToString(conf.Handler),
	}
	if conf.MemorySize != nil {
		// Lambda tells a runtime its memory size; the thumbnail handler sizes its byte budget by it.
		env = append(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(int(*conf.MemorySize)))
	}
	env = append(env, s.Env()...)
	if conf.Environment != nil {
		keys := make([]string, 0, len(conf.Environment.Variables))
		for k := range conf.Environment.Variables {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			env = append(env, k+"="+EdgeURL(s.Endpoint, conf.Environment.Variables[k]))
		}
	}

	logFile, err := os.Create(filepath.Join(s.LogDir, "function-"+name+".log"))
	if err != nil {
		_ = relay.Close()
		return fmt.Errorf("sandbox: %w", err)
	}
	cmd := exec.Command(bootstrap)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childAttrs()
	if err := cmd.Start(); err != nil {
		_ = relay.Close()
		logFile.Close()
		return fmt.Errorf("sandbox: start %s's bootstrap %s: %w", name, bootstrap, err)
	}
	fn := &function{name: name, cmd: cmd, exited: make(chan struct{}), relay: relay}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(fn.exited)
	}()

	s.mu.Lock()
	if old := s.functions[name]; old != nil {
		defer old.stop()
	}
	s.functions[name] = fn
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	select {
	case <-polled:
		return nil
	case <-fn.exited:
		return fmt.Errorf("sandbox: %s's bootstrap exited at start; see %s", name, logFile.Name())
	case <-s.exited:
		return s.Err()
	case <-ctx.Done():
		return fmt.Errorf("sandbox: %s's bootstrap did not poll the Runtime API within 30s; see %s", name, logFile.Name())
	}
}

// BuildBootstrap compiles lambda-src/<handler> for this machine (the sandbox runs it natively) into dir/<handler>
// and returns the binary's path. Go's build cache makes repeated builds cheap.
func BuildBootstrap(ctx context.Context, handler, dir string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, handler)
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, "./lambda-src/"+handler)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("sandbox: build lambda-src/%s: %w\n%s", handler, err, b)
	}
	return out, nil
}

// cloudFrontURL matches a URL on a CloudFront distribution's own domain as kumo names it: the distribution id (kumo's
// ids look like "E1a2b3c4d-5e6f") + ".cloudfront.net", optionally followed by a path.
var cloudFrontURL = regexp.MustCompile(`^https://([A-Za-z0-9-]+)\.cloudfront\.net(/.*)?$`)

// EdgeURL rewrites an environment value that is a URL on a kumo CloudFront distribution's domain,
// https://<distribution id>.cloudfront.net[/path], to the sandbox's edge for that distribution,
// <endpoint>/kumo/cdn/<distribution id>[/path], and returns every other value unchanged. Nothing resolves
// *.cloudfront.net locally, and kumo's edge verifies signed URLs against the URL as it receives it, so a function that
// signs URLs for viewers (CONTENT_BASE_URL of paid-content) must sign the edge's URL. This relies on kumo naming a
// distribution's domain after its id; real CloudFront domains (d111111abcdef8.cloudfront.net) are never rewritten
// because the harness runs functions only in the sandbox.
func EdgeURL(endpoint, value string) string {
	m := cloudFrontURL.FindStringSubmatch(value)
	if m == nil {
		return value
	}
	return strings.TrimRight(endpoint, "/") + "/kumo/cdn/" + m[1] + m[2]
}
