package refarch

// PaidContent is architecture 174: Cognito → API → Lambda checks premium users in DynamoDB → short-lived CloudFront
// signed URL for videos in a bucket only CloudFront reads (modules/paid-content via examples/paid-content). Zero
// values take the module's defaults.
type PaidContent struct {
	// Name prefixes every resource: 1-40 lowercase letters, digits or '-', starting with a letter. Required.
	Name string `tf:"name"`
	// URLTTLMinutes is the signed URLs' lifetime, 1-720 (default 5).
	URLTTLMinutes int `tf:"url_ttl_minutes"`
	// PriceClass is PriceClass_All (default), PriceClass_200 or PriceClass_100.
	PriceClass string `tf:"price_class"`
	// SigningKeyRotation is any string; changing it rotates the signing key pair.
	SigningKeyRotation string `tf:"signing_key_rotation"`
	// SecretRecoveryWindowDays is 0 or 7-30 (default 7); the refarch provider checks it at plan time.
	SecretRecoveryWindowDays *int `tf:"secret_recovery_window_days"`
	// TableEncryption is "AWS_MANAGED" (default) or "AWS_OWNED".
	TableEncryption string `tf:"table_encryption"`
	// AllowUserPasswordAuth allows USER_PASSWORD_AUTH sign-in (default false: SRP only).
	AllowUserPasswordAuth bool `tf:"allow_user_password_auth"`
	// TokenValidityMinutes is the ID and access tokens' lifetime (default 60).
	TokenValidityMinutes int `tf:"token_validity_minutes"`
	// DeletionProtection protects the premium users table and the user pool from deletion (default false: the example is disposable; the module's own default is true).
	DeletionProtection bool `tf:"deletion_protection"`
	// BucketForceDestroy lets Destroy delete the video bucket with its videos (default true: the example is
	// disposable; false keeps the videos, the module's own default).
	BucketForceDestroy *bool `tf:"bucket_force_destroy"`
	// AlarmTopicARN is the SNS topic every alarm notifies; empty: the deployment creates its own (output
	// alarm_topic_arn).
	AlarmTopicARN string `tf:"alarm_topic_arn"`
	// Tags go on every resource.
	Tags map[string]string `tf:"tags"`
}

// PaidContentOutputs are the deployment's outputs.
type PaidContentOutputs struct {
	APIURL                 string `json:"api_url"`
	RestAPIID              string `json:"rest_api_id"`
	StageName              string `json:"stage_name"`
	FunctionName           string `json:"function_name"`
	UserPoolID             string `json:"user_pool_id"`
	UserPoolClientID       string `json:"user_pool_client_id"`
	PremiumTableName       string `json:"premium_table_name"`
	VideoBucketName        string `json:"video_bucket_name"`
	DistributionID         string `json:"distribution_id"`
	DistributionDomainName string `json:"distribution_domain_name"`
	KeyGroupID             string `json:"key_group_id"`
	AlarmTopicARN          string `json:"alarm_topic_arn"`
}

// Example implements Architecture.
func (PaidContent) Example() string { return "paid-content" }

// Validate implements Architecture.
func (a PaidContent) Validate() error {
	var c checks
	checkName(&c, a.Name)
	c.add(a.URLTTLMinutes == 0 || (a.URLTTLMinutes >= 1 && a.URLTTLMinutes <= 720), "url_ttl_minutes must be a whole number from 1 to 720.")
	checkPriceClass(&c, a.PriceClass)
	checkTableEncryption(&c, a.TableEncryption)
	checkTokenValidity(&c, a.TokenValidityMinutes)
	checkAlarmTopic(&c, a.AlarmTopicARN)
	return c.err()
}

// Variables implements Architecture.
func (a PaidContent) Variables() map[string]any { return variables(a) }

func (PaidContent) functions() map[string]string {
	return map[string]string{"function_name": "premium"}
}
