// Package todos implements the MyTodoList REST API: an API Gateway (REST,
// AWS_PROXY) Lambda handler backed by a narrow Store interface, a DynamoDB
// (or DAX) implementation of that Store, and CachedStore, a short-lived
// per-owner read-through cache in front of any Store.
package todos

import (
	"context"
	"errors"
	"time"
)

// Todo is a single todo item. The JSON form is the public API representation;
// the dynamodbav tags define the DynamoDB item layout (partition key "owner",
// sort key "id").
type Todo struct {
	// ID is a ULID, so sort-key order is creation order.
	ID        string    `json:"id" dynamodbav:"id"`
	Owner     string    `json:"owner" dynamodbav:"owner"`
	Title     string    `json:"title" dynamodbav:"title"`
	Done      bool      `json:"done" dynamodbav:"done"`
	CreatedAt time.Time `json:"created_at" dynamodbav:"created_at"` // RFC3339, UTC
}

// Patch is a partial update of a todo; nil fields are left unchanged.
type Patch struct {
	Title *string
	Done  *bool
}

// ErrNotFound is returned when no todo with the given owner and id exists.
var ErrNotFound = errors.New("todos: not found")

// ErrAlreadyExists is returned by Store.Put when a todo with the same owner
// and id already exists; existing todos are never overwritten.
var ErrAlreadyExists = errors.New("todos: already exists")

// Store persists todos, scoped by owner. Implementations must be safe for
// concurrent use.
type Store interface {
	// Put creates a todo. It must not overwrite an existing todo with the
	// same owner and id (it returns ErrAlreadyExists instead).
	Put(ctx context.Context, t Todo) error
	// Get returns the todo with the given owner and id, or ErrNotFound.
	Get(ctx context.Context, owner, id string) (Todo, error)
	// Update applies p to an existing todo and returns the result, or
	// ErrNotFound; it never creates a todo.
	Update(ctx context.Context, owner, id string, p Patch) (Todo, error)
	// Delete removes an existing todo, or returns ErrNotFound.
	Delete(ctx context.Context, owner, id string) error
	// List returns up to limit (≥ 1) todos of owner in ascending id order
	// (creation order), starting after the id after ("" = from the first).
	// next is the id to pass as after for the following page, "" when
	// there are no more todos. todos is never nil.
	List(ctx context.Context, owner string, limit int, after string) (todos []Todo, next string, err error)
}
