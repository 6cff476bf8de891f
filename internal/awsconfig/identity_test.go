package awsconfig

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// fakeAWS answers STS AssumeRole (form-encoded query protocol) and records
// every request, so tests see which credentials signed what.
type fakeAWS struct {
	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	form          url.Values
	target        string // X-Amz-Target (JSON protocols)
	authorization string
	userAgent     string
}

func (f *fakeAWS) handler(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.requests = append(f.requests, recorded{form: r.PostForm, target: r.Header.Get("X-Amz-Target"),
		authorization: r.Header.Get("Authorization"), userAgent: r.Header.Get("User-Agent")})
	f.mu.Unlock()
	if r.PostForm.Get("Action") == "AssumeRole" {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>roletoken</SessionToken>
<Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/deployer/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fmt.Fprint(w, `{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:s","Name":"s"}`)
}

func (f *fakeAWS) all() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

// credentialOf returns the access key id of a SigV4 Authorization header.
func credentialOf(authorization string) string {
	_, rest, _ := strings.Cut(authorization, "Credential=")
	key, _, _ := strings.Cut(rest, "/")
	return key
}

func TestLoadAssumeRole(t *testing.T) {
	isolate(t)
	f := &fakeAWS{}
	srv := httptest.NewServer(http.HandlerFunc(f.handler))
	defer srv.Close()

	c, err := Load(context.Background(), Settings{
		Region: "us-east-1", AccessKey: "AKIDBASE", SecretKey: "basesecret",
		AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::111122223333:role/deployer", ExternalID: "ext-42"},
		Endpoints:  map[string]string{ServiceSTS: srv.URL, ServiceSecretsManager: srv.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.all()); n != 0 {
		t.Fatalf("Load made %d requests; it must make none", n)
	}
	if _, err := c.SecretsManager().DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	reqs := f.all()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want AssumeRole then DescribeSecret: %+v", len(reqs), reqs)
	}
	assume, call := reqs[0], reqs[1]
	if assume.form.Get("Action") != "AssumeRole" || assume.form.Get("RoleArn") != "arn:aws:iam::111122223333:role/deployer" ||
		assume.form.Get("RoleSessionName") != DefaultSessionName || assume.form.Get("ExternalId") != "ext-42" {
		t.Errorf("AssumeRole request = %v", assume.form)
	}
	if got := credentialOf(assume.authorization); got != "AKIDBASE" {
		t.Errorf("AssumeRole signed with %q, want the base credentials AKIDBASE", got)
	}
	if call.target != "secretsmanager.DescribeSecret" || credentialOf(call.authorization) != "ASIAROLE" {
		t.Errorf("DescribeSecret (%q) signed with %q, want the role's ASIAROLE", call.target, credentialOf(call.authorization))
	}

	// A session name is passed through; a role without ARN is refused.
	c, err = Load(context.Background(), Settings{
		Region: "us-east-1", AccessKey: "AKIDBASE", SecretKey: "basesecret",
		AssumeRole: &AssumeRole{RoleARN: "arn:aws:iam::111122223333:role/deployer", SessionName: "ci-run-7"},
		Endpoints:  map[string]string{ServiceSTS: srv.URL, ServiceSecretsManager: srv.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Config.Credentials.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if last := f.all()[len(f.all())-1]; last.form.Get("RoleSessionName") != "ci-run-7" || last.form.Has("ExternalId") {
		t.Errorf("AssumeRole request = %v, want RoleSessionName ci-run-7 and no ExternalId", last.form)
	}
	if _, err := Load(context.Background(), Settings{Region: "us-east-1", AssumeRole: &AssumeRole{}}); err == nil || !strings.Contains(err.Error(), "role_arn") {
		t.Errorf("assume role without ARN: error %v", err)
	}
}

func TestLoadProfile(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[default]\nregion = us-east-1\n\n[profile deploy]\nregion = eu-central-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, []byte("[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n[deploy]\naws_access_key_id = AKIDDEPLOY\naws_secret_access_key = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_PROFILE", "default") // the argument wins over the environment

	c, err := Load(context.Background(), Settings{Profile: "deploy"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Config.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Config.Region != "eu-central-1" || got.AccessKeyID != "AKIDDEPLOY" {
		t.Errorf("profile deploy: region %q, key %q; want eu-central-1, AKIDDEPLOY", c.Config.Region, got.AccessKeyID)
	}
	if _, err := Load(context.Background(), Settings{Profile: "missing"}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing profile: error %v, want one naming it", err)
	}
}

func TestLoadUserAgent(t *testing.T) {
	isolate(t)
	f := &fakeAWS{}
	srv := httptest.NewServer(http.HandlerFunc(f.handler))
	defer srv.Close()
	c, err := Load(context.Background(), Settings{
		Region: "us-east-1", AccessKey: "AKID", SecretKey: "s",
		UserAgent: []UserAgentProduct{{"terraform-provider-refarch", "1.2.3"}, {"Terraform", "1.12.6"}},
		Endpoints: map[string]string{ServiceSecretsManager: srv.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SecretsManager().DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	ua := f.all()[0].userAgent
	for _, want := range []string{"aws-sdk-go-v2/", "terraform-provider-refarch/1.2.3", "Terraform/1.12.6"} {
		if !strings.Contains(ua, want) {
			t.Errorf("User-Agent %q lacks %q", ua, want)
		}
	}
}
