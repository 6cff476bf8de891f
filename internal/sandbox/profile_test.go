package sandbox

import (
	"reflect"
	"testing"
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
