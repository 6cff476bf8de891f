package refarch

import "regexp"

var softwareUpdatesNameRule = regexp.MustCompile(`^[a-z][a-z0-9-]{0,23}$`)

// msgSoftwareUpdatesPlainHTTP is examples/software-updates' allow_plain_http rule.
const msgSoftwareUpdatesPlainHTTP = "Give alb_certificate_arn (with origin_domain_name) so that CloudFront reaches the ALB over HTTPS; to use plain HTTP between CloudFront and the ALB instead (the secret header unencrypted; throwaway deployments only), set allow_plain_http = true."

// SoftwareUpdates is architecture 175: CloudFront in front of an existing ALB → Auto Scaling group → EFS app that
// serves update files (modules/software-updates via examples/software-updates, which also builds the "existing"
// app). Real AWS only: the sandbox has no Auto Scaling, EFS or VPC endpoints. Zero values take the defaults.
type SoftwareUpdates struct {
	// Name prefixes every resource: 1-24 lowercase letters, digits or '-', starting with a letter. Required.
	Name string `tf:"name"`
	// VPCCIDRBlock (default 10.0.0.0/16) and AZCount (default 2) shape the app's VPC; NATGateway is single
	// (default), per_az or none.
	VPCCIDRBlock string `tf:"vpc_cidr_block"`
	AZCount      int    `tf:"az_count"`
	NATGateway   string `tf:"nat_gateway"`
	// ALBCertificateARN turns on HTTPS to the origin; OriginDomainName is the name that certificate covers. One of
	// ALBCertificateARN and AllowPlainHTTP (plain HTTP between CloudFront and the ALB, the origin secret header
	// unencrypted: throwaway deployments only) is required.
	ALBCertificateARN string `tf:"alb_certificate_arn"`
	OriginDomainName  string `tf:"origin_domain_name"`
	AllowPlainHTTP    bool   `tf:"allow_plain_http"`
	// Architecture is arm64 (default) or x86_64; InstanceType must match it.
	Architecture string `tf:"architecture"`
	InstanceType string `tf:"instance_type"`
	// ManifestTTLSeconds is how long edges keep the manifest.
	ManifestTTLSeconds int `tf:"manifest_ttl_seconds"`
	// PriceClass is PriceClass_All (default), PriceClass_200 or PriceClass_100.
	PriceClass string `tf:"price_class"`
	// AccessLogsForceDestroy lets Destroy delete the access-log buckets with their logs (default true: the example is
	// disposable; false keeps the logs, the module's own default).
	AccessLogsForceDestroy *bool `tf:"access_logs_force_destroy"`
	// AlarmTopicARN is the SNS topic every alarm notifies; empty: the deployment creates its own (output
	// alarm_topic_arn).
	AlarmTopicARN string `tf:"alarm_topic_arn"`
	// Tags go on every resource.
	Tags map[string]string `tf:"tags"`
}

// SoftwareUpdatesOutputs are the deployment's outputs.
type SoftwareUpdatesOutputs struct {
	DistributionID         string `json:"distribution_id"`
	DistributionDomainName string `json:"distribution_domain_name"`
	BaseURL                string `json:"base_url"`
	InvalidationCommand    string `json:"invalidation_command"`
	ALBDNSName             string `json:"alb_dns_name"`
	VPCID                  string `json:"vpc_id"`
	EFSAccessPointID       string `json:"efs_access_point_id"`
	AutoscalingGroupName   string `json:"autoscaling_group_name"`
	AccessLogsBucketName   string `json:"access_logs_bucket_name"`
	AlarmTopicARN          string `json:"alarm_topic_arn"`
}

// Example implements Architecture.
func (SoftwareUpdates) Example() string { return "software-updates" }

// Validate implements Architecture.
func (a SoftwareUpdates) Validate() error {
	var c checks
	c.add(softwareUpdatesNameRule.MatchString(a.Name), "name must be 1-24 lowercase letters, digits or '-', starting with a letter (ALB names are limited to 32 characters).")
	c.add(a.Architecture == "" || a.Architecture == "arm64" || a.Architecture == "x86_64", "architecture must be \"arm64\" or \"x86_64\".")
	checkPriceClass(&c, a.PriceClass)
	c.add(a.ALBCertificateARN != "" || a.AllowPlainHTTP, "%s", msgSoftwareUpdatesPlainHTTP)
	checkAlarmTopic(&c, a.AlarmTopicARN)
	return c.err()
}

// Variables implements Architecture.
func (a SoftwareUpdates) Variables() map[string]any { return variables(a) }
