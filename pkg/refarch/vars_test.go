package refarch

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestNewFromStrings(t *testing.T) {
	a, err := New("mytodolist", map[string]string{"name": "todos", "dax": "false", "token_validity_minutes": "30", "tags": "team=web,env=dev"})
	if err != nil {
		t.Fatal(err)
	}
	got := a.Variables()
	want := map[string]any{"name": "todos", "dax": false, "token_validity_minutes": 30, "tags": map[string]string{"team": "web", "env": "dev"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Variables() = %#v, want %#v (unset fields left to the root's defaults)", got, want)
	}
	b, err := New("myblog", map[string]string{"name": "b", "sender_address": "b@example.com", "posts_replica_regions": "eu-west-1,us-east-2"})
	if err != nil || !reflect.DeepEqual(b.Variables()["posts_replica_regions"], []string{"eu-west-1", "us-east-2"}) {
		t.Fatalf("myblog: %v %#v", err, b)
	}
	m, err := New("microservices", map[string]string{
		"name": "shop", "service_a_image": "orders:1.0", "service_c_artifact_s3_uri": "s3://artifacts/orders",
		"availability_zones": "eu-west-1a,eu-west-1b", "nat_gateway": "per_az", "flow_logs": "false", "deletion_protection": "true",
	})
	if err != nil {
		t.Fatal(err)
	}
	wantMS := map[string]any{
		"name": "shop", "service_a_image": "orders:1.0", "service_c_artifact_s3_uri": "s3://artifacts/orders",
		"availability_zones": []string{"eu-west-1a", "eu-west-1b"}, "nat_gateway": "per_az", "flow_logs": false, "deletion_protection": true,
	}
	if got := m.Variables(); !reflect.DeepEqual(got, wantMS) {
		t.Fatalf("microservices Variables() = %#v, want %#v", got, wantMS)
	}

	for _, tc := range []struct {
		arch string
		vars map[string]string
		want string
	}{
		{"todolist", nil, `unknown architecture "todolist" (have: ingestion, microservices, myblog, mytodolist, paid-content, software-updates)`},
		{"mytodolist", map[string]string{"nickname": "x"}, `mytodolist has no variable "nickname" (have: alarm_topic_arn, allow_user_password_auth,`},
		{"mytodolist", map[string]string{"dax": "yes"}, `dax="yes": want true or false`},
		{"paid-content", map[string]string{"url_ttl_minutes": "5m"}, `want a whole number`},
		{"paid-content", map[string]string{"tags": "team"}, `want key=value,key=value`},
		{"microservices", map[string]string{"network": "vpc-1"}, `network="vpc-1": an object (vpc_id, vpc_cidr_block, public_subnet_ids, private_subnet_ids) cannot be given as a string; set it from Go`},
	} {
		_, err := New(tc.arch, tc.vars)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%s, %v) = %v, want %q", tc.arch, tc.vars, err, tc.want)
		}
	}
}

// TestVariablesObjects: a nested configuration struct is written as the HCL object its tf tags name, with every
// attribute; zero values elsewhere stay unset.
func TestVariablesObjects(t *testing.T) {
	a := Microservices{
		Name: "shop", FinalSnapshot: new(bool),
		Network: &MicroservicesNetwork{VPCID: "vpc-0123456789abcdef0", VPCCIDRBlock: "10.0.0.0/16", PublicSubnetIDs: []string{"subnet-01234567", "subnet-01234568"}},
	}
	got, err := json.Marshal(a.Variables())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"final_snapshot":false,"name":"shop","network":{"private_subnet_ids":null,"public_subnet_ids":["subnet-01234567","subnet-01234568"],"vpc_cidr_block":"10.0.0.0/16","vpc_id":"vpc-0123456789abcdef0"}}`
	if string(got) != want {
		t.Fatalf("Variables() as tfvars JSON = %s, want %s", got, want)
	}
	if names := VariableNames("microservices"); !reflect.DeepEqual(names, []string{"access_logs_force_destroy",
		"alarm_topic_arn", "allow_plain_http", "availability_zones", "certificate_arn", "deletion_protection", "final_snapshot", "flow_logs",
		"name", "nat_gateway", "network", "service_a_image", "service_c_artifact_s3_uri", "tags"}) {
		t.Fatalf("VariableNames(microservices) = %v", names)
	}
}
