package sandbox

// localProfiles are the variables that switch off, per example and in the sandbox only, what kumo cannot apply.
// Real AWS keeps the modules' defaults; each switch names the missing API.
var localProfiles = map[string]map[string]any{
	"mytodolist": {
		"point_in_time_recovery": false, // DynamoDB UpdateContinuousBackups is not implemented
		"access_logs":            false, // API Gateway UpdateStage (PATCH) is not implemented
		"method_settings":        false, // same: method settings are UpdateStage patches
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
