package test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/gruntwork-io/terratest/modules/terraform"
)

type todo struct {
	ID        string `json:"id"`
	Owner     string `json:"owner"`
	Title     string `json:"title"`
	Done      bool   `json:"done"`
	CreatedAt string `json:"created_at"`
}

// TestMyTodoListAPI deploys examples/mytodolist, creates and reads todos over the execute-api URL, checks the item
// in DynamoDB, re-plans to an empty plan and destroys.
func TestMyTodoListAPI(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	opts := stage(t, tg, "mytodolist", map[string]any{"name": uniqueName("todo")})
	defer tg.destroy(t, opts)
	terraform.InitAndApply(t, opts)

	tg.startFunction(t, terraform.Output(t, opts, "function_name"), "todos")
	api := tg.api(t, opts)
	ctx := context.Background()

	// Create.
	resp, err := api.Do(ctx, http.MethodPost, "/todos", map[string]any{"title": "buy milk"})
	tg.alive(t)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusCreated {
		t.Fatalf("POST /todos: %d %s", resp.Status, resp.Body)
	}
	var created todo
	if err := resp.JSON(&created); err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Title != "buy milk" || created.Done {
		t.Fatalf("created todo %+v", created)
	}

	// List holds it.
	resp, err = api.Do(ctx, http.MethodGet, "/todos", nil)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("GET /todos: %v %d %s", err, resp.Status, resp.Body)
	}
	var list struct{ Todos []todo }
	if err := resp.JSON(&list); err != nil {
		t.Fatal(err)
	}
	if len(list.Todos) != 1 || list.Todos[0].ID != created.ID {
		t.Fatalf("GET /todos = %+v, want just %s", list.Todos, created.ID)
	}

	// Get one, and a missing one.
	resp, err = api.Do(ctx, http.MethodGet, "/todos/"+created.ID, nil)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("GET /todos/%s: %v %d %s", created.ID, err, resp.Status, resp.Body)
	}
	resp, err = api.Do(ctx, http.MethodGet, "/todos/does-not-exist", nil)
	if err != nil || resp.Status != http.StatusNotFound {
		t.Fatalf("GET missing todo: %v %d %s, want 404", err, resp.Status, resp.Body)
	}

	// Bad input is a 400 with a JSON error, not a 5xx.
	resp, err = api.Do(ctx, http.MethodPost, "/todos", `{"title": ""}`)
	if err != nil || resp.Status != http.StatusBadRequest {
		t.Fatalf("POST empty title: %v %d %s, want 400", err, resp.Status, resp.Body)
	}
	var apiErr struct{ Error string }
	if err := resp.JSON(&apiErr); err != nil || apiErr.Error == "" {
		t.Fatalf("400 body %s has no error message", resp.Body)
	}

	// The item is in the table, where the function wrote it.
	out, err := dynamodb.NewFromConfig(tg.awsConfig(t)).GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(terraform.Output(t, opts, "table_name")),
		Key: map[string]types.AttributeValue{
			"owner": &types.AttributeValueMemberS{Value: created.Owner},
			"id":    &types.AttributeValueMemberS{Value: created.ID},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if title, ok := out.Item["title"].(*types.AttributeValueMemberS); !ok || title.Value != "buy milk" {
		t.Fatalf("DynamoDB item %v, want title \"buy milk\"", out.Item)
	}

	// Re-applying changes nothing.
	if code := terraform.PlanExitCode(t, opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}
