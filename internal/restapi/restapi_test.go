package restapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSandboxClientSendsHostHeaderAndStagePath(t *testing.T) {
	var gotHost, gotPath, gotBody, gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHost, gotPath, gotType = r.Host, r.URL.Path, r.Header.Get("Content-Type")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"1"}`))
	}))
	defer srv.Close()

	c := ForSandbox(srv.URL, "us-east-1", "abc123", "v1")
	resp, err := c.Do(context.Background(), http.MethodPost, "/todos", map[string]string{"title": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if gotHost != "abc123.execute-api.us-east-1.amazonaws.com" || gotPath != "/v1/todos" {
		t.Fatalf("host %q path %q", gotHost, gotPath)
	}
	if gotBody != `{"title":"x"}` || gotType != "application/json" {
		t.Fatalf("body %q type %q", gotBody, gotType)
	}
	var v struct{ ID string }
	if resp.Status != http.StatusCreated || resp.JSON(&v) != nil || v.ID != "1" {
		t.Fatalf("response %+v", resp)
	}
}
