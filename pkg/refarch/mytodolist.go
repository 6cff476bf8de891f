package refarch

// MyTodoList is architecture 171: a mobile REST API (API Gateway + Cognito → Lambda → DAX → DynamoDB) with per-user
// S3 folders through a Cognito identity pool (modules/mytodolist, deployed through examples/mytodolist). Zero values
// take the module's defaults.
type MyTodoList struct {
	// Name prefixes every resource: 1-40 lowercase letters, digits or '-', starting with a letter. Required.
	Name string `tf:"name"`
	// TableEncryption is "AWS_MANAGED" (default, the aws/dynamodb KMS key) or "AWS_OWNED".
	TableEncryption string `tf:"table_encryption"`
	// DAX builds the DAX read cache in its own VPC (default true); VPCCIDRBlock is that VPC's block (default 10.42.0.0/16).
	DAX          *bool  `tf:"dax"`
	VPCCIDRBlock string `tf:"vpc_cidr_block"`
	// IdentityPool builds the identity pool for per-user S3 folders (default true).
	IdentityPool *bool `tf:"identity_pool"`
	// StageCache turns on the API Gateway stage cache (default false).
	StageCache bool `tf:"stage_cache"`
	// AllowUserPasswordAuth allows USER_PASSWORD_AUTH sign-in (default false: SRP only).
	AllowUserPasswordAuth bool `tf:"allow_user_password_auth"`
	// DeletionProtection protects the todos table and the user pool from deletion (default false: the example is disposable; the module's own default is true).
	DeletionProtection bool `tf:"deletion_protection"`
	// BucketForceDestroy lets Destroy delete the users' bucket with its files (default true: the example is
	// disposable; false keeps the files, the module's own default).
	BucketForceDestroy *bool `tf:"bucket_force_destroy"`
	// TokenValidityMinutes is the ID and access tokens' lifetime (default 60).
	TokenValidityMinutes int `tf:"token_validity_minutes"`
	// AlarmTopicARN is the SNS topic every alarm notifies; empty: the deployment creates its own (output
	// alarm_topic_arn).
	AlarmTopicARN string `tf:"alarm_topic_arn"`
	// Tags go on every resource.
	Tags map[string]string `tf:"tags"`
}

// MyTodoListOutputs are the deployment's outputs.
type MyTodoListOutputs struct {
	APIURL               string `json:"api_url"`
	RestAPIID            string `json:"rest_api_id"`
	StageName            string `json:"stage_name"`
	TableName            string `json:"table_name"`
	FunctionName         string `json:"function_name"`
	UserPoolID           string `json:"user_pool_id"`
	UserPoolClientID     string `json:"user_pool_client_id"`
	IssuerURL            string `json:"issuer_url"`
	IdentityPoolID       string `json:"identity_pool_id"`
	AuthenticatedRoleARN string `json:"authenticated_role_arn"`
	BucketName           string `json:"bucket_name"`
	UserFilesPrefix      string `json:"user_files_prefix"`
	DAXEndpoint          string `json:"dax_endpoint"`
	StageCacheEnabled    bool   `json:"stage_cache_enabled"`
	AlarmTopicARN        string `json:"alarm_topic_arn"`
}

// Example implements Architecture.
func (MyTodoList) Example() string { return "mytodolist" }

// Validate implements Architecture.
func (a MyTodoList) Validate() error {
	var c checks
	checkName(&c, a.Name)
	checkTableEncryption(&c, a.TableEncryption)
	c.add(a.VPCCIDRBlock == "" || cidrFits(a.VPCCIDRBlock), "vpc_cidr_block must be an IPv4 CIDR block with room for 3 subnets (e.g. 10.42.0.0/16).")
	checkTokenValidity(&c, a.TokenValidityMinutes)
	checkAlarmTopic(&c, a.AlarmTopicARN)
	return c.err()
}

// Variables implements Architecture.
func (a MyTodoList) Variables() map[string]any { return variables(a) }

// functions maps the outputs naming Lambda functions to their handlers in lambda-src/.
func (MyTodoList) functions() map[string]string { return map[string]string{"function_name": "todos"} }
