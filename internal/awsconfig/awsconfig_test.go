package awsconfig

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// isolate clears every AWS_* variable that could leak in from the machine and
// points the shared config files at nothing, so the tests see only what they
// set themselves.
func isolate(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDFRONT", "AWS_ENDPOINT_URL_DYNAMODB",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
	} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
}

func TestLoadRegionRequired(t *testing.T) {
	isolate(t)
	_, err := Load(context.Background(), Settings{})
	if !errors.Is(err, ErrRegionRequired) {
		t.Fatalf("Load() error = %v, want ErrRegionRequired", err)
	}
	for _, want := range []string{"`region`", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestLoadRegion(t *testing.T) {
	for name, tc := range map[string]struct {
		settings Settings
		env      map[string]string
		want     string
	}{
		"setting":            {Settings{Region: "eu-west-1"}, nil, "eu-west-1"},
		"setting wins":       {Settings{Region: "eu-west-1"}, map[string]string{"AWS_REGION": "us-east-1"}, "eu-west-1"},
		"AWS_REGION":         {Settings{}, map[string]string{"AWS_REGION": "us-east-2"}, "us-east-2"},
		"AWS_DEFAULT_REGION": {Settings{}, map[string]string{"AWS_DEFAULT_REGION": "ap-south-1"}, "ap-south-1"},
	} {
		t.Run(name, func(t *testing.T) {
			isolate(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := Load(context.Background(), tc.settings)
			if err != nil {
				t.Fatal(err)
			}
			if c.Config.Region != tc.want {
				t.Errorf("Region = %q, want %q", c.Config.Region, tc.want)
			}
		})
	}
}

func TestLoadStaticCredentials(t *testing.T) {
	isolate(t)
	// The environment's keys must lose against the explicit ones.
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "envsecret")

	c, err := Load(context.Background(), Settings{Region: "us-east-1", AccessKey: "AKIDEXAMPLE", SecretKey: "secret", Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := c.Config.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "AKIDEXAMPLE" || creds.SecretAccessKey != "secret" || creds.SessionToken != "tok" {
		t.Errorf("credentials = %+v, want the static ones", creds)
	}
}

func TestLoadCredentialsFromEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "envsecret")

	c, err := Load(context.Background(), Settings{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := c.Config.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "ENVKEY" {
		t.Errorf("AccessKeyID = %q, want ENVKEY from the environment", creds.AccessKeyID)
	}
}

func TestLoadInvalidCredentials(t *testing.T) {
	for name, s := range map[string]Settings{
		"access key only": {Region: "us-east-1", AccessKey: "A"},
		"secret key only": {Region: "us-east-1", SecretKey: "S"},
		"token only":      {Region: "us-east-1", Token: "T"},
	} {
		t.Run(name, func(t *testing.T) {
			isolate(t)
			if _, err := Load(context.Background(), s); err == nil {
				t.Fatal("Load() succeeded, want an error")
			}
		})
	}
}

func TestLoadMaxRetries(t *testing.T) {
	isolate(t)
	c, err := Load(context.Background(), Settings{Region: "us-east-1", MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Config.RetryMaxAttempts; got != 6 {
		t.Errorf("RetryMaxAttempts = %d, want 6", got)
	}
}

func TestEndpoints(t *testing.T) {
	const (
		global     = "http://global.example:4566"
		cfOverride = "http://cloudfront.example:1"
		ddbEnv     = "http://dynamodb-env.example:2"
		ddbSetting = "http://dynamodb-setting.example:3"
	)
	tests := map[string]struct {
		env       map[string]string
		endpoints map[string]string
		wantCF    *string
		wantDDB   *string
		wantSM    *string
	}{
		"nothing": {},
		"AWS_ENDPOINT_URL applies to every service": {
			env:    map[string]string{"AWS_ENDPOINT_URL": global},
			wantCF: aws.String(global), wantDDB: aws.String(global), wantSM: aws.String(global),
		},
		"per-service setting wins over AWS_ENDPOINT_URL": {
			env:       map[string]string{"AWS_ENDPOINT_URL": global},
			endpoints: map[string]string{"CloudFront": cfOverride, "s3": ""},
			wantCF:    aws.String(cfOverride), wantDDB: aws.String(global), wantSM: aws.String(global),
		},
		"SDK's AWS_ENDPOINT_URL_<SERVICE> still wins over AWS_ENDPOINT_URL": {
			env:    map[string]string{"AWS_ENDPOINT_URL": global, "AWS_ENDPOINT_URL_DYNAMODB": ddbEnv},
			wantCF: aws.String(global), wantDDB: aws.String(ddbEnv), wantSM: aws.String(global),
		},
		"per-service setting wins over AWS_ENDPOINT_URL_<SERVICE>": {
			env:       map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": ddbEnv},
			endpoints: map[string]string{"dynamodb": ddbSetting},
			wantDDB:   aws.String(ddbSetting),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			isolate(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := Load(context.Background(), Settings{Region: "us-east-1", Endpoints: tc.endpoints})
			if err != nil {
				t.Fatal(err)
			}
			check := func(service string, got, want *string) {
				t.Helper()
				if aws.ToString(got) != aws.ToString(want) || (got == nil) != (want == nil) {
					t.Errorf("%s BaseEndpoint = %v, want %v", service, ptr(got), ptr(want))
				}
			}
			check("cloudfront", c.CloudFront().Options().BaseEndpoint, tc.wantCF)
			check("dynamodb", c.DynamoDB().Options().BaseEndpoint, tc.wantDDB)
			check("secretsmanager", c.SecretsManager().Options().BaseEndpoint, tc.wantSM)
		})
	}
}

func TestSetBaseEndpointLeavesSDKValueWithoutOverride(t *testing.T) {
	isolate(t)
	c, err := Load(context.Background(), Settings{Region: "us-east-1", Endpoints: map[string]string{"sts": "https://sts.example"}})
	if err != nil {
		t.Fatal(err)
	}
	ep := aws.String("http://from-sdk")
	c.SetBaseEndpoint("lambda", &ep)
	if *ep != "http://from-sdk" {
		t.Errorf("SetBaseEndpoint without an override changed the endpoint to %q", *ep)
	}
	c.SetBaseEndpoint("STS", &ep)
	if *ep != "https://sts.example" {
		t.Errorf("SetBaseEndpoint = %q, want the override", *ep)
	}
	if c.EndpointFor("lambda") != nil {
		t.Error("EndpointFor(lambda) != nil without an override")
	}
}

func TestLoadInvalidEndpoint(t *testing.T) {
	for _, raw := range []string{"localhost:4566", "/relative", "ftp://example.com", "http://"} {
		t.Run(raw, func(t *testing.T) {
			isolate(t)
			_, err := Load(context.Background(), Settings{Region: "us-east-1", Endpoints: map[string]string{"s3": raw}})
			if err == nil {
				t.Fatalf("Load() accepted endpoint %q", raw)
			}
			if !strings.Contains(err.Error(), `"s3"`) {
				t.Errorf("error %q does not name the service", err)
			}
		})
	}
}

func ptr(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
