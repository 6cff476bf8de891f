package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// kumo has no Athena named queries (CreateNamedQuery, GetNamedQuery and DeleteNamedQuery answer InvalidAction), which
// refarch_athena_report_schedule keeps its query in. Every sandbox therefore serves an Athena endpoint of its own for
// the refarch provider (ProviderBlock points "athena" at it): named queries are kept in memory, every other action —
// StartQueryExecution among them — goes to kumo unchanged. Test and demo code only.

type namedQueries struct {
	mu      sync.Mutex
	queries map[string]map[string]any
}

// startAthena serves the Athena endpoint on a free loopback port; Stop closes it.
func (s *Sandbox) startAthena() error {
	kumo, err := url.Parse(s.Endpoint)
	if err != nil {
		return err
	}
	n := &namedQueries{queries: map[string]map[string]any{}}
	proxy := httputil.NewSingleHostReverseProxy(kumo)
	proxy.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("sandbox: athena endpoint: %w", err)
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonAthena.")
		switch action {
		case "CreateNamedQuery", "GetNamedQuery", "DeleteNamedQuery":
			n.serve(w, r, action)
		default:
			proxy.ServeHTTP(w, r)
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	s.athenaURL = "http://" + ln.Addr().String()
	s.athenaSrv = srv
	return nil
}

// AthenaEndpoint is the sandbox's Athena endpoint with named queries (see above); clients that read named queries
// use it as their base endpoint.
func (s *Sandbox) AthenaEndpoint() string {
	if s.athenaURL == "" {
		return s.Endpoint
	}
	return s.athenaURL
}

func (n *namedQueries) serve(w http.ResponseWriter, r *http.Request, action string) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		reply(http.StatusBadRequest, map[string]string{"__type": "InvalidRequestException", "Message": err.Error()})
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	switch action {
	case "CreateNamedQuery":
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		id = id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
		q := map[string]any{"NamedQueryId": id}
		for _, k := range []string{"Name", "Description", "Database", "QueryString", "WorkGroup"} {
			if v, ok := req[k]; ok {
				q[k] = v
			}
		}
		n.queries[id] = q
		reply(http.StatusOK, map[string]string{"NamedQueryId": id})
	case "GetNamedQuery":
		id, _ := req["NamedQueryId"].(string)
		q, ok := n.queries[id]
		if !ok {
			reply(http.StatusBadRequest, map[string]string{"__type": "InvalidRequestException", "Message": "NamedQuery " + id + " was not found"})
			return
		}
		reply(http.StatusOK, map[string]any{"NamedQuery": q})
	case "DeleteNamedQuery":
		id, _ := req["NamedQueryId"].(string)
		delete(n.queries, id)
		reply(http.StatusOK, map[string]any{})
	}
}
