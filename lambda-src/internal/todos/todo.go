// Package todos implements the MyTodoList REST API: an API Gateway (REST,
// AWS_PROXY) Lambda handler backed by a narrow Store interface, plus a
// DynamoDB implementation of that Store.
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
	ID        string    `json:"id" dynamodbav:"id"`
	Owner     string    `json:"owner" dynamodbav:"owner"`
	Title     string    `json:"title" dynamodbav:"title"`
	Done      bool      `json:"done" dynamodbav:"done"`
	CreatedAt time.Time `json:"created_at" dynamodbav:"created_at"` // RFC3339, UTC
}

// ErrNotFound is returned by Store.Get when no todo with the given owner and
// id exists.
var ErrNotFound = errors.New("todos: not found")

// ErrAlreadyExists is returned by Store.Put when a todo with the same owner
// and id already exists; existing todos are never overwritten.
var ErrAlreadyExists = errors.New("todos: already exists")

// Store persists todos, scoped by owner.
type Store interface {
	// Put creates a todo. It must not overwrite an existing todo with the
	// same owner and id (it returns ErrAlreadyExists instead).
	Put(ctx context.Context, t Todo) error
	// Get returns the todo with the given owner and id, or ErrNotFound.
	Get(ctx context.Context, owner, id string) (Todo, error)
	// List returns all todos of owner (in any order; callers sort).
	List(ctx context.Context, owner string) ([]Todo, error)
}
