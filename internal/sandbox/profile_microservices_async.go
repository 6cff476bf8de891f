package sandbox

// Sandbox-only switches of the Microservices architecture's service B and asynchronous patterns (173), one per kumo
// gap; real AWS keeps the modules' defaults.
var (
	// modules/lambda-cache-service: kumo v0.33.1's ElastiCache has no CreateCacheSubnetGroup ("UnknownError"), no
	// CreateUser/CreateUserGroup, and a replication group it creates has no member clusters (the provider's read
	// fails with CacheClusterNotFound on DescribeCacheClusters) and no data plane. The fixture then sets the
	// module's cache_endpoint_override to a redis-server the test runs on loopback (Debian's package, see
	// StartRedis), with TLS off — a local server has no certificate.
	kumoElastiCache = map[string]any{"elasticache": false}

	// kumo's EC2 ids look like subnet-06364d75-ea49-4e3, which the AWS id checks of a Lambda function's vpc_config
	// (and the rest-api-lambda module's validation) refuse, so the function runs outside the (emulated) VPC.
	kumoLambdaVPC = map[string]any{"lambda_in_vpc": false}

	// kumo's EC2 has no CreateVpcEndpoint (DynamoDB gateway, Secrets Manager and Logs interface endpoints).
	kumoVPCEndpoints = map[string]any{"vpc_endpoints": false}

	// kumo's KMS has no EnableKeyRotation (the queues' gap is kumoSQS, profile.go).
	kumoKeyRotation = map[string]any{"kms_key_rotation": false}

	kumoAsyncExtras = map[string]any{
		// Lambda: CreateEventSourceMapping drops FunctionResponseTypes, so ["ReportBatchItemFailures"] would drift;
		// the harness's poller (eventsource.go) honours a batchItemFailures answer anyway.
		"report_batch_item_failures": false,
	}
)

func init() {
	localProfiles["microservices-service-b"] = merge(kumoDynamoDB, kumoAPIStage, kumoElastiCache, kumoLambdaVPC, kumoVPCEndpoints,
		kumoTracing, kumoAlarms)
	localProfiles["microservices-async"] = merge(kumoDynamoDB, kumoSQS, kumoKeyRotation, kumoAsyncExtras, kumoAlarms)
}
