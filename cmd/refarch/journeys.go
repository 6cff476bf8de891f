package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/refarch/terraform-provider-refarch/internal/cognitouser"
)

var journeys = map[string]journey{
	"mytodolist": {walk: walkMyTodoList},
	"ingestion":  {walk: walkIngestion},
}

// walkMyTodoList is a mobile user's first minute: turned away without signing in, signs up and in, adds two
// todos, lists them, ticks one off, deletes the other, makes a typo.
func walkMyTodoList(ctx context.Context, d deployment, step stepper) error {
	resp, err := d.api.Do(ctx, http.MethodGet, "/todos", nil)
	if err := step("GET /todos without signing in", resp, err); err != nil {
		return err
	}
	if resp.Status != http.StatusUnauthorized {
		return fmt.Errorf("an anonymous request gave HTTP %d, want 401", resp.Status)
	}

	pool := cognitouser.Pool{
		API:      cip.NewFromConfig(d.aws),
		PoolID:   d.output("user_pool_id"),
		ClientID: d.output("user_pool_client_id"),
		Sandbox:  true,
	}
	email := fmt.Sprintf("demo-%d@example.com", time.Now().UnixNano())
	user, err := pool.SignUpAndSignIn(ctx, email, "Correct-Horse-42!")
	if err != nil {
		return err
	}
	fmt.Printf("  ✓ %-40s Cognito: sign-up, confirm, sign-in → ID token for sub %s\n", "sign up "+email, user.Sub)
	api := *d.api
	api.Header = http.Header{"Authorization": {user.IDToken}}

	var ids []string
	for _, title := range []string{"buy milk", "write the refarch README"} {
		resp, err = api.Do(ctx, http.MethodPost, "/todos", map[string]any{"title": title})
		if err := step(fmt.Sprintf("POST /todos %q", title), resp, err); err != nil {
			return err
		}
		var created struct{ ID string }
		if err := resp.JSON(&created); err != nil || resp.Status != http.StatusCreated {
			return fmt.Errorf("creating a todo gave HTTP %d, want 201", resp.Status)
		}
		ids = append(ids, created.ID)
	}
	resp, err = api.Do(ctx, http.MethodGet, "/todos", nil)
	if err := step("GET /todos (both todos)", resp, err); err != nil {
		return err
	}
	var list struct{ Todos []struct{ ID string } }
	if err := resp.JSON(&list); err != nil || resp.Status != http.StatusOK || len(list.Todos) != 2 {
		return fmt.Errorf("listing gave HTTP %d with %d todos, want 200 with 2", resp.Status, len(list.Todos))
	}
	calls := []struct {
		what, method, path string
		body               any
		want               int
	}{
		{"PATCH /todos/{id} done", http.MethodPatch, "/todos/" + ids[0], map[string]any{"done": true}, http.StatusOK},
		{"DELETE /todos/{id}", http.MethodDelete, "/todos/" + ids[1], nil, http.StatusNoContent},
		{"GET /todos/{id} (deleted, expect 404)", http.MethodGet, "/todos/" + ids[1], nil, http.StatusNotFound},
		{"POST /todos with a typo (expect 400)", http.MethodPost, "/todos", `{"titel": "typo"}`, http.StatusBadRequest},
	}
	for _, c := range calls {
		resp, err = api.Do(ctx, c.method, c.path, c.body)
		if err := step(c.what, resp, err); err != nil {
			return err
		}
		if resp.Status != c.want {
			return fmt.Errorf("%s gave HTTP %d, want %d", c.what, resp.Status, c.want)
		}
	}
	return nil
}
