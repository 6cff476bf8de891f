package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
)

var journeys = map[string]journey{
	"mytodolist": {
		functions: map[string]string{"function_name": "todos"},
		walk:      walkMyTodoList,
	},
}

// walkMyTodoList is a mobile user's first minute: an empty list, two new todos, the list again, one todo, a typo.
func walkMyTodoList(ctx context.Context, api *restapi.Client, step stepper) error {
	resp, err := api.Do(ctx, http.MethodGet, "/todos", nil)
	if err := step("GET /todos (empty list)", resp, err); err != nil {
		return err
	}
	var first struct{ ID string }
	for _, title := range []string{"buy milk", "write the refarch README"} {
		resp, err = api.Do(ctx, http.MethodPost, "/todos", map[string]any{"title": title})
		if err := step(fmt.Sprintf("POST /todos %q", title), resp, err); err != nil {
			return err
		}
		if resp.Status != http.StatusCreated {
			return fmt.Errorf("creating a todo gave HTTP %d, want 201", resp.Status)
		}
		if first.ID == "" {
			if err := resp.JSON(&first); err != nil {
				return err
			}
		}
	}
	resp, err = api.Do(ctx, http.MethodGet, "/todos", nil)
	if err := step("GET /todos (both todos)", resp, err); err != nil {
		return err
	}
	var list struct{ Todos []struct{ ID string } }
	if err := resp.JSON(&list); err != nil {
		return err
	}
	if resp.Status != http.StatusOK || len(list.Todos) != 2 {
		return fmt.Errorf("listing gave HTTP %d with %d todos, want 200 with 2", resp.Status, len(list.Todos))
	}
	resp, err = api.Do(ctx, http.MethodGet, "/todos/"+first.ID, nil)
	if err := step("GET /todos/{id}", resp, err); err != nil {
		return err
	}
	resp, err = api.Do(ctx, http.MethodPost, "/todos", `{"titel": "typo"}`)
	if err := step("POST /todos with a typo (expect 400)", resp, err); err != nil {
		return err
	}
	if resp.Status != http.StatusBadRequest {
		return fmt.Errorf("a malformed todo gave HTTP %d, want 400", resp.Status)
	}
	return nil
}
