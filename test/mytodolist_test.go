package test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/cognitouser"
	"github.com/refarch/terraform-provider-refarch/internal/restapi"
)

type todo struct {
	ID        string `json:"id"`
	Owner     string `json:"owner"`
	Title     string `json:"title"`
	Done      bool   `json:"done"`
	CreatedAt string `json:"created_at"`
}

// TestMyTodoListAPI deploys examples/mytodolist and proves its promises over the execute-api URL: only signed-in
// users get in, each sees only their own todos, todos are created, read, updated and deleted, the item is in
// DynamoDB under the owner's key, a re-plan is empty, and destroy is clean.
func TestMyTodoListAPI(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	opts := stage(t, tg, "mytodolist", map[string]any{"name": uniqueName("todo")})
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, t.Context(), opts)

	tg.startFunction(t, terraform.OutputContext(t, t.Context(), opts, "function_name"), "todos")
	ctx := context.Background()
	pool := cognitouser.Pool{
		API:      cip.NewFromConfig(tg.awsConfig(t)),
		PoolID:   terraform.OutputContext(t, t.Context(), opts, "user_pool_id"),
		ClientID: terraform.OutputContext(t, t.Context(), opts, "user_pool_client_id"),
		Sandbox:  tg.sandbox(),
	}
	alice, err := pool.SignUpAndSignIn(ctx, "alice-"+uniqueName("u")+"@example.com", "Correct-Horse-42!")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := pool.SignUpAndSignIn(ctx, "bob-"+uniqueName("u")+"@example.com", "Battery-Staple-42!")
	if err != nil {
		t.Fatal(err)
	}
	anon := tg.api(t, opts)
	asAlice, asBob := withToken(anon, alice.IDToken), withToken(anon, bob.IDToken)

	// Only signed-in users get in.
	expect(t, anon, http.MethodGet, "/todos", nil, http.StatusUnauthorized)
	expect(t, withToken(anon, forge(alice.IDToken)), http.MethodGet, "/todos", nil, http.StatusUnauthorized)
	expect(t, withToken(anon, "not-a-jwt"), http.MethodGet, "/todos", nil, http.StatusUnauthorized)
	tg.alive(t)

	// Alice creates, lists and reads her todo.
	var created todo
	decode(t, expect(t, asAlice, http.MethodPost, "/todos", map[string]any{"title": "buy milk"}, http.StatusCreated), &created)
	if created.ID == "" || created.Title != "buy milk" || created.Done || created.Owner != alice.Sub {
		t.Fatalf("created todo %+v, want owner %s", created, alice.Sub)
	}
	var list struct{ Todos []todo }
	decode(t, expect(t, asAlice, http.MethodGet, "/todos", nil, http.StatusOK), &list)
	if len(list.Todos) != 1 || list.Todos[0].ID != created.ID {
		t.Fatalf("alice's list %+v, want just %s", list.Todos, created.ID)
	}
	expect(t, asAlice, http.MethodGet, "/todos/"+created.ID, nil, http.StatusOK)

	// Bob sees none of it.
	decode(t, expect(t, asBob, http.MethodGet, "/todos", nil, http.StatusOK), &list)
	if len(list.Todos) != 0 {
		t.Fatalf("bob sees %+v, want nothing", list.Todos)
	}
	expect(t, asBob, http.MethodGet, "/todos/"+created.ID, nil, http.StatusNotFound)
	expect(t, asBob, http.MethodPatch, "/todos/"+created.ID, map[string]any{"done": true}, http.StatusNotFound)
	expect(t, asBob, http.MethodDelete, "/todos/"+created.ID, nil, http.StatusNotFound)

	// Bad input is a 400 with a JSON error, not a 5xx.
	resp := expect(t, asAlice, http.MethodPost, "/todos", `{"title": ""}`, http.StatusBadRequest)
	var apiErr struct{ Error string }
	if decode(t, resp, &apiErr); apiErr.Error == "" {
		t.Fatalf("400 body %s has no error message", resp.Body)
	}
	expect(t, asAlice, http.MethodPost, "/todos", `{"title": "x", "owner": "bob"}`, http.StatusBadRequest)

	// The item is in the table under Alice's key, where the function wrote it.
	table := terraform.OutputContext(t, t.Context(), opts, "table_name")
	db := dynamodb.NewFromConfig(tg.awsConfig(t))
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]types.AttributeValue{"owner": &types.AttributeValueMemberS{Value: alice.Sub}, "id": &types.AttributeValueMemberS{Value: created.ID}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if title, ok := out.Item["title"].(*types.AttributeValueMemberS); !ok || title.Value != "buy milk" {
		t.Fatalf("DynamoDB item %v, want title \"buy milk\" under owner %s", out.Item, alice.Sub)
	}

	// Alice updates and deletes it.
	var updated todo
	decode(t, expect(t, asAlice, http.MethodPatch, "/todos/"+created.ID, map[string]any{"done": true}, http.StatusOK), &updated)
	if !updated.Done || updated.Title != "buy milk" {
		t.Fatalf("updated todo %+v", updated)
	}
	expect(t, asAlice, http.MethodDelete, "/todos/"+created.ID, nil, http.StatusNoContent)
	expect(t, asAlice, http.MethodGet, "/todos/"+created.ID, nil, http.StatusNotFound)

	// Re-applying changes nothing.
	if code := terraform.PlanExitCodeContext(t, t.Context(), opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

func withToken(c *restapi.Client, token string) *restapi.Client {
	cp := *c
	cp.Header = http.Header{"Authorization": {token}}
	return &cp
}

// forge flips one character of the token's signature.
func forge(jwt string) string {
	i := strings.LastIndexByte(jwt, '.') + 5
	b := []byte(jwt)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func expect(t *testing.T, c *restapi.Client, method, path string, body any, status int) restapi.Response {
	t.Helper()
	resp, err := c.Do(context.Background(), method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.Status != status {
		t.Fatalf("%s %s: HTTP %d %s, want %d", method, path, resp.Status, resp.Body, status)
	}
	return resp
}

func decode(t *testing.T, resp restapi.Response, v any) {
	t.Helper()
	if err := resp.JSON(v); err != nil {
		t.Fatal(err)
	}
}
