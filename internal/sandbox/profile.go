package sandbox

import "strings"

// localProfiles are the variables that switch off, per example and in the sandbox only, what kumo cannot apply.
// Real AWS keeps the modules' defaults; each switch names the missing API.
var localProfiles = map[string]map[string]any{
	"mytodolist": {
		"point_in_time_recovery": false,       // DynamoDB UpdateContinuousBackups is not implemented
		"access_logs":            false,       // API Gateway UpdateStage (PATCH) is not implemented
		"method_settings":        false,       // same: method settings are UpdateStage patches
		"table_encryption":       "AWS_OWNED", // DescribeTable has no SSEDescription, so a KMS key would drift
		// kumo has no Cognito Identity service (CreateIdentityPool), and its user pool client ids contain '-', which
		// the AWS provider's identity-pool provider validation refuses.
		"identity_pool": false,
		// API Gateway cache cluster: CreateStage/UpdateStage never report cacheClusterStatus AVAILABLE.
		"stage_cache": false,
		// DAX is not offered at all (no CreateCluster); this also leaves out the example's VPC for it.
		"dax": false,
		// Not a missing API but what the sandbox test needs: it signs in with InitiateAuth USER_PASSWORD_AUTH
		// (no SRP client in the harness).
		"allow_user_password_auth": true,
		// DescribeUserPoolClient returns no PreventUserExistenceErrors, EnableTokenRevocation or TokenValidityUnits
		// and DescribeUserPool no UserAttributeUpdateSettings: the provider fails with "inconsistent result".
		"cognito_security_settings": false,
		// Without token_validity_units the lifetimes go out in Cognito's default unit, hours (1440 min → 24), and kumo
		// reads them as minutes: 24 minutes of token life instead of 1 for the default 60 minutes.
		"token_validity_minutes": 1440,
		// GetAuthorizer returns no providerARNs for COGNITO_USER_POOLS authorizers (so the plan never settles) and
		// UpdateAuthorizer is a 405; kumo does not enforce such authorizers anyway.
		"cognito_authorizer": false,
		// DescribeUserPool always returns empty UserPoolTags, so any tag drifts.
		"tags": map[string]any{},
		// PutBucketOwnershipControls is not implemented (MalformedXML). AWS enforces BucketOwnerEnforced on new
		// buckets by default.
		"bucket_ownership_controls": false,
		// GetBucketLifecycleConfiguration never returns x-amz-transition-default-minimum-object-size, so the
		// provider's wait for the rules to settle times out.
		"bucket_lifecycle_rules": false,
	},
	"paid-content": {
		"point_in_time_recovery": false,       // DynamoDB UpdateContinuousBackups is not implemented
		"access_logs":            false,       // API Gateway UpdateStage (PATCH) is not implemented
		"method_settings":        false,       // same: method settings are UpdateStage patches
		"table_encryption":       "AWS_OWNED", // DescribeTable has no SSEDescription, so a KMS key would drift
		// Not a missing API but what the sandbox test needs: it signs in with InitiateAuth USER_PASSWORD_AUTH.
		"allow_user_password_auth": true,
		// DescribeUserPoolClient returns no PreventUserExistenceErrors, EnableTokenRevocation or TokenValidityUnits
		// and DescribeUserPool no UserAttributeUpdateSettings: the provider fails with "inconsistent result".
		"cognito_security_settings": false,
		// Without token_validity_units the lifetimes go out in hours (60 min → 1), which kumo reads as minutes.
		"token_validity_minutes": 1440,
		// GetAuthorizer returns no providerARNs for COGNITO_USER_POOLS authorizers and UpdateAuthorizer is a 405;
		// kumo does not enforce such authorizers anyway (the function verifies the token itself).
		"cognito_authorizer": false,
		// DescribeUserPool always returns empty UserPoolTags, so any tag drifts.
		"tags": map[string]any{},
		// PutBucketOwnershipControls is not implemented (MalformedXML).
		"bucket_ownership_controls": false,
		// GetBucketLifecycleConfiguration never returns x-amz-transition-default-minimum-object-size.
		"bucket_lifecycle_rules": false,
	},
	// MyBlog: no Cognito, so only the table, API stage and bucket switches of "paid-content"/"mytodolist" apply.
	// DAX stays off by its default (no subnets), which the sandbox needs anyway: kumo has no DAX.
	"myblog": {
		"point_in_time_recovery": false,       // DynamoDB UpdateContinuousBackups is not implemented
		"access_logs":            false,       // API Gateway UpdateStage (PATCH) is not implemented (posts API)
		"method_settings":        false,       // same: method settings are UpdateStage patches
		"table_encryption":       "AWS_OWNED", // DescribeTable has no SSEDescription, so a KMS key would drift
		// PutBucketOwnershipControls is not implemented (MalformedXML).
		"bucket_ownership_controls": false,
		// GetBucketLifecycleConfiguration never returns x-amz-transition-default-minimum-object-size.
		"bucket_lifecycle_rules": false,
	},
}

// LocalProfile is a copy of the sandbox-only variables for an example (empty when it needs none).
func LocalProfile(example string) map[string]any {
	out := map[string]any{}
	for k, v := range localProfiles[example] {
		out[k] = v
	}
	return out
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
