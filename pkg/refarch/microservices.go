package refarch

import (
	"net"
	"regexp"
	"slices"
	"strings"
)

// The rules of the modules examples/microservices reaches with the variables below: modules/microservices (name,
// network), its services' modules (ecs-service, asg-rds-service, lambda-cache-service: derived names, image,
// artifact, certificate and network ids) and modules/vpc (only when Network is nil: with a network the module is not
// instantiated and its rules do not run).
var (
	msNameRule         = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	msServiceBNameRule = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9]){0,31}$`)
	msWhitespace       = regexp.MustCompile(`\s`)
	msArtifactRule     = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$`)
	msCertificateRule  = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$`)
	msVPCIDRule        = regexp.MustCompile(`^vpc-[0-9a-f][0-9a-f-]{7,}$`)
	msSubnetIDRule     = regexp.MustCompile(`^subnet-[0-9a-f][0-9a-f-]{7,}$`)
	zoneNameRule       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d[a-z]$`)
)

const (
	msgMicroservicesName = "name must be 1-20 lowercase letters, digits or '-', starting with a letter and not ending with '-' (the services' load balancer names add up to 12 characters)."
	// lambda-cache-service's rule on "<name>-b": no "--" (ElastiCache ids).
	msgServiceBName    = "name must be 1-32 lowercase letters, digits or single hyphens, start with a letter and not end with a hyphen (ElastiCache replication group and user ids allow nothing else)."
	msgImage           = "container.image must be an image reference such as \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.0\"."
	msgArtifact        = "app.artifact_s3_uri must be an S3 object URI such as \"s3://my-artifacts/orders/orders-arm64\"."
	msgCertificateARN  = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>) in the load balancer's region."
	msgNetworkSubnets  = "network needs at least two public and two private subnets, in different Availability Zones (the load balancers and the database subnet group require two AZs)."
	msgNetworkCIDR     = "vpc_cidr_block must be an IPv4 CIDR block such as \"10.0.0.0/16\"."
	msgNetworkVPCID    = "vpc.vpc_id must be a VPC ID, vpc-<hex>."
	msgNetworkSubnetID = "vpc.subnet_ids must hold at least one subnet ID, subnet-<hex> (private subnets; two or more for a Multi-AZ cache)."
	msgNATGateway      = "nat_gateway must be \"none\", \"single\" or \"per_az\"."
	msgAZCount         = "availability_zones must list exactly az_count zones: set az_count to the list's length (2-6), or leave availability_zones null."
	msgAZRepeat        = "availability_zones must not repeat a zone: each subnet pair needs its own AZ for redundancy."
	msgAZName          = "availability_zones must be zone names such as \"eu-west-1a\" (not zone IDs such as \"euw1-az1\")."
)

// msAZCount is the VPC's az_count: the example leaves it at modules/microservices' default.
const msAZCount = 2

// Microservices is architecture 173: services A (ALB → ECS Fargate → DynamoDB), B (API Gateway → Lambda →
// ElastiCache) and C (ALB → EC2 Auto Scaling → RDS for PostgreSQL) in one VPC, with SNS → SQS (+ DLQs) → Lambda
// events between them (modules/microservices via examples/microservices). Build and publish the orders program
// first (see modules/microservices/README.md). Zero values take the example's defaults. In the sandbox (which runs
// no ECS tasks or instances, so the image and program are never fetched), a nil Network gets a plain VPC in place of
// modules/vpc and service B's cache is the sandbox's Redis.
type Microservices struct {
	// Name prefixes every resource: 1-20 lowercase letters, digits or '-', starting with a letter, not ending with
	// '-' and without "--" (default "microservices"); make it unique per deployment in an account.
	Name string `tf:"name"`
	// ServiceAImage is service A's container image (apps/orders built with apps/orders/Dockerfile for linux/arm64 and
	// pushed to ECR), such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.0. Required.
	ServiceAImage string `tf:"service_a_image"`
	// ServiceCArtifactS3URI is the s3:// URI of service C's program (apps/orders built with GOOS=linux GOARCH=arm64
	// and uploaded to a bucket of this account), such as s3://my-artifacts/orders/orders-arm64. Required.
	ServiceCArtifactS3URI string `tf:"service_c_artifact_s3_uri"`
	// CertificateARN is the ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>) for HTTPS on both load
	// balancers, covering both host names (port 80 only redirects). Required on AWS unless AllowPlainHTTP.
	CertificateARN string `tf:"certificate_arn"`
	// AllowPlainHTTP lets the load balancers serve plain HTTP on port 80 without a certificate: a throwaway demo only
	// (default false; without a certificate the plan stops). The sandbox sets it itself (no listener certificates in
	// kumo), so Validate does not require either.
	AllowPlainHTTP bool `tf:"allow_plain_http"`
	// Network deploys into an existing network instead of creating the VPC (default nil: a new VPC from modules/vpc,
	// shaped by AvailabilityZones, NATGateway and FlowLogs; those three are ignored, and not checked, with a Network).
	Network *MicroservicesNetwork `tf:"network"`
	// AvailabilityZones are the created VPC's two zones, distinct zone names such as eu-west-1a (default: the
	// region's first two).
	AvailabilityZones []string `tf:"availability_zones"`
	// NATGateway is the private subnets' outbound internet: "single" (default), "per_az" or "none".
	NATGateway string `tf:"nat_gateway"`
	// FlowLogs records the created VPC's traffic in VPC Flow Logs (default true).
	FlowLogs *bool `tf:"flow_logs"`
	// FinalSnapshot keeps a final snapshot of service C's database on destroy (default true).
	FinalSnapshot *bool `tf:"final_snapshot"`
	// DeletionProtection protects the load balancers, tables and the database from deletion (default false: the example is disposable; the module's own default is true).
	DeletionProtection bool `tf:"deletion_protection"`
	// AccessLogsForceDestroy lets Destroy delete the load balancers' access-log bucket with its logs (default true:
	// the example is disposable; false keeps the logs, the module's own default).
	AccessLogsForceDestroy *bool `tf:"access_logs_force_destroy"`
	// AlarmTopicARN is the SNS topic every alarm notifies; empty: the deployment creates its own (output
	// alarm_topic_arn).
	AlarmTopicARN string `tf:"alarm_topic_arn"`
	// Tags go on every resource (default {project = "refarch", architecture = "microservices"}).
	Tags map[string]string `tf:"tags"`
}

// MicroservicesNetwork is an existing network: at least two public and two private subnets in different
// Availability Zones, the private ones with a route to AWS APIs.
type MicroservicesNetwork struct {
	// VPCID is the VPC, vpc-<hex>.
	VPCID string `tf:"vpc_id"`
	// VPCCIDRBlock is the VPC's IPv4 CIDR block, such as 10.0.0.0/16.
	VPCCIDRBlock string `tf:"vpc_cidr_block"`
	// PublicSubnetIDs hold the load balancers (two or more).
	PublicSubnetIDs []string `tf:"public_subnet_ids"`
	// PrivateSubnetIDs (subnet-<hex>, two or more) hold the tasks, instances, database, cache and function.
	PrivateSubnetIDs []string `tf:"private_subnet_ids"`
}

// MicroservicesOutputs are the deployment's outputs.
type MicroservicesOutputs struct {
	ServiceAURL                  string            `json:"service_a_url"`
	ServiceATableName            string            `json:"service_a_table_name"`
	ServiceAEnvironment          map[string]string `json:"service_a_environment"`
	ServiceBAPIURL               string            `json:"service_b_api_url"`
	ServiceBRestAPIID            string            `json:"service_b_rest_api_id"`
	ServiceBStageName            string            `json:"service_b_stage_name"`
	ServiceBFunctionName         string            `json:"service_b_function_name"`
	ServiceBTableName            string            `json:"service_b_table_name"`
	ServiceBCacheSecretARN       string            `json:"service_b_cache_secret_arn"`
	ServiceCURL                  string            `json:"service_c_url"`
	ServiceCDBInstanceIdentifier string            `json:"service_c_db_instance_identifier"`
	ServiceCDBSecretARN          string            `json:"service_c_db_secret_arn"`
	ServiceCDBUsername           string            `json:"service_c_db_username"`
	ServiceCEnvironment          map[string]string `json:"service_c_environment"`
	EventsTopicARN               string            `json:"events_topic_arn"`
	// EventsQueueURLs and EventsDLQURLs are by queue: fulfilment (the consumer's) and analytics (order.created).
	EventsQueueURLs            map[string]string `json:"events_queue_urls"`
	EventsDLQURLs              map[string]string `json:"events_dlq_urls"`
	EventsConsumerFunctionName string            `json:"events_consumer_function_name"`
	AccessLogBucket            string            `json:"access_log_bucket"`
	AlarmTopicARN              string            `json:"alarm_topic_arn"`
}

// Example implements Architecture.
func (Microservices) Example() string { return "microservices" }

// Validate implements Architecture.
func (a Microservices) Validate() error {
	var c checks
	nameOK := msNameRule.MatchString(a.Name) && !strings.HasSuffix(a.Name, "-")
	c.add(nameOK, "%s", msgMicroservicesName)
	// Service B's modules take "<name>-b"; only "--" can pass the rule above and fail this one.
	c.add(!nameOK || msServiceBNameRule.MatchString(a.Name+"-b"), "%s", msgServiceBName)
	c.add(a.ServiceAImage != "" && !msWhitespace.MatchString(a.ServiceAImage), "%s", msgImage)
	c.add(msArtifactRule.MatchString(a.ServiceCArtifactS3URI), "%s", msgArtifact)
	c.add(a.CertificateARN == "" || msCertificateRule.MatchString(a.CertificateARN), "%s", msgCertificateARN)
	if n := a.Network; n != nil {
		c.add(len(n.PublicSubnetIDs) >= 2 && len(n.PrivateSubnetIDs) >= 2, "%s", msgNetworkSubnets)
		c.add(ipv4CIDR(n.VPCCIDRBlock), "%s", msgNetworkCIDR)
		c.add(msVPCIDRule.MatchString(n.VPCID), "%s", msgNetworkVPCID)
		ok := len(n.PrivateSubnetIDs) >= 1
		for _, s := range n.PrivateSubnetIDs {
			ok = ok && msSubnetIDRule.MatchString(s)
		}
		c.add(ok, "%s", msgNetworkSubnetID)
	} else {
		c.add(a.NATGateway == "" || slices.Contains([]string{"none", "single", "per_az"}, a.NATGateway), "%s", msgNATGateway)
		if len(a.AvailabilityZones) > 0 {
			c.add(len(a.AvailabilityZones) == msAZCount, "%s", msgAZCount)
			sorted := slices.Clone(a.AvailabilityZones)
			slices.Sort(sorted)
			c.add(len(slices.Compact(sorted)) == len(a.AvailabilityZones), "%s", msgAZRepeat)
			ok := true
			for _, z := range a.AvailabilityZones {
				ok = ok && zoneNameRule.MatchString(z)
			}
			c.add(ok, "%s", msgAZName)
		}
	}
	checkAlarmTopic(&c, a.AlarmTopicARN)
	return c.err()
}

// ipv4CIDR is tofu's can(cidrnetmask(s)): an IPv4 CIDR block, host bits allowed.
func ipv4CIDR(s string) bool {
	_, n, err := net.ParseCIDR(s)
	return err == nil && n.IP.To4() != nil
}

// Variables implements Architecture.
func (a Microservices) Variables() map[string]any { return variables(a) }

// sandboxStandIns: kumo stores the fulfilment queue → consumer event source mapping but never polls it.
func (Microservices) sandboxStandIns() standIns {
	return standIns{mappings: []string{"events_consumer_function_name"}}
}

func (Microservices) functions() map[string]string {
	return map[string]string{"service_b_function_name": "catalog", "events_consumer_function_name": "consumer"}
}
