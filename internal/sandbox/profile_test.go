package sandbox

import (
	"io/fs"
	"reflect"
	"regexp"
	"testing"

	"github.com/refarch/terraform-provider-refarch/examples"
)

func TestUndeletableFindsIntegrationsInModules(t *testing.T) {
	list := `module.mytodolist.aws_dynamodb_table.todos
module.mytodolist.module.api.aws_api_gateway_integration.this["GET /todos"]
module.mytodolist.module.api.aws_api_gateway_method.this["GET /todos"]
aws_api_gateway_integration.root
`
	got := Undeletable(list)
	want := []string{`module.mytodolist.module.api.aws_api_gateway_integration.this["GET /todos"]`, "aws_api_gateway_integration.root"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Undeletable = %q, want %q", got, want)
	}
}

func TestLocalProfileIsACopy(t *testing.T) {
	p := LocalProfile("mytodolist")
	if p["point_in_time_recovery"] != false {
		t.Fatalf("mytodolist profile %v lacks point_in_time_recovery=false", p)
	}
	p["point_in_time_recovery"] = true
	if LocalProfile("mytodolist")["point_in_time_recovery"] != false {
		t.Fatal("LocalProfile returned shared state")
	}
}

// TestLocalProfilesAreDeclaredAndDisposable: an example's profile sets only variables the example declares (tofu
// merely warns about an undeclared one in a variable file), and turns off every data-protection switch the example
// has: a sandbox deployment is disposable.
func TestLocalProfilesAreDeclaredAndDisposable(t *testing.T) {
	disposable := map[string]any{"deletion_protection": false, "bucket_force_destroy": true, "access_logs_force_destroy": true}
	variable := regexp.MustCompile(`(?m)^variable "([a-z0-9_]+)"`)
	for example, profile := range localProfiles {
		files, err := fs.Glob(examples.FS, example+"/*.tf")
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			continue // a test fixture under test/fixtures
		}
		declared := map[string]bool{}
		for _, f := range files {
			src, err := fs.ReadFile(examples.FS, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range variable.FindAllSubmatch(src, -1) {
				declared[string(m[1])] = true
			}
		}
		for k := range profile {
			if !declared[k] {
				t.Errorf("%s: the profile sets %q, which examples/%s does not declare", example, k, example)
			}
		}
		for k, want := range disposable {
			if declared[k] && profile[k] != want {
				t.Errorf("%s: the profile sets %s = %v, want %v (a sandbox deployment is disposable)", example, k, profile[k], want)
			}
		}
	}
}
