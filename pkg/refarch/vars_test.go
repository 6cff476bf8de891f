package refarch

import (
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

	for _, tc := range []struct {
		arch string
		vars map[string]string
		want string
	}{
		{"todolist", nil, `unknown architecture "todolist" (have: ingestion, myblog, mytodolist, paid-content, software-updates)`},
		{"mytodolist", map[string]string{"nickname": "x"}, `mytodolist has no variable "nickname" (have: allow_user_password_auth,`},
		{"mytodolist", map[string]string{"dax": "yes"}, `dax="yes": want true or false`},
		{"paid-content", map[string]string{"url_ttl_minutes": "5m"}, `want a whole number`},
		{"paid-content", map[string]string{"tags": "team"}, `want key=value,key=value`},
	} {
		_, err := New(tc.arch, tc.vars)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%s, %v) = %v, want %q", tc.arch, tc.vars, err, tc.want)
		}
	}
}
