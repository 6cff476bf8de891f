// Package awsconfig is the one place that turns the refarch provider's
// settings (or, where they are unset, the standard AWS environment) into an
// aws.Config, and builds AWS service clients that honour per-service endpoint
// overrides.
//
// Resolution order, per setting:
//
//   - Region: Settings.Region, else AWS_REGION, else AWS_DEFAULT_REGION, else
//     the `region` of the active shared config profile. No Region at all is
//     ErrRegionRequired.
//   - Profile: Settings.Profile, else AWS_PROFILE, else "default": the shared
//     configuration and credentials profile the SDK reads.
//   - Credentials: Settings.AccessKey/SecretKey/Token when given, else the
//     SDK's default chain (environment, shared config and credentials files,
//     web identity, container credentials, EC2 instance metadata). With
//     Settings.AssumeRole, those credentials only call STS AssumeRole, and
//     every other call uses the role's temporary credentials (refreshed
//     before they expire). Nothing is fetched here: credentials are resolved
//     lazily on the first API call.
//   - User-Agent: every request carries UserAgent's product/version pairs
//     after the SDK's own.
//   - Endpoint of service X: Settings.Endpoints[X], else the SDK's own
//     AWS_ENDPOINT_URL_<SERVICE_ID> (for example AWS_ENDPOINT_URL_DYNAMODB or
//     AWS_ENDPOINT_URL_SECRETS_MANAGER) or `endpoint_url` in the shared config
//     profile, else AWS_ENDPOINT_URL, else the default AWS endpoint. The SDK
//     implements everything after Settings.Endpoints natively; this package
//     only adds the override on top, after the SDK has resolved its own.
package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// Service identifiers accepted as keys of Settings.Endpoints. They match the
// attribute names of the provider's `endpoints` block (and hashicorp/aws's).
// Other keys are accepted too; these are the ones the provider exposes.
const (
	ServiceAthena         = "athena"
	ServiceCloudFront     = "cloudfront"
	ServiceDynamoDB       = "dynamodb"
	ServiceIAM            = "iam"
	ServiceLambda         = "lambda"
	ServiceS3             = "s3"
	ServiceScheduler      = "scheduler"
	ServiceSecretsManager = "secretsmanager"
	ServiceSTS            = "sts"
)

// ErrRegionRequired is returned by Load when no AWS Region can be found.
var ErrRegionRequired = errors.New("no AWS Region is configured: set the refarch provider's `region` argument, " +
	"or the AWS_REGION or AWS_DEFAULT_REGION environment variable, " +
	"or `region` in the active AWS shared config profile (AWS_PROFILE)")

// Settings are the inputs Load turns into an aws.Config. The zero value means
// "everything from the environment".
type Settings struct {
	// Region, for example "eu-west-1". Empty: from the environment.
	Region string
	// AccessKey, SecretKey and Token are static credentials. AccessKey and
	// SecretKey go together; Token needs both. Empty: the default chain.
	AccessKey string
	SecretKey string
	Token     string
	// Profile names the shared configuration/credentials profile. Empty:
	// AWS_PROFILE, else "default".
	Profile string
	// AssumeRole, when set, makes every call (but STS AssumeRole itself)
	// use the credentials of this role.
	AssumeRole *AssumeRole
	// UserAgent lists product/version pairs appended to every request's
	// User-Agent, for example {"terraform-provider-refarch", "0.1.0"}.
	UserAgent []UserAgentProduct
	// Endpoints maps a service identifier (see the Service* constants; case
	// insensitive) to an absolute http(s) URL. Empty values are ignored.
	Endpoints map[string]string
	// MaxRetries is the number of retries after a failed attempt of an API
	// call (the SDK is given MaxRetries+1 attempts). Zero or less: the SDK
	// default (3 attempts).
	MaxRetries int
}

// AssumeRole is the role the provider assumes with the credentials it
// resolved, as in the hashicorp/aws provider's assume_role block.
type AssumeRole struct {
	// RoleARN is required.
	RoleARN string
	// SessionName is the role session name (CloudTrail shows it). Empty:
	// DefaultSessionName.
	SessionName string
	// ExternalID is passed to AssumeRole when not empty.
	ExternalID string
}

// DefaultSessionName is the role session name when AssumeRole.SessionName is
// empty.
const DefaultSessionName = "refarch-provider"

// UserAgentProduct is one product/version pair of the User-Agent header.
type UserAgentProduct struct {
	Name, Version string
}

// Clients holds a resolved aws.Config plus the endpoint overrides, and builds
// service clients from them. It is safe for concurrent use.
type Clients struct {
	// Config is the resolved configuration, for services without a
	// constructor method here: pass it to <service>.NewFromConfig together
	// with an option that calls SetBaseEndpoint.
	Config aws.Config

	endpoints map[string]string
}

// Load resolves Settings into Clients. It makes no network call.
func Load(ctx context.Context, s Settings) (*Clients, error) {
	endpoints, err := normalizeEndpoints(s.Endpoints)
	if err != nil {
		return nil, err
	}

	var opts []func(*config.LoadOptions) error
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	switch {
	case s.AccessKey != "" && s.SecretKey != "":
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, s.Token)))
	case s.AccessKey != "" || s.SecretKey != "":
		return nil, errors.New("static AWS credentials need both an access key and a secret key: " +
			"set both `access_key` and `secret_key`, or neither to use the default credential chain")
	case s.Token != "":
		return nil, errors.New("an AWS session token (`token`) is only used together with `access_key` and `secret_key`")
	}
	if s.MaxRetries > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(s.MaxRetries+1))
	}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if len(s.UserAgent) > 0 {
		var ua []func(*middleware.Stack) error
		for _, p := range s.UserAgent {
			if p.Name != "" {
				ua = append(ua, awsmiddleware.AddUserAgentKeyValue(p.Name, p.Version))
			}
		}
		opts = append(opts, config.WithAPIOptions(ua))
	}

	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, ErrRegionRequired
	}
	c := &Clients{Config: cfg, endpoints: endpoints}
	if r := s.AssumeRole; r != nil {
		if r.RoleARN == "" {
			return nil, errors.New("assume_role needs a role_arn")
		}
		session := r.SessionName
		if session == "" {
			session = DefaultSessionName
		}
		// The base credentials call STS (through the STS endpoint override,
		// if any); everything else uses the role's credentials.
		assume := stscreds.NewAssumeRoleProvider(c.STS(), r.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = session
			if r.ExternalID != "" {
				o.ExternalID = aws.String(r.ExternalID)
			}
		})
		c.Config.Credentials = aws.NewCredentialsCache(assume)
	}
	return c, nil
}

// EndpointFor returns the endpoint override for service (case insensitive)
// from Settings.Endpoints, or nil when there is none. Nil means "leave the
// SDK's own resolution (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the
// default endpoint) alone": never assign a nil result to BaseEndpoint.
func (c *Clients) EndpointFor(service string) *string {
	if v, ok := c.endpoints[strings.ToLower(service)]; ok {
		return aws.String(v)
	}
	return nil
}

// SetBaseEndpoint sets *baseEndpoint to the override for service when there
// is one, and leaves it alone otherwise. Use it in a client option:
//
//	lambda.NewFromConfig(c.Config, func(o *lambda.Options) {
//		c.SetBaseEndpoint(awsconfig.ServiceLambda, &o.BaseEndpoint)
//	})
func (c *Clients) SetBaseEndpoint(service string, baseEndpoint **string) {
	if ep := c.EndpointFor(service); ep != nil {
		*baseEndpoint = ep
	}
}

// CloudFront returns a CloudFront client. optFns run after the endpoint
// override.
func (c *Clients) CloudFront(optFns ...func(*cloudfront.Options)) *cloudfront.Client {
	return cloudfront.NewFromConfig(c.Config, append([]func(*cloudfront.Options){func(o *cloudfront.Options) {
		c.SetBaseEndpoint(ServiceCloudFront, &o.BaseEndpoint)
	}}, optFns...)...)
}

// DynamoDB returns a DynamoDB client. optFns run after the endpoint override.
func (c *Clients) DynamoDB(optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.NewFromConfig(c.Config, append([]func(*dynamodb.Options){func(o *dynamodb.Options) {
		c.SetBaseEndpoint(ServiceDynamoDB, &o.BaseEndpoint)
	}}, optFns...)...)
}

// SecretsManager returns a Secrets Manager client. optFns run after the
// endpoint override.
func (c *Clients) SecretsManager(optFns ...func(*secretsmanager.Options)) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(c.Config, append([]func(*secretsmanager.Options){func(o *secretsmanager.Options) {
		c.SetBaseEndpoint(ServiceSecretsManager, &o.BaseEndpoint)
	}}, optFns...)...)
}

// STS returns an STS client. optFns run after the endpoint override.
func (c *Clients) STS(optFns ...func(*sts.Options)) *sts.Client {
	return sts.NewFromConfig(c.Config, append([]func(*sts.Options){func(o *sts.Options) {
		c.SetBaseEndpoint(ServiceSTS, &o.BaseEndpoint)
	}}, optFns...)...)
}

// ValidateEndpointURL reports whether raw is an absolute http:// or https://
// URL with a host, as an endpoint override must be.
func ValidateEndpointURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a valid URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q is not an absolute http:// or https:// URL", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	return nil
}

func normalizeEndpoints(in map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for k, v := range in {
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if err := ValidateEndpointURL(v); err != nil {
			return nil, fmt.Errorf("endpoint for %q: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}
