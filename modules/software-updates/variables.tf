variable "name" {
  description = "Name prefix of every resource of this deployment (policies, log bucket, comment). 1-32 lowercase letters, digits or hyphens, starting with a letter."
  type        = string
  default     = "software-updates"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.name))
    error_message = "name must be 1-32 lowercase letters, digits or '-', starting with a letter (such as \"app-updates\")."
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Origin: the existing application (an ALB) that serves the update files
# ---------------------------------------------------------------------------------------------------------------------

variable "origin_domain_name" {
  description = "DNS name of the existing origin, usually the Application Load Balancer's `dns_name` (or a name in your domain pointing at it). CloudFront refuses IP addresses."
  type        = string

  validation {
    condition     = can(regex("^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$", var.origin_domain_name)) && length(var.origin_domain_name) <= 253
    error_message = "origin_domain_name must be a DNS name such as \"my-alb-123456.eu-west-1.elb.amazonaws.com\" (no scheme, port or path)."
  }
  validation {
    condition     = !can(regex("^[0-9.]+$", var.origin_domain_name)) && !can(regex(":", var.origin_domain_name))
    error_message = "origin_domain_name must not be an IP address (CloudFront rejects them): use the load balancer's DNS name."
  }
}

variable "origin_protocol_policy" {
  description = "How CloudFront connects to the origin: `https-only` (default; the ALB needs an HTTPS listener with a certificate valid for `origin_domain_name`), `http-only` or `match-viewer` (both only with `allow_plain_http`)."
  type        = string
  default     = "https-only"

  validation {
    condition     = contains(["https-only", "http-only", "match-viewer"], var.origin_protocol_policy)
    error_message = "origin_protocol_policy must be \"https-only\", \"http-only\" or \"match-viewer\"."
  }
}

variable "allow_plain_http" {
  description = "Let CloudFront reach the origin over plain HTTP (`origin_protocol_policy` `http-only` or `match-viewer`): the files and the origin secret header then travel unencrypted between CloudFront and the origin. Default false. True only for an origin that cannot have a certificate (a demo, the local sandbox)."
  type        = bool
  default     = false

  validation {
    condition     = var.origin_protocol_policy == "https-only" || var.allow_plain_http
    error_message = "origin_protocol_policy \"http-only\" or \"match-viewer\" sends requests, and the origin secret header, to the origin unencrypted: keep \"https-only\" (a certificate on the origin valid for origin_domain_name), or set allow_plain_http = true (demos and the local sandbox only)."
  }
}

variable "origin_ssl_protocols" {
  description = "TLS versions CloudFront may use to the origin (default only `TLSv1.2`, the highest CloudFront offers to custom origins)."
  type        = list(string)
  default     = ["TLSv1.2"]

  validation {
    condition     = length(var.origin_ssl_protocols) > 0 && alltrue([for p in var.origin_ssl_protocols : contains(["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"], p)])
    error_message = "origin_ssl_protocols must list values from \"TLSv1.2\", \"TLSv1.1\", \"TLSv1\", \"SSLv3\" (keep \"TLSv1.2\" only unless the origin cannot do it)."
  }
}

variable "origin_http_port" {
  description = "Origin's HTTP port (default 80); used with `http-only` / `match-viewer`."
  type        = number
  default     = 80

  validation {
    condition     = var.origin_http_port == 80 || (var.origin_http_port >= 1024 && var.origin_http_port <= 65535 && floor(var.origin_http_port) == var.origin_http_port)
    error_message = "origin_http_port must be 80 or a whole number from 1024 to 65535 (CloudFront's allowed origin ports)."
  }
}

variable "origin_https_port" {
  description = "Origin's HTTPS port (default 443)."
  type        = number
  default     = 443

  validation {
    condition     = var.origin_https_port == 443 || (var.origin_https_port >= 1024 && var.origin_https_port <= 65535 && floor(var.origin_https_port) == var.origin_https_port)
    error_message = "origin_https_port must be 443 or a whole number from 1024 to 65535 (CloudFront's allowed origin ports)."
  }
}

variable "origin_path" {
  description = "Path prefix CloudFront adds to every origin request, such as `/static` (default none)."
  type        = string
  default     = ""

  validation {
    condition     = var.origin_path == "" || can(regex("^(/[A-Za-z0-9._~-]+)+$", var.origin_path))
    error_message = "origin_path must be empty or start with '/' and not end with '/', such as \"/static\"."
  }
}

variable "origin_verify_header_name" {
  description = "Name of the secret header CloudFront adds to every origin request (default `X-Origin-Verify`); the ALB forwards only requests that carry it with `origin_verify_secret`."
  type        = string
  default     = "X-Origin-Verify"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,64}$", var.origin_verify_header_name)) && !contains(["host", "authorization", "x-forwarded-for", "via", "cache-control", "x-amz-cf-id"], lower(var.origin_verify_header_name))
    error_message = "origin_verify_header_name must be 1-64 letters, digits or '-', and not a header CloudFront reserves (Host, Authorization, X-Forwarded-For, Via, Cache-Control, X-Amz-Cf-Id)."
  }
}

variable "origin_verify_secret" {
  description = "Secret value of the origin header (at least 32 characters) so the ALB can refuse traffic that did not come through this distribution. Null (default): no header; then restrict the ALB's security group to CloudFront's origin-facing prefix list at least. It is stored in the state like every distribution setting."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.origin_verify_secret == null || try(length(var.origin_verify_secret) >= 32 && length(var.origin_verify_secret) <= 256 && can(regex("^[ -~]+$", var.origin_verify_secret)), false)
    error_message = "origin_verify_secret must be 32-256 printable ASCII characters (generate one, e.g. `openssl rand -hex 32`)."
  }
}

variable "origin_shield_region" {
  description = "Region of a CloudFront Origin Shield in front of the origin (the ALB's region, such as `eu-west-1`). With it, all edge locations fetch through one cache, so each versioned file leaves the origin about once instead of once per regional edge cache ($0.0075-0.016 per 10,000 requests that reach it). Null (default): none."
  type        = string
  default     = null

  validation {
    condition     = var.origin_shield_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-\\d$", var.origin_shield_region))
    error_message = "origin_shield_region must be a region name such as \"eu-west-1\"."
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Caching
# ---------------------------------------------------------------------------------------------------------------------

variable "versioned_path_patterns" {
  description = "Path patterns of the immutable, versioned update files (a new release gets a new path), cached for `versioned_ttl_seconds`. Default `[\"/updates/*\"]`."
  type        = list(string)
  default     = ["/updates/*"]

  validation {
    condition     = length(var.versioned_path_patterns) >= 1 && length(var.versioned_path_patterns) <= 20
    error_message = "versioned_path_patterns must list 1-20 path patterns."
  }
  validation {
    condition     = alltrue([for p in var.versioned_path_patterns : can(regex("^/?[A-Za-z0-9_.$/~\"'@:+*?&-]{1,254}$", p)) && trimprefix(p, "/") != "*"])
    error_message = "versioned_path_patterns entries must be CloudFront path patterns such as \"/updates/*\": up to 255 of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + * ? &, and not \"*\" (that is the default behaviour)."
  }
}

variable "manifest_paths" {
  description = "Path patterns of the mutable manifest(s) clients poll for the latest version, cached only `manifest_ttl_seconds`; they take precedence over `versioned_path_patterns`. Default `[\"/manifest.json\"]`."
  type        = list(string)
  default     = ["/manifest.json"]

  validation {
    condition     = length(var.manifest_paths) >= 1 && length(var.manifest_paths) <= 10
    error_message = "manifest_paths must list 1-10 path patterns."
  }
  validation {
    condition     = alltrue([for p in var.manifest_paths : can(regex("^/[A-Za-z0-9_.$/~\"'@:+*?&-]{1,254}$", p)) && p != "/*"])
    error_message = "manifest_paths entries must start with '/' (they are also the invalidation paths), such as \"/manifest.json\", use only CloudFront path-pattern characters, and not be \"/*\"."
  }
  validation {
    condition     = length(setintersection(toset(var.manifest_paths), toset(var.versioned_path_patterns))) == 0
    error_message = "A path cannot be both in manifest_paths (short TTL) and versioned_path_patterns (long TTL); remove it from one list."
  }
}

variable "versioned_ttl_seconds" {
  description = "Default and maximum time the edge keeps a versioned file, in seconds (default 31536000, one year: versioned files never change). From 86400 to 31536000."
  type        = number
  default     = 31536000

  validation {
    condition     = var.versioned_ttl_seconds >= 86400 && var.versioned_ttl_seconds <= 31536000 && floor(var.versioned_ttl_seconds) == var.versioned_ttl_seconds
    error_message = "versioned_ttl_seconds must be a whole number from 86400 (one day) to 31536000 (one year); files that change more often belong in manifest_paths."
  }
}

variable "versioned_min_ttl_seconds" {
  description = "Minimum time the edge keeps a versioned file even if the origin says `no-cache` or `max-age=0` (default 86400): an origin misconfiguration must not send every download back to the ALB. At most `versioned_ttl_seconds`."
  type        = number
  default     = 86400

  validation {
    condition     = var.versioned_min_ttl_seconds >= 0 && var.versioned_min_ttl_seconds <= var.versioned_ttl_seconds && floor(var.versioned_min_ttl_seconds) == var.versioned_min_ttl_seconds
    error_message = "versioned_min_ttl_seconds must be a whole number from 0 to versioned_ttl_seconds."
  }
}

variable "manifest_ttl_seconds" {
  description = "Default and maximum time the edge keeps a manifest, in seconds (default 60): how long after a release clients may still see the previous version. 0-3600; invalidate `manifest_paths` to publish at once."
  type        = number
  default     = 60

  validation {
    condition     = var.manifest_ttl_seconds >= 0 && var.manifest_ttl_seconds <= 3600 && floor(var.manifest_ttl_seconds) == var.manifest_ttl_seconds
    error_message = "manifest_ttl_seconds must be a whole number from 0 to 3600 (a longer-lived manifest delays every release; put long-lived files in versioned_path_patterns)."
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Viewers
# ---------------------------------------------------------------------------------------------------------------------

variable "viewer_protocol_policy" {
  description = "`https-only` (default: plain HTTP gets 403, update clients must use TLS) or `redirect-to-https`."
  type        = string
  default     = "https-only"

  validation {
    condition     = contains(["https-only", "redirect-to-https"], var.viewer_protocol_policy)
    error_message = "viewer_protocol_policy must be \"https-only\" or \"redirect-to-https\" (plain HTTP to viewers is not offered)."
  }
}

variable "aliases" {
  description = "Alternate domain names (such as `updates.example.com`); they need `acm_certificate_arn`. Default none (the `*.cloudfront.net` name)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.aliases : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", a))])
    error_message = "aliases must be lowercase DNS names such as \"updates.example.com\" (a leading \"*.\" is allowed)."
  }
}

variable "acm_certificate_arn" {
  description = "ACM certificate in us-east-1 covering `aliases`; served over SNI with TLSv1.2_2021 at minimum. Null (default): CloudFront's default certificate."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:\\d{12}:certificate/.+$", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)."
  }
  validation {
    condition     = length(var.aliases) == 0 || var.acm_certificate_arn != null
    error_message = "aliases need acm_certificate_arn: CloudFront serves an alternate domain name only with a certificate for it."
  }
}

variable "price_class" {
  description = "Edge locations used: `PriceClass_All` (default: update clients are everywhere), `PriceClass_200` or `PriceClass_100` (North America, Europe, Israel only — cheaper, slower elsewhere)."
  type        = string
  default     = "PriceClass_All"

  validation {
    condition     = contains(["PriceClass_All", "PriceClass_200", "PriceClass_100"], var.price_class)
    error_message = "price_class must be \"PriceClass_All\", \"PriceClass_200\" or \"PriceClass_100\"."
  }
}

variable "web_acl_arn" {
  description = "ARN of an AWS WAF (v2) web ACL with scope CLOUDFRONT (created in us-east-1) to attach, e.g. rate limiting per IP. Null (default): none."
  type        = string
  default     = null

  validation {
    condition     = var.web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:\\d{12}:global/webacl/.+$", var.web_acl_arn))
    error_message = "web_acl_arn must be a WAFv2 web ACL ARN with scope CLOUDFRONT, such as \"arn:aws:wafv2:us-east-1:123456789012:global/webacl/name/id\"."
  }
}

variable "security_headers" {
  description = "Attach a response headers policy with HSTS (2 years, subdomains), X-Content-Type-Options nosniff, X-Frame-Options DENY and Referrer-Policy no-referrer (default true)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------------
# Access logs
# ---------------------------------------------------------------------------------------------------------------------

variable "access_logs" {
  description = "Write CloudFront standard access logs into a bucket this module creates (default true): encrypted (SSE-S3), public access blocked, TLS-only, ACLs limited to what log delivery needs (BucketOwnerPreferred), expired after `access_logs_retention_days`."
  type        = bool
  default     = true
}

variable "access_logs_retention_days" {
  description = "Days access-log objects are kept (default 365)."
  type        = number
  default     = 365

  validation {
    condition     = var.access_logs_retention_days >= 1 && var.access_logs_retention_days <= 3650 && floor(var.access_logs_retention_days) == var.access_logs_retention_days
    error_message = "access_logs_retention_days must be a whole number from 1 to 3650."
  }
}

variable "access_logs_force_destroy" {
  description = "Let `destroy` delete the log bucket with its logs (default false: keep them)."
  type        = bool
  default     = false
}

variable "bucket_ownership_controls" {
  description = "Set the log bucket's object ownership to BucketOwnerPreferred, which CloudFront log delivery needs (default true; off only where the API is missing, the local sandbox)."
  type        = bool
  default     = true
}

variable "bucket_lifecycle_rules" {
  description = "Expire access logs after `access_logs_retention_days` (default true; off only where the API is missing, the local sandbox)."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic that every alarm of the deployment notifies (alarm and OK): the distribution's 5xx error rate (in us-east-1, where CloudFront publishes its metrics). Null (default): the module creates `<name>-alarms` (in us-east-1, where the alarm is), encrypted with its own KMS key (modules/alarm-topic); subscribe to the `alarm_topic_arn` output. A topic of your own must let CloudWatch publish (and use its KMS key)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]*:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<name>."
  }
}

variable "alarm_treat_missing_data" {
  description = "How the alarms treat periods without data (default `notBreaching`: an idle queue or function is OK). `missing` only for the local sandbox, whose alarms do not keep the setting."
  type        = string
  default     = "notBreaching"
  nullable    = false

  validation {
    condition     = contains(["notBreaching", "missing", "ignore", "breaching"], var.alarm_treat_missing_data)
    error_message = "alarm_treat_missing_data must be \"notBreaching\", \"missing\", \"ignore\" or \"breaching\"."
  }
}

variable "kms_key_rotation" {
  description = "Yearly rotation of the alarm topic's KMS key, when the module creates the topic (default true). False only for the local sandbox, whose KMS lacks EnableKeyRotation."
  type        = bool
  default     = true
  nullable    = false
}

variable "error_rate_alarm_threshold" {
  description = "Percentage of requests answered with a 5xx (average over 5 minutes) above which the error-rate alarm fires, 0-100 (default 5)."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.error_rate_alarm_threshold >= 0 && var.error_rate_alarm_threshold <= 100
    error_message = "error_rate_alarm_threshold must be a percentage from 0 to 100."
  }
}

variable "tags" {
  description = "Tags added to every resource (default none)."
  type        = map(string)
  default     = {}
}
