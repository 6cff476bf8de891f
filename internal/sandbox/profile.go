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
