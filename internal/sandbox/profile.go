package sandbox

import "strings"

// Sandbox-only switches, one group per kumo gap, each naming the missing API. Examples compose the groups they
// need; real AWS keeps the modules' defaults.
var (
	// DynamoDB: UpdateContinuousBackups is not implemented, and DescribeTable has no SSEDescription, so a KMS key
	// would drift on every plan.
	kumoDynamoDB = map[string]any{"point_in_time_recovery": false, "table_encryption": "AWS_OWNED"}

	// API Gateway: UpdateStage (PATCH) is not implemented; access logs and method settings are stage patches.
	kumoAPIStage = map[string]any{"access_logs": false, "method_settings": false}

	// S3: PutBucketOwnershipControls is not implemented (MalformedXML; AWS enforces BucketOwnerEnforced on new
	// buckets by default), and GetBucketLifecycleConfiguration never returns
	// x-amz-transition-default-minimum-object-size, so the provider's wait for the rules to settle times out.
	kumoS3 = map[string]any{"bucket_ownership_controls": false, "bucket_lifecycle_rules": false}

	// SQS: GetQueueAttributes returns no SqsManagedSseEnabled (nor KmsMasterKeyId), so the provider's wait for a
	// queue's attributes never settles on an encrypted queue (every module names the switch queue_sse; AWS still
	// encrypts new queues with SSE-SQS by default).
	kumoSQS = map[string]any{"queue_sse": false}

	// Lambda: event source mappings are stored without their starting position, filters, response types, retries
	// or destination (every plan would replace them) and never polled; the harness polls the sources instead
	// (DriveEventSource).
	kumoEventSourceMappings = map[string]any{"event_source_mappings": false}

	// Lambda: no PutFunctionEventInvokeConfig (only ListFunctionEventInvokeConfigs, always empty), so asynchronous
	// invocations keep Lambda's default retries and no on-failure destination; the dead-letter queue is still built.
	kumoEventInvokeConfigs = map[string]any{"event_invoke_configs": false}

	// Lambda and API Gateway: CreateFunction ignores TracingConfig (GetFunction reads back PassThrough) and CreateStage
	// ignores tracingEnabled, so X-Ray active tracing would drift on every plan (and UpdateStage is not implemented).
	kumoTracing = map[string]any{"tracing": false}

	// CloudWatch: DescribeAlarms returns no TreatMissingData (it reads back as "missing"), so the alarms'
	// "notBreaching" would drift. The alarms and their actions are kept (SetAlarmState publishes to the topic).
	kumoAlarms = map[string]any{"alarm_treat_missing_data": "missing"}

	kumoCognito = map[string]any{
		// Not a missing API but what the sandbox tests need: they sign in with InitiateAuth USER_PASSWORD_AUTH
		// (no SRP client in the harness).
		"allow_user_password_auth": true,
		// DescribeUserPoolClient returns no PreventUserExistenceErrors, EnableTokenRevocation or TokenValidityUnits
		// and DescribeUserPool no UserAttributeUpdateSettings: the provider fails with "inconsistent result".
		"cognito_security_settings": false,
		// Without token_validity_units the lifetimes go out in Cognito's default unit, hours (1440 min → 24), and kumo
		// reads them as minutes: 24 minutes of token life instead of 1 for the default 60 minutes.
		"token_validity_minutes": 1440,
		// GetAuthorizer returns no providerARNs for COGNITO_USER_POOLS authorizers (so the plan never settles) and
		// UpdateAuthorizer is a 405; kumo does not enforce such authorizers anyway (the functions verify the token).
		"cognito_authorizer": false,
		// DescribeUserPool always returns empty UserPoolTags, so any tag drifts.
		"tags": map[string]any{},
	}

	// ELBv2: CreateListener keeps neither Certificates nor SslPolicy (nor does DescribeListeners return them), so an
	// HTTPS listener would drift on every plan, and the sandbox has no certificate worth serving anyway. Sandbox
	// only: the load balancers serve plain HTTP on port 80; on AWS they require a certificate (modules/alb).
	kumoELBv2 = map[string]any{"allow_plain_http": true}

	// Not a kumo gap but what a sandbox deployment is: disposable, so destroy takes the tables, the user pool and the
	// buckets with whatever the run wrote. The examples already default to this (their variables say why); the
	// profile keeps it so whatever a caller sets. For Cognito it is a gap as well: DescribeUserPool always reports
	// DeletionProtection INACTIVE, so an ACTIVE pool would drift on every plan. Examples compose the ones they have.
	sandboxNoDeletionProtection = map[string]any{"deletion_protection": false}
	sandboxBucketsForceDestroy  = map[string]any{"bucket_force_destroy": true}
	sandboxLogsForceDestroy     = map[string]any{"access_logs_force_destroy": true}

	// MyTodoList's read-cache and identity features kumo does not offer.
	kumoMyTodoListExtras = map[string]any{
		// kumo has no Cognito Identity service (CreateIdentityPool), and its user pool client ids contain '-', which
		// the AWS provider's identity-pool provider validation refuses.
		"identity_pool": false,
		// API Gateway cache cluster: CreateStage/UpdateStage never report cacheClusterStatus AVAILABLE.
		"stage_cache": false,
		// DAX is not offered at all (no CreateCluster); this also leaves out the example's VPC for it.
		"dax": false,
	}
)

// localProfiles are the sandbox-only variables per example. MyBlog has no Cognito, and its DAX stays off by default
// (no subnets), which the sandbox needs anyway.
var localProfiles = map[string]map[string]any{
	"mytodolist": merge(kumoDynamoDB, kumoAPIStage, kumoS3, kumoCognito, kumoMyTodoListExtras,
		kumoTracing, kumoAlarms, kumoKeyRotation, sandboxNoDeletionProtection, sandboxBucketsForceDestroy),
	"paid-content": merge(kumoDynamoDB, kumoAPIStage, kumoS3, kumoCognito,
		kumoTracing, kumoAlarms, kumoKeyRotation, sandboxNoDeletionProtection, sandboxBucketsForceDestroy),
	"myblog": merge(kumoDynamoDB, kumoAPIStage, kumoS3, kumoSQS, kumoEventSourceMappings, kumoEventInvokeConfigs,
		kumoTracing, kumoAlarms, kumoKeyRotation, sandboxNoDeletionProtection, sandboxBucketsForceDestroy),
}

// standInFiles are HCL files the harness adds to a staged example, per example, where kumo cannot apply a building
// block the example creates on AWS; they take effect only where the user gave no replacement (Prepare).
var standInFiles = map[string]map[string]string{}

// cacheStandIn are the examples whose ElastiCache kumo cannot create (see kumoElastiCache): Prepare points their
// cache_endpoint_override at the sandbox's Redis.
var cacheStandIn = map[string]bool{"microservices": true}

func merge(groups ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, g := range groups {
		for k, v := range g {
			out[k] = v
		}
	}
	return out
}

// LocalProfile is a copy of the sandbox-only variables for an example (empty when it needs none).
func LocalProfile(example string) map[string]any {
	return merge(localProfiles[example])
}

// undeletable are resource types kumo cannot delete on their own; they go with their parent (an integration with
// its REST API). Before destroying, the harness removes them from state — in the sandbox only.
var undeletable = []string{
	"aws_api_gateway_integration", // DeleteIntegration is not implemented (404)
}

// Undeletable lists the addresses in a `tofu state list` output that the harness must forget before destroy.
func Undeletable(stateList string) []string {
	var out []string
	for _, addr := range strings.Split(stateList, "\n") {
		addr = strings.TrimSpace(addr)
		for _, typ := range undeletable {
			if strings.HasPrefix(addr, typ+".") || strings.Contains(addr, "."+typ+".") {
				out = append(out, addr)
			}
		}
	}
	return out
}
